"""Reads of the catalogue that need more than a query of one model."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from bundel.audit.models import AuditEntry
from bundel.audit.selectors import audit_entries_visible_to

from .models import CapacityOption, Product, ProductRule


def product_audit_entries(*, product: Product, user) -> QuerySet[AuditEntry]:
    """The product's own entries and those of its capacity options and rules (which
    carry the product's code in their data: `services.py`), newest first. Staff only."""
    parts = ContentType.objects.get_for_models(Product, CapacityOption, ProductRule)
    return audit_entries_visible_to(user).filter(
        Q(content_type=parts[Product], object_id=str(product.pk))
        | Q(
            content_type__in=[parts[CapacityOption], parts[ProductRule]],
            data__product=product.code,
        )
    )
