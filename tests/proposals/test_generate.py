"""Proposal PDFs in bulk: the service, the command and the staff's background batch."""

import zipfile
from datetime import date, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.core.errors import StateConflict
from bundel.membership.constants import State
from bundel.proposals import services
from bundel.proposals.constants import BatchState
from bundel.proposals.models import ProposalBatch
from bundel.proposals.services import generate_proposals, proposal_batch_start
from bundel.proposals.tasks import proposal_batch_task

from ..factories import MembershipFactory
from .conftest import board_with


@pytest.fixture
def registry(board):
    """Board 41211 and an interested board are prospects; a member and a leaving member not."""
    interested = board_with(("bo", 300), duo_number="20001")
    MembershipFactory(board=interested, state=State.INTERESTED, interested_on=date(2026, 1, 2))
    member = board_with(("vo", 1500), duo_number="20002")
    MembershipFactory(board=member, state=State.MEMBER, admitted_on=date(2026, 2, 1))
    leaving = board_with(("bo", 90), duo_number="20003")
    MembershipFactory(board=leaving, state=State.NOTICE_GIVEN, admitted_on=date(2026, 2, 1))
    return {"41211", "20001"}


def pdf_names(duo_numbers):
    return {f"voorstel-{n}.pdf" for n in duo_numbers}


@pytest.mark.django_db
def test_one_pdf_per_non_member_board_and_a_zip_of_them(registry, tmp_path):
    result = generate_proposals(tmp_path)

    assert result.count == 2
    assert {p.name for p in result.paths} == pdf_names(registry)
    assert result.zip_path == tmp_path / "proposals.zip"
    with zipfile.ZipFile(result.zip_path) as archive:
        assert set(archive.namelist()) == pdf_names(registry)
        for name in archive.namelist():
            assert archive.read(name).startswith(b"%PDF")
    assert not (tmp_path / "voorstel-20002.pdf").exists()


@pytest.mark.django_db
def test_a_selection_still_leaves_members_out(registry, tmp_path):
    from bundel.registry.models import Board

    result = generate_proposals(tmp_path, Board.objects.filter(duo_number__in=["20001", "20002"]))

    assert {p.name for p in result.paths} == pdf_names({"20001"})


@pytest.mark.django_db
def test_progress_wraps_the_boards_with_their_total(registry, tmp_path):
    seen = {}

    def progress(iterable, *, total, **kwargs):
        seen["total"] = total
        yield from iterable

    generate_proposals(tmp_path, progress=progress)

    assert seen == {"total": 2}


@pytest.mark.django_db
def test_the_command_writes_the_pdfs_and_prints_count_and_time(registry, tmp_path):
    out = StringIO()

    call_command("generate_proposals", "--out", str(tmp_path / "run"), stdout=out)

    assert "2 proposal(s) written" in out.getvalue()
    assert " s; ZIP: " in out.getvalue()
    with zipfile.ZipFile(tmp_path / "run" / "proposals.zip") as archive:
        assert set(archive.namelist()) == pdf_names(registry)


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_board(registry, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="99999"):
        call_command("generate_proposals", "--out", str(tmp_path), "--board", "99999")


@pytest.fixture
def inline(settings, tmp_path):
    """The batch task runs eagerly in the caller once the transaction commits (test.py)."""
    assert settings.CELERY_TASK_ALWAYS_EAGER and not settings.TASKS_EAGER_IN_THREAD
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def start(inline, django_capture_on_commit_callbacks):
    """Start a batch as staff would, run its task after the commit; the batch afterwards."""

    def start(by):
        with django_capture_on_commit_callbacks(execute=True):
            batch = proposal_batch_start(by=by)
        batch.refresh_from_db()
        return batch

    return start


@pytest.mark.django_db
def test_staff_start_a_batch_and_download_its_zip(
    staff_client, staff, registry, inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(reverse("proposals:bulk_start"))

    assert response.status_code == 302
    assert len(callbacks) == 1  # the task, queued after the commit
    batch = ProposalBatch.objects.get()
    assert (batch.state, batch.total, batch.done, batch.created_by) == (
        BatchState.DONE,
        2,
        2,
        staff,
    )
    assert AuditEntry.objects.filter(action="proposals.batch.started", actor=staff).count() == 1
    progress = staff_client.get(reverse("proposals:batch", args=[batch.pk])).content.decode()
    assert reverse("proposals:batch_download", args=[batch.pk]) in progress
    assert "hx-trigger" not in progress  # done: no more polling
    download = staff_client.get(reverse("proposals:batch_download", args=[batch.pk]))
    assert download.status_code == 200
    archive = zipfile.ZipFile(BytesIO(b"".join(download.streaming_content)))
    assert set(archive.namelist()) == pdf_names(registry)


@pytest.mark.django_db
def test_a_running_batch_polls_every_two_seconds(staff_client, staff):
    batch = ProposalBatch.objects.create(created_by=staff, total=40, done=10)

    html = staff_client.get(reverse("proposals:bulk")).content.decode()

    assert f'hx-get="{reverse("proposals:batch", args=[batch.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert 'value="10"' in html and 'max="40"' in html
    assert "25%" in html
    assert reverse("proposals:bulk_start") not in html  # no second run while one runs


@pytest.mark.django_db
def test_only_one_batch_runs_at_a_time_unless_it_went_stale(staff, registry, start):
    running = ProposalBatch.objects.create(created_by=staff)

    with pytest.raises(StateConflict):
        start(staff)

    ProposalBatch.objects.filter(pk=running.pk).update(
        updated_at=timezone.now() - services.STALE_AFTER - timedelta(seconds=1)
    )
    batch = start(staff)

    running.refresh_from_db()
    assert running.state == BatchState.FAILED
    assert batch.state == BatchState.DONE


@pytest.mark.django_db
def test_a_failing_run_is_recorded_as_failed(staff, registry, start, monkeypatch):
    def broken(proposal):
        raise OSError("disk full")

    monkeypatch.setattr(services, "proposal_pdf", broken)

    batch = start(staff)

    assert batch.state == BatchState.FAILED
    assert "disk full" in batch.error


@pytest.mark.django_db
def test_only_staff_start_batches(contact):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        proposal_batch_start(by=contact)
    assert not ProposalBatch.objects.exists()


@pytest.mark.django_db
def test_the_bulk_pages_refuse_everyone_but_staff(client, contact, outsider, staff):
    batch = ProposalBatch.objects.create(created_by=staff, state=BatchState.DONE)
    urls = [
        reverse("proposals:bulk"),
        reverse("proposals:batch", args=[batch.pk]),
        reverse("proposals:batch_download", args=[batch.pk]),
    ]
    for user in (contact, outsider):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("proposals:bulk_start")).status_code == 404
    client.logout()
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("login"))
    assert ProposalBatch.objects.count() == 1


@pytest.mark.django_db
def test_with_a_broker_the_batch_is_queued_after_commit(
    staff, registry, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(proposal_batch_task, "delay", lambda *args: queued.append(args))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = proposal_batch_start(by=staff)

    assert queued == []  # nothing goes to the queue before the batch is committed
    assert len(callbacks) == 1
    callbacks[0]()
    assert queued == [(batch.pk,)]
    batch.refresh_from_db()
    assert (batch.state, batch.done) == (BatchState.RUNNING, 0)  # the worker's job


@pytest.mark.django_db
def test_without_a_broker_make_run_works_the_batch_in_a_thread(
    staff, registry, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS_EAGER_IN_THREAD = True
    started = []
    monkeypatch.setattr(
        "bundel.core.tasks.threading.Thread.start", lambda thread: started.append(thread)
    )

    with django_capture_on_commit_callbacks(execute=True):
        batch = proposal_batch_start(by=staff)

    assert [t.name for t in started] == [f"bundel.proposals.tasks.proposal_batch_task({batch.pk},)"]
    assert started[0].daemon


@pytest.mark.django_db
def test_the_task_is_idempotent_a_second_delivery_does_nothing(staff, registry, start):
    batch = start(staff)
    finished = batch.updated_at
    assert (batch.state, batch.done) == (BatchState.DONE, 2)

    assert proposal_batch_task.apply(args=[batch.pk]).get() == BatchState.DONE

    batch.refresh_from_db()
    assert (batch.state, batch.done, batch.updated_at) == (BatchState.DONE, 2, finished)
    assert proposal_batch_task.apply(args=[999_999]).get() == ""


@pytest.mark.django_db
def test_a_batch_given_up_as_stale_is_not_worked_on_when_its_task_comes(staff, registry, inline):
    batch = ProposalBatch.objects.create(
        created_by=staff, state=BatchState.FAILED, error="Stopped without finishing."
    )

    assert proposal_batch_task.apply(args=[batch.pk]).get() == BatchState.FAILED

    batch.refresh_from_db()
    assert (batch.state, batch.total, batch.done) == (BatchState.FAILED, 0, 0)
