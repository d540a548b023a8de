"""Backup and restore: the database and the uploaded files in one .tar.gz.

A backup holds
- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: a
  copy made with SQLite's online backup API);
- `media/`: every file under MEDIA_ROOT;
- `manifest.json`: per table its row count and a checksum of its content (the md5 of the
  sorted md5s of its rows), per media file its size and sha256.

It is consistent: on PostgreSQL the dump and the manifest read one snapshot (a repeatable
read transaction exports it; pg_dump runs with `--snapshot`); on SQLite the manifest is
read from the copy. The media files are copied after the snapshot, so a file uploaded
meanwhile may be in the backup without its row (never the other way round, unless a file
is deleted in those seconds).

A restore goes into an empty database only (no table with a row), then reads every
table back and compares it with the manifest.
"""

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# -- what a database holds ----------------------------------------------------------------

Fingerprints = dict[str, dict[str, object]]  # table -> {"rows": n, "md5": hex}


def _combine(row_digests: list[str]) -> str:
    return hashlib.md5("".join(sorted(row_digests)).encode(), usedforsecurity=False).hexdigest()


def sqlite_fingerprints(db: sqlite3.Connection) -> Fingerprints:
    """Every table of a SQLite database (a plain connection: values as stored)."""
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    result = {}
    for table in tables:
        digests = [
            hashlib.md5(repr(row).encode(), usedforsecurity=False).hexdigest()
            for row in db.execute(f'SELECT * FROM "{table}"')
        ]
        result[table] = {"rows": len(digests), "md5": _combine(digests)}
    return result


def postgres_fingerprints(cursor) -> Fingerprints:
    """Every table of the current schema, computed by the server from each row's text."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    result = {}
    for (table,) in cursor.fetchall():
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' "
            f"ORDER BY md5(t::text)), '')) FROM {quoted} AS t"
        )
        rows, digest = cursor.fetchone()
        result[table] = {"rows": rows, "md5": digest}
    return result


def media_fingerprints(root: Path) -> dict[str, dict[str, object]]:
    result = {}
    if not root.is_dir():
        return result
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(chunk)
        result[path.relative_to(root).as_posix()] = {
            "bytes": path.stat().st_size,
            "sha256": digest.hexdigest(),
        }
    return result


# -- a database to restore into, named like DATABASES["default"] ----------------------------


@dataclass(frozen=True)
class Target:
    vendor: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, db: dict) -> "Target":
        engine = db["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(db["NAME"]))
        if engine.endswith("postgresql"):
            return cls(
                "postgresql",
                str(db["NAME"]),
                str(db.get("USER") or ""),
                str(db.get("PASSWORD") or ""),
                str(db.get("HOST") or ""),
                str(db.get("PORT") or ""),
            )
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")

    @classmethod
    def from_url(cls, url: str) -> "Target":
        import environ

        return cls.from_settings(environ.Env.db_url_config(url))

    def pg_args(self) -> list[str]:
        args = []
        for flag, value in (
            ("--host", self.host),
            ("--port", self.port),
            ("--username", self.user),
        ):
            if value:
                args += [flag, value]
        return args

    def pg_env(self) -> dict:
        import os

        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    @contextmanager
    def postgres(self) -> Iterator:
        import psycopg

        params = {"dbname": self.name, "user": self.user, "password": self.password}
        params.update(host=self.host, port=self.port)
        conn = psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)
        try:
            yield conn
        finally:
            conn.close()

    def fingerprints(self) -> Fingerprints:
        if self.vendor == "sqlite":
            if not self._sqlite_exists():
                return {}
            with closing(sqlite3.connect(self.name, uri=self.name.startswith("file:"))) as db:
                return sqlite_fingerprints(db)
        with self.postgres() as conn, conn.cursor() as cursor:
            return postgres_fingerprints(cursor)

    def _sqlite_exists(self) -> bool:
        return self.name.startswith("file:") or Path(self.name).exists()

    def label(self) -> str:
        if self.vendor == "sqlite":
            return f"SQLite {self.name}"
        return f"PostgreSQL {self.name}" + (f" on {self.host}" if self.host else "")


def rows_in(fingerprints: Fingerprints) -> int:
    return sum(int(f["rows"]) for f in fingerprints.values())


# -- backup ---------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    media_files: int
    size: int


def backup(out_dir: Path | str, *, media_root: Path | str | None = None) -> BackupResult:
    """Write a consistent backup of the default database and MEDIA_ROOT into `out_dir`
    (bundel-backup-<UTC time>.tar.gz); refused inside a transaction (PostgreSQL must take
    its own snapshot)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    vendor = connection.vendor
    if vendor not in DUMP:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"bundel-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="bundel-backup-") as tmp:
        dump = Path(tmp) / DUMP[vendor]
        tables = _dump_postgres(dump) if vendor == "postgresql" else _dump_sqlite(dump)
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=DUMP[vendor])
            media = _add_media(archive, media_root)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "vendor": vendor,
                "database": DUMP[vendor],
                "tables": tables,
                "media": media,
            }
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
        partial.replace(path)
    return BackupResult(path, len(tables), rows_in(tables), len(media), path.stat().st_size)


def _add_media(archive: tarfile.TarFile, root: Path) -> dict[str, dict[str, object]]:
    """Every file under `root` into the archive; each is read once, so its checksum is that
    of the copy in the backup even when it is being written meanwhile."""
    media = {}
    if not root.is_dir():
        return media
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        try:
            content = path.read_bytes()
        except FileNotFoundError:  # deleted since the listing
            continue
        info = archive.gettarinfo(path, arcname=f"{MEDIA_DIR}/{name}")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
        media[name] = {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    return media


def _dump_postgres(dump: Path) -> Fingerprints:
    if connection.in_atomic_block:
        raise BackupError("A backup takes its own snapshot: run it outside a transaction.")
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    target = Target.from_settings(connection.settings_dict)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            command = [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                *target.pg_args(),
                target.name,
            ]
            done = subprocess.run(command, env=target.pg_env(), capture_output=True, text=True)
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            tables = postgres_fingerprints(cursor)
        finally:
            cursor.execute("ROLLBACK")
    return tables


def _dump_sqlite(dump: Path) -> Fingerprints:
    connection.ensure_connection()
    with closing(sqlite3.connect(dump)) as copy:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return sqlite_fingerprints(copy)


# -- restore --------------------------------------------------------------------------------


@dataclass
class Comparison:
    """The manifest against what the restored database and media hold."""

    tables: list[tuple[str, int | None, int | None, bool]] = field(default_factory=list)
    media: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(same for *_, same in self.tables) and all(same for _, same in self.media)

    @property
    def mismatches(self) -> list[str]:
        return [t for t, *_, same in self.tables if not same] + [
            f"{MEDIA_DIR}/{m}" for m, same in self.media if not same
        ]


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError(f"No {MANIFEST} in this file: not a Bundel backup.") from None
    manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def check_empty(target: Target, media_root: Path) -> None:
    """Refuse a target that holds anything: restore never overwrites."""
    tables = target.fingerprints()
    filled = {name: f["rows"] for name, f in tables.items() if f["rows"]}
    if filled:
        shown = ", ".join(f"{name} ({rows})" for name, rows in sorted(filled.items())[:5])
        raise BackupError(
            f"{target.label()} is not empty: {len(filled)} table(s) hold "
            f"{sum(filled.values())} row(s), e.g. {shown}. Restore only into an empty "
            "database: create a new one (createdb; do not run migrate, the backup holds the "
            "tables) or point DATABASE_URL at one. Nothing was changed."
        )
    if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(
            f"The media folder {media_root} is not empty. Restore into an empty MEDIA_ROOT. "
            "Nothing was changed."
        )


def restore(file: Path | str, *, target: Target, media_root: Path | str) -> Comparison:
    """Restore a backup into an empty `target` and `media_root`, then compare."""
    file, media_root = Path(file), Path(media_root)
    if not file.is_file():
        raise BackupError(f"{file}: no such file.")
    try:
        archive = tarfile.open(file, "r:gz")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{file}: not a .tar.gz backup ({exc}).") from None
    with archive, tempfile.TemporaryDirectory(prefix="bundel-restore-") as tmp:
        manifest = read_manifest(archive)
        if manifest["vendor"] != target.vendor:
            raise BackupError(
                f"This is a backup of a {manifest['vendor']} database; the target is "
                f"{target.label()}. Restore it into a {manifest['vendor']} database."
            )
        check_empty(target, media_root)
        dump = Path(tmp) / manifest["database"]
        archive.extract(manifest["database"], tmp, filter="data")
        if target.vendor == "postgresql":
            _restore_postgres(dump, target)
        else:
            _restore_sqlite(dump, target)
        for name in manifest["media"]:
            member = archive.getmember(f"{MEDIA_DIR}/{name}")
            destination = media_root / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, destination.open("wb") as out:
                shutil.copyfileobj(source, out)
    return compare(manifest, target=target, media_root=media_root)


def _restore_postgres(dump: Path, target: Target) -> None:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupError(
            "pg_restore is not installed (Debian: apt-get install postgresql-client)."
        )
    command = [
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--clean",
        "--if-exists",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={target.name}",
        *target.pg_args(),
        str(dump),
    ]
    done = subprocess.run(command, env=target.pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was restored): {done.stderr.strip()}")


def _restore_sqlite(dump: Path, target: Target) -> None:
    with (
        closing(sqlite3.connect(dump)) as source,
        closing(sqlite3.connect(target.name, uri=target.name.startswith("file:"))) as db,
    ):
        source.backup(db)


def compare(manifest: dict, *, target: Target, media_root: Path) -> Comparison:
    restored = target.fingerprints()
    comparison = Comparison()
    for name in sorted(set(manifest["tables"]) | set(restored)):
        expected, found = manifest["tables"].get(name), restored.get(name)
        comparison.tables.append(
            (
                name,
                expected["rows"] if expected else None,
                found["rows"] if found else None,
                expected == found,
            )
        )
    media = media_fingerprints(media_root)
    for name in sorted(set(manifest["media"]) | set(media)):
        comparison.media.append((name, manifest["media"].get(name) == media.get(name)))
    return comparison
