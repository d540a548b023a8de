"""The DUO import as a background task: `import_duo --background` queues it (in tests it
runs eagerly, in the caller); a repeat changes nothing; a bad file imports nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bundel.audit.models import AuditEntry
from bundel.registry.models import Board, Location, PupilCount
from bundel.registry.tasks import duo_import_task

from .duo_files import BO_ADDRESSES, VO_2025, excerpt, write


def registry_state():
    return (
        sorted(Board.objects.values_list("duo_number", "name")),
        sorted(Location.objects.values_list("code", "board__duo_number")),
        sorted(PupilCount.objects.values_list("location__code", "count_date", "pupils")),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def manifest(tmp_path):
    excerpt(tmp_path, BO_ADDRESSES, 30)
    excerpt(tmp_path, VO_2025, 20)
    path = tmp_path / "manifest.toml"
    path.write_text(
        f'[[file]]\npath = "{BO_ADDRESSES}"\nas_of = 2020-12-21\n\n'
        f'[[file]]\npath = "{VO_2025}"\ncount_date = 2025-10-01\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_import_duo_background_runs_the_task_and_a_repeat_changes_nothing(manifest, staff):
    out = StringIO()

    call_command(
        "import_duo", "--manifest", str(manifest), "--by", "staff", "--background", stdout=out
    )

    assert "Import ran in this process (no broker): task " in out.getvalue()
    assert "Import done: changed." in out.getvalue()
    assert Location.objects.count() >= 30
    assert PupilCount.objects.filter(count_date="2025-10-01").count() == 20
    assert AuditEntry.objects.filter(actor=staff, action__startswith="registry.").exists()
    before = registry_state()

    again = StringIO()
    call_command("import_duo", "--manifest", str(manifest), "--background", stdout=again)

    assert "Import done: unchanged." in again.getvalue()
    assert registry_state() == before


@pytest.mark.django_db
def test_the_task_reports_what_it_did(manifest, tmp_path):
    sources = [
        {"path": str(tmp_path / BO_ADDRESSES), "count_date": None, "as_of": "2020-12-21"},
        {"path": str(tmp_path / VO_2025), "count_date": "2025-10-01", "as_of": None},
    ]

    first = duo_import_task.delay(sources).get()
    second = duo_import_task.delay(sources).get()

    assert first["changed"] is True
    assert first["stats"]["pupil_counts"]["created"] == 20
    assert first["stats"]["locations"]["created"] == Location.objects.count()
    assert [name for name, _layout, _rows in first["files"]] == [BO_ADDRESSES, VO_2025]
    assert second["changed"] is False
    assert second["stats"]["pupil_counts"] == {"created": 0, "updated": 0, "unchanged": 20}


@pytest.mark.django_db
def test_a_bad_file_in_the_background_imports_nothing(tmp_path, settings):
    settings.LANGUAGE_CODE = "en"
    bad = write(tmp_path, "onbekend.csv", b"A;B;C\n1;2;3\n")

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_duo", str(bad), "--background", stdout=StringIO())

    assert (Board.objects.count(), Location.objects.count(), AuditEntry.objects.count()) == (
        0,
        0,
        0,
    )
