"""Full-text search of the knowledge base, in Dutch.

PostgreSQL (production): a stored `tsvector` per document (title weight A, summary and
tags B, the current version's text and file text C) in the `KNOWLEDGE_SEARCH_CONFIG`
configuration ("dutch": Snowball stemming, Dutch stop words), a GIN index, ranking with
`ts_rank` and snippets from `ts_headline`.

Elsewhere (SQLite in development): the same stems made in Python (`dutch.py`) are stored
as text; a document matches when it holds every stem of the query, ranked by how often
they occur (three times as much in the title and tags).

Snippets are escaped text in which only this module adds <mark>: the database and the
highlighter mark matches with two private-use characters, removed from every stored
text first, that become the tags after escaping.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, IntegerField, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat, Length, Replace, Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bundel.core import versions

from .dutch import STOPWORDS, parse_query, query_stems, stem, stems, words
from .models import Document, DocumentVersion

START, STOP = "\ue000", "\ue001"
# PostgreSQL refuses a tsvector over 1 MB: index at most this much of a version's text.
INDEX_MAX_CHARS = 400_000
# A snippet is taken from this much of the start of a version's text (its own text,
# then its file's): ts_headline's cost grows with the text, so a page of 50 long PDFs
# would take seconds. A match further on still finds the document; its snippet is then
# the summary (or the start of the text). Measured in bench/knowledge.py.
SNIPPET_SOURCE_CHARS = 6_000
SNIPPET_CHARS = 260
_UNSTORABLE = str.maketrans("", "", "\x00" + START + STOP)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def clean_text(text: str) -> str:
    """Text as stored: without NUL (PostgreSQL cannot store it) and the highlight marks."""
    return (text or "").translate(_UNSTORABLE)


def _config() -> str:
    return settings.KNOWLEDGE_SEARCH_CONFIG


def _stem_text(values) -> str:
    """ " a  b  c ": every stem between two spaces, so " b " finds the whole stem."""
    return "".join(f" {s} " for s in stems(" ".join(values)))


# -- the index ---------------------------------------------------------------------------


def index_document(document: Document) -> None:
    """Recompute the index of a document's title, summary, tags and current version.
    Cached search results depend on it: a reindex (`knowledge_reindex`, which saves no
    model) has them computed anew, as a change of a document does (apps.py)."""
    versions.bump("knowledge")
    version = (
        DocumentVersion.objects.filter(pk=document.current_version_id)
        .only("body", "extracted_text")
        .first()
    )
    body = version.searchable_text[:INDEX_MAX_CHARS] if version else ""
    tags = " ".join(document.tags.values_list("name", flat=True))
    rows = Document.objects.filter(pk=document.pk)
    if uses_postgres():
        config = _config()
        rows.update(
            search_vector=SearchVector(Value(document.title), weight="A", config=config)
            + SearchVector(Value(f"{document.summary} {tags}"), weight="B", config=config)
            + SearchVector(Value(body), weight="C", config=config),
            search_stems="",
            search_title_stems="",
        )
    else:
        rows.update(
            search_vector=None,
            search_stems=_stem_text([document.title, document.summary, tags, body]),
            search_title_stems=_stem_text([document.title, tags]),
        )


# -- searching ---------------------------------------------------------------------------


def _pg_query(q: str) -> SearchQuery:
    return SearchQuery(q, config=_config(), search_type="websearch")


def _occurrences(field: str, term: str):
    needle = f" {term} "
    removed = Length(F(field)) - Length(Replace(F(field), Value(needle), Value("")))
    return Cast(removed, IntegerField()) / len(needle)


def matching(documents: QuerySet[Document], q: str) -> QuerySet[Document]:
    """The documents of `documents` that match the query, best first, with `rank`."""
    if uses_postgres():
        query = _pg_query(q)
        return (
            documents.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query, normalization=Value(1)))
            .order_by("-rank", "-updated_at", "-pk")
        )
    parsed = parse_query(q)
    if not parsed.groups:
        return documents.none()
    matches = Q()
    for group in parsed.groups:
        matches |= Q(*(Q(search_stems__contains=f" {term} ") for term in group))
    for term in parsed.excluded:
        documents = documents.exclude(search_stems__contains=f" {term} ")
    terms = query_stems(q)
    rank = sum(
        (
            3 * _occurrences("search_title_stems", t) + _occurrences("search_stems", t)
            for t in terms
        ),
        start=Value(0),
    )
    return documents.filter(matches).annotate(rank=rank).order_by("-rank", "-updated_at", "-pk")


# -- snippets ----------------------------------------------------------------------------


def to_html(marked: str) -> SafeString:
    """Escape everything, then turn the marks into <mark> tags."""
    return mark_safe(escape(marked).replace(START, "<mark>").replace(STOP, "</mark>"))


def _squash(text: str) -> str:
    return " ".join(text.split())


def mark_terms(text: str, terms: set[str]) -> str:
    """`text` with every word whose stem is one of `terms` between the marks."""
    if not terms:
        return text
    parts, last = [], 0
    for match in words(text):
        word = match.group().lower()
        if word not in STOPWORDS and stem(word) in terms:
            parts += [text[last : match.start()], START, match.group(), STOP]
            last = match.end()
    parts.append(text[last:])
    return "".join(parts)


def excerpt(text: str, terms: set[str], size: int = SNIPPET_CHARS) -> str:
    """About `size` characters of `text` around its first match, with the matches marked
    (the start of the text when nothing matches)."""
    text = text[:SNIPPET_SOURCE_CHARS]
    first = 0
    for match in words(text):
        word = match.group().lower()
        if word not in STOPWORDS and stem(word) in terms:
            first = match.start()
            break
    start = max(0, first - size // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + size
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    else:
        end = len(text)
    piece = _squash(text[start:end])
    return ("… " if start else "") + mark_terms(piece, terms) + (" …" if end < len(text) else "")


def attach_snippets(documents: list[Document], q: str) -> None:
    """Give each document `snippet` and `title_html` (safe HTML: escaped, with <mark>
    around the matches of `q`). At most one query for the page, whatever its size.

    With a query: the text around the matches in the current version (its text and its
    file's text), else the summary. Without one: the summary, else the text's start."""
    terms = set(query_stems(q)) if q else set()
    wanted = [
        d.current_version_id for d in documents if d.current_version_id and (q or not d.summary)
    ]
    versions = DocumentVersion.objects.filter(pk__in=wanted)
    texts: dict[int, str] = {}
    if wanted:
        if not q:
            lead = versions.values_list("pk", Substr(_text(), 1, SNIPPET_CHARS * 2))
            texts = {pk: excerpt(text, set()) for pk, text in lead}
        elif uses_postgres():
            rows = versions.annotate(headline=_headline(q)).values_list("pk", "headline")
            texts = {pk: _squash(text) for pk, text in rows}
        else:
            rows = versions.values_list("pk", Substr(_text(), 1, SNIPPET_SOURCE_CHARS))
            texts = {pk: excerpt(text, terms) for pk, text in rows}
    for document in documents:
        document.title_html = to_html(mark_terms(document.title, terms))
        text = texts.get(document.current_version_id, "")
        if (q and START in text) or not document.summary:
            document.snippet = to_html(text)
        else:
            document.snippet = to_html(mark_terms(document.summary, terms))


def _text() -> Concat:
    """A version's text and its file's text, as one."""
    return Concat("body", Value("\n\n"), "extracted_text", output_field=TextField())


def _headline(q: str) -> SearchHeadline:
    return SearchHeadline(
        Substr(_text(), 1, SNIPPET_SOURCE_CHARS),
        _pg_query(q),
        config=_config(),
        start_sel=START,
        stop_sel=STOP,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
