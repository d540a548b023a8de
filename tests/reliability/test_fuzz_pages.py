"""The HTML pages fuzzed with hypothesis, as each role of the permission matrix
(tests/test_permission_matrix.py): every page of its PAGES table that the role may open
gets generated query strings, and every form with method="post" on those pages (as the
role sees them, a file input that is required excepted) gets generated field values.

Query strings: the page's own parameters (PARAMS, from its view and filter form; every
field of a GET form on the page must be among them) and a few of every page (COMMON),
with the values the page offers and hostile ones (empty, very long, NUL, lone
surrogates, invalid percent escapes, huge and negative numbers, dates that do not
exist, SQL and HTML), repeated keys and unknown keys; sometimes as an htmx request. The
answer: never a server error; what the role may open stays open (2xx, or a redirect that
is not to a login page); an HTML answer shows a generated markup value only escaped.

Forms: the page's own values (hidden fields, the options of a select, what is filled in)
mixed with hostile values, left-out fields, repeated keys and unknown keys. The answer:
never a server error; a 4xx only when a field that routes the post (a hidden field or a
button: the action, the row it acts on) was changed; a refusal re-renders the page with
the reason; a refusal changes no table of the project (row counts and a SHA-256 of every
row, tests/reliability/checksum.py).

Each request runs in a savepoint that is rolled back, and the client's cookies are put
back afterwards: every request sees the world of tests/accounts/matrix_world.py.
"""

import copy
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bundel.tenders.forms import SimulationForm

from ..accounts.helpers import code
from ..accounts.matrix_world import ROLES, build_world
from ..test_permission_matrix import LOGIN, OK, PAGES, classify, lookup
from .checksum import table_state

GET_EXAMPLES = 6  # generated query strings per page and role
POST_EXAMPLES = 12  # generated posts per form and role

# Parameters every page is asked with (a view that reads one of them without a form).
COMMON = ("page", "format", "next", "q")
# Each page's own parameters, from its view and its filter form.
PAGES_PARAMS: dict[str, tuple[str, ...]] = {
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

# A 4xx a query string may sensibly get: DRF's pages answer an unknown `?format=` (its
# choice of renderer) with a 404.
SENSIBLE_4XX = {"api:schema": "format", "api:docs": "format"}
# Forms that are the same whoever posts them: fuzzed once, as the first role that sees them.
SAME_FOR_EVERY_ROLE = (
    "/i18n/setlang/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password_reset/",
)
MARKUP = ("<script>fuzz-xss</script>", '"><i fuzz-xss>', "'><i fuzz-xss>")
UNESCAPED = ("<script>fuzz-xss", "<i fuzz-xss")
HOSTILE = (
    "",
    " ",
    "x" * 5000,
    "é" * 300,
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff\ud800",
    "🦆",
    "\u202egnp.exe",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "-Infinity",
    "٣",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "0x10",
    "true",
    "null",
    "[]",
    "{}",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
    "2026-13-01",
    "1900-01-01",
    "2026-06-01T25:00",
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "31-12-2026",
    "1,5",
    "1.000,50",
    "1E+30",
    "-0",
    "0.001",
    "' OR '1'='1",
    "1; DROP TABLE registry_board; --",
    "%",
    "_",
    "\\",
    "%'--",
    "a%_b",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "%(n)s",
    *MARKUP,
)
# Raw pieces of a query string or form body, not encoded.
RAW = ("&&", "=", "==x", "%zz", "%", "%00", "%ED%A0%80", "%FF%FE", "a[]=1&a[]=2", "+")


def _encode(text: str) -> str:
    return quote(text, safe="", encoding="utf-8", errors="surrogatepass")


def shown(pairs, raw=()) -> str:
    """A generated query or body for a report: each value cut short."""
    cut = [f"{key[:30]!r}={value[:40]!r}" for key, value in pairs]
    return " & ".join([*cut, *map(repr, raw)])


def encoded(pairs, raw=()) -> str:
    parts = [f"{_encode(key)}={_encode(value)}" for key, value in pairs]
    return "&".join([*parts, *raw])


# --- the forms of a page, from its HTML ------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # the input's type, "select", "textarea" or "button"
    options: list[str] = field(default_factory=list)  # what the page offers, chosen first
    chosen: list[str] = field(default_factory=list)  # what the page sends as it is
    required: bool = False
    multiple: bool = False

    @property
    def routes(self) -> bool:
        """Names the action or the row a post is for."""
        return self.kind in ("hidden", "button", "submit")


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)
    needs_file: bool = False


FILLERS = {
    "date": "2030-01-01",
    "datetime-local": "2030-01-01T10:00",
    "email": "fuzz@example.org",
    "number": "1",
    "url": "https://example.org/",
    "password": "not-the-password",
}


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: FormField | None = None
        self.textarea: FormField | None = None
        self.option: list | None = None

    def _field(self, name, kind, **flags) -> FormField:
        known = self.form.fields.get(name)
        if known is None:
            known = self.form.fields[name] = FormField(name, kind, **flags)
        return known

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.form = Form(method, attrs.get("action") or "")
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name is not None:
            kind = (attrs.get("type") or "text").lower()
            value = attrs.get("value")
            if kind == "file":
                self.form.needs_file |= "required" in attrs
                return
            one = self._field(name, kind, required="required" in attrs)
            if kind in ("checkbox", "radio"):
                one.options.append(value if value is not None else "on")
                one.multiple = kind == "checkbox"
                if "checked" in attrs:
                    one.chosen.append(value if value is not None else "on")
            elif kind in ("submit", "button", "image", "reset"):
                one.kind = "button"
                one.options.append(value or "")
            else:
                one.chosen = [value if value else ("" if kind == "hidden" else "")]
                one.options = [value] if value else []
        elif tag == "button" and name is not None:
            one = self._field(name, "button")
            one.options.append(attrs.get("value") or "")
        elif tag == "select" and name is not None:
            self.select = self._field(
                name, "select", required="required" in attrs, multiple="multiple" in attrs
            )
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
        elif tag == "textarea" and name is not None:
            self.textarea = self._field(name, "textarea", required="required" in attrs)
            self.textarea.chosen = [""]

    def handle_data(self, data):
        if self.option is not None:
            self.option[2] += data
        elif self.textarea is not None:
            self.textarea.chosen = [self.textarea.chosen[0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option" and self.option is not None:
            value, selected, text = self.option
            value = text.strip() if value is None else value
            self.select.options.append(value)
            if selected:
                self.select.chosen.append(value)
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def filled(one: FormField) -> list[str]:
    """What the page would send for a field, with required fields filled in."""
    if one.kind == "button":
        return []
    if one.chosen and any(one.chosen):
        return list(one.chosen)
    if one.kind == "select":
        choices = [o for o in one.options if o]
        return choices[:1] if one.required or not one.options else one.chosen
    if one.kind in ("checkbox", "radio"):
        return one.options[:1] if one.required else []
    if one.required:
        return [FILLERS.get(one.kind, "Fuzz")]
    return list(one.chosen)


# --- the world ------------------------------------------------------------------------------


@dataclass
class Site:
    world: object
    clients: dict
    errors: list
    tables: dict  # db_table -> label of the project's models
    clean: dict
    sent: list = field(default_factory=lambda: [0])
    pages: dict = field(default_factory=dict)  # (role, page name) -> its HTML
    answers: Counter = field(default_factory=Counter)  # (method, status, changed anything)
    seen: set = field(default_factory=set)  # (role, path, fields) of the forms fuzzed
    forms: int = 0


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
        clients = {"anonymous": Client(raise_request_exception=False)}
        for role, user in world.users.items():
            client = Client(raise_request_exception=False)
            client.force_login(user)
            if role in ("staff", "supplier"):
                device = user.totpdevice_set.get()
                answer = client.post("/accounts/two-factor/verify/", {"otp_token": code(device)})
                assert answer.status_code == 302
            clients[role] = client
        tables = {
            model._meta.db_table: model._meta.label
            for model in apps.get_models()
            if model.__module__.startswith("bundel.")
        }
        the_site = Site(world, clients, errors, tables, table_state(*tables.values()))
        yield the_site
        import json, time  # TEMP

        open("/tmp/fz_counts.json", "a").write(
            json.dumps(
                {
                    "t": time.time(),
                    "sent": the_site.sent[0],
                    "forms": the_site.forms,
                    "seen": sorted(map(str, the_site.seen)),
                    "answers": sorted(map(str, the_site.answers.items())),
                }
            )
            + "\n"
        )
        transaction.set_rollback(True)
    got_request_exception.disconnect(dispatch_uid="fuzz-pages")


class Writes:
    """The tables a request writes to, from the SQL it runs (a table no statement writes
    to cannot have changed)."""

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
    written: set  # the project's models it wrote to
    changed: set  # ... and whose rows differ from the world's before the request


def send(site: Site, role: str, method: str, path: str, body: str = "", htmx=False) -> Answer:
    """One request in a savepoint rolled back afterwards, with the client's cookies put
    back: the next request sees the same world and session."""
    client = site.clients[role]
    cookies = copy.deepcopy(client.cookies)
    headers = {"HX-Request": "true"} if htmx else {}
    site.errors.clear()
    site.sent[0] += 1
    writes = Writes()
    with transaction.atomic():
        with connection.execute_wrapper(writes):
            if method == "get":
                response = client.get(path, headers=headers)
            else:
                response = client.post(
                    path, body, content_type="application/x-www-form-urlencoded", headers=headers
                )
        content = b"".join(response.streaming_content) if response.streaming else response.content
        html = ""
        if response.get("Content-Type", "").startswith("text/html"):
            html = content.decode("utf-8", "replace")
        written = {site.tables[t] for t in writes.tables if t in site.tables}
        now = table_state(*(written - {"audit.AuditEntry"})) if written else {}
        changed = {label for label, state in now.items() if state != site.clean[label]}
        transaction.set_rollback(True)
    client.cookies = cookies
    site.answers[method, response.status_code, bool(changed)] += 1
    return Answer(response, html, site.errors[-1] if site.errors else "", written, changed)


def reachable(role: str):
    """The pages `role` may open, as (name, kwargs)."""
    index = ROLES.index(role)
    return [name for name, (_kwargs, row) in PAGES.items() if row[index] == OK]


def page_path(site: Site, name: str) -> str:
    kwargs, _row = PAGES[name]
    return reverse(name, kwargs={k: lookup(site.world, v) for k, v in kwargs.items()})


def unescaped(html: str) -> list[str]:
    return [marker for marker in UNESCAPED if marker in html]


HTMX = st.booleans()
UNKNOWN_KEYS = st.lists(
    st.tuples(
        st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(HOSTILE)),
        st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE)),
    ),
    max_size=2,
)
RAW_PIECES = st.lists(st.sampled_from(RAW), max_size=2)


def values(offered: list[str]):
    choices = [st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str)]
    if offered:
        choices.insert(0, st.sampled_from(offered))
    return st.one_of(choices)


def run_examples(count: int, strategy, check) -> None:
    """`check(example)` for `count` examples of `strategy`, the same ones on every run."""

    @hypothesis_settings(
        max_examples=count,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def fuzz(example):
        check(example)

    fuzz()


# --- GET ------------------------------------------------------------------------------------


def _offered(forms: list[Form]) -> dict[str, list[str]]:
    offered: dict[str, list[str]] = {}
    for form in forms:
        for one in form.fields.values():
            offered.setdefault(one.name, []).extend(o for o in one.options + one.chosen if o)
    return offered


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_page_answers_generated_query_strings(site, name):
    roles = [role for role in ROLES if name in reachable(role)]
    path = page_path(site, name)
    params = (*COMMON, *PAGES_PARAMS.get(name, ()))
    failures: list[str] = []
    for role in roles:
        first = send(site, role, "get", path)
        assert classify(first.response) == OK, (role, first.response.status_code, first.error)
        site.pages[role, name] = first.html
        own = [f for f in forms_of(first.html) if f.method == "get" and f.action in ("", path)]
        offered = _offered(own)
        assert set(offered) <= set(params), (role, sorted(set(offered) - set(params)))
        pairs = st.lists(
            st.sampled_from(params).flatmap(
                lambda key, offered=offered: st.tuples(st.just(key), values(offered.get(key, [])))
            ),
            max_size=6,
        )

        def check_get(example, role):
            known, unknown, raw, htmx = example
            query = encoded([*known, *unknown], raw)
            answer = send(site, role, "get", f"{path}?{query}", htmx=htmx)
            response, problem = answer.response, None
            if response.status_code >= 500:
                problem = f"server error {response.status_code}\n{answer.error}"
            elif classify(response) != OK and not (
                400 <= response.status_code < 500
                and SENSIBLE_4XX.get(name) in {key for key, _value in known}
            ):
                problem = f"{response.status_code} {response.get('Location', '')}"
            elif unescaped(answer.html):
                problem = f"unescaped {unescaped(answer.html)}"
            if problem:
                line = f"{role}: GET {path} {shown([*known, *unknown], raw)}: {problem}"
                failures.append(line)

        examples = st.tuples(pairs, UNKNOWN_KEYS, RAW_PIECES, HTMX)
        run_examples(GET_EXAMPLES, examples, lambda ex, role=role: check_get(ex, role))
    assert not failures, "\n".join(failures[:10]) + f"\n({len(failures)} in all)"


# --- POST -----------------------------------------------------------------------------------

ERROR_SHOWN = ('class="errors"', 'class="errorlist', 'role="alert"', 'class="error"')


def _field_values(one: FormField):
    """What a generated post sends for one field: a list of values (none: left out)."""
    if one.kind == "button":
        return st.just([])  # the buttons: one of them, below
    base = filled(one)
    hostile = st.one_of(
        st.just([]),
        st.sampled_from(HOSTILE).map(lambda v: [v]),
        st.lists(st.sampled_from([*HOSTILE, *base]), min_size=2, max_size=3),
    )
    if one.routes:
        return st.integers(0, 9).flatmap(lambda n: st.just(base) if n < 7 else hostile)
    offered = [o for o in one.options if o] or base
    choices = [st.just(base), hostile, st.text(max_size=40).map(lambda v: [v])]
    if offered:
        choices.append(st.lists(st.sampled_from(offered), min_size=1, max_size=3, unique=True))
    return st.one_of(choices)


def post_examples(form: Form):
    """A few fields changed and the rest as the page sends them (to get past the form to
    the service's rules), or every field generated."""
    fields = list(form.fields.values())
    buttons = [(one.name, value) for one in fields if one.kind == "button" for value in one.options]
    button = st.sampled_from(buttons) if buttons else st.none()

    def changing(indexes):
        return st.tuples(
            *[
                _field_values(one) if i in indexes else st.just(filled(one))
                for i, one in enumerate(fields)
            ]
        )

    few = st.sets(st.integers(0, len(fields) - 1), min_size=1, max_size=3).flatmap(changing)
    every = st.tuples(*[_field_values(one) for one in fields])
    return st.tuples(
        st.one_of(few, every),
        st.one_of(button, st.tuples(st.sampled_from(HOSTILE), st.sampled_from(HOSTILE))),
        UNKNOWN_KEYS,
        RAW_PIECES,
    )


def baseline(form: Form):
    fields = list(form.fields.values())
    buttons = [(one.name, value) for one in fields if one.kind == "button" for value in one.options]
    return ([filled(one) for one in fields], buttons[0] if buttons else None, [], [])


def _pairs(form: Form, example):
    values, button, unknown, raw = example
    pairs = [
        (one.name, value)
        for one, given in zip(form.fields.values(), values, strict=True)
        for value in given
    ]
    if button is not None:
        pairs.append(button)
    routed = all(
        given == filled(one)
        for one, given in zip(form.fields.values(), values, strict=True)
        if one.routes and one.kind != "button"
    )
    buttons = {
        (one.name, v) for one in form.fields.values() if one.kind == "button" for v in one.options
    }
    routed = routed and (button is None and not buttons or button in buttons)
    return [*pairs, *unknown], raw, routed


def _form_target(form: Form, page: str) -> str:
    if not form.action:
        return page
    target = urlsplit(form.action)
    return target.path + (f"?{target.query}" if target.query else "")


def post_problem(answer: Answer, viewed: set, routed: bool) -> str | None:
    """What is wrong with the answer to a generated post, if anything. `viewed`: the
    tables that showing the target page writes to (e.g. notifications marked read)."""
    response, html = answer.response, answer.html
    status, changed = answer.response.status_code, answer.changed - viewed
    shows_error = any(marker in html for marker in ERROR_SHOWN)
    if status >= 500:
        return f"server error {status}\n{answer.error}"
    if 300 <= status < 400:
        return f"{status} to the login page" if classify(response) == LOGIN else None
    if status >= 400 and changed:
        return f"{status}, and changed {sorted(changed)}"
    if status >= 400 and routed:
        return f"{status} for the page's own action"
    if status == 200 and not changed and not shows_error:
        return "nothing done, and no error shown"
    if status == 200 and changed and shows_error:
        return f"an error shown, and changed {sorted(changed)}"
    if unescaped(html):
        return f"unescaped {unescaped(html)}"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_forms_of_a_page_answer_generated_posts(site, name):
    roles = [role for role in ROLES if name in reachable(role)]
    path = page_path(site, name)
    failures: list[str] = []
    for role in roles:
        html = site.pages.get((role, name)) or send(site, role, "get", path).html
        for form in forms_of(html):
            target = _form_target(form, path)
            who = "anyone" if target.startswith(SAME_FOR_EVERY_ROLE) else role
            key = (who, target.split("?")[0], tuple(form.fields))
            if form.method != "post" or form.needs_file or key in site.seen:
                continue
            site.seen.add(key)
            site.forms += 1
            viewed = send(site, role, "get", target).changed

            def check_post(example, role=role, form=form, target=target, viewed=viewed):
                pairs, raw, routed = _pairs(form, example)
                answer = send(site, role, "post", target, encoded(pairs, raw))
                problem = post_problem(answer, viewed, routed)
                if answer.response.status_code == 200 and answer.changed - viewed:  # TEMP
                    open("/tmp/fz_changed.txt", "a").write(f"{role} {target} {sorted(answer.changed - viewed)} {'errors' in answer.html} {shown(pairs, raw)[:300]}\n")
                if problem:
                    line = f"{role}: POST {target} {shown(pairs, raw)}: {problem}"
                    failures.append(line)

            check_post(baseline(form))
            run_examples(POST_EXAMPLES, post_examples(form), check_post)
    assert not failures, "\n".join(failures[:10]) + f"\n({len(failures)} in all)"
