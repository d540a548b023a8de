"""The DUO import as a background task (`manage.py import_duo --background`)."""

from datetime import date
from pathlib import Path

from celery import shared_task

from bundel.core.tasks import RETRIED


def source_to_dict(source) -> dict:
    """A Source as the task's JSON argument."""

    def iso(value):
        return value.isoformat() if isinstance(value, date) else value

    return {
        "path": str(source.path),
        "count_date": iso(source.count_date),
        "as_of": iso(source.as_of),
    }


def report_to_dict(report) -> dict:
    return {
        "files": [list(f) for f in report.files],
        "stats": {kind: dict(counter) for kind, counter in report.stats.items()},
        "changed": report.changed,
        "unknown_board": len(report.unknown_board),
        "inferred_board": len(report.inferred_board),
    }


@shared_task(**RETRIED)
def duo_import_task(sources: list[dict], by_id: int | None = None) -> dict:
    """Import the DUO files (paths the worker can read) in one transaction, as the command
    does; what changed, per kind. Idempotent: a repeat finds everything unchanged. A bad
    file is not retried (DuoImportError): nothing is imported and the task fails with the
    reason."""
    from django.contrib.auth import get_user_model

    from .duo.importer import Source, import_duo_files

    def day(value):
        return date.fromisoformat(value) if value else None

    parsed = [
        Source(path=Path(s["path"]), count_date=day(s.get("count_date")), as_of=day(s.get("as_of")))
        for s in sources
    ]
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    return report_to_dict(import_duo_files(parsed, by=by))
