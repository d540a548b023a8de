"""Registry pages: search, board and location pages, exports; the audit trail is staff-only."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from bundel.registry.services import board_update

from ..factories import BoardFactory, LocationFactory, PupilCountFactory


def make_boards(n: int) -> None:
    for i in range(n):
        location = LocationFactory(board=BoardFactory(), place=f"PLAATS {i}")
        PupilCountFactory(location=location, pupils=10 + i)


@pytest.mark.django_db
def test_board_list_searches_by_place_and_shows_figures(client):
    board = BoardFactory(duo_number="20281", name="")
    LocationFactory(board=board, place="DELFT", sector_type="bo")
    LocationFactory(board=board, place="DELFT", sector_type="vo")
    PupilCountFactory(location=board.locations.first(), pupils=1234)
    make_boards(3)

    response = client.get("/registry/boards/?q=delft")

    page = response.context["page"]
    assert [b.duo_number for b in page] == ["20281"]
    assert (page[0].location_count, page[0].current_pupils) == (2, 1234)
    html = response.content.decode()
    assert "Bestuur 20281" in html and "Delft" in html and "1.234" in html
    assert "Primair en voortgezet" in html or "Primary and secondary" in html


@pytest.mark.django_db
def test_htmx_search_returns_only_the_results(client):
    make_boards(2)

    response = client.get("/registry/boards/?q=plaats", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert html.count("<tr>") == 3  # header + 2 boards


@pytest.mark.django_db
def test_invalid_filter_is_shown_not_a_crash(client):
    make_boards(2)

    response = client.get("/registry/boards/?province=Atlantis")

    assert response.status_code == 200
    assert response.context["form"].errors["province"]
    assert response.context["page"].paginator.count == 2


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 50])
def test_board_list_page_queries_do_not_grow(client, django_assert_num_queries, rows):
    make_boards(rows)
    with django_assert_num_queries(2):  # count, page
        response = client.get("/registry/boards/")
    assert len(response.context["page"]) == rows
    with django_assert_num_queries(0):  # cached (with the registry's version, one cache read)
        again = client.get("/registry/boards/")
    results = response.content.split(b'id="results"')[1]
    assert again.content.split(b'id="results"')[1] == results


@pytest.mark.django_db
def test_board_page_shows_locations_pupils_and_chart(client):
    board = BoardFactory(duo_number="41211", name="")
    location = LocationFactory(board=board, code="02FY00", name="Lyceum", place="BERGEN OP ZOOM")
    PupilCountFactory(location=location, count_date=date(2019, 10, 1), pupils=500)
    PupilCountFactory(location=location, count_date=date(2020, 10, 1), pupils=520)

    response = client.get("/registry/boards/41211/")

    html = response.content.decode()
    assert [at.total for at in response.context["pupils_by_date"]] == [520, 500]
    assert "02FY00" in html and "Lyceum" in html
    assert "<svg" in html and "01-10-2019" in html
    assert client.get("/registry/boards/99999/").status_code == 404


@pytest.mark.django_db
def test_location_without_board_says_so(client):
    location = LocationFactory(board=None, code="02FC00")
    PupilCountFactory(location=location, board=None, pupils=None)

    html = client.get("/registry/locations/02FC00/").content.decode()

    assert "bestuur onbekend" in html
    assert "&lt;5" in html


@pytest.mark.django_db
def test_audit_trail_is_shown_to_staff_only(client, staff, contact, board):
    board_update(board=board, by=staff, name="Stichting OMO")

    client.force_login(staff)
    assert "registry.board.updated" in client.get("/registry/boards/41211/").content.decode()
    client.force_login(contact)
    html = client.get("/registry/boards/41211/").content.decode()
    assert "registry.board.updated" not in html
    assert "Stichting OMO" in html


@pytest.mark.django_db
def test_exports_csv_and_xlsx_follow_the_filters(client):
    make_boards(3)
    BoardFactory(duo_number="10001")

    csv_response = client.get("/registry/boards/?q=plaats&format=csv")
    xlsx_response = client.get("/registry/boards/?q=plaats&format=xlsx")

    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert csv_response["Content-Disposition"] == 'attachment; filename="besturen.csv"'
    assert len(lines) == 4
    assert lines[0].startswith("DUO-nummer;")
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 4
    assert [r[5] for r in rows[1:]] == [10, 11, 12]


@pytest.mark.django_db
def test_language_switch_to_english(client):
    make_boards(1)

    client.post("/i18n/setlang/", {"language": "en", "next": "/registry/boards/"})
    html = client.get("/registry/boards/").content.decode()

    assert "School boards" in html and 'lang="en"' in html


@pytest.mark.django_db
def test_board_page_shows_membership_and_fee_to_its_contact_only(client, board, contact, outsider):
    from bundel.membership.constants import Kind
    from bundel.membership.services import membership_start

    membership_start(board=board, kind=Kind.INTEREST, by=contact)

    client.force_login(contact)
    mine = client.get("/registry/boards/41211/").content.decode()
    client.force_login(outsider)
    other = client.get("/registry/boards/41211/").content.decode()

    assert "€ 1.000,00" in mine  # 812 pupils: the small-board fee
    assert "board-membership" in mine
    assert "board-membership" not in other
