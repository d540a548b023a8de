"""The demo: on the demo's published tender, the guide, two answered questions of the
demo supplier and one sealed bid by it; a second run makes nothing new."""

import pytest

from bundel.accounts.constants import Role
from bundel.accounts.services import user_create
from bundel.bidding.demo import seed_demo
from bundel.bidding.models import Bid, Question, TenderDocument
from bundel.catalogue.demo import load_catalogue
from bundel.tenders.demo import seed_demo as seed_tenders


@pytest.fixture
def demo(staff):
    load_catalogue()
    seed_tenders(staff=staff)
    return user_create(
        username="leverancier",
        email="leverancier@bundel.test",
        password="x-demo-password-1",
        role=Role.SUPPLIER,
        organisation="Demo Netwerken B.V.",
        first_name="Lars",
        last_name="Leverancier",
    )


def test_seed_demo_once(demo, staff):
    assert seed_demo(staff=staff) == 4
    assert seed_demo(staff=staff) == 0

    questions = Question.objects.order_by("number")
    assert [(q.number, q.state, q.asked_by) for q in questions] == [
        (1, "answered", demo),
        (2, "answered", demo),
    ]
    assert questions[1].lot.number == 1
    bid = Bid.objects.get()
    assert (bid.supplier, bid.lot.number, bid.sequence) == (demo, 1, 1)
    assert bid.contents.attachments.count() == 1
    assert set(bid.contents.answers) == {c.name for c in bid.tender.criteria.all()}
    assert TenderDocument.objects.get().title == "Aanbestedingsleidraad"


def test_seed_demo_needs_the_supplier(staff):
    load_catalogue()
    seed_tenders(staff=staff)
    assert seed_demo(staff=staff) == 0
    assert not Question.objects.exists()
