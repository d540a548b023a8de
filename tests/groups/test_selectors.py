"""Who sees what of the groups: staff and the people of member boards everything;
suppliers, the public and boards that are not members nothing, but for a supplier the
dialogue sessions it is invited to."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bundel.groups import selectors, services

from ..factories import UserFactory
from . import files
from .factories import SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(thread, staff, supplier, contact):
    """A thread with a post, a file, and a session the supplier is invited to."""
    services.file_upload(
        group=thread.group, upload=SimpleUploadedFile("a.pdf", files.PDF), by=contact
    )
    session = services.session_plan(
        group=thread.group,
        title="Dialoog",
        supplier_name="Demo Netwerken B.V.",
        starts_at=timezone.now() + timedelta(days=7),
        place="Utrecht",
        agenda="1. Opening",
        suppliers=[supplier],
        by=staff,
    )
    services.question_ask(session=session, text="Vraag", by=contact)
    return session


def seen(user) -> dict[str, int]:
    return {
        "groups": selectors.groups_visible_to(user).count(),
        "participants": selectors.participants_visible_to(user).count(),
        "threads": selectors.threads_visible_to(user).count(),
        "posts": selectors.posts_visible_to(user).count(),
        "files": selectors.files_visible_to(user).count(),
        "sessions": selectors.sessions_visible_to(user).count(),
        "questions": selectors.questions_visible_to(user).count(),
        "notifications": selectors.notifications_visible_to(user).count(),
    }


NOTHING = dict.fromkeys(
    [
        "groups",
        "participants",
        "threads",
        "posts",
        "files",
        "sessions",
        "questions",
        "notifications",
    ],
    0,
)


def test_staff_and_people_of_member_boards_see_everything(content, staff, colleague, board, member):
    stranger = UserFactory(board=board, username="stranger")  # a member board, not in the group
    everything = {
        "groups": 1,
        "participants": 2,
        "threads": 1,
        "posts": 1,
        "files": 1,
        "sessions": 1,
        "questions": 1,
    }

    assert seen(staff) == {**everything, "notifications": 0}
    assert seen(stranger) == {**everything, "notifications": 0}
    assert seen(colleague) == {**everything, "notifications": 2}  # the thread, the session
    assert selectors.is_reader(stranger) and selectors.is_reader(staff)


def test_a_board_that_is_not_a_member_sees_nothing(content, outsider):
    assert seen(outsider) == NOTHING
    assert not selectors.is_reader(outsider)


def test_the_public_sees_nothing(content):
    assert seen(AnonymousUser()) == NOTHING
    assert seen(None) == NOTHING


def test_a_supplier_sees_only_the_sessions_it_is_invited_to(content, supplier):
    assert seen(supplier) == {**NOTHING, "sessions": 1, "questions": 1}
    assert not selectors.is_reader(supplier)
    other = SupplierFactory(username="other", organisation="Ander B.V.")
    assert seen(other) == NOTHING


def test_when_a_board_stops_being_a_member_its_people_see_nothing_more(content, contact, member):
    member.state = "notice_given"  # still a member during the notice period
    member.save()
    assert seen(contact)["posts"] == 1

    member.state = "ended"
    member.save()
    assert seen(contact) == NOTHING


def test_an_inactive_account_sees_nothing(content, colleague):
    colleague.is_active = False
    colleague.save()

    assert seen(colleague) == NOTHING


def test_group_figures_count_each_thing_once(thread, contact, colleague, staff):
    services.post_add(thread=thread, body="Twee", by=colleague)
    services.thread_start(group=thread.group, title="Nog een", body="Drie", by=colleague)
    services.group_join(group=thread.group, by=staff)
    services.group_leave(group=thread.group, by=staff)

    group = selectors.group_list(colleague).get()

    assert (group.participant_count, group.thread_count, group.is_participant) == (2, 2, True)
    assert group.last_post_at == thread.group.threads.get(title="Nog een").posts.get().created_at
    assert selectors.group_list(staff).get().is_participant is False
    assert [t.post_count for t in selectors.thread_list(thread.group, staff)] == [1, 2]


def test_my_groups_are_those_i_take_part_in(joined, staff, contact):
    other = services.group_create(name="Regio Noord", kind="region", by=staff)

    assert [g.name for g in selectors.my_groups(contact)] == ["Wifi in het po"]
    services.group_join(group=other, by=contact)
    assert [g.name for g in selectors.my_groups(contact)] == ["Regio Noord", "Wifi in het po"]
    assert list(selectors.my_groups(staff)) == []
