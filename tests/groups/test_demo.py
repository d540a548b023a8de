"""The demo content of `make run`: Dutch groups, threads and posts, and a planned joint
dialogue with the demo supplier, made through the services; a second run adds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bundel.accounts.constants import Role
from bundel.audit.models import AuditEntry
from bundel.groups import selectors
from bundel.groups.demo import seed_demo
from bundel.groups.models import DialogueSession, Group, Notification, Post, Thread

from ..factories import BoardFactory, StaffFactory, UserFactory
from .conftest import make_member
from .factories import SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_accounts(db):
    council_board = BoardFactory(duo_number="10249")
    make_member(council_board)
    for _ in range(4):
        make_member(BoardFactory())
    return {
        "staf": StaffFactory(username="staf"),
        "raadslid": UserFactory(username="raadslid", role=Role.COUNCIL_MEMBER, board=council_board),
        "leverancier": SupplierFactory(username="leverancier"),
    }


def test_the_demo_groups_threads_posts_and_session(
    demo_accounts, mailoutbox, django_capture_on_commit_callbacks
):
    raadslid, leverancier = demo_accounts["raadslid"], demo_accounts["leverancier"]

    with django_capture_on_commit_callbacks(execute=True):
        created = seed_demo(staff=demo_accounts["staf"])

    assert list(Group.objects.order_by("name").values_list("name", flat=True)) == [
        "Informatiebeveiliging en privacy",
        "Regio Noord",
        "Regio Zuid",
        "Wifi in het po",
    ]
    assert created == Post.objects.count() == 10
    assert Thread.objects.count() == 5
    assert [g.name for g in selectors.my_groups(raadslid)] == [
        "Informatiebeveiliging en privacy",
        "Regio Noord",
        "Wifi in het po",
    ]
    assert selectors.unread_count(raadslid) > 0
    session = DialogueSession.objects.get()
    assert session.state == "planned" and session.starts_at > timezone.now()
    assert list(session.suppliers.all()) == [leverancier]
    assert session.questions.count() == 3
    assert list(selectors.sessions_visible_to(leverancier)) == [session]
    assert [m.to for m in mailoutbox] == [[leverancier.email]]  # the invitation
    # the conversations are spread over the past days
    assert Post.objects.order_by("created_at").first().created_at < timezone.now() - timedelta(
        days=10
    )


def test_a_second_run_adds_nothing(demo_accounts):
    seed_demo(staff=demo_accounts["staf"])
    before = (
        Group.objects.count(),
        Post.objects.count(),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    )

    assert seed_demo(staff=demo_accounts["staf"]) == 0
    assert (
        Group.objects.count(),
        Post.objects.count(),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    ) == before
