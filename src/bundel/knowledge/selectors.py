"""Reading the knowledge base: who sees which documents, search, negotiated rates."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from bundel.audit.models import AuditEntry
from bundel.audit.selectors import audit_entries_for
from bundel.membership.constants import MEMBER_STATES, OPEN_STATES
from bundel.membership.models import Membership

from . import search
from .constants import DocumentState, Visibility
from .models import Category, Document, DocumentVersion, Tag

# Columns a list of documents does not need (the index and the texts).
LIST_DEFERRED = (
    "search_vector",
    "search_stems",
    "search_title_stems",
    "withdrawn_reason",
    "current_version__body",
    "current_version__extracted_text",
    "current_version__note",
)


def visibility_levels(user) -> tuple[str, ...]:
    """The visibility levels a user reads. Staff read everything (see
    `documents_visible_to`); a person of a member board reads all three levels; of a
    board that declared interest or applied, public and "interested boards"; anyone
    else (the public, suppliers, boards that are neither) only public documents."""
    if user is None or not user.is_authenticated or not user.board_id:
        return (Visibility.PUBLIC,)
    states = set(
        Membership.objects.filter(board_id=user.board_id, state__in=OPEN_STATES).values_list(
            "state", flat=True
        )
    )
    if states & set(MEMBER_STATES):
        return (Visibility.PUBLIC, Visibility.INTERESTED, Visibility.MEMBERS)
    if states:
        return (Visibility.PUBLIC, Visibility.INTERESTED)
    return (Visibility.PUBLIC,)


def audience(user) -> str | tuple[str, ...]:
    """Who `user` is to the knowledge base: "staff" (every document), else the visibility
    levels they read. Everyone of one audience sees the same documents."""
    if user is not None and user.is_authenticated and user.is_cooperative_staff:
        return "staff"
    return visibility_levels(user)


def documents_visible_to(user) -> QuerySet[Document]:
    """Staff see every document, withdrawn ones too; anyone else the published
    documents of the levels they read."""
    documents = Document.objects.select_related("category", "current_version")
    levels = audience(user)
    if levels == "staff":
        return documents
    return documents.filter(state=DocumentState.PUBLISHED, visibility__in=levels)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    category: Category | None = None
    tag: Tag | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def any(self) -> bool:
        return bool(self.q or self.category or self.tag or self.date_from or self.date_to)


def document_search(*, user, filters: Filters) -> QuerySet[Document]:
    """The documents the user may see that match the filters: with a query best match
    first (`rank`), else the latest changed first. The date range is that of the
    current version (`updated_at`), both ends included."""
    documents = documents_visible_to(user).defer(*LIST_DEFERRED)
    if filters.category:
        documents = documents.filter(category=filters.category)
    if filters.tag:
        documents = documents.filter(tags=filters.tag)
    if filters.date_from:
        documents = documents.filter(updated_at__date__gte=filters.date_from)
    if filters.date_to:
        documents = documents.filter(updated_at__date__lte=filters.date_to)
    documents = documents.prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by(Lower("name")))
    )
    if filters.q.strip():
        return search.matching(documents, filters.q.strip())
    return documents.order_by("-updated_at", "-pk")


def with_snippets(documents, q: str) -> list[Document]:
    """A page of documents with `title_html` and `snippet` (see `search.attach_snippets`)."""
    documents = list(documents)
    search.attach_snippets(documents, q.strip())
    return documents


def document_detail(*, user, pk: int) -> Document:
    """A document the user may see with its category, owner, current version and tags;
    `Document.DoesNotExist` for any other (whether or not it exists)."""
    return (
        documents_visible_to(user)
        .select_related("owner")
        .defer("search_vector", "search_stems", "search_title_stems")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by(Lower("name"))))
        .get(pk=pk)
    )


def document_versions(document: Document) -> QuerySet[DocumentVersion]:
    """Every version, newest first, without their texts."""
    return (
        document.versions.select_related("created_by")
        .defer("body", "extracted_text")
        .order_by("-number")
    )


def version_detail(*, user, pk: int, number: int) -> DocumentVersion:
    """One version of a document the user may see (`DocumentVersion.DoesNotExist`
    otherwise), with its document."""
    visible = documents_visible_to(user).filter(pk=pk).values("pk")
    return DocumentVersion.objects.select_related(
        "document", "document__category", "created_by"
    ).get(document__in=visible, number=number)


def document_audit_entries(*, document: Document, user) -> QuerySet[AuditEntry]:
    """The document's changes (versions included), newest first. Staff only."""
    return audit_entries_for(obj=document, user=user)


# -- negotiated rates ----------------------------------------------------------------------


@dataclass(frozen=True)
class NegotiatedRate:
    """One rate of a framework contract that members may order under."""

    contract: str  # the framework contract (raamovereenkomst), e.g. its reference
    supplier: str
    lot: str  # the lot (perceel) of the tender it came from
    product: str
    unit: str  # per month, per location, per access point, ...
    price: Decimal  # EUR, excluding VAT
    valid_from: date
    valid_until: date | None
    url: str = ""  # the contract's page


def negotiated_rates(*, user) -> list[NegotiatedRate]:
    """The rates of the framework contracts members may order under, for members and
    staff (an empty list for anyone else).

    The rates of the framework contracts running today (`bundel.contracts`), ordered by
    contract and product in catalogue order; one query."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from bundel.contracts.selectors import running_rates

    if not may_see_rates(user):
        return []
    return [
        NegotiatedRate(
            contract=rate.contract.reference,
            supplier=rate.contract.supplier_name,
            lot=f"{rate.contract.lot} ({rate.contract.lot.tender.title})",
            product=f"{rate.product.name}, {rate.capacity.label}",
            unit=_("per month per location"),
            price=rate.monthly_rate,
            valid_from=rate.contract.starts_on,
            valid_until=rate.contract.ends_on,
            url=reverse("contracts:detail", args=[rate.contract.pk]),
        )
        for rate in running_rates()
    ]


def may_see_rates(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_cooperative_staff or Visibility.MEMBERS in visibility_levels(user)
