"""What the API fuzzing (test_fuzz_api.py) found, each fixed and kept fixed.

1. membership and subscriptions: an id that is not a number in the path of an action
   (`POST /api/v1/memberships/$/settlement/`, `/waves/x/start/`, `/waves/x/complete/`,
   `/subscriptions/x/terminate/`, `/subscriptions/x/capacity/`) reached
   `get_object_or_404(pk="$")`: ValueError, a 500. The router now only matches digits.
2. A path under /api/ that no URL matches (e.g. `/api/v1/events/true/`, an integer id
   that is not one) answered with the site's HTML page; now JSON with a `detail`, like
   every other API error.
3. membership: `POST /api/v1/memberships/1/notice/?state=member` (the schema offers the
   list's `state` filter on every action) gave notice and then looked the membership up
   again in state "member": DoesNotExist, a 500 after the change was stored. The filter
   now applies to the list only.
"""

import pytest

from ..factories import StaffFactory, UserFactory
from .builders import applicant, contact_of, member
from .conftest import login

ACTIONS = [
    "/api/v1/memberships/$/settlement/",
    "/api/v1/memberships/abc/admit/",
    "/api/v1/waves/%C3%87/start/",
    "/api/v1/waves/x1/complete/",
    "/api/v1/subscriptions/1.5/terminate/",
    "/api/v1/subscriptions/true/capacity/",
]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def staff_client(client, db):
    client.force_login(StaffFactory())
    return client


@pytest.mark.parametrize("path", ACTIONS)
def test_an_id_that_is_not_a_number_is_a_404_with_a_message(staff_client, path):
    response = staff_client.post(path, {"date": "2027-01-01"}, content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no API endpoint at this path."}


@pytest.mark.parametrize(
    "path",
    ["/api/v1/events/true/", "/api/v1/documents/-0.5/", "/api/v1/elections/null/results/"],
)
def test_an_api_path_no_url_matches_answers_json(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_page_no_url_matches_is_still_the_sites_page(client, db):
    response = client.get("/registry/no-such-page/x/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_numeric_id_still_reaches_the_view(client, db):
    """The router's digits-only lookup leaves real ids alone: the view answers (here: not
    visible to this board contact) rather than the URL resolver."""
    client.force_login(UserFactory())

    response = client.post("/api/v1/memberships/999999/admit/", {}, "application/json")

    assert response.status_code in (403, 404)
    assert response.json()["detail"] != "There is no API endpoint at this path."


def test_an_action_ignores_the_lists_state_filter(db):
    staff = StaffFactory()
    board = member(staff).board
    membership = board.memberships.get()

    response = login(contact_of(board)).post(
        f"/api/v1/memberships/{membership.pk}/notice/?state=member",
        {"by": "member"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "notice_given"


def test_the_state_filter_does_not_hide_the_membership_an_action_is_for(db):
    staff = StaffFactory()
    applied = applicant(staff)

    response = login(staff).post(
        f"/api/v1/memberships/{applied.pk}/admit/?state=interested", {}, "application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "member"


def test_the_list_still_filters_by_state(db):
    staff = StaffFactory()
    applicant(staff)
    member(staff)

    response = login(staff).get("/api/v1/memberships/?state=applied")

    assert [row["state"] for row in response.json()["results"]] == ["applied"]
