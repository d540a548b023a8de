"""Writing the audit trail. Call these inside the transaction of the change itself."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEntry

SYSTEM_LABEL = "system"


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def field_values(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` (foreign keys by their id), for a later diff."""
    values = {}
    for name in fields:
        f = obj._meta.get_field(name)
        values[name] = getattr(obj, f.attname)
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for every field whose value changed."""
    return {
        name: [_jsonable(before.get(name)), _jsonable(value)]
        for name, value in after.items()
        if _jsonable(before.get(name)) != _jsonable(value)
    }


def actor_label_for(actor) -> str:
    if actor is None:
        return SYSTEM_LABEL
    return actor.get_full_name() or actor.get_username()


@dataclass
class Change:
    """One audit entry to be written, e.g. by a bulk import."""

    action: str
    obj: models.Model
    changes: dict[str, list[Any]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


def audit_log(
    *,
    action: str,
    obj: models.Model,
    actor=None,
    actor_label: str = "",
    changes: Mapping[str, list[Any]] | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label or actor_label_for(actor),
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=dict(changes or {}),
        data={k: _jsonable(v) for k, v in (data or {}).items()},
    )


def audit_log_many(
    changes: Iterable[Change], *, actor=None, actor_label: str = "", batch_size: int = 2000
) -> int:
    label = actor_label or actor_label_for(actor)
    types: dict[type, ContentType] = {}
    entries = []
    for change in changes:
        model = type(change.obj)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        entries.append(
            AuditEntry(
                action=change.action,
                actor=actor,
                actor_label=label,
                content_type=types[model],
                object_id=str(change.obj.pk),
                object_repr=str(change.obj)[:200],
                changes=change.changes,
                data={k: _jsonable(v) for k, v in change.data.items()},
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
