"""The state of tables as row counts and a checksum of their content, to assert that a
refused change left the database exactly as it was."""

import hashlib

from django.apps import apps


def table_state(*labels: str) -> dict[str, tuple[int, str]]:
    """`{"app.Model": (rows, sha256 of every row in primary-key order)}`; the audit trail
    is always included (a refused change writes no entry)."""
    state = {}
    for label in (*labels, "audit.AuditEntry"):
        model = apps.get_model(label)
        digest = hashlib.sha256()
        rows = 0
        for row in model.objects.order_by("pk").values_list().iterator():
            digest.update(repr(row).encode())
            rows += 1
        state[label] = (rows, digest.hexdigest())
    return state
