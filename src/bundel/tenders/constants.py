from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.TextChoices):
    OPEN = "open", _("Open procedure")
    RESTRICTED = "restricted", _("Restricted procedure")
    NEGOTIATED = "negotiated", _("Competitive procedure with negotiation")
    COMPETITIVE_DIALOGUE = "competitive_dialogue", _("Competitive dialogue")
    INNOVATION_PARTNERSHIP = "innovation_partnership", _("Innovation partnership")
    SINGLE_PRIVATE = "single_private", _("Single private procedure (national)")
    MULTIPLE_PRIVATE = "multiple_private", _("Multiple private procedure (national)")


# The procedures of the directive; at or above the EU threshold one of these is required.
EUROPEAN_PROCEDURES = (
    Procedure.OPEN,
    Procedure.RESTRICTED,
    Procedure.NEGOTIATED,
    Procedure.COMPETITIVE_DIALOGUE,
    Procedure.INNOVATION_PARTNERSHIP,
)

# European procedures that start with requests to participate (a selection stage).
WITH_REQUESTS_TO_PARTICIPATE = (
    Procedure.RESTRICTED,
    Procedure.NEGOTIATED,
    Procedure.COMPETITIVE_DIALOGUE,
    Procedure.INNOVATION_PARTNERSHIP,
)


class AwardMethod(models.TextChoices):
    POINTS = "points", _("Weighted points")
    VALUE = "value", _("Award on value (gunnen op waarde)")


class TenderState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DEMAND_REGISTRATION = "demand_registration", _("Demand registration")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed for bids")
    EVALUATION = "evaluation", _("Evaluation")
    AWARD_DECISION = "award_decision", _("Award decision")
    STANDSTILL = "standstill", _("Standstill period")
    CONTRACTED = "contracted", _("Contracted")
    CANCELLED = "cancelled", _("Cancelled")


# While a tender is being prepared, its details, lots and award criteria may change;
# from publication on they are what was published.
EDITABLE_STATES = (TenderState.DRAFT, TenderState.DEMAND_REGISTRATION)
# Everyone sees a tender from its publication on (the notice is public).
PUBLIC_STATES = (
    TenderState.PUBLISHED,
    TenderState.CLOSED,
    TenderState.EVALUATION,
    TenderState.AWARD_DECISION,
    TenderState.STANDSTILL,
    TenderState.CONTRACTED,
)
FINAL_STATES = (TenderState.CONTRACTED, TenderState.CANCELLED)
