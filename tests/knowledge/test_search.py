"""Dutch full-text search: stemmed, ranked, with highlighted snippets, filtered by
category, tag and date. Every test here runs on SQLite (the fallback) and, in the
PostgreSQL run, on the stored tsvector with the 'dutch' configuration."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bundel.knowledge import selectors, services
from bundel.knowledge.constants import Visibility
from bundel.knowledge.models import Document
from bundel.knowledge.search import uses_postgres

from .factories import make_document, pdf_bytes, upload


def search(user, q="", **filters) -> list[Document]:
    found = selectors.document_search(user=user, filters=selectors.Filters(q=q, **filters))
    return selectors.with_snippets(found, q)


def titles(documents) -> list[str]:
    return [d.title for d in documents]


@pytest.fixture
def tenders(staff, categories):
    plural = make_document(
        staff,
        title="Planning van Europese procedures",
        category=categories["procurement"],
        body="Bij Europese aanbestedingen gelden minimumtermijnen voor de inschrijving.",
    )
    other = make_document(
        staff,
        title="Netwerksegmentatie",
        category=categories["ict"],
        body="Scheid personeel, leerlingen en gasten in eigen VLAN's.",
    )
    return plural, other


def test_a_search_for_aanbesteding_finds_aanbestedingen(staff, tenders):
    plural, _other = tenders

    assert titles(search(staff, "aanbesteding")) == [plural.title]
    assert titles(search(staff, "Aanbestedingen")) == [plural.title]


def test_text_of_an_uploaded_pdf_is_searched(staff, categories):
    document = make_document(
        staff,
        title="Model raamovereenkomst",
        body="Zie de bijlage.",
        upload=upload("raam.pdf", pdf_bytes("Artikel 4. Tarieven worden jaarlijks geïndexeerd")),
    )

    found = search(staff, "indexering tarief")  # no; indexering is another word
    assert found == []
    found = search(staff, "tarieven geïndexeerd")
    assert titles(found) == [document.title]
    assert "<mark>Tarieven</mark>" in found[0].snippet


def test_the_search_follows_the_current_version_only(staff):
    document = make_document(staff, title="Beveiligingsadvies", body="Gebruik sms-codes.")
    services.document_add_version(
        document=document, by=staff, body="Gebruik een authenticator-app."
    )

    assert titles(search(staff, "authenticator")) == ["Beveiligingsadvies"]
    assert search(staff, "sms") == []


def test_title_and_tag_changes_are_searchable_at_once(staff):
    document = make_document(staff, title="Advies", body="Algemene tekst.")

    services.document_update(document=document, by=staff, title="Phishingadvies", tags=["2FA"])

    assert titles(search(staff, "phishingadvies")) == ["Phishingadvies"]
    assert titles(search(staff, "2fa")) == ["Phishingadvies"]


def test_a_title_match_ranks_above_a_mention_in_the_text(staff, categories):
    mention = make_document(
        staff, title="Migratieplan", body="Bij de overstap hoort ook een firewall-regel."
    )
    about = make_document(
        staff, title="Firewall-regels per segment", body="Regels tussen segmenten."
    )

    found = search(staff, "regel")

    assert titles(found) == [about.title, mention.title]
    assert found[0].rank > found[1].rank > 0


def test_every_word_must_match_unless_or_is_said_and_a_minus_excludes(staff, tenders):
    plural, other = tenders

    assert search(staff, "aanbesteding vlan") == []
    assert sorted(titles(search(staff, "aanbesteding or vlan"))) == sorted(
        [plural.title, other.title]
    )
    assert titles(search(staff, "leerlingen -aanbesteding")) == [other.title]


def test_a_query_of_stop_words_finds_nothing_and_fails_nothing(staff, tenders):
    assert search(staff, "de het een") == []
    assert search(staff, "!!! ???") == []


def test_snippets_escape_the_text_and_mark_only_the_matches(staff):
    make_document(
        staff,
        title="<script>alert('titel')</script> Aanbestedingen",
        body="Voor <b>aanbestedingen</b> & <img src=x onerror=alert(1)> geldt dit.",
    )

    (found,) = search(staff, "aanbesteding")

    assert "<mark>aanbestedingen</mark>" in found.snippet
    assert "onerror=alert(1)&gt;" in found.snippet
    # The only tags are the marks (PostgreSQL's headline also drops what looks like a tag).
    unmarked = found.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in unmarked and ">" not in unmarked
    assert found.title_html == (
        "&lt;script&gt;alert(&#x27;titel&#x27;)&lt;/script&gt; <mark>Aanbestedingen</mark>"
    )


def test_a_snippet_shows_the_part_of_a_long_text_that_matches(staff):
    filler = " ".join(["Algemene tekst over het onderwijs."] * 80)
    make_document(staff, title="Lang", body=f"{filler} Hier staat de drempelwaarde. {filler}")

    (found,) = search(staff, "drempelwaarde")

    assert "<mark>drempelwaarde</mark>" in found.snippet
    assert len(found.snippet) < 600


def test_without_a_query_the_latest_changed_come_first_with_their_summary(staff):
    old = make_document(
        staff, title="Oud", summary="Samenvatting", at=timezone.now() - timedelta(days=9)
    )
    new = make_document(staff, title="Nieuw", body="Begin van de tekst. " * 40)

    found = search(staff)

    assert titles(found) == [new.title, old.title]
    assert found[1].snippet == "Samenvatting"
    assert found[0].snippet.startswith("Begin van de tekst.") and found[0].snippet.endswith("…")
    assert all(getattr(d, "rank", None) is None for d in found)


def test_filters_by_category_tag_and_date_range(staff, categories):
    now = timezone.now()
    today = timezone.localdate()
    january = make_document(
        staff,
        title="Leidraad wifi",
        category=categories["procurement"],
        tags=["wifi"],
        at=now - timedelta(days=40),
    )
    march = make_document(
        staff, title="Wifi-ontwerp", category=categories["ict"], at=now - timedelta(days=10)
    )
    wifi_tag = january.tags.get()

    assert titles(search(staff, "wifi", category=categories["ict"])) == [march.title]
    assert titles(search(staff, "", tag=wifi_tag)) == [january.title]
    assert titles(search(staff, "wifi", date_from=today - timedelta(days=20))) == [march.title]
    assert titles(search(staff, "wifi", date_to=today - timedelta(days=20))) == [january.title]
    both_ends = search(
        staff,
        date_from=(now - timedelta(days=40)).astimezone(timezone.get_current_timezone()).date(),
        date_to=(now - timedelta(days=10)).astimezone(timezone.get_current_timezone()).date(),
    )
    assert titles(both_ends) == [march.title, january.title]
    assert search(staff, "wifi", date_from=date(2099, 1, 1)) == []


def test_the_search_only_finds_what_the_user_may_see(library, staff, member, interested, outsider):
    assert sorted(titles(search(outsider, "wifi"))) == ["Wifi in de klas: basisadvies"]
    assert len(search(interested, "wifi")) == 2
    assert len(search(member, "wifi")) == 3
    assert len(search(staff, "wifi")) == 4  # staff also find the withdrawn one
    assert search(member, "verouderd") == []


@pytest.mark.postgresql
def test_on_postgresql_a_stored_dutch_vector_with_a_gin_index_is_searched(staff):
    document = make_document(staff, title="Aanbestedingen", body="Europese aanbestedingen.")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text = "
            "(setweight(to_tsvector('dutch', 'Aanbestedingen'), 'A') || "
            "setweight(to_tsvector('dutch', ' '), 'B') || "
            "setweight(to_tsvector('dutch', 'Europese aanbestedingen.'), 'C'))::text, "
            "search_vector::text FROM knowledge_document WHERE id = %s",
            [document.pk],
        )
        same, vector = cursor.fetchone()
        query = selectors.document_search(user=staff, filters=selectors.Filters(q="aanbesteding"))
        sql, _params = query.query.sql_with_params()
        # The search matches on the stored vector, and that match can use the GIN index.
        # (Which index the planner picks for the whole query on a one-row table varies.)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM knowledge_document "
            "WHERE search_vector @@ plainto_tsquery('dutch', %s)",
            ["aanbesteding"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert uses_postgres()
    assert same, vector
    assert "'aanbested':1A,3C" in vector
    assert '"knowledge_document"."search_vector" @@' in sql
    assert "knowledge_document_search_gin" in plan
    assert Document.objects.get().search_stems == ""  # the fallback's index is not kept here


def test_each_database_keeps_the_index_it_searches(staff):
    document = make_document(staff, title="Aanbestedingen", body="Europese aanbestedingen.")

    document.refresh_from_db()
    if uses_postgres():
        assert (document.search_stems, document.search_title_stems) == ("", "")
        assert document.search_vector is not None
    else:
        assert document.search_title_stems == " aanbested "
        assert document.search_stems == " aanbested  europes  aanbested "
        assert document.search_vector is None


@pytest.mark.django_db
def test_the_visibility_levels_of_each_kind_of_user(
    library, member, council_member, interested, former_member, outsider, supplier, client
):
    from django.contrib.auth.models import AnonymousUser

    public = (Visibility.PUBLIC,)
    assert selectors.visibility_levels(AnonymousUser()) == public
    assert selectors.visibility_levels(supplier) == public
    assert selectors.visibility_levels(outsider) == public
    assert selectors.visibility_levels(former_member) == public
    assert selectors.visibility_levels(interested) == (Visibility.PUBLIC, Visibility.INTERESTED)
    assert selectors.visibility_levels(member) == tuple(Visibility)
    assert selectors.visibility_levels(council_member) == tuple(Visibility)


def test_a_match_deep_in_a_long_text_is_found_and_shown_by_its_summary(staff):
    filler = "Algemene tekst over het onderwijs. " * 400  # 14,000 characters
    make_document(
        staff,
        title="Lange leidraad",
        summary="Een leidraad van veertig pagina's.",
        body=f"{filler}Bijlage: de glasvezelring.",
    )

    (found,) = search(staff, "glasvezelring")

    assert found.snippet == "Een leidraad van veertig pagina&#x27;s."


def test_the_reindex_command_rebuilds_a_lost_index(staff, capsys):
    from django.core.management import call_command

    make_document(staff, title="Aanbestedingen", body="Europese aanbestedingen.")
    make_document(staff, title="Wifi", body="Access points.")
    Document.objects.update(search_vector=None, search_stems="", search_title_stems="")
    assert search(staff, "aanbesteding") == []

    call_command("knowledge_reindex")

    assert titles(search(staff, "aanbesteding")) == ["Aanbestedingen"]
    assert "Search index rebuilt for 2 documents." in capsys.readouterr().out
