from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries_visible_to(user) -> QuerySet[AuditEntry]:
    """Only the cooperative's staff read the audit trail."""
    if user is None or not user.is_authenticated or not user.is_cooperative_staff:
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor", "content_type")


def audit_entries_for(*, obj: models.Model, user) -> QuerySet[AuditEntry]:
    return audit_entries_visible_to(user).filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
    )
