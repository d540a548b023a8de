"""Writing proposal PDFs in bulk: from the command line, or as a batch staff start.

`generate_proposals` does the work; the command and the batch call it. A batch is a
background task (`tasks.proposal_batch_task`): on a Celery worker in production, in a
thread of the web process without a broker (`make run`), in the caller in tests
(bundel.core.tasks.run_in_background). Its progress is recorded on the ProposalBatch,
which the staff page polls.
"""

import logging
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bundel.audit.services import audit_log
from bundel.core.errors import StateConflict
from bundel.core.tasks import run_in_background
from bundel.registry.models import Board
from bundel.support.selectors import support_at

from .constants import BatchState
from .models import ProposalBatch
from .rendering import proposal_filename, proposal_pdf
from .selectors import proposal_for, prospective_boards
from .tasks import proposal_batch_task

logger = logging.getLogger(__name__)

ZIP_NAME = "proposals.zip"
# A running batch records progress after every PDF (a fraction of a second); one that made
# none for this long died with its process (e.g. a restart of the web server).
STALE_AFTER = timedelta(minutes=2)

Progress = Callable[..., Iterable]


def no_progress(iterable: Iterable, **kwargs) -> Iterable:
    return iterable


@dataclass(frozen=True)
class GeneratedProposals:
    paths: list[Path]
    zip_path: Path
    seconds: float

    @property
    def count(self) -> int:
        return len(self.paths)


def generate_proposals(
    out_dir: Path | str,
    boards: QuerySet[Board] | None = None,
    *,
    progress: Progress = no_progress,
    on: date | None = None,
) -> GeneratedProposals:
    """Write one proposal PDF per prospective board (of `boards`, default all) into
    `out_dir`, and a ZIP of them (`out_dir/proposals.zip`). Members get none.

    `progress` wraps the iteration over the boards, like tqdm: progress(boards, total=n).
    """
    started = time.monotonic()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    on = on or timezone.localdate()
    targets = list(prospective_boards(boards))
    paths = []
    # Proposals go to Dutch boards: in the platform's language, whoever starts the run.
    with translation.override(settings.LANGUAGE_CODE):
        support = support_at(on)
        for board in progress(targets, total=len(targets), desc=_("Proposals")):
            proposal = proposal_for(board, on=on, support=support)
            path = out_dir / proposal_filename(proposal)
            path.write_bytes(proposal_pdf(proposal))
            paths.append(path)
    zip_path = out_dir / ZIP_NAME
    partial = zip_path.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, arcname=path.name)
    partial.replace(zip_path)
    return GeneratedProposals(paths, zip_path, time.monotonic() - started)


def _require_staff(by) -> None:
    if by is None or not by.is_cooperative_staff:
        raise PermissionDenied(_("Only the cooperative's staff may do this."))


def fail_stale_batches() -> None:
    ProposalBatch.objects.filter(
        state=BatchState.RUNNING, updated_at__lt=timezone.now() - STALE_AFTER
    ).update(state=BatchState.FAILED, error=_("Stopped without finishing."))


def proposal_batch_start(*, by) -> ProposalBatch:
    """Staff start writing the proposals of every prospective board in the background."""
    _require_staff(by)
    with transaction.atomic():
        fail_stale_batches()
        if ProposalBatch.objects.filter(state=BatchState.RUNNING).exists():
            raise StateConflict(_("Proposals are being generated already; wait until it ends."))
        batch = ProposalBatch.objects.create(created_by=by, state=BatchState.RUNNING)
        audit_log(action="proposals.batch.started", obj=batch, actor=by)
    run_in_background(proposal_batch_task, batch.pk)
    return batch


def _batch_progress(batch_id: int) -> Progress:
    def progress(iterable: Iterable, *, total: int, **kwargs) -> Iterator:
        ProposalBatch.objects.filter(pk=batch_id).update(total=total, updated_at=timezone.now())
        for index, item in enumerate(iterable):
            yield item
            ProposalBatch.objects.filter(pk=batch_id).update(
                done=index + 1, updated_at=timezone.now()
            )

    return progress


def batch_dir(batch: ProposalBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / "proposals" / f"batch-{batch.pk}"


def proposal_batch_run(batch_id: int) -> str:
    """Generate the proposals of a batch and record how it ended; the state it ended in.
    Only a running batch is worked on, so a second delivery of the task does nothing."""
    batch = ProposalBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.state != BatchState.RUNNING:
        logger.info("Proposal batch %s is not running; nothing to do", batch_id)
        return batch.state if batch else ""
    try:
        result = generate_proposals(batch_dir(batch), progress=_batch_progress(batch_id))
    except Exception as exc:
        logger.exception("Proposal batch %s failed", batch_id)
        ProposalBatch.objects.filter(pk=batch_id).update(
            state=BatchState.FAILED, error=str(exc)[:2000], updated_at=timezone.now()
        )
        return BatchState.FAILED
    ProposalBatch.objects.filter(pk=batch_id).update(
        state=BatchState.DONE,
        total=result.count,
        done=result.count,
        zip_path=str(result.zip_path),
        updated_at=timezone.now(),
    )
    return BatchState.DONE
