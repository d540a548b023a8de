"""What suppliers and the cooperative exchange around a published tender: its documents,
the suppliers' questions (answered in the nota van inlichtingen), the sealed bids and
their evaluation by a committee.

A bid is kept in two parts so that its sealing is a matter of structure, not of care:
the envelope (`Bid`: who, which lot, when, the SHA-256 of the contents, superseded or not)
is what lists, the admin and the audit trail show; the contents (`BidContent`: price and
answers, with `BidAttachment`s) sit in their own table and are read only through
`selectors.bid_contents`, which refuses anyone but the supplier itself before the closing
time. Nothing of a bid is ever updated: a change is a new submission.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bundel.tenders.models import AwardCriterion, Lot, Tender

from .constants import QuestionState


def document_path(document: "TenderDocument", filename: str) -> str:
    """A name nobody can guess or choose; the uploaded name is kept in `file_name`."""
    return f"bidding/documents/{document.tender_id}/{uuid.uuid4().hex}.pdf"


def attachment_path(attachment: "BidAttachment", filename: str) -> str:
    return f"bidding/bids/{uuid.uuid4().hex}.pdf"


class TenderDocument(models.Model):
    """A document of a tender (the guide, the schedule of requirements, a draft
    contract...). Documents with the same title are versions of one document, in the
    order they were uploaded; the newest is the current one."""

    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="documents", verbose_name=_("tender")
    )
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("tender document")
        verbose_name_plural = _("tender documents")
        ordering = ["tender", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "title", "version"], name="bidding_document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class Question(models.Model):
    """A supplier's question. Who asked is for staff only: the nota van inlichtingen shows
    the question as published (`published_text`, which staff may word anew, e.g. to leave
    out a company's name) with its number and the answer."""

    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="questions", verbose_name=_("tender")
    )
    lot = models.ForeignKey(
        Lot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lot"),
        help_text=_("Empty: the question is about the tender as a whole."),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"))
    state = models.CharField(
        _("state"), max_length=20, choices=QuestionState.choices, default=QuestionState.OPEN
    )
    number = models.PositiveIntegerField(_("number in the nota"), null=True, blank=True)
    published_text = models.TextField(_("question as published"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["tender", "asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "number"],
                condition=Q(number__isnull=False),
                name="bidding_question_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(state=QuestionState.OPEN, number__isnull=True)
                | (Q(state=QuestionState.ANSWERED, number__isnull=False) & ~Q(answer="")),
                name="bidding_question_answered_has_number",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return _("Question %(number)s") % {"number": self.number}
        return _("Question of %(date)s") % {"date": f"{self.asked_at:%Y-%m-%d %H:%M}"}


class Bid(models.Model):
    """The envelope of a submission: everything about it but its contents. A supplier's
    later submission for the same lot supersedes this one (`superseded_at`); only the
    latest counts."""

    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="bids", verbose_name=_("tender")
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="bids", verbose_name=_("lot")
    )
    supplier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bids",
        verbose_name=_("supplier"),
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    sequence = models.PositiveIntegerField(
        _("submission"), help_text=_("1 for the supplier's first submission for the lot.")
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    sha256 = models.CharField(
        _("SHA-256 of the contents"),
        max_length=64,
        help_text=_(
            "Of the canonical JSON of the price, the answers and the attachments' SHA-256."
        ),
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["tender", "lot", "organisation", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "supplier", "sequence"], name="bidding_bid_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["lot", "supplier"],
                condition=Q(superseded_at__isnull=True),
                name="bidding_bid_one_latest",
                violation_error_message=_("A supplier has one current bid per lot."),
            ),
        ]
        indexes = [models.Index(fields=["tender", "superseded_at"])]

    def __str__(self) -> str:
        return _("Bid %(number)s of %(organisation)s for lot %(lot)s") % {
            "number": self.sequence,
            "organisation": self.organisation,
            "lot": self.lot.number,
        }

    @property
    def is_latest(self) -> bool:
        return self.superseded_at is None


class BidContent(models.Model):
    """The sealed contents of a bid. Read through `selectors.bid_contents` only."""

    bid = models.OneToOneField(
        Bid, on_delete=models.PROTECT, related_name="contents", verbose_name=_("bid")
    )
    price = models.DecimalField(
        _("price (EUR)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("The price the award method ranks, excluding VAT."),
    )
    answers = models.JSONField(
        _("answers"), default=dict, help_text=_("The answer to each quality criterion, by name.")
    )

    class Meta:
        verbose_name = _("bid contents")
        verbose_name_plural = _("bid contents")

    def __str__(self) -> str:
        return _("Contents of bid %(pk)s") % {"pk": self.bid_id}


class BidAttachment(models.Model):
    content = models.ForeignKey(
        BidContent, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("bid")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("bid attachment")
        verbose_name_plural = _("bid attachments")
        ordering = ["content", "position"]

    def __str__(self) -> str:
        return self.file_name


class CommitteeMember(models.Model):
    """A staff member on a tender's evaluation committee; one of them chairs it."""

    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="committee", verbose_name=_("tender")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["tender", "-is_chair", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "user"], name="bidding_committee_unique"),
            models.UniqueConstraint(
                fields=["tender"], condition=Q(is_chair=True), name="bidding_committee_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class ScoreSheet(models.Model):
    """One committee member's scores for a tender: kept to themselves until submitted;
    once submitted they no longer change."""

    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="score_sheets", verbose_name=_("tender")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["tender", "member"], name="bidding_sheet_unique")
        ]

    def __str__(self) -> str:
        return _("Scores of %(member)s") % {
            "member": self.member.get_full_name() or self.member.get_username()
        }


class Score(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("sheet")
    )
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+", verbose_name=_("bid"))
    criterion = models.ForeignKey(
        AwardCriterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "bid", "criterion"], name="bidding_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ConsolidatedScore(models.Model):
    """The committee's score of a bid on a criterion, set by the chair with the reasons;
    the ranking and the award decision letters use these."""

    bid = models.ForeignKey(
        Bid, on_delete=models.PROTECT, related_name="consolidated", verbose_name=_("bid")
    )
    criterion = models.ForeignKey(
        AwardCriterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    note = models.TextField(_("reasons"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("consolidated score")
        verbose_name_plural = _("consolidated scores")
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="bidding_consolidated_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class AwardReasons(models.Model):
    """The reasons of the award decision for a lot, as the letters give them."""

    lot = models.OneToOneField(
        Lot, on_delete=models.PROTECT, related_name="award_reasons", verbose_name=_("lot")
    )
    text = models.TextField(_("reasons"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("reasons of the award decision")
        verbose_name_plural = _("reasons of the award decisions")

    def __str__(self) -> str:
        return str(self.lot)
