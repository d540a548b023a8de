from django.db import models
from django.utils.translation import gettext_lazy as _

from bundel.tenders.constants import TenderState


class QuestionState(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered in the nota van inlichtingen")


# A supplier sees a tender in these states (published or later; a tender cancelled after
# its publication stays visible, as the tenders app shows it to anyone).
SUPPLIER_STATES = (
    TenderState.PUBLISHED,
    TenderState.CLOSED,
    TenderState.EVALUATION,
    TenderState.AWARD_DECISION,
    TenderState.STANDSTILL,
    TenderState.CONTRACTED,
    TenderState.CANCELLED,
)
# The award decision letters exist from the award decision on; a supplier reads its own
# once the decision is sent (the standstill period runs).
LETTER_STATES = (TenderState.AWARD_DECISION, TenderState.STANDSTILL, TenderState.CONTRACTED)
LETTER_SENT_STATES = (TenderState.STANDSTILL, TenderState.CONTRACTED)
# The committee is set up until the award decision.
COMMITTEE_STATES = (
    TenderState.DRAFT,
    TenderState.DEMAND_REGISTRATION,
    TenderState.PUBLISHED,
    TenderState.CLOSED,
    TenderState.EVALUATION,
)
