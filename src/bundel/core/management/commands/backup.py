"""`manage.py backup --out DIR`: the database and the uploaded files in one .tar.gz."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bundel.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup: a dump of the database (PostgreSQL: pg_dump --format="
        "custom; SQLite: a copy), every file under MEDIA_ROOT, and manifest.json with each "
        "table's row count and checksum, as DIR/bundel-backup-<time>.tar.gz."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="the directory to write to")
        parser.add_argument("--media-root", type=Path, help="the uploaded files (MEDIA_ROOT)")

    def handle(self, *args, out: Path, media_root: Path | None, **options) -> None:
        try:
            result = backup(out, media_root=media_root)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.path} ({result.size / 1_048_576:.1f} MiB; "
                f"{result.tables} tables, {result.rows} rows, {result.media_files} media files)."
            )
        )
