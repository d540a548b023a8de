"""The rules of the member groups, through the services: who may do what, what a refusal
says, that a refusal stores nothing, and the audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bundel.audit.models import AuditEntry
from bundel.core.errors import RuleViolation, StateConflict
from bundel.groups import services
from bundel.groups.models import (
    DialogueQuestion,
    DialogueSession,
    Group,
    GroupFile,
    Notification,
    Participant,
    Post,
    Thread,
)

from ..factories import UserFactory
from . import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def stored() -> dict:
    return {
        "groups": list(Group.objects.values_list("name", "state")),
        "participants": list(Participant.objects.values_list("user_id", "left_at")),
        "threads": Thread.objects.count(),
        "posts": list(Post.objects.values_list("body", "hidden_at")),
        "files": GroupFile.objects.count(),
        "sessions": list(DialogueSession.objects.values_list("state", "notes")),
        "questions": DialogueQuestion.objects.count(),
        "notifications": Notification.objects.count(),
        "audit": AuditEntry.objects.filter(action__startswith="groups.").count(),
    }


def actions(obj=None) -> list[str]:
    entries = AuditEntry.objects.filter(action__startswith="groups.").order_by("pk")
    if obj is not None:
        entries = entries.filter(
            object_id=str(obj.pk), content_type__model=type(obj)._meta.model_name
        )
    return list(entries.values_list("action", flat=True))


# -- groups -------------------------------------------------------------------------------------


def test_staff_create_a_group_with_an_address_and_an_audit_entry(staff):
    group = services.group_create(name="  Regio   Noord ", kind="region", by=staff)

    assert (group.name, group.slug, group.state) == ("Regio Noord", "regio-noord", "active")
    entry = AuditEntry.objects.get(action="groups.group.created")
    assert entry.actor == staff and entry.data["name"] == "Regio Noord"


def test_the_address_of_a_group_is_unique_and_never_a_page_name(staff):
    first = services.group_create(name="Regio Noord", kind="region", by=staff)
    second = services.group_create(name="Regio noord!", kind="region", by=staff)
    new = services.group_create(name="New", kind="topic", by=staff)

    assert (first.slug, second.slug, new.slug) == ("regio-noord", "regio-noord-2", "new-2")


def test_only_staff_create_groups(contact, member):
    with pytest.raises(PermissionDenied):
        services.group_create(name="Eigen groep", kind="topic", by=contact)

    assert not Group.objects.exists()


def test_a_duplicate_name_is_refused_with_its_reason(staff, group):
    before = stored()

    with pytest.raises(RuleViolation) as refused:
        services.group_create(name="Wifi in het po", kind="topic", by=staff)

    assert "already exists" in " ".join(refused.value.messages)
    assert stored() == before


def test_staff_change_a_group_and_the_change_is_audited(staff, group):
    services.group_update(
        group=group, name="Wifi in het primair onderwijs", kind="topic", description="", by=staff
    )

    group.refresh_from_db()
    assert (group.name, group.slug, group.description) == (
        "Wifi in het primair onderwijs",
        "wifi-in-het-po",  # the address stays
        "",
    )
    entry = AuditEntry.objects.get(action="groups.group.updated")
    assert entry.changes["name"] == ["Wifi in het po", "Wifi in het primair onderwijs"]


def test_an_archived_group_is_read_only(staff, thread, contact, colleague):
    services.group_archive(group=thread.group, by=staff)
    before = stored()

    refusals = [
        lambda: services.post_add(thread=thread, body="Nog iets", by=contact),
        lambda: services.thread_start(group=thread.group, title="T", body="B", by=contact),
        lambda: services.group_archive(group=thread.group, by=staff),
        lambda: services.file_upload(
            group=thread.group, upload=SimpleUploadedFile("a.pdf", files.PDF), by=contact
        ),
    ]
    for refuse in refusals:
        with pytest.raises(StateConflict, match="archived"):
            refuse()
    assert stored() == before
    services.group_leave(group=thread.group, by=colleague)  # leaving still works
    with pytest.raises(StateConflict, match="archived"):
        services.group_join(group=thread.group, by=colleague)


# -- taking part -----------------------------------------------------------------------------


def test_people_of_member_boards_join_and_leave(group, member, contact):
    participant = services.group_join(group=group, by=contact)
    assert participant.is_active

    services.group_leave(group=group, by=contact)
    participant.refresh_from_db()
    assert participant.left_at is not None

    again = services.group_join(group=group, by=contact)
    assert again.pk == participant.pk and again.left_at is None
    assert actions(participant) == [
        "groups.participant.joined",
        "groups.participant.left",
        "groups.participant.joined",
    ]


def test_joining_twice_or_leaving_when_out_is_a_state_conflict(group, member, contact):
    services.group_join(group=group, by=contact)
    with pytest.raises(StateConflict, match="already take part"):
        services.group_join(group=group, by=contact)
    services.group_leave(group=group, by=contact)
    with pytest.raises(StateConflict, match="do not take part"):
        services.group_leave(group=group, by=contact)


def test_outsiders_suppliers_and_ended_members_do_not_join(
    group, outsider, supplier, member, contact
):
    for person in (outsider, supplier):
        with pytest.raises(PermissionDenied, match="member boards"):
            services.group_join(group=group, by=person)
    member.state = "ended"
    member.save()
    with pytest.raises(PermissionDenied):
        services.group_join(group=group, by=contact)
    assert not Participant.objects.exists()


# -- threads and posts --------------------------------------------------------------------


def test_a_participant_starts_a_thread_with_its_first_post(joined, contact):
    thread = services.thread_start(
        group=joined, title=" Access\npoints ", body="Hoeveel?\r\nPer lokaal?", by=contact
    )

    assert thread.title == "Access points"
    assert list(thread.posts.values_list("body", "author")) == [
        ("Hoeveel?\nPer lokaal?", contact.pk)
    ]
    assert actions()[-2:] == ["groups.thread.created", "groups.post.created"]


def test_only_participants_post(thread, staff, member, board):
    stranger = UserFactory(board=board, username="stranger")  # same member board, not joined
    before = stored()

    for person in (stranger, staff):
        with pytest.raises(PermissionDenied, match="join the group first"):
            services.post_add(thread=thread, body="Hallo", by=person)

    assert stored() == before


def test_people_of_a_board_that_is_no_longer_a_member_cannot_post(thread, contact, member):
    member.state = "ended"
    member.save()

    with pytest.raises(PermissionDenied):
        services.post_add(thread=thread, body="Hallo", by=contact)


@pytest.mark.parametrize("body", ["", "   \n\t ", "\x00\x01"])
def test_an_empty_post_is_refused(thread, colleague, body):
    before = stored()

    with pytest.raises(RuleViolation, match="The post is empty") as refused:
        services.post_add(thread=thread, body=body, by=colleague)

    assert refused.value.code == "empty"
    assert stored() == before


def test_a_post_over_the_length_setting_is_refused(settings, thread, colleague):
    settings.GROUPS_POST_MAX_LENGTH = 20
    services.post_add(thread=thread, body="x" * 20, by=colleague)
    before = stored()

    with pytest.raises(RuleViolation, match="21 characters; at most 20") as refused:
        services.post_add(thread=thread, body="y" * 21, by=colleague)

    assert refused.value.params == {"length": 21, "max": 20}
    assert stored() == before


def test_a_post_is_stored_as_the_plain_text_typed(thread, colleague):
    post = services.post_add(thread=thread, body="<b>vet</b> & https://x.test", by=colleague)

    post.refresh_from_db()
    assert post.body == "<b>vet</b> & https://x.test"


def test_staff_hide_a_post_with_a_reason(thread, staff):
    post = thread.posts.get()

    with pytest.raises(RuleViolation, match="The reason is empty"):
        services.post_hide(post=post, reason=" ", by=staff)
    services.post_hide(post=post, reason="Persoonsgegevens van een leerling", by=staff)

    post.refresh_from_db()
    assert post.is_hidden and post.hidden_by == staff
    assert post.hidden_reason == "Persoonsgegevens van een leerling"
    assert AuditEntry.objects.get(action="groups.post.hidden").data["reason"] == post.hidden_reason
    with pytest.raises(StateConflict, match="already hidden"):
        services.post_hide(post=post, reason="Nog eens", by=staff)


def test_only_staff_moderate(thread, colleague):
    with pytest.raises(PermissionDenied):
        services.post_hide(post=thread.posts.get(), reason="Niet mee eens", by=colleague)

    assert not Post.objects.filter(hidden_at__isnull=False).exists()


# -- files -----------------------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_participant_shares_a_file_typed_by_its_content(joined, contact, media_root):
    stored_file = services.file_upload(
        group=joined, upload=upload("Beleid wifi.exe", files.PDF), description="Beleid", by=contact
    )

    assert (stored_file.name, stored_file.kind, stored_file.size) == (
        "Beleid wifi.exe",
        "pdf",
        len(files.PDF),
    )
    assert stored_file.download_name == "Beleid wifi.pdf"
    path = media_root / stored_file.file.name
    assert path.read_bytes() == files.PDF
    assert stored_file.file.name.startswith(f"groups/{joined.pk}/")
    assert stored_file.file.name.endswith(".pdf") and "Beleid" not in stored_file.file.name
    assert AuditEntry.objects.get(action="groups.file.uploaded").data["kind"] == "pdf"


def test_a_file_of_another_type_is_refused_and_nothing_stored(joined, contact, media_root):
    with pytest.raises(RuleViolation, match=r"“setup\.pdf” is not accepted") as refused:
        services.file_upload(group=joined, upload=upload("setup.pdf", files.EXE), by=contact)

    assert refused.value.code == "file_type"
    assert not GroupFile.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_file_over_the_size_setting_is_refused(settings, joined, contact):
    settings.GROUPS_FILE_MAX_BYTES = 1000
    services.file_upload(group=joined, upload=upload("a.txt", b"a" * 1000), by=contact)

    with pytest.raises(RuleViolation, match="at most 1000") as refused:
        services.file_upload(group=joined, upload=upload("b.txt", b"b" * 1001), by=contact)

    assert (refused.value.code, refused.value.params["size_code"]) == ("too_large", 1001)
    assert refused.value.params["limit_code"] == 1000
    assert GroupFile.objects.count() == 1


def test_the_uploader_or_staff_remove_a_file(
    joined, contact, colleague, staff, media_root, django_capture_on_commit_callbacks
):
    first = services.file_upload(group=joined, upload=upload("a.png", files.PNG), by=contact)
    path = media_root / first.file.name

    with pytest.raises(PermissionDenied):
        services.file_remove(file=first, by=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        services.file_remove(file=first, by=contact)

    assert not GroupFile.objects.exists() and not path.exists()
    second = services.file_upload(group=joined, upload=upload("b.png", files.PNG), by=contact)
    services.file_remove(file=second, by=staff)
    assert actions()[-1] == "groups.file.removed"


# -- dialogue sessions -----------------------------------------------------------------------


@pytest.fixture
def later():
    return timezone.now() + timedelta(days=14)


def plan(group, staff, supplier, when):
    return services.session_plan(
        group=group,
        title="Dialoog wifi-aanbod",
        supplier_name="Demo Netwerken B.V.",
        starts_at=when,
        place="Utrecht",
        agenda="1. Opening\n2. Vragen",
        suppliers=[supplier],
        by=staff,
    )


def test_staff_plan_a_session_and_the_supplier_is_invited(
    joined, staff, supplier, later, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = plan(joined, staff, supplier, later)

    assert list(session.suppliers.all()) == [supplier]
    assert [m.to for m in mailoutbox] == [[supplier.email]]
    assert "Dialoog wifi-aanbod" in mailoutbox[0].subject
    assert f"/groups/sessions/{session.pk}/" in mailoutbox[0].body
    # the participants hear of it in the app
    assert Notification.objects.filter(kind="session", session=session).count() == 2
    assert AuditEntry.objects.get(action="groups.session.planned").data["suppliers"] == ["supplier"]


def test_a_session_is_planned_in_the_future_with_supplier_accounts_only(
    joined, staff, supplier, contact, later
):
    with pytest.raises(RuleViolation, match="planned in the future"):
        plan(joined, staff, supplier, timezone.now() - timedelta(hours=1))
    with pytest.raises(RuleViolation, match="not an active supplier account"):
        plan(joined, staff, contact, later)
    with pytest.raises(PermissionDenied):
        plan(joined, contact, supplier, later)

    assert not DialogueSession.objects.exists()


def test_changing_a_session_invites_only_new_suppliers(
    joined, staff, supplier, later, mailoutbox, django_capture_on_commit_callbacks
):
    from .factories import SupplierFactory

    with django_capture_on_commit_callbacks(execute=True):
        session = plan(joined, staff, supplier, later)
    assert [m.to for m in mailoutbox] == [[supplier.email]]  # invited when it was planned
    mailoutbox.clear()
    other = SupplierFactory(username="other", organisation="Ander B.V.")
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session,
            title="Dialoog wifi-aanbod",
            supplier_name="Demo Netwerken B.V.",
            starts_at=later,
            place="Online",
            agenda="1. Opening",
            suppliers=[supplier, other],
            by=staff,
        )

    assert [m.to for m in mailoutbox] == [[other.email]]
    entry = AuditEntry.objects.get(action="groups.session.updated")
    assert entry.changes["place"] == ["Utrecht", "Online"]
    assert entry.changes["suppliers"] == [["supplier"], ["other", "supplier"]]


def test_participants_ask_questions_before_the_session_only(
    joined, staff, supplier, contact, outsider, later
):
    session = plan(joined, staff, supplier, later)

    question = services.question_ask(session=session, text="Hoe zit het met beheer?", by=contact)
    assert question.author == contact
    for person in (supplier, outsider):
        with pytest.raises(PermissionDenied):
            services.question_ask(session=session, text="Vraag", by=person)

    DialogueSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1)
    )
    session.refresh_from_db()
    with pytest.raises(StateConflict, match="collected before the session"):
        services.question_ask(session=session, text="Te laat", by=contact)
    assert DialogueQuestion.objects.count() == 1


def test_notes_are_recorded_afterwards_and_the_session_is_held(joined, staff, supplier, later):
    session = plan(joined, staff, supplier, later)

    with pytest.raises(StateConflict, match="notes are recorded afterwards"):
        services.session_record_notes(session=session, notes="Verslag", by=staff)
    DialogueSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )
    services.session_record_notes(session=session, notes="Afspraken: offerte volgt.", by=staff)

    session.refresh_from_db()
    assert (session.state, session.notes) == ("held", "Afspraken: offerte volgt.")
    with pytest.raises(StateConflict, match="only a planned session can be changed"):
        services.session_cancel(session=session, by=staff)


def test_a_cancelled_session_takes_no_questions_or_notes(joined, staff, supplier, contact, later):
    session = services.session_cancel(session=plan(joined, staff, supplier, later), by=staff)

    assert session.state == "cancelled"
    with pytest.raises(StateConflict, match="this session is cancelled"):
        services.question_ask(session=session, text="Vraag", by=contact)
    with pytest.raises(StateConflict, match="cancelled"):
        services.session_record_notes(session=session, notes="Verslag", by=staff)


def test_in_an_archived_group_only_staff_remove_files(joined, contact, staff):
    kept = services.file_upload(group=joined, upload=upload("a.png", files.PNG), by=contact)
    other = services.file_upload(group=joined, upload=upload("b.png", files.PNG), by=contact)
    services.group_archive(group=joined, by=staff)

    with pytest.raises(StateConflict, match="archived"):
        services.file_remove(file=kept, by=contact)
    services.file_remove(file=other, by=staff)

    assert list(GroupFile.objects.values_list("name", flat=True)) == ["a.png"]
