"""The public catalogue and the basic package: what the pages show, from the data."""

import re

import pytest
from django.urls import Resolver404, resolve

from bundel.catalogue.models import ProductGroup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_catalogue_shows_groups_products_prices_and_terms(client, catalogue):
    response = client.get("/catalogue/")

    assert response.status_code == 200
    offered = [g.code for g in response.context["offered"]]
    exploring = [g.code for g in response.context["exploring"]]
    assert offered == ["network", "connectivity", "security", "cloud"]
    assert exploring == ["cloud-software", "devices", "learning-material"]
    html = response.content.decode()
    connectivity = html[html.index('id="product-connectivity"') :]
    connectivity = connectivity[: connectivity.index("</article>")]
    for text in (
        "External connectivity (network and internet access)",
        "Available",
        "Fully managed service: equipment, maintenance, management and advice.",
        "100 Mbit/s",
        "€ 180.00",
        "10 Gbit/s",
        "€ 1,250.00",
        "36 months",
        "2%",
        "2.50%",
        "Information security services at the same location",
    ):
        assert text in connectivity, text
    telephony = html[html.index('id="product-telephony"') :]
    assert "In tender" in telephony[: telephony.index("</article>")]
    anti_spam = html[html.index('id="product-anti-spam"') :]
    anti_spam = anti_spam[: anti_spam.index("</article>")]
    assert "Exploring" in anti_spam
    assert "enough demand, at least 500 locations" in anti_spam
    explored = html[html.index('id="exploring"') :]
    assert explored.count("Being explored") == 4  # the heading and each group's badge
    assert "Digital learning material" in explored


def test_names_follow_the_language(client, catalogue, settings):
    settings.LANGUAGE_CODE = "nl"

    html = client.get("/catalogue/").content.decode()

    assert "Externe connectiviteit (netwerk en internettoegang)" in html
    assert "Digitaal leermateriaal" in html


def test_the_catalogue_is_read_in_a_fixed_number_of_queries(
    client, catalogue, django_assert_num_queries
):
    with django_assert_num_queries(4):  # groups, products, capacities, rules
        client.get("/catalogue/")


def test_an_empty_catalogue_says_so(client, db):
    assert "The catalogue is empty." in client.get("/catalogue/").content.decode()


def test_a_group_added_by_staff_appears(client, catalogue):
    ProductGroup.objects.create(
        code="printing", name_nl="Printen", name_en="Printing", status="exploring"
    )

    response = client.get("/catalogue/")

    assert "printing" in [g.code for g in response.context["exploring"]]


def test_the_basic_package_has_its_four_parts_and_no_dead_links(client, db):
    response = client.get("/catalogue/basispakket/")

    assert response.status_code == 200
    html = response.content.decode()
    for part in ("Knowledge base", "Negotiated rates", "Member groups", "Member days"):
        assert part in html
    assert "Coming soon" not in html
    main = html[html.index('<main id="main"') :]
    hrefs = re.findall(r'href="([^"]+)"', main)
    for path in ("/knowledge/", "/knowledge/rates/", "/groups/", "/events/"):
        assert path in hrefs
    for href in hrefs:
        try:
            resolve(href)
        except Resolver404:
            pytest.fail(f"dead link {href}")
        # Members-only parts send the public to the login page.
        assert client.get(href).status_code in (200, 302), href


def test_the_basic_package_tells_a_contact_whether_the_board_has_it(contact_client, board):
    html = contact_client.get("/catalogue/basispakket/").content.decode()

    assert "Your board is not a member yet." in html and 'href="/membership/"' in html
