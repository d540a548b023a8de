"""Plain text in, safe HTML out: what members write is stored as typed (no HTML) and shown
escaped, with http(s) addresses as links and line breaks kept.

Only `http://` and `https://` addresses become links (never `javascript:`, `data:` or
bare domains); the address is cut before characters that cannot be part of it in
running text (a closing full stop, comma or unbalanced bracket)."""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?*"
PAIRS = {")": "(", "]": "[", "}": "{"}
# Control characters other than tab and newline (NUL cannot even be stored by PostgreSQL).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Newlines as "\\n", no control characters, no trailing spaces, no blank ends."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    value = CONTROL.sub("", value)
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


def _split_trailing(url: str) -> tuple[str, str]:
    """'https://x.nl/a).' -> ('https://x.nl/a', ').') unless the brackets pair up."""
    trail = ""
    while url:
        last = url[-1]
        if last in TRAILING or (last in PAIRS and url.count(last) > url.count(PAIRS[last])):
            trail = last + trail
            url = url[:-1]
        else:
            break
    return url, trail


def linkify(text: str) -> SafeString:
    """Escaped `text` with every http(s) address as a link (rel nofollow, no opener)."""
    parts, position = [], 0
    for match in URL.finditer(text):
        url, trail = _split_trailing(match.group(0))
        if not re.match(r"https?://[^/?#]", url, re.IGNORECASE):  # no host: not an address
            continue
        parts.append(escape(text[position : match.start()]))
        parts.append(
            format_html('<a href="{}" rel="nofollow noopener noreferrer ugc">{}</a>', url, url)
        )
        parts.append(escape(trail))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # every piece is escaped or built by format_html


def plain_text_html(text: str) -> SafeString:
    """Paragraphs at blank lines, <br> at single line breaks, addresses as links."""
    paragraphs = [p for p in re.split(r"\n\s*\n", clean_text(text)) if p.strip()]
    html = (
        "<p>" + str(linkify(paragraph)).replace("\n", "<br>") + "</p>" for paragraph in paragraphs
    )
    return mark_safe("\n".join(html))  # built from linkify's escaped output only
