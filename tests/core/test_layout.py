"""The site header (bundel.core.layout): the links each kind of user sees, which one is
marked current, the language switch and login/logout forms."""

import re

import pytest
from django.test import Client

from bundel.accounts.constants import Role

from ..factories import BoardFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="main-nav wrap"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>')
PUBLIC = ["Registry", "Support", "Catalogue", "Knowledge", "Events"]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def nav(client: Client, path: str) -> list[tuple[str, str, bool]]:
    html = client.get(path).content.decode()
    return [(label, href, bool(cur)) for href, cur, label in LINK.findall(NAV.search(html)[1])]


def labels(links) -> list[str]:
    return [label for label, _href, _current in links]


def current(links) -> list[str]:
    return [label for label, _href, is_current in links if is_current]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_sees_the_public_links_and_a_login_link_back_to_the_page(client):
    links = nav(client, "/registry/boards/?q=den haag")
    assert labels(links) == [*PUBLIC, "Council", "API"]
    assert current(links) == ["Registry"]
    html = client.get("/registry/boards/?q=den haag").content.decode()
    assert '<a href="/accounts/login/?next=/registry/boards/%3Fq%3Dden%2520haag">Log in</a>' in html
    assert 'hx-get="/groups/nav/"' not in html


def test_the_language_switch_posts_with_a_csrf_token_and_marks_the_current_language(client):
    html = client.get("/support/").content.decode()
    form = re.search(r'<form action="/i18n/setlang/" method="post" class="lang">(.*?)</form>', html)
    assert 'name="csrfmiddlewaretoken" value="' in form[1]
    assert '<input name="next" type="hidden" value="/support/">' in form[1]
    assert re.search(r'value="en" aria-pressed="true" title="[^"]+">EN</button>', form[1])
    assert re.search(r'value="nl" title="[^"]+">NL</button>', form[1])


def test_staff_see_the_work_links_and_admissions_is_current_on_the_queue():
    client = logged_in(StaffFactory(first_name="Sanne", last_name="Staf"))
    links = nav(client, "/membership/queue/")
    assert labels(links) == [
        *PUBLIC,
        "Services",
        "Proposals",
        "Membership",
        "Admissions",
        "Council",
        "Tenders",
        "Contracts",
        "API",
        "Admin",
    ]
    assert current(links) == ["Admissions"]
    assert current(nav(client, "/membership/all/")) == ["Membership"]
    html = client.get("/support/").content.decode()
    assert 'hx-get="/groups/nav/" hx-trigger="load"' in html
    assert '<span class="who" title="Sanne Staf · Staff">Sanne Staf</span>' in html
    assert '<button class="link" type="submit">Log out</button>' in html


def test_a_board_contact_sees_the_links_of_their_own_board():
    board = BoardFactory(duo_number="41211", name="Stichting Voorbeeld")
    client = logged_in(UserFactory(board=board, first_name="Bea", last_name="Bestuur"))
    links = nav(client, "/membership/")
    assert labels(links) == [
        *PUBLIC,
        "Services",
        "Proposal",
        "Membership",
        "Council",
        "Tenders",
        "Contracts",
        "API",
    ]
    hrefs = dict((label, href) for label, href, _c in links)
    assert hrefs["Services"] == "/services/41211/"
    assert hrefs["Proposal"] == "/proposals/41211/"
    assert current(links) == ["Membership"]
    html = client.get("/groups/").content.decode()
    assert 'hx-get="/groups/nav/?current=1"' in html
    assert "Bea Bestuur · Stichting Voorbeeld" in html


def test_a_council_member_with_a_board_and_a_supplier():
    council = UserFactory(role=Role.COUNCIL_MEMBER)
    assert labels(nav(logged_in(council), "/governance/council/")) == [
        *PUBLIC,
        "Services",
        "Council",
        "Tenders",
        "Contracts",
        "API",
    ]
    supplier = UserFactory(role=Role.SUPPLIER, board=None, organisation="Netwerk BV")
    client = logged_in(supplier)
    links = nav(client, "/support/")
    assert labels(links) == [*PUBLIC, "Council", "Contracts", "Tenders", "API"]
    assert 'hx-get="/groups/nav/"' not in client.get("/support/").content.decode()


def test_links_follow_the_language_of_the_request():
    client = Client(headers={"accept-language": "nl"})
    assert labels(nav(client, "/support/"))[:2] == ["Register", "Draagvlak"]
