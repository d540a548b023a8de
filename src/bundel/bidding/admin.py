"""Bidding in the admin: read-only. Documents are uploaded, questions answered, bids
submitted and scores given on the bidding pages, through the services.

A bid shows its envelope only (supplier, lot, time, hash); its contents appear on its
page here from the closing time on, read through `selectors.bid_contents`, which refuses
them before then. The contents' own tables and the members' scores (independence) are
not in the admin at all.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from bundel.core.admin import ReadOnlyAdmin

from . import selectors
from .models import Bid, CommitteeMember, Question, TenderDocument


@admin.register(TenderDocument)
class TenderDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "version", "tender", "file_name", "size", "uploaded_at"]
    list_filter = ["tender"]
    search_fields = ["title", "file_name"]
    list_select_related = ["tender"]
    fields = [
        "tender",
        "title",
        "version",
        "file_name",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "tender", "state", "asked_by", "asked_at", "answered_at"]
    list_filter = ["state", "tender"]
    list_select_related = ["tender", "asked_by"]
    fields = [
        "tender",
        "lot",
        "asked_by",
        "asked_at",
        "text",
        "state",
        "number",
        "published_text",
        "answer",
        "answered_by",
        "answered_at",
    ]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "tender", "is_chair"]
    list_select_related = ["tender", "user"]
    list_filter = ["tender"]


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    list_display = [
        "organisation",
        "tender",
        "lot_number",
        "sequence",
        "submitted_at",
        "sha256",
        "is_current",
    ]
    list_filter = ["tender"]
    list_select_related = ["tender", "lot"]
    search_fields = ["organisation"]
    fields = [
        "tender",
        "lot",
        "supplier",
        "organisation",
        "sequence",
        "submitted_at",
        "sha256",
        "superseded_at",
        "superseded_by",
        "sealed_contents",
    ]
    readonly_fields = ["sealed_contents"]

    def get_queryset(self, request):
        return selectors.bids_visible_to(request.user).select_related("supplier")

    @admin.display(description=_("lot"), ordering="lot__number")
    def lot_number(self, bid):
        return bid.lot.number

    @admin.display(description=_("counts"), boolean=True)
    def is_current(self, bid):
        return bid.superseded_at is None

    @admin.display(description=_("contents"))
    def sealed_contents(self, bid):
        """Named apart from `Bid.contents` (the related row), which the admin would
        otherwise read as a field."""
        try:
            contents = selectors.bid_contents(bid=bid, user=getattr(bid, "viewer", None))
        except selectors.SealedBid as sealed:
            return str(sealed)
        except PermissionDenied:
            return "-"
        answers = format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", ((name, text) for name, text in contents.answers.items())
        )
        files = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (reverse("bidding:attachment", args=[bid.pk, a.pk]), a.file_name, a.sha256)
                for a in contents.attachments.all()
            ),
        )
        return format_html(
            "<p>€ {}</p><dl>{}</dl><ul>{}</ul>", floatformat(contents.price, "2g"), answers, files
        )

    def get_object(self, request, object_id, from_field=None):
        """The bid with who looks at it: its contents depend on that person."""
        bid = super().get_object(request, object_id, from_field)
        if bid is not None:
            bid.viewer = request.user
        return bid
