"""The Dutch stemmer of the search fallback: the forms of a word meet at one stem, as in
PostgreSQL's Dutch configuration, whose stems it reproduces."""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from bundel.knowledge.dutch import parse_query, query_stems, stem, stems

# Word forms that must meet, and the stem PostgreSQL's Snowball 'dutch' gives them.
FAMILIES = {
    "aanbested": ["aanbesteding", "aanbestedingen", "aanbestedende"],
    "raamovereenkomst": ["raamovereenkomst", "raamovereenkomsten"],
    "beveiligingsadviez": ["beveiligingsadviezen"],
    "leerling": ["leerling", "leerlingen"],
    "netwerk": ["netwerk", "netwerken"],
    "mogelijk": ["mogelijkheid", "mogelijkheden"],
    "tarief": ["tarief"],
    "tariev": ["tarieven"],
    "bestur": ["besturen", "bestuur"],
    "man": ["maan"],
    "brod": ["brood"],
    "gemeent": ["gemeente", "gemeenten"],
    "cooperatie": ["coöperatie", "cooperatie"],
    "cooperaties": ["coöperaties"],  # -s goes only after a consonant
}


@pytest.mark.parametrize(("expected", "forms"), FAMILIES.items())
def test_the_forms_of_a_word_meet_at_one_stem(expected, forms):
    assert {stem(form) for form in forms} == {expected}


def test_text_becomes_stems_without_stop_words():
    assert stems("De aanbestedingen van het Wifi-netwerk") == ["aanbested", "wifi", "netwerk"]


def test_a_query_keeps_each_stem_once():
    assert query_stems('"Aanbesteding" en aanbestedingen OR wifi') == ["aanbested", "wifi"]


def test_a_query_reads_or_groups_phrases_and_exclusions_like_websearch():
    parsed = parse_query('"model raamovereenkomst" aanbestedingen or wifi -gasten')

    assert parsed.groups == (("model", "raamovereenkomst", "aanbested"), ("wifi",))
    assert parsed.excluded == ("gast",)
    assert parse_query("de het een").groups == ()


def test_short_words_and_numbers_stay():
    assert [stem(w) for w in ("ik", "2fa", "802", "wpa3")] == ["ik", "2fa", "802", "wpa3"]


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäëïöüé", min_size=1, max_size=20))
def test_a_stem_is_never_longer_than_its_word_and_is_stable_lower_case(word):
    result = stem(word)
    assert len(result) <= len(word) + 2  # -heden becomes -heid: never longer
    assert result == result.lower()


WORDS = """
aanbestedingsleidraad aanbestedingen inschrijvingen gunningscriteria verwerkersovereenkomst
persoonsgegevens versleuteling tweefactorauthenticatie phishingmails beheerders
vestigingen migratiegolven bandbreedte acceptatietest opzegtermijn schoolbesturen
drempelwaarden termijnen procedures deelneming raamovereenkomsten verlengingen hoeveelheid
geïndexeerd prijsindex werkdagen vragenrondes sluitingsdatum prijs-kwaliteitverhouding
wegingen puntentoekenning opschortende leveringen decentrale elektronische aankondiging
inbesteding organisatie uitsluitend gezamenlijk toezicht bekostigde voortgezet onderwijs
subverwerkers voorafgaande toestemming passende technische maatregelen logbestanden
gecompromitteerde wachtwoorden betrokkenen normenkader bewustwording onafhankelijke
verklaring toeslagen servicetoeslag beschikbaarheid kwetsbaarheden vriendelijkheid
heden vrijheden lijkt hopelijk eerlijke ideeën knieën zeeën kooien koeieieren yoghurt
bijvoorbeeld lopend lopende gelukkig rechtvaardig hebbende zijnde baar vruchtbaar eetbare
"""


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_stems_are_postgresqls_dutch_stems():
    words = sorted(set(WORDS.split()))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, (ts_lexize('dutch_stem', w))[1] FROM unnest(%s::text[]) AS w", [words]
        )
        theirs = dict(cursor.fetchall())
    assert {w: stem(w) for w in words} == theirs
