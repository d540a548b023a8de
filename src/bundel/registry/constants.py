from django.db import models
from django.utils.translation import gettext_lazy as _


class SectorType(models.TextChoices):
    """DUO's kinds of education at a location."""

    BO = "bo", _("Primary (bo)")
    SBO = "sbo", _("Special primary (sbo)")
    SO = "so", _("Special (so)")
    VSO = "vso", _("Special secondary (vso)")
    VO = "vo", _("Secondary (vo)")


class Sector(models.TextChoices):
    """The two sectors a board can govern; a board with both is 'both'."""

    PO = "po", _("Primary (po)")
    VO = "vo", _("Secondary (vo)")
    BOTH = "both", _("Primary and secondary")


# DUO counts so and vso (the expertise centres) with primary education.
PO_SECTOR_TYPES = (SectorType.BO, SectorType.SBO, SectorType.SO, SectorType.VSO)
VO_SECTOR_TYPES = (SectorType.VO,)


class Province(models.TextChoices):
    DRENTHE = "Drenthe", "Drenthe"
    FLEVOLAND = "Flevoland", "Flevoland"
    FRIESLAND = "Friesland", "Friesland"
    GELDERLAND = "Gelderland", "Gelderland"
    GRONINGEN = "Groningen", "Groningen"
    LIMBURG = "Limburg", "Limburg"
    NOORD_BRABANT = "Noord-Brabant", "Noord-Brabant"
    NOORD_HOLLAND = "Noord-Holland", "Noord-Holland"
    OVERIJSSEL = "Overijssel", "Overijssel"
    UTRECHT = "Utrecht", "Utrecht"
    ZEELAND = "Zeeland", "Zeeland"
    ZUID_HOLLAND = "Zuid-Holland", "Zuid-Holland"
