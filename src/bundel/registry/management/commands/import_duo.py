import sys
import tomllib
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bundel.registry.duo.errors import DuoImportError
from bundel.registry.duo.importer import KINDS, ImportReport, Source, import_duo_files


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


def read_manifest(path: Path | str) -> list[Source]:
    path = Path(str(path))
    try:
        manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CommandError(f"{path}: {exc}") from exc
    sources = []
    for entry in manifest.get("file", []):
        sources.append(
            Source(
                path=path.parent / entry["path"],
                count_date=entry.get("count_date"),
                as_of=entry.get("as_of"),
            )
        )
    return sources


class Command(BaseCommand):
    help = (
        "Import DUO open-data files into the registry. The layout of each file is detected "
        "from its header; the run is one transaction and can be repeated safely."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="DUO CSV files")
        parser.add_argument(
            "--count-date", type=_date, help="count date of pupil files without PEILDATUM"
        )
        parser.add_argument(
            "--as-of", type=_date, help="date the address lists describe (default: today)"
        )
        parser.add_argument(
            "--manifest",
            type=Path,
            help=f"a manifest of files and dates (the shipped one: {settings.DUO_MANIFEST})",
        )
        parser.add_argument("--by", help="username of the staff member running the import")
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue the import for a Celery worker and return (without a broker, "
            "CELERY_TASK_ALWAYS_EAGER, it runs here)",
        )

    def handle(
        self, *args, files, count_date, as_of, manifest, by, background=False, **options
    ) -> None:
        sources = [Source(path=f, count_date=count_date, as_of=as_of) for f in files]
        if manifest:
            sources += read_manifest(manifest)
        if not sources:
            raise CommandError("Give one or more files, or --manifest.")
        for source in sources:
            if not source.path.is_file():
                raise CommandError(f"{source.path}: no such file.")
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"--by: no user {by!r}.")
        if background:
            self._queue(sources, user)
            return
        try:
            report = import_duo_files(sources, by=user, progress=self._progress())
        except DuoImportError as exc:
            raise CommandError(_("Nothing was imported.") + f" {exc}") from exc
        self._print(report)

    def _queue(self, sources: list[Source], user) -> None:
        from bundel.registry.tasks import duo_import_task, source_to_dict

        arguments = ([source_to_dict(s) for s in sources], user.pk if user else None)
        try:
            result = duo_import_task.delay(*arguments)
        except DuoImportError as exc:  # eager: it ran here
            raise CommandError(_("Nothing was imported.") + f" {exc}") from exc
        if duo_import_task.app.conf.task_always_eager:
            summary = result.get()
            self.stdout.write(f"Import ran in this process (no broker): task {result.id}.")
            for kind, stats in summary["stats"].items():
                self.stdout.write(
                    f"{kind:14}{stats.get('created', 0):>9}{stats.get('updated', 0):>9}"
                    f"{stats.get('unchanged', 0):>11}"
                )
            verdict = "changed" if summary["changed"] else "unchanged"
            self.stdout.write(self.style.SUCCESS(f"Import done: {verdict}."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Import queued as task {result.id}; a Celery worker runs it "
                    f"(`celery -A bundel result {result.id}` shows the outcome)."
                )
            )

    def _progress(self):
        if not sys.stderr.isatty():
            return lambda iterable, **kwargs: iterable
        from tqdm import tqdm

        return lambda iterable, **kwargs: tqdm(iterable, leave=False, **kwargs)

    def _print(self, report: ImportReport) -> None:
        for name, layout, rows in report.files:
            self.stdout.write(f"{name}: {layout}, {rows} rows")
        self.stdout.write(f"{'':14}{'created':>9}{'updated':>9}{'unchanged':>11}")
        for kind in KINDS:
            s = report.stats[kind]
            self.stdout.write(f"{kind:14}{s['created']:>9}{s['updated']:>9}{s['unchanged']:>11}")
        if report.unknown_board:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.unknown_board)} pupil count(s) of a location whose board is "
                    "unknown (imported and counted, shown as 'bestuur onbekend'):"
                )
            )
            for code, name, count_date, source in report.unknown_board:
                self.stdout.write(f"  {code} {name} ({count_date}, {source})")
        if report.inferred_board:
            self.stdout.write(
                f"{len(report.inferred_board)} location(s) without a board in any source got "
                "the board of their school (BRIN):"
            )
            for code, name, board in report.inferred_board:
                self.stdout.write(f"  {code} {name} -> {board.duo_number}")
        verdict = "changed" if report.changed else "unchanged: the registry already held this"
        self.stdout.write(self.style.SUCCESS(f"Import done: {verdict}."))
