"""`manage.py restore FILE`: a backup into an empty database, then checked table by table."""

from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from bundel.core.backup import BackupError, Target, restore


class Command(BaseCommand):
    help = (
        "Restore a backup of `manage.py backup` into an EMPTY database (the configured one, "
        "or --database-url) and an empty MEDIA_ROOT; then compare every table's row count "
        "and checksum, and every media file, with the backup's manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a bundel-backup-*.tar.gz")
        parser.add_argument(
            "--database-url", help="restore into this database instead (as DATABASE_URL)"
        )
        parser.add_argument("--media-root", type=Path, help="restore the files here")

    def handle(self, *args, file: Path, database_url, media_root, **options) -> None:
        if database_url:
            target = Target.from_url(database_url)
        else:
            target = Target.from_settings(settings.DATABASES["default"])
            connections.close_all()  # the restore writes to it from another connection
        media_root = media_root or Path(settings.MEDIA_ROOT)
        self.stdout.write(f"Restoring {file} into {target.label()} and {media_root} ...")
        try:
            comparison = restore(file, target=target, media_root=media_root)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        # Results cached from the data that was there before: also when restoring into
        # another database, which the site may be switched to next (the cache is shared).
        cache.clear()
        self.stdout.write(f"{'table':40}{'backup':>10}{'restored':>10}  check")
        for name, expected, found, same in comparison.tables:
            verdict = "ok" if same else "DIFFERS"
            self.stdout.write(f"{name:40}{_n(expected):>10}{_n(found):>10}  {verdict}")
        same_media = sum(1 for _, same in comparison.media if same)
        self.stdout.write(f"media files: {same_media} of {len(comparison.media)} identical")
        if not comparison.ok:
            raise CommandError(
                "The restored data differ from the backup: " + ", ".join(comparison.mismatches)
            )
        rows = sum(expected or 0 for _, expected, _, _ in comparison.tables)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified: {len(comparison.tables)} tables, {rows} rows, "
                f"{len(comparison.media)} media files match the backup."
            )
        )


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)
