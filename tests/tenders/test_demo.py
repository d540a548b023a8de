from bundel.catalogue.demo import load_catalogue
from bundel.tenders.constants import TenderState
from bundel.tenders.demo import seed_demo
from bundel.tenders.models import Tender


def test_the_demo_tenders_are_made_once_through_the_services(staff):
    load_catalogue()

    assert seed_demo(staff=staff) == 3
    assert seed_demo(staff=staff) == 0

    states = dict(Tender.objects.values_list("procedure", "state"))
    assert states == {
        "open": TenderState.PUBLISHED,
        "restricted": TenderState.DEMAND_REGISTRATION,
        "multiple_private": TenderState.DRAFT,
    }
    assert Tender.objects.get(procedure="open").lots.count() == 3


def test_without_the_catalogue_the_demo_makes_nothing(staff):
    assert seed_demo(staff=staff) == 0
