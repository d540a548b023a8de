from datetime import date

import pytest

from bundel.membership.constants import State
from bundel.membership.models import Membership, SupportSnapshot

from ..factories import LocationFactory, PupilCountFactory


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.django_db
def test_support_api_gives_groups_with_percent_and_exact_share(client, board):
    other = LocationFactory()
    PupilCountFactory(location=other, pupils=188)  # national 812 + 188 = 1000
    Membership.objects.create(board=board, state=State.INTERESTED, interested_on=date(2019, 1, 1))

    data = client.get("/api/v1/support/?date=2020-01-01").json()

    assert data["national_pupils"] == 1000
    assert data["count_date"] == "2019-10-01"
    assert data["coalition"] == {"boards": 1, "pupils": 812, "percent": 81, "share": "0.812000"}
    assert data["together"]["pupils"] == 812
    assert data["start_group"] == {"boards": 0, "pupils": 0, "percent": 0, "share": "0.000000"}


@pytest.mark.django_db
def test_bad_date_is_400(client):
    assert client.get("/api/v1/support/?date=24-03-2017").status_code == 400


@pytest.mark.django_db
def test_snapshots_readable_by_all_recorded_by_staff(client, staff, contact):
    payload = {
        "date": "2017-03-24",
        "national_pupils": 2530522,
        "start_group_boards": 24,
        "start_group_pupils": 202745,
        "coalition_pupils": 195098,
    }
    client.force_login(contact)
    assert (
        client.post(
            "/api/v1/support/snapshots/", payload, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(staff)
    created = client.post("/api/v1/support/snapshots/", payload, content_type="application/json")
    assert created.status_code == 201

    client.logout()
    assert client.get("/api/v1/support/snapshots/").json()["results"][0]["date"] == "2017-03-24"
    figures = client.get("/api/v1/support/?date=2017-03-24").json()
    assert (figures["together"]["pupils"], figures["together"]["percent"]) == (397843, 16)
    assert figures["national_source"] == "snapshot"


@pytest.mark.django_db
def test_snapshot_whose_groups_exceed_the_nation_is_refused(client, staff):
    client.force_login(staff)
    response = client.post(
        "/api/v1/support/snapshots/",
        {
            "date": "2017-03-24",
            "national_pupils": 100,
            "start_group_pupils": 90,
            "coalition_pupils": 20,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "exceed the national total (100)" in response.json()["non_field_errors"][0]
    assert not SupportSnapshot.objects.exists()
