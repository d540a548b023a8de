"""The API fuzzed with schemathesis, from the OpenAPI schema at /api/v1/schema/, as each
role: no server error (5xx), and every 4xx answer carries a message (a JSON body with
"detail" or field errors).

The world is the demo data of `make run` (the whole DUO registry, 84 memberships, orders
and waves, tenders with bids, a framework contract, elections, meetings, documents,
groups, events), built once for the module. Every operation gets a bounded number of
generated requests (schema-valid and schema-invalid), most of them aimed at objects that
exist (a real board, membership, tender, ...), so the views get past their 404s. Each
request runs in a savepoint that is rolled back: every request sees the same world.

In process, through Django's test handler (the WSGI interface, without CSRF checks and
without closing the test's connection), logged in with force_login.
"""

import io
import traceback
from collections import Counter
from dataclasses import dataclass

import pytest
import schemathesis
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import override_settings
from django.test.client import ClientHandler
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from .conftest import login

EXAMPLES = 15  # generated requests per operation and role
ROLES = ["anonymous", "staff", "member", "outsider", "supplier"]

# The objects a path parameter names: the first segment after /api/v1/ -> model, field.
PATH_OBJECTS = {
    "bids": ("bidding.Bid", "pk"),
    "boards": ("registry.Board", "duo_number"),
    "contracts": ("contracts.FrameworkContract", "pk"),
    "documents": ("knowledge.Document", "pk"),
    "elections": ("governance.Election", "pk"),
    "events": ("events.Event", "pk"),
    "groups": ("groups.Group", "slug"),
    "locations": ("registry.Location", "code"),
    "meetings": ("governance.Meeting", "pk"),
    "memberships": ("membership.Membership", "pk"),
    "proposals": ("governance.Proposal", "pk"),
    "subscriptions": ("subscriptions.Subscription", "pk"),
    "tenders": ("tenders.Tender", "pk"),
    "waves": ("subscriptions.MigrationWave", "pk"),
}


class _RolledBack(Exception):
    pass


class SavepointApp:
    """A WSGI application around Django's test handler: each request in a savepoint that
    is rolled back afterwards, and the exception behind a 500 kept for the report."""

    def __init__(self):
        self.handler = ClientHandler(enforce_csrf_checks=False)
        self.errors: list[str] = []
        got_request_exception.connect(self._record, dispatch_uid="fuzz-errors")

    def _record(self, sender, request=None, **kwargs):
        self.errors.append(traceback.format_exc())

    def __call__(self, environ, start_response):
        try:
            with transaction.atomic():
                response = self.handler(environ)
                body = b"".join(response) if response.streaming else response.content
                raise _RolledBack
        except _RolledBack:
            pass
        headers = [*response.items()]
        headers += [("Set-Cookie", c.output(header="")) for c in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [body]


@dataclass
class World:
    users: dict


def _pks(label: str, field: str, first: list) -> list:
    model = apps.get_model(label)
    values = [v for v in first if v is not None]
    values += list(model.objects.order_by("pk").values_list(field, flat=True)[:4])
    return list(dict.fromkeys(values))


def _real_parameters(path: str, users: dict) -> list[dict]:
    from bundel.events.models import Registration
    from bundel.membership.models import Membership
    from bundel.registry.models import Location

    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    if not names:
        return []
    if "registration_pk" in names:
        pairs = Registration.objects.order_by("pk").values_list("event_id", "pk")[:4]
        return [{"id": event, "registration_pk": pk} for event, pk in pairs]
    if path.startswith("/api/v1/groups/threads/"):
        return [{"id": pk} for pk in _pks("groups.Thread", "pk", [])]
    (name,) = names
    label, field = PATH_OBJECTS[path.split("/")[3]]
    boards = [u.board for u in users.values() if u is not None and u.board_id]
    first = []
    if label == "registry.Board":
        first = [b.duo_number for b in boards]
    elif label == "registry.Location":
        codes = Location.objects.order_by("code").values_list("code", flat=True)
        first = [codes.filter(board=board).first() for board in boards]
    elif label == "membership.Membership":
        first = [m.pk for m in Membership.objects.filter(board__in=boards)]
    return [{name: value} for value in _pks(label, field, first)]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo of `make run`, in a transaction rolled back after the module."""
    from bundel.accounts.models import User

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        with override_settings(DEBUG=True):  # setup_demo refuses to run otherwise
            call_command("setup_demo", stdout=io.StringIO())
        users = {
            "anonymous": None,
            "staff": User.objects.get(username="staf"),
            "member": User.objects.get(username="lid"),
            "outsider": User.objects.get(username="bestuur"),
            "supplier": User.objects.get(username="leverancier"),
        }
        yield World(users=users)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def app():
    app = SavepointApp()
    yield app
    got_request_exception.disconnect(dispatch_uid="fuzz-errors")


@pytest.fixture(scope="module")
def schema(app, world):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", app)


def test_the_schema_names_every_path_parameter_source(schema, world):
    """A new endpoint with a path parameter needs an entry in PATH_OBJECTS, so that the
    fuzzing reaches it with real objects too."""
    for result in schema.get_all_operations():
        operation = result.ok()
        params = _real_parameters(operation.path, world.users)
        names = [p[1:-1] for p in operation.path.split("/") if p.startswith("{")]
        assert bool(params) == bool(names), operation.path


def _problem(response) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return f"{status} without a JSON message: {response.content[:120]!r}"
    if isinstance(body, dict) and body.get("detail"):
        return None
    if isinstance(body, dict) and body and all(body.values()):
        return None  # field errors
    if isinstance(body, list) and body and all(isinstance(m, str) and m for m in body):
        return None
    return f"{status} without a message: {body!r}"


def _strategy(operation, real: list[dict]):
    branches = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        branches += [operation.as_strategy(generation_mode=mode, path_parameters=p) for p in real]
    return st.one_of(branches)


def _fuzz(operation, real: list[dict], *, app, cookies: dict, report) -> None:
    """EXAMPLES generated requests to one operation; `report(case, response, error)`."""

    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, real))
    def fuzz(case):
        app.errors.clear()
        response = case.call(cookies=cookies)
        report(case, response, app.errors[-1] if app.errors else "")

    fuzz()


@pytest.mark.parametrize("role", ROLES)
def test_fuzzing_the_api_finds_no_server_error_and_only_4xx_with_a_message(
    role, world, schema, app, db
):
    user = world.users[role]
    cookies = {}
    if user is not None:
        session = login(user).cookies[settings.SESSION_COOKIE_NAME].value
        cookies = {settings.SESSION_COOKIE_NAME: session}
    failures: list[str] = []
    statuses: Counter = Counter()
    answered: set[str] = set()  # operations that answered 2xx at least once

    def report(case, response, error):
        statuses[response.status_code] += 1
        if response.status_code < 300:
            answered.add(case.operation.label)
        problem = _problem(response)
        if problem:
            query = f" query={case.query!r}" if case.query else ""
            body = "" if isinstance(case.body, NotSet) else f" body={case.body!r}"
            where = f"{case.method} {case.formatted_path}{query}{body}"
            failures.append(f"{role}: {where}: {problem}\n{error}")

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        real = _real_parameters(operation.path, world.users)
        _fuzz(operation, real, app=app, cookies=cookies, report=report)

    print(
        f"\n{role}: {sum(statuses.values())} requests, {len(answered)} of {len(operations)} "
        f"operations answered 2xx; statuses {dict(sorted(statuses.items()))}"
    )
    # The world is reached, not only 404s: every role gets answers from a good part.
    assert len(answered) >= 10, answered
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} in all)"
