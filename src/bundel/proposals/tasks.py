"""The proposals batch as a background task (a Celery worker, or in-process without one)."""

from celery import shared_task

from bundel.core.tasks import RETRIED


@shared_task(**RETRIED)
def proposal_batch_task(batch_id: int) -> str:
    """Write the PDFs of a batch staff started; its progress is on the batch. Idempotent:
    a batch that already ended (done, failed, or given up as stale) is left alone."""
    from .services import proposal_batch_run

    return proposal_batch_run(batch_id)
