"""The registry API: public open data, same rules for everyone, bounded queries."""

from datetime import date

import pytest

from ..factories import BoardFactory, LocationFactory, PupilCountFactory


def make_boards(n: int) -> None:
    for i in range(n):
        location = LocationFactory(board=BoardFactory(), place=f"PLAATS {i}", sector_type="vo")
        PupilCountFactory(
            location=location, pupils=100 + i, outsourced_vavo=0, count_date=date(2025, 10, 1)
        )


@pytest.mark.django_db
def test_board_detail_has_pupils_per_count_date_and_locations(client):
    board = BoardFactory(duo_number="41211", name="")
    a = LocationFactory(
        board=board, code="02FY00", name="Lyceum", place="BERGEN OP ZOOM", sector_type="vo"
    )
    b = LocationFactory(
        board=board, code="02FY01", name="Mavo", place="VALKENSWAARD", sector_type="vo"
    )
    PupilCountFactory(location=a, count_date=date(2019, 10, 1), pupils=500)
    PupilCountFactory(location=b, count_date=date(2019, 10, 1), pupils=700)
    PupilCountFactory(location=a, count_date=date(2025, 10, 1), pupils=450, outsourced_vavo=3)

    data = client.get("/api/v1/boards/41211/").json()

    assert data["duo_number"] == "41211"
    assert data["name"] == "Bestuur 41211"
    assert data["place"] == "VALKENSWAARD"  # the place of its largest location
    assert data["sectors"] == "vo"
    assert data["pupils"] == {"2019-10-01": 1200, "2025-10-01": 450}
    assert data["locations"] == [
        {"code": "02FY00", "name": "Lyceum", "place": "BERGEN OP ZOOM", "sector_type": "vo"},
        {"code": "02FY01", "name": "Mavo", "place": "VALKENSWAARD", "sector_type": "vo"},
    ]


@pytest.mark.django_db
def test_board_list_filters(client):
    po = BoardFactory(duo_number="10001")
    both = BoardFactory(duo_number="10002")
    LocationFactory(board=po, sector_type="bo", province="Drenthe", place="EMMEN")
    LocationFactory(board=both, sector_type="sbo", province="Utrecht")
    LocationFactory(
        board=both, sector_type="vo", province="Utrecht", code="ZZ9900", school__brin="ZZ99"
    )

    def numbers(query):
        return [b["duo_number"] for b in client.get(f"/api/v1/boards/?{query}").json()["results"]]

    assert numbers("") == ["10001", "10002"]
    assert numbers("sector=po") == ["10001"]
    assert numbers("sector=both") == ["10002"]
    assert numbers("sector=vo") == []
    assert numbers("province=Drenthe") == ["10001"]
    assert numbers("search=emmen") == ["10001"]
    assert numbers("search=zz99") == ["10002"]
    assert numbers("search=1000") == ["10001", "10002"]


@pytest.mark.django_db
def test_bad_filter_names_the_parameter(client):
    response = client.get("/api/v1/boards/?province=Atlantis")

    assert response.status_code == 400
    assert "Atlantis" in response.json()["province"]


@pytest.mark.django_db
def test_unknown_board_and_location_are_404_with_a_message(client):
    assert client.get("/api/v1/boards/99999/").json() == {
        "detail": "Geen bestuur met DUO-nummer 99999."
    }
    assert client.get("/api/v1/locations/XX0000/").status_code == 404


@pytest.mark.django_db
def test_location_detail(client):
    location = LocationFactory(code="16AH00", school__brin="16AH", name="OBS 't Eenspan")
    PupilCountFactory(location=location, pupils=None, count_date=date(2019, 10, 1))

    data = client.get("/api/v1/locations/16ah00/").json()

    assert (data["code"], data["brin"], data["board"]) == (
        "16AH00",
        "16AH",
        location.board.duo_number,
    )
    assert data["pupil_counts"] == [
        {
            "count_date": "2019-10-01",
            "sector_type": "bo",
            "pupils": None,
            "outsourced_vavo": None,
            "board": location.board.duo_number,
        }
    ]


@pytest.mark.django_db
def test_totals_by_count_date(client):
    make_boards(3)
    PupilCountFactory(
        location=LocationFactory(board=None),
        pupils=10,
        count_date=date(2025, 10, 1),
        sector_type="vo",
        outsourced_vavo=None,
    )

    data = client.get("/api/v1/registry/totals/?count_date=2025-10-01").json()

    assert data["pupils"] == 100 + 101 + 102 + 10
    assert data["boards"] == 3
    assert data["locations"] == 4
    assert data["by_sector_type"]["vo"] == 313
    assert data["locations_without_board"] == 1
    assert data["outsourced_vavo_suppressed"] == 1


@pytest.mark.django_db
def test_totals_refuse_bad_or_unknown_dates(client):
    make_boards(1)

    assert client.get("/api/v1/registry/totals/?count_date=1-10-2025").status_code == 400
    missing = client.get("/api/v1/registry/totals/?count_date=2024-10-01")
    assert missing.status_code == 404
    assert "2025-10-01" in missing.json()["detail"]


@pytest.mark.django_db
def test_registry_is_readable_without_login_and_read_only(client):
    make_boards(1)

    assert client.get("/api/v1/boards/").status_code == 200
    assert client.post("/api/v1/boards/", {}).status_code in (401, 403, 405)


@pytest.mark.django_db
def test_token_authentication(client, contact):
    token = client.post(
        "/api/v1/auth/token/", {"username": "contact", "password": "correct-horse-battery"}
    ).json()["token"]

    response = client.get("/api/v1/boards/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert response.wsgi_request.user == contact


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 50])
def test_board_list_queries_do_not_grow_with_rows(client, django_assert_num_queries, rows):
    make_boards(rows)
    # count, the page of boards (figures joined from the summaries)
    with django_assert_num_queries(2):
        response = client.get("/api/v1/boards/?page_size=50")
    assert len(response.json()["results"]) == rows
    with django_assert_num_queries(0):  # cached (with the registry's version, one cache read)
        again = client.get("/api/v1/boards/?page_size=50")
    assert again.json() == response.json()


@pytest.mark.django_db
def test_openapi_schema_lists_the_registry(client):
    schema = client.get("/api/v1/schema/?format=json").json()

    for path in [
        "/api/v1/boards/",
        "/api/v1/boards/{duo_number}/",
        "/api/v1/locations/{code}/",
        "/api/v1/registry/totals/",
    ]:
        assert path in schema["paths"]
    assert client.get("/api/v1/docs/").status_code == 200
