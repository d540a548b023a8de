"""Backup and restore: a populated database (registry, memberships, an election with its
votes, an uploaded file) is backed up, restored into an empty second database, and every
table's row count and content checksum and every media file are compared. On SQLite and on
PostgreSQL (pg_dump / pg_restore)."""

import io
import json
import sqlite3
import tarfile
from contextlib import closing
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bundel.core.backup import Target, compare, read_manifest
from bundel.governance.models import Ballot, VoteReceipt
from bundel.governance.services import document_add, meeting_create, vote_cast
from bundel.membership.models import Membership
from bundel.registry.models import Board

from ..factories import BoardFactory, LocationFactory, MembershipFactory, PupilCountFactory
from ..governance.election_setup import *  # noqa: F403 - the election fixtures
from ..governance.election_setup import contact_of

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads what was committed

PDF = b"%PDF-1.4\n% Bundel test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def populated(media, voting, candidates, po_boards, election_staff):
    """Registry rows, memberships, an election with three votes, a meeting document."""
    for duo_number, place in [("30001", "UTRECHT"), ("30002", "GRONINGEN")]:
        board = BoardFactory(duo_number=duo_number, name=f"Stichting {place.title()}")
        PupilCountFactory(location=LocationFactory(board=board, place=place), pupils=640)
        MembershipFactory(board=board, state="interested", interested_on=timezone.localdate())
    for board, name in zip(po_boards, ["An", "Bo", "Cas"], strict=True):
        vote_cast(election=voting, board=board, candidate=candidates[name], by=contact_of(board))
    meeting = meeting_create(
        kind="council",
        title="Ledenraad december",
        starts_at=timezone.now() + timedelta(days=7),
        place="Utrecht",
        agenda="1. Opening",
        by=election_staff,
    )
    document = document_add(
        meeting=meeting,
        title="Begroting",
        file=SimpleUploadedFile("begroting.pdf", PDF, content_type="application/pdf"),
        by=election_staff,
    )
    assert (Ballot.objects.count(), VoteReceipt.objects.count()) == (3, 3)
    assert Path(document.file.path).read_bytes() == PDF
    return document


def source() -> Target:
    return Target.from_settings(connection.settings_dict)


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a second, empty database: a new SQLite file, or a new PostgreSQL database
    next to the test database (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = source()
    name = f"{db.name}_restore"
    with db.postgres() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = db.user + (f":{db.password}" if db.password else "")
    yield f"postgres://{auth}@{db.host or '127.0.0.1'}:{db.port or 5432}/{name}"
    with db.postgres() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backup_file(out: Path) -> Path:
    stdout = StringIO()
    call_command("backup", "--out", str(out), stdout=stdout)
    (path,) = out.glob("bundel-backup-*.tar.gz")
    assert f"Backup written: {path}" in stdout.getvalue()
    return path


def test_a_restore_holds_every_table_and_file_of_the_backup(
    populated, media, empty_database, tmp_path
):
    before = source().fingerprints()
    path = backup_file(tmp_path / "backups")

    with tarfile.open(path) as archive:
        names = set(archive.getnames())
        manifest = read_manifest(archive)
    dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    document = populated.file.name
    assert names == {"manifest.json", dump, f"media/{document}"}
    assert manifest["tables"] == before  # the backup describes the database as it was
    assert manifest["tables"]["governance_ballot"]["rows"] == 3
    assert manifest["tables"]["registry_board"]["rows"] == Board.objects.count()
    assert manifest["media"][document]["bytes"] == len(PDF)

    restored_media = tmp_path / "restored-media"
    cache.set("cached:board-list:before", "the list before the restore")
    out = StringIO()
    call_command(
        "restore",
        str(path),
        "--database-url",
        empty_database,
        "--media-root",
        str(restored_media),
        stdout=out,
    )

    after = Target.from_url(empty_database).fingerprints()
    assert after == before  # every table: the same row count and the same content
    assert len(after) > 40  # every app's tables, Django's own included
    for table in ("governance_ballot", "governance_votereceipt", "membership_membership"):
        assert after[table] == before[table], table
    assert (restored_media / document).read_bytes() == PDF
    assert sorted(p.name for p in restored_media.rglob("*") if p.is_file()) == ["begroting.pdf"]
    report = out.getvalue()
    assert f"governance_ballot{'3':>33}{'3':>10}  ok" in report
    assert "DIFFERS" not in report
    assert "media files: 1 of 1 identical" in report
    assert f"Restored and verified: {len(before)} tables" in report
    # The site may be switched to the restored copy next: nothing cached from before stays.
    assert cache.get("cached:board-list:before") is None


def test_the_checksums_see_a_changed_row_and_a_changed_file(
    populated, media, empty_database, tmp_path
):
    path = backup_file(tmp_path / "backups")
    restored_media = tmp_path / "restored-media"
    call_command(
        "restore", str(path), "--database-url", empty_database,
        "--media-root", str(restored_media), stdout=StringIO(),
    )  # fmt: skip
    target = Target.from_url(empty_database)
    with tarfile.open(path) as archive:
        manifest = read_manifest(archive)
    assert compare(manifest, target=target, media_root=restored_media).ok

    change = "UPDATE registry_board SET name = 'Stichting Anders' WHERE duo_number = '30001'"
    if target.vendor == "sqlite":
        with closing(sqlite3.connect(target.name)) as db:
            db.execute(change)
            db.commit()
    else:
        with target.postgres() as conn:
            conn.execute(change)
    (restored_media / populated.file.name).write_bytes(PDF + b"%")

    comparison = compare(manifest, target=target, media_root=restored_media)
    assert comparison.mismatches == ["registry_board", f"media/{populated.file.name}"]
    rows = {name: (expected, found) for name, expected, found, _ in comparison.tables}
    assert rows["registry_board"] == (Board.objects.count(), Board.objects.count())


def test_a_database_with_rows_is_refused_and_left_as_it_was(populated, media, tmp_path):
    path = backup_file(tmp_path / "backups")
    before = source().fingerprints()

    with pytest.raises(CommandError, match=r"is not empty: \d+ table\(s\) hold \d+ row\(s\)"):
        call_command("restore", str(path), stdout=StringIO())  # the configured database

    assert source().fingerprints() == before
    assert Membership.objects.filter(board__duo_number="30001").count() == 1


def test_a_media_folder_with_files_is_refused(populated, media, empty_database, tmp_path):
    path = backup_file(tmp_path / "backups")
    media_root = tmp_path / "restored-media"
    media_root.mkdir()
    (media_root / "already-here.txt").write_text("x")

    with pytest.raises(CommandError, match=r"media folder .* is not empty"):
        call_command(
            "restore", str(path), "--database-url", empty_database,
            "--media-root", str(media_root), stdout=StringIO(),
        )  # fmt: skip

    assert Target.from_url(empty_database).fingerprints() == {}  # still empty: no tables
    assert [p.name for p in media_root.iterdir()] == ["already-here.txt"]


def test_a_file_that_is_not_a_backup_is_refused(tmp_path, empty_database):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        archive.add(__file__, arcname="something.py")

    with pytest.raises(CommandError, match=r"No manifest\.json in this file"):
        call_command("restore", str(bogus), "--database-url", empty_database, stdout=StringIO())


def test_a_backup_of_the_other_kind_of_database_is_refused(tmp_path, empty_database):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest = json.dumps({"format": 1, "vendor": other, "tables": {}, "media": {}}).encode()
    path = tmp_path / "other.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))

    with pytest.raises(CommandError, match=f"This is a backup of a {other} database"):
        call_command("restore", str(path), "--database-url", empty_database, stdout=StringIO())
