from django.db import models
from django.utils.translation import gettext_lazy as _


class Lifecycle(models.TextChoices):
    EXPLORING = "exploring", _("Exploring")
    IN_TENDER = "in_tender", _("In tender")
    AVAILABLE = "available", _("Available")
    PHASE_OUT = "phase_out", _("Phase-out")
    END_OF_LIFE = "end_of_life", _("End of life")


class GroupStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    EXPLORING = "exploring", _("Being explored")


class RuleKind(models.TextChoices):
    REQUIRES = "requires", _("requires")
