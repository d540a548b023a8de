"""The national registry: boards, schools, locations and pupil counts (DUO open data).

Derived facts (a board's sectors, its pupils at a count date) are computed from locations
and pupil counts. The current ones (place, sectors, locations, pupils at the latest count
dates) are kept per board in `BoardSummary` (see `summaries.py`), so a list of boards is
a plain read.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .constants import PO_SECTOR_TYPES, VO_SECTOR_TYPES, Province, SectorType

duo_number_validator = RegexValidator(r"^\d{5}$", _("A DUO board number has 5 digits."))
brin_validator = RegexValidator(
    r"^[0-9A-Z]{4}$", _("A BRIN code has 4 characters: digits and capitals.")
)
location_code_validator = RegexValidator(
    r"^[0-9A-Z]{4}\d{2}$", _("A location code is the BRIN code followed by 2 digits.")
)
kvk_validator = RegexValidator(r"^\d{8}$", _("A KvK number has 8 digits."))


class Board(models.Model):
    """A competent authority (bevoegd gezag) as DUO registers it."""

    duo_number = models.CharField(
        _("DUO number"), max_length=5, unique=True, validators=[duo_number_validator]
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    denomination = models.CharField(_("denomination"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[kvk_validator]
    )

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["duo_number"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("registry:board", args=[self.duo_number])

    @property
    def display_name(self) -> str:
        return self.name or _("Board %(number)s") % {"number": self.duo_number}


class School(models.Model):
    """An institution (instelling) with its BRIN code; its locations carry the data."""

    brin = models.CharField(_("BRIN"), max_length=4, unique=True, validators=[brin_validator])

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["brin"]

    def __str__(self) -> str:
        return self.brin


class Location(models.Model):
    """A school location (vestiging): BRIN + 2 digits.

    `board` is the board that governs it according to the newest source seen
    (`board_as_of`); a location whose board is unknown keeps `board` empty.
    """

    code = models.CharField(
        _("location code"), max_length=6, unique=True, validators=[location_code_validator]
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="locations", verbose_name=_("school")
    )
    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="locations",
        null=True,
        blank=True,
        verbose_name=_("board"),
    )
    board_as_of = models.DateField(_("board known as of"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    sector_type = models.CharField(_("sector type"), max_length=3, choices=SectorType.choices)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    municipality_code = models.CharField(_("municipality code"), max_length=4, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices, blank=True)
    denomination = models.CharField(_("denomination"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    education_structure = models.CharField(_("education structure"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["code"]
        indexes = [models.Index(fields=["place"]), models.Index(fields=["province"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("registry:location", args=[self.code])

    @property
    def is_po(self) -> bool:
        return self.sector_type in PO_SECTOR_TYPES

    @property
    def is_vo(self) -> bool:
        return self.sector_type in VO_SECTOR_TYPES


class PupilCount(models.Model):
    """Pupils at one location, on one count date, of one sector type.

    `board` is the board DUO reported for that count (boards merge; the location's
    current board may differ). `pupils` is null when DUO suppressed the number.
    `outsourced_vavo` (vo only) is kept apart from `pupils`; null means unknown
    (DUO's "<5").
    """

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="pupil_counts", verbose_name=_("location")
    )
    count_date = models.DateField(_("count date"))
    sector_type = models.CharField(_("sector type"), max_length=3, choices=SectorType.choices)
    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="pupil_counts",
        null=True,
        blank=True,
        verbose_name=_("board at the count date"),
    )
    pupils = models.PositiveIntegerField(_("pupils"), null=True, blank=True)
    outsourced_vavo = models.PositiveIntegerField(
        _("pupils outsourced to VAVO"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("pupil count")
        verbose_name_plural = _("pupil counts")
        ordering = ["location", "count_date", "sector_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "count_date", "sector_type"],
                name="registry_pupilcount_unique_per_date_and_type",
            )
        ]
        indexes = [
            models.Index(fields=["count_date", "sector_type"]),
            models.Index(fields=["board", "count_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.location.code} {self.count_date} {self.sector_type}: {self.pupils}"


class BoardSummary(models.Model):
    """A board's current figures, derived from its locations and pupil counts.

    Written only by `summaries.refresh_board_summaries`: after every DUO import and on
    every save or delete of a board, location or pupil count (signals, see apps.py).
    Each refresh moves the registry's data version on (`bundel.core.versions`, "registry").
    """

    board = models.OneToOneField(
        Board,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="summary",
        verbose_name=_("board"),
    )
    main_place = models.CharField(_("place"), max_length=100, blank=True)
    location_count = models.PositiveIntegerField(_("locations"), default=0)
    has_po = models.BooleanField(_("has primary education"), default=False)
    has_vo = models.BooleanField(_("has secondary education"), default=False)
    current_pupils = models.PositiveIntegerField(_("pupils"), null=True, blank=True)
    # When the row was last computed (for whoever reads the table; nothing selects on it).
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("board summary")
        verbose_name_plural = _("board summaries")

    def __str__(self) -> str:
        return str(self.board_id)
