"""The public support dashboard: aggregates only, in a fixed number of queries."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from bundel.core.linechart import line_chart
from bundel.membership.constants import State
from bundel.membership.models import Membership, SupportSnapshot

from ..factories import BoardFactory, LocationFactory, PupilCountFactory

URL = reverse("support:dashboard")
COUNT_DATE = date(2019, 10, 1)


def board_with(pupils, *, sector_type="bo", province="Utrecht", duo_number=None, name=None):
    extra = {k: v for k, v in {"duo_number": duo_number, "name": name}.items() if v}
    board = BoardFactory(**extra)
    location = LocationFactory(board=board, sector_type=sector_type, province=province)
    PupilCountFactory(location=location, pupils=pupils, count_date=COUNT_DATE)
    return board


@pytest.fixture
def supported(db):
    """National 10,000 pupils: start group 1,500, coalition 2,500, members 1,000."""
    start = board_with(1500, duo_number="31001", name="Stichting Startgroep")
    coalition = board_with(2500, sector_type="vo", province="Limburg", duo_number="31002")
    member = board_with(1000, duo_number="31003", name="Stichting Al Lid")
    board_with(5000, province="Limburg", duo_number="31004")
    Membership.objects.create(
        board=start,
        state=State.MEMBER,
        is_founding=True,
        founding_since=date(2020, 3, 1),
        applied_on=date(2020, 3, 1),
    )
    Membership.objects.create(
        board=coalition, state=State.INTERESTED, interested_on=date(2020, 5, 1)
    )
    Membership.objects.create(
        board=member, state=State.MEMBER, applied_on=date(2020, 4, 1), admitted_on=date(2020, 6, 1)
    )
    return [start, coalition, member]


def figures_of(response):
    return {name: group for name, _label, group in response.context["groups"]}


@pytest.mark.django_db
def test_anyone_sees_the_groups_national_total_and_count_dates(client, supported):
    response = client.get(URL, {"date": "2021-01-01"})

    assert response.status_code == 200
    groups = figures_of(response)
    assert (groups["start_group"].pupils, groups["start_group"].percent) == (1500, 15)
    assert (groups["coalition"].pupils, groups["coalition"].percent) == (2500, 25)
    assert (groups["members"].pupils, groups["members"].boards) == (1000, 1)
    assert (groups["together"].pupils, groups["together"].percent) == (5000, 50)
    html = response.content.decode()
    assert "10.000" in html and "5.000" in html and "50%" in html
    assert "01-10-2019 (bo, vo)" in html  # the count date used, per sector type
    assert response.context["figures"].national_source == "registry"


@pytest.mark.django_db
def test_the_dashboard_never_shows_board_names_or_numbers(client, supported):
    html = client.get(URL, {"date": "2021-01-01"}).content.decode()

    for board in supported:
        assert board.duo_number not in html
        assert board.name not in html
    assert "31004" not in html


@pytest.mark.django_db
def test_history_has_a_point_per_month_and_the_chart_draws_four_lines(client, supported):
    """Monthly points (not each board's own transition date, which would single it out)."""
    response = client.get(URL, {"date": "2021-01-01"})

    history = response.context["history"]
    months = [date(2020, m, 1) for m in range(3, 13)] + [date(2021, 1, 1)]
    assert [f.date for f in reversed(history)] == [COUNT_DATE, *months]
    assert [f.together.percent for f in reversed(history)] == [0, 15, 25] + [50] * 9
    html = response.content.decode()
    svg = html[html.index('<svg class="chart"') : html.index("</svg>")]
    assert svg.count("<path ") == 4
    assert svg.count("<circle ") == 4 * 12
    assert "2020" in svg and "2021" in svg  # year ticks


@pytest.mark.django_db
def test_breakdown_by_province_and_sector_type(client, supported):
    response = client.get(URL, {"date": "2021-01-01"})

    (_, provinces), (_, sector_types) = response.context["breakdowns"]
    by_province = {str(row["label"]): row for row in provinces}
    assert (by_province["Utrecht"]["pupils"], by_province["Utrecht"]["national"]) == (2500, 2500)
    assert (by_province["Limburg"]["pupils"], by_province["Limburg"]["national"]) == (2500, 7500)
    assert str(by_province["Limburg"]["percent"]) == "33.3"
    assert [row["national"] for row in sector_types] == [7500, 2500]  # bo, then vo
    assert "33,3" in response.content.decode()


@pytest.mark.django_db
def test_the_seeds_snapshot_is_shown_as_recorded(client):
    SupportSnapshot.objects.create(
        date=date(2017, 3, 24),
        national_pupils=2_530_522,
        start_group_boards=24,
        start_group_pupils=202_745,
        coalition_pupils=195_098,
    )

    response = client.get(URL, {"date": "2017-03-24"})

    html = response.content.decode()
    assert response.context["figures"].is_snapshot
    assert "2.530.522" in html and "397.843" in html and "202.745" in html
    groups = figures_of(response)
    assert [groups[g].percent for g in ("start_group", "coalition", "together")] == [8, 8, 16]
    assert 'class="hollow"' in html  # a recorded point in the chart


@pytest.mark.django_db
def test_a_bad_date_says_how_to_write_it_and_shows_today(client, supported):
    response = client.get(URL, {"date": "24-03-2017"})

    assert response.status_code == 200
    assert response.context["error"]
    assert response.context["figures"].date == response.context["on"]


@pytest.mark.django_db
def test_the_page_is_in_the_navigation(client, db):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{URL}"' in html


def _memberships(count):
    for index in range(count):
        board = board_with(100 + index, province=["Utrecht", "Limburg", "Zeeland"][index % 3])
        Membership.objects.create(
            board=board,
            state=State.INTERESTED,
            interested_on=date(2020, 1 + index % 12, 1 + index % 28),
        )


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_memberships(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _memberships(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"date": "2021-01-01"}).status_code == 200
    assert len(few) <= 6

    _memberships(28)
    with django_assert_num_queries(len(few)):
        response = client.get(URL, {"date": "2021-01-01"})
    assert figures_of(response)["coalition"].boards == 30


def test_line_chart_places_dates_in_time_and_values_on_a_nice_scale():
    chart = line_chart(
        [
            ("a", "A", [(date(2020, 1, 1), 10.0, "", False), (date(2022, 1, 1), 30.0, "", True)]),
            ("b", "B", [(date(2021, 1, 1), 5.0, "", False)]),
        ],
        width=300,
        height=200,
    )

    a, b = chart["lines"]
    assert a.markers[0].x == chart["left"] and a.markers[1].x == chart["right"]
    assert b.markers[0].x == pytest.approx((chart["left"] + chart["right"]) / 2, abs=0.5)
    assert [t.value for t in chart["y_ticks"]] == [0, 10, 20, 30]
    assert a.markers[1].y == chart["top"]  # 30 is the top of the scale
    assert b.markers[0].y == pytest.approx(
        chart["baseline"] - (chart["baseline"] - chart["top"]) / 6
    )
    assert re.fullmatch(r"M\S+ \S+ H\S+ V\S+", a.path)  # a step: the value holds until it changes
    assert [t.label for t in chart["x_ticks"]] == ["2020", "2021", "2022"]
    assert a.markers[1].hollow and not a.markers[0].hollow


def test_line_chart_marks_only_recorded_points_on_a_long_line():
    points = [(date(2020, 1, 1) + timedelta(days=i), float(i), "", i == 0) for i in range(100)]

    (line,) = line_chart([("a", "A", points)], markers_up_to=60)["lines"]

    assert [p.date for p in line.markers] == [date(2020, 1, 1)]
    assert line.path.count("H") == 99


def test_line_chart_of_a_single_date():
    chart = line_chart([("a", "A", [(date(2021, 5, 5), 0.0, "", False)])], width=300)

    point = chart["lines"][0].markers[0]
    assert point.x == pytest.approx((chart["left"] + chart["right"]) / 2)
    assert point.y == chart["baseline"]
    assert [t.label for t in chart["x_ticks"]] == ["05-05-2021"]


@pytest.mark.django_db
def test_the_dashboard_is_cached_until_what_it_is_made_of_changes(
    client, supported, django_assert_num_queries
):
    first = client.get(URL, {"date": "2021-01-01"})
    with django_assert_num_queries(0):  # the body is cached (and its versions with it)
        again = client.get(URL, {"date": "2021-01-01"})
    assert figures_of(first)["members"].pupils == 1000
    assert again.content.split(b"<main")[1] == first.content.split(b"<main")[1]

    # A membership ends: the next request computes anew.
    member = Membership.objects.get(board=supported[2])
    member.ended_on = date(2020, 12, 1)
    member.save()
    assert figures_of(client.get(URL, {"date": "2021-01-01"}))["members"].pupils == 0

    # A new pupil count (the registry's version moves) is counted too.
    location = supported[0].locations.get()
    PupilCountFactory(location=location, pupils=500, count_date=date(2020, 10, 1))
    later = client.get(URL, {"date": "2021-01-01"})
    assert figures_of(later)["start_group"].pupils == 500
