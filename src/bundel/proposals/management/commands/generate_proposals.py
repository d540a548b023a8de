import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bundel.proposals.services import generate_proposals
from bundel.registry.models import Board


class Command(BaseCommand):
    help = (
        "Write a personalised proposal PDF for every board that is not a member (eligible "
        "boards with po or vo locations), and a ZIP of them (DIR/proposals.zip)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="the directory to write to")
        parser.add_argument(
            "--board",
            action="append",
            dest="boards",
            metavar="DUO_NUMBER",
            help="only this board (repeatable); members are still left out",
        )

    def handle(self, *args, out: Path, boards: list[str] | None, **options) -> None:
        selection = None
        if boards:
            selection = Board.objects.filter(duo_number__in=boards)
            missing = set(boards) - set(selection.values_list("duo_number", flat=True))
            if missing:
                raise CommandError(f"No board with DUO number {', '.join(sorted(missing))}.")
        try:
            result = generate_proposals(out, selection, progress=self._progress())
        except OSError as exc:
            raise CommandError(f"{out}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.count} proposal(s) written to {out} in {result.seconds:.1f} s; "
                f"ZIP: {result.zip_path}"
            )
        )

    def _progress(self):
        if not sys.stderr.isatty():
            return lambda iterable, **kwargs: iterable
        from tqdm import tqdm

        return lambda iterable, **kwargs: tqdm(iterable, unit="pdf", **kwargs)
