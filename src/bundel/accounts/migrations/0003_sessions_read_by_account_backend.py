"""Sessions name the backend that logged their user in, and Django only reads a session's
user through a backend still in AUTHENTICATION_BACKENDS. Django's ModelBackend gave way to
bundel.accounts.backends.AccountBackend (the same, reading the user with their board):
the stored sessions are rewritten so nobody is logged out by the change."""

from django.db import migrations

KEY = "_auth_user_backend"
BEFORE = "django.contrib.auth.backends.ModelBackend"
AFTER = "bundel.accounts.backends.AccountBackend"


def _rewrite(apps, old: str, new: str) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    for session in apps.get_model("sessions", "Session").objects.iterator():
        data = store.decode(session.session_data)  # {} when it cannot be read
        if data.get(KEY) == old:
            data[KEY] = new
            session.session_data = store.encode(data)
            session.save(update_fields=["session_data"])


def forwards(apps, schema_editor):
    _rewrite(apps, BEFORE, AFTER)


def backwards(apps, schema_editor):
    _rewrite(apps, AFTER, BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_supplier_has_no_board"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
