"""Who sees which tender, and a tender read with everything a page or the API shows."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from bundel.accounts.constants import Role
from bundel.audit.selectors import audit_entries_for
from bundel.catalogue.models import ProductGroup
from bundel.membership.selectors import user_is_member

from .constants import PUBLIC_STATES, TenderState
from .models import DemandLine, Participation, Tender


def tenders_visible_to(user) -> QuerySet[Tender]:
    """Staff: every tender. Anyone: a tender from its publication on (also when it was
    cancelled after that). People of member boards: also while demand is registered."""
    tenders = Tender.objects.all()
    if user is not None and user.is_authenticated and user.is_cooperative_staff:
        return tenders
    shown = Q(state__in=PUBLIC_STATES) | Q(state=TenderState.CANCELLED, published_on__isnull=False)
    if user_is_member(user):
        shown |= Q(state=TenderState.DEMAND_REGISTRATION)
    return tenders.filter(shown)


def with_details(tenders: QuerySet[Tender]) -> QuerySet[Tender]:
    """Product groups, lots and criteria in three queries, whatever the number of rows."""
    return tenders.prefetch_related(
        Prefetch("product_groups", queryset=ProductGroup.objects.order_by("position", "code")),
        "lots",
        "criteria",
    )


def with_lot_counts(tenders: QuerySet[Tender]) -> QuerySet[Tender]:
    """With the number of lots and the product groups: two queries, newest first."""
    return (
        tenders.annotate(lot_count=Count("lots"))
        .prefetch_related(
            Prefetch("product_groups", queryset=ProductGroup.objects.order_by("position", "code"))
        )
        .order_by("-notice_date", "-pk")
    )


def tender_audit_entries(*, tender: Tender, user):
    return audit_entries_for(obj=tender, user=user).order_by("-created_at", "-pk")


# --- demand registration and the bundled demand -------------------------------------


def participations_visible_to(user) -> QuerySet[Participation]:
    """Staff see every board's demand; a board's contact and council member only their own
    board's; anyone else nothing."""
    participations = Participation.objects.select_related("tender", "board")
    if user is None or not user.is_authenticated:
        return participations.none()
    if user.is_cooperative_staff:
        return participations
    if user.board_id and (user.is_board_contact or user.role == Role.COUNCIL_MEMBER):
        return participations.filter(board_id=user.board_id)
    return participations.none()


def with_lines(participations: QuerySet[Participation]) -> QuerySet[Participation]:
    """The lines with their lot, location, product and capacity: two queries."""
    lines = DemandLine.objects.select_related("lot", "location", "product", "capacity").order_by(
        "lot__number", "location__code", "product__position", "product__code"
    )
    return participations.prefetch_related(Prefetch("lines", queryset=lines))


def demand_visible_to(user, tender: Tender) -> bool:
    """The bundled demand of a tender: staff, and people of the boards that take part
    (with at least one line)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_cooperative_staff:
        return True
    return participations_visible_to(user).filter(tender=tender, lines__isnull=False).exists()


def tenders_for_board(user) -> QuerySet[Tender]:
    """What a board's people see on their tenders page: the tenders open for demand
    registration and those their board takes part in, each with `own_lines` (the
    number of the board's lines in it). Two queries with the product groups."""
    board_id = getattr(user, "board_id", None)
    own = DemandLine.objects.filter(
        participation__tender=OuterRef("pk"), participation__board_id=board_id
    )
    count = own.order_by().values("participation__tender").annotate(n=Count("pk")).values("n")
    tenders = tenders_visible_to(user).annotate(
        own_lines=Coalesce(Subquery(count[:1], output_field=IntegerField()), 0)
    )
    tenders = tenders.filter(Q(state=TenderState.DEMAND_REGISTRATION) | Q(own_lines__gt=0))
    return tenders.prefetch_related(
        Prefetch("product_groups", queryset=ProductGroup.objects.order_by("position", "code"))
    ).order_by("demand_deadline", "-notice_date", "-pk")
