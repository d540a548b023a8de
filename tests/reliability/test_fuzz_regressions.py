"""What the API fuzzing (test_fuzz_api.py) and the page fuzzing found, each fixed and kept
fixed.

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

What the fuzzing of the HTML pages (test_fuzz_pages.py) found:

4. tenders: the tender form with an award method that is not one and a named criterion
   built the criterion without the columns the method needs: TypeError, a 500. The
   criteria are now read once the method is known; the method's field says what is wrong.
5. knowledge and governance: a refusal's message was formatted with the user's text and
   then formatted again by ValidationError with its `params`: a tag "%'--" was a 500
   (ValueError), a "%" in a document's title or an appointee's name would have been one.
   The messages are now formatted once, from their params.
6. subscriptions and tenders: the order form and the demand form built as many line forms
   as the posted TOTAL_FORMS asked, up to Django's cap of 2000: one post of 99999 took
   13 seconds and answered 5.9 MB. Both now take at most 50 lines, and say so.
"""

import re
from datetime import date

import pytest

from bundel.core.errors import RuleViolation, StateConflict
from bundel.governance.constants import Body
from bundel.governance.services.bodies import appointment_create
from bundel.knowledge import services as knowledge
from bundel.tenders.models import Participation, Tender

from ..factories import StaffFactory, UserFactory
from ..governance.factories import member_board
from ..knowledge.factories import CategoryFactory, make_document
from ..tenders.factories import demand_tender
from ..tenders.test_pages import form_data
from .builders import applicant, contact_of, member
from .checksum import table_state
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


def test_a_tender_with_an_award_method_that_is_not_one_is_refused_at_that_field(staff_client):
    response = staff_client.post("/tenders/nieuw/", form_data(award_method="lowest"))

    assert response.status_code == 200
    assert "Select a valid choice. lowest is not one of the available choices." in (
        response.content.decode()
    )
    assert not Tender.objects.exists()


def test_a_tag_with_a_percent_sign_is_refused_with_its_message(db):
    staff = StaffFactory()
    category = CategoryFactory(code="ict")
    before = table_state("knowledge.Document", "knowledge.Tag")

    response = login(staff).post(
        "/knowledge/new/",
        {
            "action": "new",
            "new-title": "Wifi",
            "new-category": category.pk,
            "new-visibility": "members",
            "new-tags": "wifi, %'--",
            "new-owner": staff.pk,
            "new-body": "Eén access point per lokaal.",
        },
    )

    assert response.status_code == 200
    assert "The tag “%&#x27;--” has no letters or digits." in response.content.decode()
    assert table_state("knowledge.Document", "knowledge.Tag") == before


@pytest.mark.parametrize("tag", ["%'--", "%%", "%(tag)s " + "x" * 200])
def test_a_tags_message_shows_the_tag_as_given(db, tag):
    with pytest.raises(RuleViolation) as refused:
        knowledge.tag_name(tag)

    assert tag in refused.value.messages[0]


def test_a_documents_title_with_a_percent_sign_is_shown_as_given(db):
    staff = StaffFactory()
    document = make_document(staff, title="100% wifi %(title)s")
    knowledge.document_withdraw(document=document, by=staff, reason="Verouderd")

    with pytest.raises(StateConflict) as again:
        knowledge.document_withdraw(document=document, by=staff, reason="Verouderd")

    assert again.value.messages == ["“100% wifi %(title)s” is already withdrawn."]
    assert again.value.params["document"] == document.pk


def test_an_appointees_name_with_a_percent_sign_is_shown_as_given(db):
    employer = member_board(name="Stichting 100% Onderwijs")

    with pytest.raises(RuleViolation) as refused:
        appointment_create(
            body=Body.SUPERVISORY,
            name="Ans 50% Verbeek",
            email="ans@example.test",
            employer_board=employer,
            starts_on=date(2026, 1, 1),
            by=StaffFactory(),
        )

    assert refused.value.messages == [
        "Ans 50% Verbeek is employed by Stichting 100% Onderwijs, a member board; the "
        "supervisory board is independent of the members."
    ]
    assert refused.value.params["board_code"] == employer.duo_number


def _management(prefix: str, total: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_an_order_of_more_lines_than_allowed_builds_no_more_forms(db):
    staff = StaffFactory()
    board = member(staff).board

    response = login(contact_of(board)).post(
        f"/services/{board.duo_number}/order/", _management("lines", "99999")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in page
    assert len(re.findall(r'name="lines-\d+-start"', page)) == 50


def test_a_demand_of_more_rows_than_allowed_builds_no_more_forms(db):
    staff = StaffFactory()
    board = member(staff).board
    tender = demand_tender(by=staff)

    response = login(contact_of(board)).post(
        f"/tenders/{tender.pk}/deelname/{board.duo_number}/",
        {**_management("lot1", "99999"), **_management("lot2", "2")},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in page
    assert len(re.findall(r'name="lot1-\d+-start"', page)) == 50
    assert not Participation.objects.exists()
