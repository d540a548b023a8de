"""The Content-Security-Policy holds without 'unsafe-inline': every page carries the strict
policy, and no page (nor any template) has an inline script, an event attribute (onclick=)
or a style attribute, which that policy would block.

The pages are found by walking the demo site (`setup_demo`) as each kind of visitor:
following every link and htmx request, at most two pages per view. The pages the security
issue names must be among them, so a walk that goes nowhere fails."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from .site_walk import FILES, log_in_as, seed_demo_site, walk

STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}

# JSON data blocks (<script type="application/json">) are not run, so CSP allows them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}


def policy(header: str) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


def refused(name: str, value: str | None) -> bool:
    """An attribute a strict policy blocks: style, an event handler, a javascript: address."""
    address = (value or "").strip().lower()
    javascript = name in URL_ATTRIBUTES and address.startswith("javascript:")
    return name == "style" or name.startswith("on") or javascript


class InlineCode(HTMLParser):
    """Collects what a strict policy refuses: inline scripts and styles, event attributes,
    javascript: addresses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.found += [f"<{tag} {name}={value!r}>" for name, value in attrs if refused(name, value)]
        runs = values.get("type") not in DATA_SCRIPT_TYPES
        if tag == "script" and not values.get("src") and runs:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def page_problems(client) -> tuple[dict[str, list[str]], dict[str, str]]:
    """What each HTML page of the walk breaks, and the view name of every page walked."""
    problems: dict[str, list[str]] = {}
    visited: dict[str, str] = {}
    for path, view, response in walk(client, follow=lambda path: not FILES.search(path)):
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        visited[path] = view
        found = inline_code(response.content.decode())
        header = response.get("Content-Security-Policy", "")
        if policy(header) != STRICT_POLICY:
            found.append(f"Content-Security-Policy: {header!r}")
        if found:
            problems[path] = found
    return problems, visited


# What the issue names, per visitor: these views must have been walked (and passed).
EXPECTED = {
    "anonymous": {
        "home",
        "registry:boards",
        "registry:board",
        "support:dashboard",
        "catalogue:index",
        "governance:council",
        "knowledge:index",
        "events:list",
    },
    "lid": {
        "home",
        "registry:board",
        "membership:mine",
        "subscriptions:board",
        "proposals:board",
        "governance:council",
        "governance:elections",
        "governance:election",
        "governance:meeting",
        "knowledge:document",
        "groups:index",
        "groups:nav",
        "groups:detail",
        "groups:thread",
        "events:detail",
        "tenders:mine",
        "tenders:demand",
        "contracts:list",
        "contracts:detail",
    },
    "staf": {
        "home",
        "registry:boards",
        "membership:list",
        "membership:detail",
        "subscriptions:calendar",
        "proposals:bulk",
        "governance:seats",
        "governance:election",
        "governance:meeting",
        "groups:index",
        "events:manage",
        "tenders:list",
        "tenders:detail",
        "tenders:simulation",
        "contracts:list",
        "contracts:detail",
    },
    "leverancier": {  # a supplier
        "bidding:tenders",
        "bidding:tender",
        "bidding:nota",
        "bidding:bid",
        "contracts:list",
    },
}


@pytest.fixture
def demo_site(db, settings, tmp_path):
    seed_demo_site(settings, tmp_path)


def test_every_page_keeps_the_strict_policy_without_inline_code(client, demo_site):
    problems, missing, walked = {}, {}, {}
    for visitor, views in EXPECTED.items():
        log_in_as(client, visitor)

        found, visited = page_problems(client)

        problems[visitor] = found
        missing[visitor] = views - set(visited.values())
        walked[visitor] = len(visited)

    assert problems == {visitor: {} for visitor in EXPECTED}
    assert missing == {visitor: set() for visitor in EXPECTED}
    assert all(walked[visitor] >= 2 * len(views) for visitor, views in EXPECTED.items())


def test_the_api_docs_keep_the_strict_policy_too(client, db):
    """The Swagger UI's start script comes as a file and its styles from a stylesheet."""
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    assert policy(response["Content-Security-Policy"]) == STRICT_POLICY
    html = response.content.decode()
    assert '<script src="/api/v1/docs/?script="></script>' in html
    assert '<link rel="stylesheet" href="/static/bundel/css/api_docs.css">' in html
    assert inline_code(html) == []
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"] == "application/javascript"
    assert "SwaggerUIBundle(" in script.content.decode()


def test_error_pages_keep_the_policy(client, db):
    response = client.get("/registry/boards/99999/")

    assert response.status_code == 404
    assert policy(response["Content-Security-Policy"]) == STRICT_POLICY
    assert inline_code(response.content.decode()) == []


def test_the_500_page_has_no_inline_style(db):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert inline_code(html) == []
    assert 'class="error-page"' in html


def test_htmx_is_told_not_to_inject_its_indicator_styles(client, db):
    html = client.get("/").content.decode()

    assert (
        """<meta name="htmx-config" content='{"includeIndicatorStyles": false, """
        """"allowEval": false}'>"""
    ) in html
    css = (Path(settings.PACKAGE_DIR) / "static/bundel/css/bundel.css").read_text()
    assert ".htmx-indicator { opacity: 0; }" in css


def templates() -> list[Path]:
    """Every HTML template served to browsers; the PDF templates (WeasyPrint) are not."""
    package = Path(settings.PACKAGE_DIR)
    found = [*package.glob("templates/**/*.html"), *package.glob("*/templates/**/*.html")]
    return sorted(path for path in found if "pdf" not in path.name)


INLINE_IN_TEMPLATE = re.compile(
    r"""\sstyle\s*=|<style[\s>]|\son[a-z]+\s*=\s*["']|<script(?![^>]*\ssrc=)[^>]*>|javascript:""",
    re.IGNORECASE,
)


def test_no_template_has_inline_script_or_style():
    found = {
        str(path.relative_to(settings.PACKAGE_DIR)): INLINE_IN_TEMPLATE.findall(path.read_text())
        for path in templates()
    }

    assert len(found) > 100
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_template_scan_finds_what_it_looks_for():
    samples = [
        '<div style="width: 5%">',
        '<button onclick="go()">',
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        "<style>p{}</style>",
        '<a href="javascript:go()">',
    ]
    assert [bool(INLINE_IN_TEMPLATE.search(sample)) for sample in samples] == [True] * 6
    assert [len(inline_code(sample)) for sample in samples] == [1] * 6
    clean = '<script src="/static/x.js" defer></script><a href="/registry/" class="one">'
    assert INLINE_IN_TEMPLATE.search(clean) is None
    assert inline_code(clean) == []
