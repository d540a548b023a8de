"""Bad membership requests through the API (/api/v1/memberships/...), by staff: each
refused with a message that names what is wrong, and the memberships, agreements and
settlements exactly as before."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ..factories import StaffFactory
from .builders import applicant, eligible_board, long_ago, member
from .checksum import table_state
from .conftest import login

TABLES = ("membership.Membership", "membership.Agreement", "membership.Settlement")
TOMORROW = str(timezone.localdate() + timedelta(days=1))
BEFORE_APPLYING = str(long_ago() - timedelta(days=1))

# case: (membership of the request, its action (none: start one for its board, or for a
# board without one), payload, status, what the answer names)
CASES = {
    "unknown board": (
        None,
        "",
        {"board": "99999", "kind": "application"},
        400,
        "No board with DUO number 99999",
    ),
    "unknown kind": (None, "", {"board": "{board}", "kind": "lid"}, 400, "kind"),
    "second open membership": (
        "applied",
        "",
        {"board": "{board}", "kind": "interest"},
        409,
        "already has an open membership (applied)",
    ),
    "start dated tomorrow": (
        None,
        "",
        {"board": "{board}", "kind": "application", "date": TOMORROW},
        400,
        f"cannot be dated in the future ({TOMORROW})",
    ),
    "admit before the application": (
        "applied",
        "admit",
        {"date": BEFORE_APPLYING},
        400,
        f"The date {BEFORE_APPLYING} is before the application",
    ),
    "admit without a signed agreement": (
        "unsigned",
        "admit",
        {},
        400,
        "no membership agreement signed by then",
    ),
    "admit a member": ("member", "admit", {}, 409, "Cannot admit"),
    "reject without a reason": ("applied", "reject", {"reason": "  "}, 400, "reason"),
    "agreement version that does not exist": (
        "unsigned",
        "agreements",
        {"kind": "membership", "version": "1999.9", "signer": "A. de Vries"},
        400,
        "There is no version 1999.9 of the",
    ),
    "agreement signed before the version is valid": (
        "unsigned",
        "agreements",
        {
            "kind": "membership",
            "version": "2026.1",
            "signer": "A. de Vries",
            "signed_on": str(timezone.localdate() - timedelta(days=400)),
        },
        400,
        "before the start of the membership",
    ),
    "agreement without a signer": (
        "unsigned",
        "agreements",
        {"kind": "membership", "version": "2026.1", "signer": ""},
        400,
        "signer",
    ),
    "notice by the cooperative without a reason": (
        "member",
        "notice",
        {"by": "cooperative"},
        400,
        "only with a reason",
    ),
    "notice by someone else": ("member", "notice", {"by": "supplier"}, 400, "by"),
    "settlement of a member without notice": (
        "member",
        "settlement",
        {"decided_on": str(timezone.localdate())},
        409,
        "Cannot record a settlement",
    ),
    "date that does not exist": ("applied", "admit", {"date": "2026-02-30"}, 400, "date"),
    "withdraw a notice never given": ("member", "withdraw-notice", {}, 409, "Cannot withdraw"),
}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    staff = StaffFactory()
    return staff, {
        "applied": applicant(staff),
        "unsigned": applicant(staff, sign=False),
        "member": member(staff),
    }


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_membership_request_is_refused_with_its_reason_and_changes_nothing(world, case):
    staff, memberships = world
    which, action, payload, status, message = CASES[case]
    membership = memberships.get(which)
    board = membership.board if membership else eligible_board()
    payload = {key: value.format(board=board.duo_number) for key, value in payload.items()}
    path = "/api/v1/memberships/" + (f"{membership.pk}/{action}/" if action else "")
    before = table_state(*TABLES)

    response = login(staff).post(path, payload, content_type="application/json")

    assert response.status_code == status, response.content
    assert message in str(response.json())
    assert table_state(*TABLES) == before
