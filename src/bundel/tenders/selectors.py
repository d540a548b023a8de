"""Who sees which tender, and a tender read with everything a page or the API shows."""

from django.db.models import Count, Prefetch, Q, QuerySet

from bundel.audit.selectors import audit_entries_for
from bundel.catalogue.models import ProductGroup
from bundel.membership.selectors import user_is_member

from .constants import PUBLIC_STATES, TenderState
from .models import Tender


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
