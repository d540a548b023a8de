"""The pages of events, knowledge and groups work under a Content-Security-Policy
without 'unsafe-inline': no `style` attribute, no inline <script> or <style> and no
inline event handler in their templates (styles live in the apps' static CSS). The one
exception is the badges PDF's template, which WeasyPrint renders on the server (no
browser ever receives it)."""

import re
from pathlib import Path

import pytest

import bundel

APPS = ("events", "knowledge", "groups")
SERVER_ONLY = {"events/badges_pdf.html"}  # rendered to PDF by WeasyPrint

INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    (re.compile(r"<script\b(?![^>]*\bsrc=)", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: address"),
    (re.compile(r"\shx-on", re.I), "an hx-on handler (needs 'unsafe-eval')"),
]


def templates(app: str) -> list[Path]:
    root = Path(bundel.__file__).parent / app / "templates"
    return sorted(p for p in root.rglob("*.html"))


@pytest.mark.parametrize("app", APPS)
def test_no_inline_style_or_script_in_the_templates(app):
    found = []
    root = Path(bundel.__file__).parent / app / "templates"
    assert templates(app), app
    for path in templates(app):
        name = path.relative_to(root).as_posix()
        if name in SERVER_ONLY:
            continue
        text = path.read_text()
        found += [f"{name}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []


def test_the_badges_template_is_only_rendered_to_pdf():
    """The exception above holds: no view renders it as a page."""
    sources = [p.read_text() for p in (Path(bundel.__file__).parent / "events").glob("*.py")]
    users = [s for s in sources if "events/badges_pdf.html" in s]
    assert len(users) == 1 and "render_pdf(" in users[0]
