"""The HTML pages fuzzed with hypothesis, as each role of the permission matrix
(tests/test_permission_matrix.py): every page of its PAGES table gets generated query
strings from each role that may open it, and every form with method="post" on those
pages, as the role sees them (a form with a required file input excepted), gets
generated field values.

Query strings: the page's own parameters (PAGE_PARAMS, from its view; every field of a
filter form on the page must be among them) and a few that any page might read (COMMON),
with the values the page offers and hostile ones (empty, very long, NUL, lone
surrogates, invalid percent escapes, huge and negative numbers, dates that do not exist,
SQL and markup), repeated keys and unknown keys; half of them as an htmx request. The
answer: never a server error; the page stays open to the role (2xx, or a redirect that
is neither to a login page nor off the site); an HTML answer shows generated markup only
escaped.

Posts: a few fields changed from what the page sends, or every field generated, with
left-out fields, repeated keys and unknown keys. The answer: never a server error; a 4xx
only when a field that routes the post (a hidden field or a button: the action, the row
it acts on) was changed; a page that comes back either shows why nothing was done and
changed nothing, or shows no error; a refusal (a 4xx, or an error shown) changes no table
of the project (row counts and a SHA-256 of every row, checksum.py) beyond what showing
the page changes (notifications marked read).

Each request runs in a savepoint that is rolled back, and the client's cookies are put
back afterwards: every request sees the world of tests/accounts/matrix_world.py (and an
application waiting for admission, for the queue's forms). Bounded and repeatable:
GET_EXAMPLES and POST_EXAMPLES per page (or form) and role, derandomized.
"""

import copy
import re
import traceback
import zlib
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bundel.tenders.forms import SimulationForm

from ..accounts.matrix_world import ROLES, build_world, role_clients
from ..test_permission_matrix import LOGIN, OK, PAGES, classify, lookup
from .builders import applicant
from .checksum import table_state
from .html_forms import Form, FormField, forms_of

GET_EXAMPLES = 6  # generated query strings per page and role
POST_EXAMPLES = 12  # generated posts per form and role, after the page's own values

# Parameters any page might read without a form of its own.
COMMON = ("page", "format", "next", "q")
# Each page's own parameters, from its view and its filter form.
PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "api:schema": ("lang",),
    "api:docs": ("script",),
    "set_language": ("language",),
    "registry:boards": ("sector", "province", "order"),
    "membership:list": ("state",),
    "support:dashboard": ("date",),
    "governance:seats": ("seats", "basis", "method", "min_seats"),
    "governance:appoint": ("body",),
    "subscriptions:costs": ("year",),
    "subscriptions:calendar": ("duo_number", "state"),
    "tenders:list": ("state",),
    "tenders:simulation": tuple(SimulationForm().fields),
    "contracts:list": ("status",),
    "knowledge:index": ("category", "tag", "date_from", "date_to"),
    "groups:nav": ("current",),
    "groups:thread": ("post",),
    "events:list": ("when", "kind"),
}
# A 4xx a query string may sensibly get: DRF answers an unknown `?format=` (its choice of
# renderer) with a 404.
SENSIBLE_4XX = {"api:schema": "format", "api:docs": "format"}
# The OpenAPI document is the same for everyone, and slow to build: asked as anonymous.
SAME_PAGE_FOR_EVERY_ROLE = {"api:schema"}
# Forms that do the same whoever posts them: fuzzed once, as the first role that sees them.
SAME_FORM_FOR_EVERY_ROLE = (
    "/i18n/setlang/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password_reset/",
)

MARKUP = ("<script>fuzz-xss</script>", '"><i fuzz-xss>', "'><i fuzz-xss>")
# Text that means something to a format string or a template.
FORMATTING = ("%", "%'--", "100%", "%(n)s", "%s", "%d", "{0}", "{{ 7*7 }}", "{% now %}")
UNESCAPED = ("<script>fuzz-xss", "<i fuzz-xss")
HOSTILE = (
    *("", " ", "x" * 5000, "é" * 300, "\x00", "a\x00b", "\ud800", "\udfff\ud800"),
    *("🦆", "\u202egnp.exe", "true", "null", "[]", "{}"),
    # numbers
    *("0", "-0", "-1", "1.5", "0.001", "1,5", "1.000,50", "1e309", "1E+30", "NaN"),
    *("-Infinity", "٣", "0x10", "2147483648", "9223372036854775808"),
    *("99999999999999999999999999", "-99999999999999999999999999"),
    # dates
    *("2026-02-30", "2026-13-01", "0000-00-00", "0001-01-01", "-0001-01-01", "1900-01-01"),
    *("9999-12-31", "10000-01-01", "31-12-2026", "2026-06-01T25:00", "0001-01-01T00:00"),
    "9999-12-31T23:59",
    # SQL, paths, URLs, markup
    *("' OR '1'='1", "1; DROP TABLE registry_board; --", "_", "\\", "a%_b"),
    *("../../etc/passwd", "//evil.example/", "https://evil.example/", "javascript:alert(1)"),
    *MARKUP,
    *FORMATTING,
)
# Raw pieces of a query string or form body, not encoded.
RAW = ("&&", "=", "==x", "%zz", "%", "%00", "%ED%A0%80", "%FF%FE", "a[]=1&a[]=2", "+")
# How a page shows why it did nothing (form errors, a refusal, an error message).
ERROR_SHOWN = ('class="errors"', 'class="errorlist', 'role="alert"', 'class="error"')


def _encode(text: str) -> str:
    return quote(text, safe="", encoding="utf-8", errors="surrogatepass")


def encoded(pairs, raw=()) -> str:
    """A query string or form body: lone surrogates as the bytes they would be in UTF-8."""
    return "&".join([*(f"{_encode(key)}={_encode(value)}" for key, value in pairs), *raw])


def shown(pairs, raw=()) -> str:
    """A generated query or body for a report, each value cut short."""
    cut = [f"{key[:30]!r}={value[:40]!r}" for key, value in pairs]
    return " & ".join([*cut, *map(repr, raw)])


# --- the world, and a request in it --------------------------------------------------------


@dataclass
class Site:
    world: object
    clients: dict
    errors: list  # tracebacks of the server errors, by got_request_exception
    tables: dict  # db_table -> label of the project's models
    clean: dict  # their state before any request
    pages: dict = field(default_factory=dict)  # (role, page name) -> its HTML
    fuzzed: set = field(default_factory=set)  # the forms fuzzed: (role, path, fields)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    errors: list[str] = []

    def record(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    got_request_exception.connect(record, dispatch_uid="fuzz-pages")
    with (
        django_db_blocker.unblock(),
        override_settings(
            TWO_FACTOR_REQUIRED_ROLES=["staff", "supplier"], MEDIA_ROOT=media, LANGUAGE_CODE="en"
        ),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        # The PDFs' query strings are fuzzed, not their drawing (slow).
        patch.setattr("weasyprint.HTML.write_pdf", lambda self, *a, **k: b"%PDF-1.7 fuzz")
        world = build_world()
        applicant(world.users["staff"])  # the admissions queue has a row and its forms
        clients = role_clients(world)
        tables = {
            model._meta.db_table: model._meta.label
            for model in apps.get_models()
            if model.__module__.startswith("bundel.")
        }
        yield Site(world, clients, errors, tables, table_state(*tables.values()))
        transaction.set_rollback(True)
    got_request_exception.disconnect(dispatch_uid="fuzz-pages")


class Writes:
    """The tables a request writes to, from the SQL it runs: a table that no statement
    wrote to cannot have changed."""

    WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        if found := self.WRITE.match(sql):
            self.tables.add(found.group(1))
        return execute(sql, params, many, context)


@dataclass
class Answer:
    response: object
    html: str
    error: str  # the traceback of a server error
    changed: set  # the project's models whose rows differ from the world's


def send(site: Site, role: str, method: str, path: str, body: str = "", htmx=False) -> Answer:
    """One request in a savepoint rolled back afterwards, and the client's cookies put
    back: the next request sees the same world and session."""
    client = site.clients[role]
    cookies = copy.deepcopy(client.cookies)
    headers = {"HX-Request": "true"} if htmx else {}
    site.errors.clear()
    writes = Writes()
    with transaction.atomic():
        with connection.execute_wrapper(writes):
            if method == "get":
                response = client.get(path, headers=headers)
            else:
                form = "application/x-www-form-urlencoded"
                response = client.post(path, body, content_type=form, headers=headers)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        html = ""
        if response.get("Content-Type", "").startswith("text/html"):
            html = content.decode("utf-8", "replace")
        written = {site.tables[table] for table in writes.tables if table in site.tables}
        now = table_state(*(written - {"audit.AuditEntry"})) if written else {}
        changed = {label for label, state in now.items() if state != site.clean[label]}
        transaction.set_rollback(True)
    client.cookies = cookies
    return Answer(response, html, site.errors[-1] if site.errors else "", changed)


def roles_of(name: str) -> list[str]:
    """The roles that may open the page."""
    roles = [role for role, answer in zip(ROLES, PAGES[name][1], strict=True) if answer == OK]
    return roles[:1] if name in SAME_PAGE_FOR_EVERY_ROLE else roles


def page_path(site: Site, name: str) -> str:
    kwargs, _row = PAGES[name]
    return reverse(name, kwargs={k: lookup(site.world, v) for k, v in kwargs.items()})


def common_problem(answer: Answer) -> str | None:
    """A server error, a redirect off the site or markup shown unescaped."""
    response = answer.response
    if response.status_code >= 500:
        return f"server error {response.status_code}\n{answer.error}"
    if 300 <= response.status_code < 400:
        where = urlsplit(response["Location"])
        if where.scheme not in ("", "http", "https") or where.netloc not in ("", "testserver"):
            return f"a redirect off the site: {response['Location']}"
    if found := [marker for marker in UNESCAPED if marker in answer.html]:
        return f"markup shown unescaped: {found}"
    return None


def run_examples(count: int, strategy, check, *, key: str) -> None:
    """`check(example)` for `count` examples of `strategy`: the same ones on every run,
    others for every `key` (a page or form and the role)."""

    @seed(zlib.crc32(key.encode()))
    @hypothesis_settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def fuzz(example):
        check(example)

    fuzz()


UNKNOWN_KEYS = st.lists(
    st.tuples(
        st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(HOSTILE)),
        st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE)),
    ),
    max_size=2,
)
RAW_PIECES = st.lists(st.sampled_from(RAW), max_size=2)


def _weighted(*branches):
    """One of the strategies, each (weight, strategy) chosen that many times in 20."""
    table = [strategy for weight, strategy in branches for _n in range(weight)]
    assert len(table) == 20
    return st.integers(0, 19).flatmap(lambda n: table[n])


def values(offered: list[str]):
    """One generated value: markup (to see it escaped), formatting, another hostile one,
    what the page offers, any text or number."""
    return _weighted(
        (4, st.sampled_from(MARKUP)),
        (3, st.sampled_from(FORMATTING)),
        (7, st.sampled_from(HOSTILE)),
        (4, st.sampled_from(offered) if offered else st.sampled_from(HOSTILE)),
        (1, st.text(max_size=40)),
        (1, st.integers().map(str)),
    )


# --- query strings ---------------------------------------------------------------------------


def _offered(forms: list[Form]) -> dict[str, list[str]]:
    """The values the page's filter forms offer, by parameter."""
    offered: dict[str, list[str]] = {}
    for form in forms:
        for one in form.fields.values():
            offered.setdefault(one.name, []).extend(v for v in one.options + one.chosen if v)
    return offered


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_page_answers_generated_query_strings(site, name):
    path = page_path(site, name)
    params = (*COMMON, *PAGE_PARAMS.get(name, ()))
    failures: list[str] = []
    for role in roles_of(name):
        first = send(site, role, "get", path)
        assert classify(first.response) == OK, (role, first.response.status_code, first.error)
        site.pages[role, name] = first.html
        filters = [f for f in forms_of(first.html) if f.method == "get" and f.action in ("", path)]
        offered = _offered(filters)
        assert set(offered) <= set(params), (
            f"{role}: not in PAGE_PARAMS: {set(offered) - set(params)}"
        )
        pairs = st.lists(
            st.sampled_from(params).flatmap(
                lambda key, offered=offered: st.tuples(st.just(key), values(offered.get(key, [])))
            ),
            max_size=6,
        )

        def check(example, role=role):
            known, marked, unknown, raw, htmx = example
            known = [*known, marked]
            answer = send(
                site, role, "get", f"{path}?{encoded([*known, *unknown], raw)}", htmx=htmx
            )
            response = answer.response
            sensible = SENSIBLE_4XX.get(name) in {key for key, _value in known}
            problem = common_problem(answer)
            if (
                not problem
                and classify(response) != OK
                and not (400 <= response.status_code < 500 and sensible)
            ):
                problem = f"{response.status_code} {response.get('Location', '')}"
            if problem:
                failures.append(f"{role}: GET {path} {shown([*known, *unknown], raw)}: {problem}")

        marked = st.tuples(st.sampled_from(params), st.sampled_from(MARKUP))
        examples = st.tuples(pairs, marked, UNKNOWN_KEYS, RAW_PIECES, st.booleans())
        run_examples(GET_EXAMPLES, examples, check, key=f"{name} {role}")
    assert not failures, "\n".join(failures[:10]) + f"\n({len(failures)} in all)"


# --- posts -----------------------------------------------------------------------------------


def _field_values(one: FormField):
    """What a generated post sends for a field it changes: a list of values (none: the
    field left out). A field that routes the post keeps its value more often than not."""
    base = one.filled()
    offered = [option for option in one.options if option] or base or [""]
    changed = _weighted(
        (12, values(offered).map(lambda v: [v])),
        (3, st.lists(st.sampled_from(offered), min_size=1, max_size=3, unique=True)),
        (3, st.just([])),
        (2, st.lists(st.sampled_from([*HOSTILE, *base]), min_size=2, max_size=3)),
    )
    if one.routes:
        return _weighted((14, st.just(base)), (6, changed))
    return changed


def post_examples(form: Form):
    """A few fields changed and the rest as the page sends them (to get past the form to
    the service's rules), or every field generated; one of the buttons, or a made-up one."""
    fields = [one for one in form.fields.values() if one.kind != "button"]

    def changing(indexes):
        return st.tuples(
            *[
                _field_values(one) if i in indexes else st.just(one.filled())
                for i, one in enumerate(fields)
            ]
        )

    few = st.sets(st.integers(0, max(len(fields) - 1, 0)), min_size=1, max_size=3)
    every = st.tuples(
        *[_weighted((10, st.just(one.filled())), (10, _field_values(one))) for one in fields]
    )
    button = st.sampled_from(form.buttons) if form.buttons else st.none()
    made_up = st.tuples(st.sampled_from(HOSTILE), st.sampled_from(HOSTILE))
    return st.tuples(
        st.one_of(few.flatmap(changing), every),
        st.one_of(button, made_up),
        UNKNOWN_KEYS,
        RAW_PIECES,
    )


def as_sent(form: Form):
    """The post as the page sends it (its first button)."""
    fields = [one.filled() for one in form.fields.values() if one.kind != "button"]
    return fields, form.buttons[0] if form.buttons else None, [], []


def _pairs(form: Form, example):
    """(the post's key-value pairs, raw pieces, whether its routing is the page's)."""
    values, button, unknown, raw = example
    fields = [one for one in form.fields.values() if one.kind != "button"]
    pairs = [(one.name, value) for one, sent in zip(fields, values, strict=True) for value in sent]
    routed = all(
        sent == one.filled() for one, sent in zip(fields, values, strict=True) if one.routes
    )
    # Without buttons of its own, a made-up one is one more unknown key.
    routed = routed and (not form.buttons or button in form.buttons)
    return [*pairs, *([button] if button else []), *unknown], raw, routed


def post_problem(answer: Answer, viewed: set, routed: bool) -> str | None:
    """What is wrong with the answer to a post. `viewed`: the tables that showing the
    page changes (e.g. its notifications marked read)."""
    response, html = answer.response, answer.html
    status, changed = response.status_code, answer.changed - viewed
    shows_error = any(marker in html for marker in ERROR_SHOWN)
    if problem := common_problem(answer):
        return problem
    if 300 <= status < 400:
        return "a redirect to the login page" if classify(response) == LOGIN else None
    if status >= 400 and changed:
        return f"{status}, and changed {sorted(changed)}"
    if status >= 400 and routed:
        return f"{status} to the page's own action"
    if status == 200 and not changed and not shows_error:
        return "nothing done, and no error shown"
    if status == 200 and changed and shows_error:
        return f"an error shown, and changed {sorted(changed)}"
    return None


def _target(form: Form, page: str) -> str:
    if not form.action:
        return page
    target = urlsplit(form.action)
    return target.path + (f"?{target.query}" if target.query else "")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_forms_of_a_page_answer_generated_posts(site, name):
    path = page_path(site, name)
    failures: list[str] = []
    for role in roles_of(name):
        html = site.pages.get((role, name)) or send(site, role, "get", path).html
        for form in forms_of(html):
            target = _target(form, path)
            who = "anyone" if target.startswith(SAME_FORM_FOR_EVERY_ROLE) else role
            key = (who, target.split("?")[0], tuple(form.fields))
            if form.method != "post" or form.needs_file or key in site.fuzzed:
                continue
            site.fuzzed.add(key)
            viewed = send(site, role, "get", target).changed

            def check(example, role=role, form=form, target=target, viewed=viewed):
                pairs, raw, routed = _pairs(form, example)
                answer = send(site, role, "post", target, encoded(pairs, raw))
                if problem := post_problem(answer, viewed, routed):
                    failures.append(f"{role}: POST {target} {shown(pairs, raw)}: {problem}")

            check(as_sent(form))
            run_examples(POST_EXAMPLES, post_examples(form), check, key=repr(key))
    assert not failures, "\n".join(failures[:10]) + f"\n({len(failures)} in all)"
