"""A board's services page: its subscriptions per location, its migration plan (waves
planned by the board, started and completed by staff, the timeline); who sees it; a
fixed number of queries however many subscriptions."""

from datetime import date, timedelta

import pytest
from django.test import Client

from bundel.audit.models import AuditEntry
from bundel.catalogue.services import product_update
from bundel.subscriptions import services
from bundel.subscriptions.models import MigrationWave, Subscription
from bundel.subscriptions.services import OrderLine

from ..factories import BoardFactory, LocationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/services/41211/"
NEW_WAVE = "/services/41211/waves/new/"


def states(board) -> dict[tuple[str, str], str]:
    return {
        (s.location.code, s.product.code): s.state
        for s in Subscription.objects.filter(board=board).select_related("location", "product")
    }


def test_subscriptions_per_location_with_state_prices_and_dates(
    contact_client, connected, first_location, second_location, next_year
):
    response = contact_client.get(URL)

    assert response.status_code == 200
    by_location = response.context["by_location"]
    assert [loc.code for loc, _rows in by_location] == sorted(
        [first_location.code, second_location.code]
    )
    assert [[row.product_code for row in rows] for _loc, rows in by_location] == [
        ["connectivity", "security"]
    ] * 2
    html = response.content.decode()
    assert "€ 480.00" in html and "€ 501.60" in html  # price, and with 2% + 2.5%
    assert "€ 75.00" in html and "€ 78.75" in html
    assert f"01-01-{next_year}" in html and "Requested" in html
    connectivity = Subscription.objects.get(location=first_location, product__code="connectivity")
    assert f'href="/services/41211/subscriptions/{connectivity.pk}/"' in html
    assert 'href="/services/41211/order/"' in html and 'href="/services/41211/costs/"' in html


def test_without_services_the_page_says_so(contact_client, member):
    response = contact_client.get(URL)

    assert response.context["by_location"] == []
    assert "The board takes no services yet." in response.content.decode()
    assert response.context["membership_note"] == ""


def test_a_non_member_page_says_why_it_cannot_order(contact_client, board):
    html = contact_client.get(URL).content.decode()

    assert "Only members order services, and board 41211 is not a member." in html
    assert 'href="/services/41211/order/"' not in html


def test_contact_plans_two_waves(
    contact_client, board, connected, first_location, second_location, today
):
    first = contact_client.post(
        NEW_WAVE,
        {
            "action": "wave_create",
            "wave-name": "Golf 1",
            "wave-on": (today + timedelta(days=14)).isoformat(),
            "wave-locations": [first_location.code],
        },
    )
    second = contact_client.post(
        NEW_WAVE,
        {
            "action": "wave_create",
            "wave-name": "Golf 2",
            "wave-on": (today + timedelta(days=42)).isoformat(),
            "wave-locations": [second_location.code],
        },
    )

    assert first.status_code == 302 and second.status_code == 302
    waves = list(MigrationWave.objects.filter(board=board).order_by("date"))
    assert [(w.name, w.state, [loc.code for loc in w.locations.all()]) for w in waves] == [
        ("Golf 1", "planned", [first_location.code]),
        ("Golf 2", "planned", [second_location.code]),
    ]
    assert set(states(board).values()) == {"planned"}
    page = contact_client.get(URL)
    points = page.context["points"]
    assert [(p.wave.name, p.locations, p.migrated_percent) for p in points] == [
        ("Golf 1", 1, 0),
        ("Golf 2", 1, 0),
    ]
    html = page.content.decode()
    assert "The wave Golf 2 is planned on" in html
    assert html.count('<rect class="wave wave-planned"') == 2  # two bars in the timeline
    assert "Migration waves over time" in html
    assert 'name="action" value="wave_start"' not in html  # staff migrate


def test_a_location_in_an_open_wave_is_refused_with_the_services_message(
    contact_client, board, connected, first_location, today
):
    services.wave_create(
        board=board,
        name="Golf 1",
        on=today + timedelta(days=7),
        locations=[first_location.code],
        by=connected[0].order.placed_by,
    )
    response = contact_client.post(
        NEW_WAVE,
        {
            "action": "wave_create",
            "wave-name": "Nog eens",
            "wave-on": (today + timedelta(days=9)).isoformat(),
            "wave-locations": [first_location.code],
        },
    )

    assert response.status_code == 200
    assert f"Already in another open wave: {first_location.code}." in response.content.decode()
    assert MigrationWave.objects.count() == 1
    assert "(in wave Golf 1)" in response.content.decode()


def test_staff_start_and_complete_a_wave(
    staff_client, board, connected, first_location, second_location, staff, today
):
    wave = services.wave_create(
        board=board, name="Golf 1", on=today, locations=[first_location.code], by=staff
    )

    started = staff_client.post(URL, {"action": "wave_start", "wave": wave.pk})
    assert started.status_code == 302
    assert states(board)[(first_location.code, "connectivity")] == "migrating"

    done_on = today - timedelta(days=1)
    completed = staff_client.post(
        URL,
        {
            "action": "wave_complete",
            "wave": wave.pk,
            f"wave_complete-{wave.pk}-on": done_on.isoformat(),
        },
    )

    assert completed.status_code == 302
    assert states(board) == {
        (first_location.code, "connectivity"): "active",
        (first_location.code, "security"): "active",
        (second_location.code, "connectivity"): "requested",
        (second_location.code, "security"): "requested",
    }
    assert set(
        Subscription.objects.filter(location=first_location).values_list("active_on", flat=True)
    ) == {done_on}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"subscriptions.wave.started", "subscriptions.wave.completed"} <= actions
    page = staff_client.get(URL)
    assert [p.migrated_percent for p in page.context["points"]] == [50]
    assert 'class="wave wave-done"' in page.content.decode()


def test_completing_in_the_future_is_refused_on_the_form(
    staff_client, board, connected, staff, today
):
    wave = services.wave_create(
        board=board,
        name="Golf 1",
        on=today + timedelta(days=30),
        locations=[connected[0].location.code],
        by=staff,
    )
    response = staff_client.post(
        URL,
        {
            "action": "wave_complete",
            "wave": wave.pk,
            f"wave_complete-{wave.pk}-on": (today + timedelta(days=30)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert "cannot be completed in the future" in response.content.decode()
    assert MigrationWave.objects.get().state == "planned"


def test_a_contact_cannot_start_a_wave(contact_client, board, connected, staff, today):
    wave = services.wave_create(
        board=board, name="Golf 1", on=today, locations=[connected[0].location.code], by=staff
    )

    response = contact_client.post(URL, {"action": "wave_start", "wave": wave.pk})

    assert response.status_code == 403
    assert MigrationWave.objects.get().state == "planned"


def test_another_boards_wave_is_not_found(contact_client, board, connected, staff):
    other = BoardFactory(duo_number="30000")
    location = LocationFactory(board=other)
    wave = MigrationWave.objects.create(board=other, name="X", date=connected[0].wished_start)
    wave.locations.set([location])

    response = contact_client.post(URL, {"action": "wave_start", "wave": wave.pk})
    staff_client = Client()
    staff_client.force_login(staff)
    by_staff = staff_client.post(URL, {"action": "wave_start", "wave": wave.pk})

    assert response.status_code == 404 and by_staff.status_code == 404
    assert MigrationWave.objects.get(pk=wave.pk).state == "planned"


def test_unknown_action_is_a_bad_request(contact_client, member):
    assert contact_client.post(URL, {"action": "nonsense"}).status_code == 400


def test_outsider_gets_404_and_cannot_post(
    outsider_client, board, connected, first_location, today
):
    data = {
        "action": "wave_create",
        "wave-name": "Inbraak",
        "wave-on": today.isoformat(),
        "wave-locations": [first_location.code],
    }

    for url in (URL, NEW_WAVE):
        assert outsider_client.get(url).status_code == 404
        assert outsider_client.post(url, data).status_code == 404
    assert MigrationWave.objects.count() == 0


def test_a_supplier_gets_404(client, board, member):
    client.force_login(
        UserFactory(role="supplier", board=None, organisation="Netwerk B.V.", username="lev")
    )

    assert client.get(URL).status_code == 404


def test_anonymous_is_sent_to_log_in(client, board):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.fixture
def security_everywhere(board, member, staff, next_year):
    """27 locations (the board's first and 26 more), each with security only."""
    for _ in range(26):
        LocationFactory(board=board)
    start = date(next_year, 1, 1)
    lines = [
        OrderLine(location.code, "security", None, start) for location in board.locations.all()
    ]
    services.order_place(board=board, lines=lines, by=staff)
    return sorted(board.locations.values_list("code", flat=True))


def test_the_services_are_paged_by_25_locations_with_the_boards_totals(
    contact_client, security_everywhere, django_assert_num_queries
):
    codes = security_everywhere

    first = contact_client.get(URL)
    # user with their board (the session comes from the cache), the page's subscriptions
    # (the board's plan and its locations with services are cached), membership
    with django_assert_num_queries(3):
        second = contact_client.get(URL + "?page=2")
    beyond = contact_client.get(URL + "?page=9")

    assert [loc.code for loc, _rows in first.context["by_location"]] == codes[:25]
    assert [loc.code for loc, _rows in second.context["by_location"]] == codes[25:]
    assert beyond.context["page"].number == 2  # the last page
    for page, html in ((1, first.content.decode()), (2, second.content.decode())):
        assert "27 services at 27 locations" in html
        assert f"Page {page} of 2" in html
        assert "Migration plan" in html and f'href="{NEW_WAVE}"' in html
        assert html.count('class="list compact location-services"') == (25 if page == 1 else 2)
    assert 'href="?page=2"' in first.content.decode()
    assert 'href="?page=1"' in second.content.decode()


def test_the_pager_swaps_in_only_the_services(contact_client, security_everywhere):
    response = contact_client.get(URL + "?page=2", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.templates[0].name == "subscriptions/_services.html"
    assert "<html" not in html and "Migration plan" not in html
    assert [f'id="location-{code}"' in html for code in security_everywhere[24:]] == [
        False,
        True,
        True,
    ]
    assert "27 services at 27 locations" in html and "Page 2 of 2" in html


@pytest.fixture
def many_locations(board):
    return [LocationFactory(board=board) for _ in range(25)]


@pytest.mark.parametrize("rows", [2, 50])
def test_board_page_queries_do_not_grow(
    staff_client, board, member, staff, many_locations, next_year, rows, django_assert_num_queries
):
    start = date(next_year, 1, 1)
    lines = [
        OrderLine(location.code, product, None if product == "security" else "1g", start)
        for location in many_locations[: rows // 2]
        for product in ("connectivity", "security")
    ]
    services.order_place(board=board, lines=lines, by=staff)
    services.wave_create(
        board=board,
        name="Golf 1",
        on=start,
        locations=[loc.code for loc in many_locations[: rows // 2]],
        by=staff,
    )

    # user (the session comes from the cache), board, waves, wave locations, the board's
    # locations, its locations with services, their subscriptions, membership
    with django_assert_num_queries(8):
        response = staff_client.get(URL)
    # Then the board's services and plan come from the cache: user, board, membership.
    with django_assert_num_queries(3):
        again = staff_client.get(URL)

    assert sum(len(subs) for _loc, subs in response.context["by_location"]) == rows
    assert again.context["by_location"] == response.context["by_location"]
    assert again.context["points"] == response.context["points"]


def test_the_services_tables_escape_what_the_registry_and_catalogue_say(
    contact_client, connected, second_location
):
    """The tables are written in Python (views.services_tables): names from DUO and the
    catalogue are text, never markup."""
    second_location.name = '<script>alert("x")</script> & Co'
    second_location.save()

    html = contact_client.get(URL).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co, Eindhoven</caption>" in html
    assert html.count('<th scope="col" class="num">Price per month</th>') == 2


def test_the_cached_page_and_api_list_follow_every_change(
    contact_client, connected, first_location, staff, contact, today, next_year
):
    """The board's services, its plan and the API's pages are cached
    (`selectors.board_cached`): every write that changes what they show makes them read
    anew, those of the services' bulk writes (which send no signals) too."""
    api = "/api/v1/boards/41211/subscriptions/"

    def seen(product="connectivity") -> tuple[str, dict]:
        html = contact_client.get(URL).content.decode()
        rows = contact_client.get(api).json()["results"]
        row = next(
            r for r in rows if r["location"] == first_location.code and r["product"] == product
        )
        return html, row

    connectivity = next(s for s in connected if s.product.code == "connectivity")
    third = LocationFactory(board=connectivity.board, name="De Derde")
    html, row = seen()  # now cached
    assert row["state"] == "requested" and row["capacity"] == "1g"
    assert "De Derde" not in html

    services.order_place(
        board=connectivity.board,
        lines=[OrderLine(third.code, "security", None, date(next_year, 1, 1))],
        by=contact,
    )
    assert "De Derde" in seen()[0]

    services.subscription_change_capacity(
        subscription=connectivity, capacity="10g", on=date(next_year, 3, 1), by=staff
    )
    html, row = seen()
    assert row["capacity"] == "10g" and row["changes"][0]["new_capacity"] == "10g"
    assert "10 Gbit/s" in html

    board = connectivity.board
    wave = services.wave_create(
        board=board, name="Golf 9", on=today, locations=[first_location.code], by=contact
    )
    html, row = seen()
    assert row["state"] == "planned" and row["wave"] == wave.pk
    assert "Golf 9" in html and f"1: {first_location.code}" in html  # the wave table

    services.wave_start(wave=wave, by=staff)
    assert seen()[1]["state"] == "migrating"
    services.wave_complete(wave=wave, by=staff, on=today)
    html, row = seen()
    assert row["state"] == "active" and row["active_on"] == today.isoformat()
    assert 'class="wave wave-done"' in html  # the timeline's bar

    services.subscription_terminate(subscription=connectivity, on=today, by=staff)
    assert seen()[1]["state"] == "terminating"
    services.subscriptions_end_due(today=today)
    assert seen()[1]["state"] == "ended"

    product_update(product=connectivity.product, by=staff, name_en="Fibre to the school")
    html, row = seen()
    assert row["product_name"] == "Fibre to the school" and "Fibre to the school" in html

    first_location.name = "De Nieuwe Naam"
    first_location.save()
    html, row = seen()
    assert row["location_name"] == "De Nieuwe Naam" and "De Nieuwe Naam" in html
