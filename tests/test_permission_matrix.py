"""The permission matrix: every URL of the URL conf and every operation of the OpenAPI
schema, asked for by each role, gets the answer this table decides.

Roles: anonymous; staff (authenticator code given); the contact of a member board; the
contact of a board that is not a member (the outsider); a seated council member of the
member board; a supplier (authenticator code given). Objects in URLs belong to the member
board (tests/accounts/matrix_world.py).

Answers: OK (2xx, or a redirect that is not to a login page), LOGIN (redirect to the
login page), DENY (403 or 404), ADMIN (redirect to the admin's login page), NOT_ALLOWED
(405: the URL takes no GET). API writes are sent with an empty body and assert only the
authorisation: PASSED (400, 405, 409 or a success: the request got past the permission
check) or DENY (401, 403, 404).

A URL name or API operation missing from the table fails `test_every_*_has_an_entry`: a
new endpoint needs a decision here. To see what the site answers now (to decide a new
row), run with PERMISSION_MATRIX_PRINT=1 and -s: each test prints its observed row.
"""

import functools
import json
import os
import re
from collections import namedtuple
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.matrix_world import ROLES, build_world, role_clients

OK, LOGIN, DENY, ADMIN, NOT_ALLOWED, PASSED = "ok", "login", "deny", "admin", "405", "passed"
Row = namedtuple("Row", ROLES)
PRINT = os.environ.get("PERMISSION_MATRIX_PRINT") == "1"


def row(*answers: str) -> Row:
    return Row(*answers)


PUBLIC = row(OK, OK, OK, OK, OK, OK)
LOGGED_IN = row(LOGIN, OK, OK, OK, OK, OK)
STAFF_ONLY = row(LOGIN, OK, DENY, DENY, DENY, DENY)
# Staff and the people of the member board the object belongs to.
MEMBERS_ONLY = row(LOGIN, OK, OK, DENY, OK, DENY)
POST_ONLY = row(NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)

# --- pages: view name -> (URL kwargs from the world, answers per role) ----------------------
PAGES: dict[str, tuple[dict[str, str], Row]] = {
    "home": ({}, PUBLIC),
    "set_language": ({}, PUBLIC),
    "api:schema": ({}, PUBLIC),
    "api:docs": ({}, PUBLIC),
    # accounts
    "login": ({}, PUBLIC),
    "logout": ({}, POST_ONLY),
    "password_change": ({}, LOGGED_IN),
    "password_change_done": ({}, LOGGED_IN),
    "password_reset": ({}, PUBLIC),
    "password_reset_done": ({}, PUBLIC),
    "password_reset_confirm": ({"uidb64": "reset_uid", "token": "reset_token"}, PUBLIC),
    "password_reset_complete": ({}, PUBLIC),
    "two_factor": ({}, LOGGED_IN),
    "two_factor_setup": ({}, LOGGED_IN),
    "two_factor_verify": ({}, LOGGED_IN),
    "two_factor_backup_codes": ({}, LOGGED_IN),
    "two_factor_reset": ({"pk": "member_user.pk"}, STAFF_ONLY),
    # registry
    "registry:boards": ({}, PUBLIC),
    "registry:board": ({"duo_number": "board.duo_number"}, PUBLIC),
    "registry:location": ({"code": "location.code"}, PUBLIC),
    # membership
    "membership:mine": ({}, row(LOGIN, OK, OK, OK, DENY, DENY)),
    "membership:list": ({}, STAFF_ONLY),
    "membership:queue": ({}, STAFF_ONLY),
    "membership:detail": ({"pk": "membership.pk"}, MEMBERS_ONLY),
    "membership:agreement_pdf": ({"pk": "membership.pk", "kind": "=membership"}, MEMBERS_ONLY),
    "support:dashboard": ({}, PUBLIC),
    # proposals
    "proposals:bulk": ({}, STAFF_ONLY),
    "proposals:bulk_start": ({}, row(LOGIN, NOT_ALLOWED, DENY, DENY, DENY, DENY)),
    "proposals:batch": ({"pk": "batch.pk"}, STAFF_ONLY),
    "proposals:batch_download": ({"pk": "batch.pk"}, row(LOGIN, DENY, DENY, DENY, DENY, DENY)),
    "proposals:board": ({"duo_number": "board.duo_number"}, row(LOGIN, OK, OK, DENY, DENY, DENY)),
    "proposals:pdf": ({"duo_number": "board.duo_number"}, row(LOGIN, OK, OK, DENY, DENY, DENY)),
    # governance
    "governance:seats": ({}, STAFF_ONLY),
    "governance:elections": ({}, MEMBERS_ONLY),
    "governance:election_new": ({}, STAFF_ONLY),
    "governance:election": ({"pk": "election.pk"}, MEMBERS_ONLY),
    "governance:council": ({}, PUBLIC),
    "governance:bodies": ({}, STAFF_ONLY),
    "governance:appoint": ({}, STAFF_ONLY),
    "governance:appointment": ({"pk": "appointment.pk"}, STAFF_ONLY),
    "governance:meetings": ({}, MEMBERS_ONLY),
    "governance:meeting_new": ({}, STAFF_ONLY),
    "governance:meeting": ({"pk": "meeting.pk"}, MEMBERS_ONLY),
    "governance:meeting_document": (
        {"pk": "meeting.pk", "document_pk": "meeting_document.pk"},
        MEMBERS_ONLY,
    ),
    "governance:minutes_pdf": ({"pk": "meeting.pk"}, row(LOGIN, DENY, DENY, DENY, DENY, DENY)),
    # catalogue and services
    "catalogue:index": ({}, PUBLIC),
    "catalogue:basic_package": ({}, PUBLIC),
    "catalogue:manage": ({}, STAFF_ONLY),
    "catalogue:product_new": ({}, STAFF_ONLY),
    "catalogue:product_edit": ({"code": "subscription.product.code"}, STAFF_ONLY),
    "subscriptions:calendar": ({}, STAFF_ONLY),
    "subscriptions:board": ({"duo_number": "board.duo_number"}, MEMBERS_ONLY),
    "subscriptions:order": (
        {"duo_number": "board.duo_number"},
        row(LOGIN, OK, OK, DENY, DENY, DENY),
    ),
    "subscriptions:costs": ({"duo_number": "board.duo_number"}, MEMBERS_ONLY),
    # planned by the board's contacts and staff; its council member only reads the plan
    "subscriptions:wave_new": (
        {"duo_number": "board.duo_number"},
        row(LOGIN, OK, OK, DENY, DENY, DENY),
    ),
    "subscriptions:detail": (
        {"duo_number": "board.duo_number", "pk": "subscription.pk"},
        MEMBERS_ONLY,
    ),
    # tenders
    "tenders:list": ({}, STAFF_ONLY),
    "tenders:new": ({}, STAFF_ONLY),
    "tenders:simulation": ({}, STAFF_ONLY),
    "tenders:mine": ({}, row(LOGIN, OK, OK, OK, OK, DENY)),
    "tenders:detail": ({"pk": "demand_tender.pk"}, STAFF_ONLY),
    "tenders:edit": ({"pk": "demand_tender.pk"}, STAFF_ONLY),
    "tenders:demand": ({"pk": "demand_tender.pk"}, STAFF_ONLY),
    "tenders:demand-pdf": ({"pk": "demand_tender.pk"}, STAFF_ONLY),
    "tenders:participation": (
        {"pk": "demand_tender.pk", "duo_number": "board.duo_number"},
        row(LOGIN, OK, OK, DENY, DENY, DENY),
    ),
    # bidding
    "bidding:tenders": ({}, row(LOGIN, OK, DENY, DENY, DENY, OK)),
    "bidding:tender": ({"pk": "tender.pk"}, row(LOGIN, OK, DENY, DENY, DENY, OK)),
    "bidding:document": (
        {"pk": "tender.pk", "document": "tender_document.pk"},
        row(LOGIN, OK, DENY, DENY, DENY, OK),
    ),
    "bidding:nota": ({"pk": "tender.pk"}, row(LOGIN, OK, DENY, DENY, DENY, OK)),
    "bidding:nota-pdf": ({"pk": "tender.pk"}, row(LOGIN, OK, DENY, DENY, DENY, OK)),
    "bidding:questions": ({"pk": "tender.pk"}, STAFF_ONLY),
    "bidding:bid-new": (
        {"pk": "tender.pk", "number": "=1"},
        row(LOGIN, DENY, DENY, DENY, DENY, OK),
    ),
    "bidding:evaluation": ({"pk": "tender.pk"}, STAFF_ONLY),
    "bidding:bid": ({"pk": "bid.pk"}, row(LOGIN, OK, DENY, DENY, DENY, OK)),
    "bidding:attachment": (
        {"pk": "bid.pk", "attachment": "attachment.pk"},
        row(LOGIN, DENY, DENY, DENY, DENY, OK),
    ),
    "bidding:letter": ({"pk": "bid.pk"}, row(LOGIN, DENY, DENY, DENY, DENY, DENY)),
    # contracts
    "contracts:list": ({}, PUBLIC),
    "contracts:new": ({}, STAFF_ONLY),
    "contracts:detail": ({"pk": "contract.pk"}, row(DENY, OK, OK, DENY, OK, DENY)),
    # knowledge
    "knowledge:index": ({}, PUBLIC),
    "knowledge:new": ({}, STAFF_ONLY),
    "knowledge:rates": ({}, PUBLIC),
    "knowledge:document": ({"pk": "document.pk"}, row(DENY, OK, OK, DENY, OK, DENY)),
    "knowledge:version": ({"pk": "document.pk", "number": "=1"}, row(DENY, OK, OK, DENY, OK, DENY)),
    "knowledge:download": (
        {"pk": "document.pk", "number": "=1"},
        row(DENY, OK, OK, DENY, OK, DENY),
    ),
    # groups
    "groups:index": ({}, MEMBERS_ONLY),
    "groups:create": ({}, STAFF_ONLY),
    "groups:nav": ({}, PUBLIC),
    "groups:notifications": ({}, MEMBERS_ONLY),
    "groups:open-notification": ({"pk": "notification.pk"}, POST_ONLY),
    "groups:preferences": ({}, MEMBERS_ONLY),
    "groups:sessions": ({}, row(LOGIN, OK, OK, DENY, OK, OK)),
    "groups:session": ({"pk": "session.pk"}, row(LOGIN, OK, OK, DENY, OK, OK)),
    "groups:detail": ({"slug": "group.slug"}, MEMBERS_ONLY),
    "groups:participants": ({"slug": "group.slug"}, MEMBERS_ONLY),
    "groups:files": ({"slug": "group.slug"}, MEMBERS_ONLY),
    "groups:file": ({"slug": "group.slug", "pk": "group_file.pk"}, MEMBERS_ONLY),
    "groups:thread": ({"slug": "group.slug", "pk": "thread.pk"}, MEMBERS_ONLY),
    "groups:session-new": ({"slug": "group.slug"}, STAFF_ONLY),
    # events
    "events:list": ({}, PUBLIC),
    "events:mine": ({}, LOGGED_IN),
    "events:new": ({}, STAFF_ONLY),
    "events:feed": ({"token": "feed.token"}, PUBLIC),
    "events:detail": ({"pk": "event.pk"}, MEMBERS_ONLY),
    "events:manage": ({"pk": "event.pk"}, STAFF_ONLY),
    "events:attendees": ({"pk": "event.pk", "fmt": "=csv"}, STAFF_ONLY),
    "events:badges": ({"pk": "event.pk"}, STAFF_ONLY),
}

# --- the admin: every URL of the admin site (objects by id 0: a change page of no object
# sends staff back to the index). Its has_permission decides for every page: staff with
# the second factor given; anyone else goes to the admin's login page.
ADMIN_RULE = row(ADMIN, OK, ADMIN, ADMIN, ADMIN, ADMIN)
# What the admin refuses even staff (403; the catch-all a 404): records that only their
# services write (audit entries, bids, votes, registrations, DUO data, access logs) and
# deletions that would lose history.
ADMIN_REFUSED = row(ADMIN, DENY, ADMIN, ADMIN, ADMIN, ADMIN)
REFUSED_BY_ADMIN = {
    "admin:<admin/(?P<url>.*)$>",
    "admin:auth_user_password_change",  # auth's User is not this site's user model
    "admin:autocomplete",  # no autocomplete field names this request
    "admin:view_on_site",  # no content type 0
    "admin:audit_auditentry_add",
    "admin:audit_auditentry_delete",
    "admin:core_outgoingemail_add",
    "admin:core_outgoingemail_delete",
    "admin:axes_accessattempt_add",
    "admin:axes_accessfailurelog_add",
    "admin:axes_accesslog_add",
    "admin:bidding_bid_add",
    "admin:bidding_bid_delete",
    "admin:bidding_committeemember_add",
    "admin:bidding_committeemember_delete",
    "admin:bidding_question_add",
    "admin:bidding_question_delete",
    "admin:bidding_tenderdocument_add",
    "admin:bidding_tenderdocument_delete",
    "admin:contracts_calloff_add",
    "admin:contracts_calloff_delete",
    "admin:contracts_frameworkcontract_delete",
    "admin:events_event_delete",
    "admin:events_registration_add",
    "admin:events_registration_delete",
    "admin:governance_appointment_delete",
    "admin:governance_candidate_add",
    "admin:governance_candidate_delete",
    "admin:governance_election_add",
    "admin:governance_election_delete",
    "admin:governance_meeting_delete",
    "admin:governance_proposal_delete",
    "admin:governance_proxy_add",
    "admin:governance_proxy_delete",
    "admin:governance_votereceipt_add",
    "admin:governance_votereceipt_delete",
    "admin:groups_dialoguesession_add",
    "admin:groups_dialoguesession_delete",
    "admin:groups_digest_add",
    "admin:groups_digest_delete",
    "admin:groups_group_delete",
    "admin:groups_groupfile_add",
    "admin:groups_groupfile_delete",
    "admin:groups_grouppreference_add",
    "admin:groups_grouppreference_delete",
    "admin:groups_post_add",
    "admin:groups_post_delete",
    "admin:groups_thread_add",
    "admin:groups_thread_delete",
    "admin:knowledge_document_delete",
    "admin:membership_membership_add",
    "admin:membership_membership_delete",
    "admin:registry_board_add",
    "admin:registry_board_delete",
    "admin:registry_location_add",
    "admin:registry_location_delete",
    "admin:registry_pupilcount_add",
    "admin:registry_pupilcount_delete",
    "admin:registry_school_add",
    "admin:registry_school_delete",
    "admin:subscriptions_migrationwave_add",
    "admin:subscriptions_migrationwave_delete",
    "admin:subscriptions_order_add",
    "admin:subscriptions_order_delete",
    "admin:subscriptions_subscription_add",
    "admin:subscriptions_subscription_delete",
    "admin:tenders_participation_add",
    "admin:tenders_participation_delete",
    "admin:tenders_tender_delete",
}
ADMIN_EXCEPTIONS = {
    "admin:login": PUBLIC,
    # Logging out takes a POST; the admin sends those without access to its index first.
    "admin:logout": row(OK, NOT_ALLOWED, OK, OK, OK, OK),
}

# --- API operations: "METHOD path" -> answers per role ------------------------------------
API: dict[str, Row] = {
    "POST /api/v1/auth/token/": row(PASSED, PASSED, PASSED, PASSED, PASSED, PASSED),
    "POST /api/v1/award-simulations/": row(DENY, PASSED, DENY, DENY, DENY, DENY),
    "GET /api/v1/bids/{id}/": row(DENY, OK, DENY, DENY, DENY, OK),
    "GET /api/v1/bids/{id}/contents/": row(DENY, DENY, DENY, DENY, DENY, OK),
    "GET /api/v1/boards/": PUBLIC,
    "GET /api/v1/boards/{duo_number}/": PUBLIC,
    "GET /api/v1/boards/{duo_number}/costs/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/boards/{duo_number}/orders/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "GET /api/v1/boards/{duo_number}/subscriptions/": row(DENY, OK, OK, DENY, OK, DENY),
    "GET /api/v1/boards/{duo_number}/waves/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/boards/{duo_number}/waves/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "GET /api/v1/contracts/": PUBLIC,
    "GET /api/v1/contracts/{id}/": row(DENY, OK, OK, DENY, OK, DENY),
    "GET /api/v1/contracts/{id}/call-offs/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/contracts/{id}/call-offs/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "GET /api/v1/contracts/{id}/participants/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/contracts/{id}/participants/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "GET /api/v1/council/": PUBLIC,
    "GET /api/v1/documents/": PUBLIC,
    "GET /api/v1/documents/{id}/": row(DENY, OK, OK, DENY, OK, DENY),
    "GET /api/v1/elections/": PUBLIC,
    "GET /api/v1/elections/{id}/results/": row(DENY, PASSED, PASSED, DENY, PASSED, DENY),
    "POST /api/v1/elections/{id}/votes/": row(DENY, PASSED, PASSED, DENY, PASSED, DENY),
    "GET /api/v1/events/": PUBLIC,
    "GET /api/v1/events/{id}/": row(DENY, OK, OK, DENY, OK, DENY),
    "GET /api/v1/events/{id}/registrations/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/events/{id}/registrations/": row(DENY, DENY, PASSED, DENY, PASSED, DENY),
    "GET /api/v1/events/{id}/registrations/{registration_pk}/": row(DENY, OK, OK, DENY, DENY, DENY),
    "DELETE /api/v1/events/{id}/registrations/{registration_pk}/": row(
        DENY, PASSED, PASSED, DENY, DENY, DENY
    ),
    "GET /api/v1/groups/": row(DENY, OK, OK, OK, OK, OK),
    "GET /api/v1/groups/{slug}/": row(DENY, OK, OK, DENY, OK, DENY),
    "GET /api/v1/groups/{slug}/threads/": row(DENY, OK, OK, DENY, OK, DENY),
    "GET /api/v1/groups/threads/{id}/posts/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/groups/threads/{id}/posts/": row(DENY, DENY, PASSED, DENY, PASSED, DENY),
    "GET /api/v1/locations/{code}/": PUBLIC,
    "GET /api/v1/meetings/": row(DENY, OK, OK, DENY, OK, DENY),
    "GET /api/v1/meetings/{id}/": row(DENY, OK, OK, DENY, OK, DENY),
    "GET /api/v1/memberships/": row(DENY, OK, OK, OK, OK, OK),
    "POST /api/v1/memberships/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "GET /api/v1/memberships/{id}/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/memberships/{id}/admit/": row(DENY, PASSED, DENY, DENY, DENY, DENY),
    "POST /api/v1/memberships/{id}/agreements/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "POST /api/v1/memberships/{id}/apply/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "POST /api/v1/memberships/{id}/founding/": row(DENY, PASSED, DENY, DENY, DENY, DENY),
    "POST /api/v1/memberships/{id}/notice/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "POST /api/v1/memberships/{id}/reject/": row(DENY, PASSED, DENY, DENY, DENY, DENY),
    "POST /api/v1/memberships/{id}/settlement/": row(DENY, PASSED, DENY, DENY, DENY, DENY),
    "POST /api/v1/memberships/{id}/withdraw-notice/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "GET /api/v1/products/": PUBLIC,
    "POST /api/v1/proposals/{id}/votes/": row(DENY, PASSED, PASSED, DENY, PASSED, DENY),
    "GET /api/v1/registry/totals/": PUBLIC,
    "POST /api/v1/seat-allocations/": row(DENY, PASSED, DENY, DENY, DENY, DENY),
    "GET /api/v1/subscriptions/": row(DENY, OK, OK, OK, OK, OK),
    "GET /api/v1/subscriptions/{id}/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/subscriptions/{id}/capacity/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "POST /api/v1/subscriptions/{id}/terminate/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "GET /api/v1/support/": PUBLIC,
    "GET /api/v1/support/snapshots/": PUBLIC,
    "POST /api/v1/support/snapshots/": row(DENY, PASSED, DENY, DENY, DENY, DENY),
    "GET /api/v1/tenders/": PUBLIC,
    "GET /api/v1/tenders/{id}/": PUBLIC,
    "GET /api/v1/tenders/{id}/bids/": row(DENY, OK, DENY, DENY, DENY, OK),
    "POST /api/v1/tenders/{id}/bids/": row(DENY, DENY, DENY, DENY, DENY, PASSED),
    "GET /api/v1/tenders/{id}/demand/": row(DENY, OK, DENY, DENY, DENY, DENY),
    "GET /api/v1/tenders/{id}/documents/": row(DENY, OK, DENY, DENY, DENY, OK),
    "GET /api/v1/tenders/{id}/nota/": row(DENY, OK, DENY, DENY, DENY, OK),
    "GET /api/v1/tenders/{id}/participations/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/tenders/{id}/participations/": row(DENY, PASSED, PASSED, DENY, DENY, DENY),
    "GET /api/v1/tenders/{id}/questions/": row(DENY, OK, DENY, DENY, DENY, OK),
    "POST /api/v1/tenders/{id}/questions/": row(DENY, DENY, DENY, DENY, DENY, PASSED),
    "GET /api/v1/tenders/{id}/ranking/": row(DENY, DENY, DENY, DENY, DENY, DENY),
    "GET /api/v1/waves/{id}/": row(DENY, OK, OK, DENY, OK, DENY),
    "POST /api/v1/waves/{id}/complete/": row(DENY, PASSED, DENY, DENY, DENY, DENY),
    "POST /api/v1/waves/{id}/start/": row(DENY, PASSED, DENY, DENY, DENY, DENY),
}
# Path parameters by the resource named before them; some paths name another object.
API_RESOURCES = {
    "bids": "bid.pk",
    "contracts": "contract.pk",
    "documents": "document.pk",
    "elections": "election.pk",
    "events": "event.pk",
    "meetings": "meeting.pk",
    "memberships": "membership.pk",
    "proposals": "proposal.pk",
    "subscriptions": "subscription.pk",
    "tenders": "tender.pk",
    "waves": "wave.pk",
    "threads": "thread.pk",
}
API_PARAMS = {
    "duo_number": "board.duo_number",
    "code": "location.code",
    "slug": "group.slug",
    "registration_pk": "registration.pk",
}
# Operations that check their body before who asks (an empty body is a 400 for anyone):
# a body of the right shape, so the answer shows the permission ("@x.y": from the world).
API_BODIES = {
    "POST /api/v1/memberships/": {"board": "@board.duo_number", "kind": "interest"},
    "POST /api/v1/memberships/{id}/agreements/": {
        "kind": "membership",
        "version": "2026.1",
        "signer": "A. de Vries",
    },
    "POST /api/v1/memberships/{id}/notice/": {"by": "member"},
    "POST /api/v1/memberships/{id}/reject/": {"reason": "Geen"},
    "POST /api/v1/memberships/{id}/settlement/": {"amount": "100.00", "decided_on": "2026-06-01"},
    "POST /api/v1/subscriptions/{id}/capacity/": {"capacity": "100m", "date": "2030-01-01"},
    "POST /api/v1/subscriptions/{id}/terminate/": {"date": "2030-01-01"},
    "POST /api/v1/tenders/{id}/participations/": {"board": "@board.duo_number", "lines": []},
    "POST /api/v1/tenders/{id}/bids/": {
        "lot": 1,
        "price": "1000.00",
        "answers": {"Plan van aanpak": "Ons plan."},
    },
    "POST /api/v1/tenders/{id}/questions/": {"text": "Hoeveel locaties?"},
    "POST /api/v1/contracts/{id}/call-offs/": {"lines": []},
    "POST /api/v1/boards/{duo_number}/orders/": {"lines": []},
    "POST /api/v1/boards/{duo_number}/waves/": {
        "name": "Golf 2",
        "date": "2030-01-01",
        "locations": [],
    },
    "POST /api/v1/elections/{id}/votes/": {"board": "@board.duo_number", "candidate": 0},
    "POST /api/v1/proposals/{id}/votes/": {"choice": "for"},
    "POST /api/v1/groups/threads/{id}/posts/": {"body": "Twaalf."},
}
API_OVERRIDES = {
    "/api/v1/tenders/{id}/demand/": {"id": "demand_tender.pk"},
    "/api/v1/tenders/{id}/participations/": {"id": "demand_tender.pk"},
}


# --- walking the URL conf and the schema -------------------------------------------------


def url_patterns(resolver=None, namespace="", prefix=""):
    """(name, route) of every URL pattern, the admin's included; unnamed ones are named by
    their route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from url_patterns(entry, inner, route)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<{route}>"
            yield ":".join(part for part in (namespace, name) if part), route


EXAMPLE_GROUPS = {"app_label": "accounts", "url": "no-such-page/"}


def example_path(route: str) -> str:
    """A path the route matches: every converter "0", regex groups an example value."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: EXAMPLE_GROUPS.get(m.group(1), "1"), route)
    path = re.sub(r"<[^<>]+>", "0", path)
    return "/" + path.replace("^", "").replace("$", "")


@functools.cache
def admin_routes() -> dict[str, str]:
    return {name: route for name, route in url_patterns() if name.startswith("admin:")}


def api_operations() -> dict[str, dict]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        f"{method.upper()} {path}": operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def lookup(world, dotted: str) -> Any:
    """ "board.duo_number" -> the world's board's DUO number; "=csv" -> "csv"."""
    if dotted.startswith("="):
        return dotted[1:]
    head, *rest = dotted.split(".")
    value = world.objects[head]
    for attr in rest:
        value = getattr(value, attr)
    return value


# --- the world and a logged-in client per role, once for the module ---------------------


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            TWO_FACTOR_REQUIRED_ROLES=["staff", "supplier"],
            MEDIA_ROOT=media,
            LANGUAGE_CODE="en",
        ),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        # Who may have a PDF is decided before it is drawn; drawing it is slow.
        patch.setattr("weasyprint.HTML.write_pdf", lambda self, *a, **k: b"%PDF-1.7 matrix")
        world = build_world()
        clients = role_clients(world)
        # Staff and a supplier who gave their password but not yet their code.
        for role in ("staff", "supplier"):
            user = world.users[role]
            client = Client(raise_request_exception=False)
            client.force_login(user)
            clients[f"{role} without code"] = client
        yield world, clients
        transaction.set_rollback(True)


def _filled(world, value):
    if isinstance(value, dict):
        return {key: _filled(world, item) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("@"):
        return lookup(world, value[1:])
    return value


def classify(response) -> str:
    status = response.status_code
    if 300 <= status < 400:
        target = response["Location"]
        if target.startswith(reverse("login")):
            return LOGIN
        if target.startswith(reverse("admin:login")):
            return ADMIN
        if target.startswith((reverse("two_factor_setup"), reverse("two_factor_verify"))):
            return "2fa"
        return OK
    if 200 <= status < 300:
        return OK
    if status in (401, 403, 404):
        return DENY
    if status == 405:
        return NOT_ALLOWED
    if status in (400, 409):
        return PASSED  # an API GET that got past the permission check (e.g. not counted yet)
    return str(status)


def classify_write(response) -> str:
    status = response.status_code
    if status in (401, 403, 404):
        return DENY
    if status in (400, 405, 409) or 200 <= status < 300:
        return PASSED
    return str(status)


def ask_each_role(clients, send) -> Row:
    answers = []
    for role in ROLES:
        with transaction.atomic():
            answers.append(send(clients[role]))
            transaction.set_rollback(True)
    return Row(*answers)


def report(key: str, observed: Row, expected: Row | None) -> None:
    if PRINT:
        print(f"\n{key!r}: row({', '.join(a.upper() for a in observed)}),")
    if expected is not None:
        wrong = {r: (e, o) for r, e, o in zip(ROLES, expected, observed, strict=True) if e != o}
        assert not wrong, f"{key}: role: (expected, observed): {wrong}"


# --- every endpoint has an entry ---------------------------------------------------------


def test_every_url_has_an_entry():
    names = {name for name, _ in url_patterns()}
    api_names = {n for n in names if n.startswith("api:")} - set(PAGES)
    missing = sorted(names - set(PAGES) - set(admin_routes()) - api_names)
    stale = sorted(set(PAGES) - names)
    assert (missing, stale) == ([], [])


def test_every_api_url_is_in_the_schema_or_the_pages():
    """An API URL the schema leaves out would escape the API table."""
    templates = [
        re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", op.split(" ", 1)[1]) + "$")
        for op in api_operations()
    ]
    outside = [
        name
        for name, route in url_patterns()
        if name.startswith("api:")
        and name not in PAGES
        and not any(t.match(example_path(route)) for t in templates)
    ]
    assert outside == []


def test_every_api_operation_has_an_entry():
    operations = set(api_operations())
    assert (sorted(operations - set(API)), sorted(set(API) - operations)) == ([], [])


# --- the answers --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES) or ["-"])
def test_page(matrix, name):
    world, clients = matrix
    kwargs, expected = PAGES[name]
    url = reverse(name, kwargs={k: lookup(world, v) for k, v in kwargs.items()})
    report(name, ask_each_role(clients, lambda c: classify(c.get(url))), expected)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(admin_routes()))
def test_admin(matrix, name):
    _world, clients = matrix
    url = example_path(admin_routes()[name])
    expected = ADMIN_EXCEPTIONS.get(name, ADMIN_REFUSED if name in REFUSED_BY_ADMIN else ADMIN_RULE)
    report(name, ask_each_role(clients, lambda c: classify(c.get(url))), expected)


# Pages a session without its second factor reaches (bundel.accounts.middleware), and
# their answer; every other page sends it to the code page ("2fa").
OPEN_WITHOUT_CODE = {
    "login": OK,
    "logout": NOT_ALLOWED,
    "set_language": OK,
    "two_factor_setup": "2fa",  # they have an app: to the code page
    "two_factor_verify": OK,
    "password_reset": OK,
    "password_reset_done": OK,
    "password_reset_confirm": OK,
    "password_reset_complete": OK,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff without code", "supplier without code"])
def test_without_the_second_factor_only_the_code_pages(matrix, role):
    """Staff and suppliers who logged in with their password alone are sent to the code
    page from every page and the admin, and refused by every API operation."""
    world, clients = matrix
    client = clients[role]
    wrong = {}
    for name, (kwargs, _expected) in PAGES.items():
        url = reverse(name, kwargs={k: lookup(world, v) for k, v in kwargs.items()})
        if name.startswith("api:"):
            continue  # the API's own pages: with the operations below
        answer = classify(client.get(url))
        if answer != OPEN_WITHOUT_CODE.get(name, "2fa"):
            wrong[name] = answer
    for name, route in admin_routes().items():
        answer = classify(client.get(example_path(route)))
        if answer != "2fa":
            wrong[name] = answer
    for operation in API:
        method, template = operation.split(" ", 1)
        path = re.sub(r"\{[^}]+\}", "1", template)
        response = client.generic(method, path, data="{}", content_type="application/json")
        if response.status_code != 403 or "two-factor" not in response.json()["detail"]:
            wrong[operation] = response.status_code
    assert wrong == {}


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(API) or ["-"])
def test_api(matrix, operation):
    world, clients = matrix
    method, template = operation.split(" ", 1)
    overrides = API_OVERRIDES.get(template, {})

    def fill(match):
        param = match.group(1)
        if param in overrides:
            return str(lookup(world, overrides[param]))
        if param in API_PARAMS:
            return str(lookup(world, API_PARAMS[param]))
        resource = template[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        return str(lookup(world, API_RESOURCES[resource]))

    path = re.sub(r"\{([^}]+)\}", fill, template)
    body = json.dumps(_filled(world, API_BODIES.get(operation, {})))
    if method == "GET":
        observed = ask_each_role(clients, lambda c: classify(c.get(path)))
    else:
        observed = ask_each_role(
            clients,
            lambda c: classify_write(
                c.generic(method, path, data=body, content_type="application/json")
            ),
        )
    report(operation, observed, API.get(operation))
