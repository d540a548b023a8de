"""Dutch words for the search fallback (SQLite) and for highlighting titles.

`stem()` implements the Dutch stemming algorithm of the Snowball project (the one
PostgreSQL's `dutch` text search configuration uses), written from its published
description, so both databases reduce "aanbestedingen" and "aanbesteding" to the same
stem ("aanbested"). `tests/knowledge/test_dutch.py` compares it with PostgreSQL's.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

VOWELS = frozenset("aeiouyè")
_ACCENTS = str.maketrans("äëïöüáéíóú", "aeiouaeiou")
_WORD = re.compile(r"[^\W_]+")

# Common Dutch function words: they say nothing about a document, so neither the index
# nor a query keeps them (PostgreSQL's Dutch configuration drops them too).
_STOPWORDS_TEXT = """
    aan al alle alles als altijd andere ben bij daar dan dat de der deze die
    dit doch doen door dus een eens en er ge geen geweest haar had heb hebben
    heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon
    kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of
    om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw
    van veel voor want waren was wat werd wezen wie wil worden wordt zal ze zelf
    zich zij zijn zo zonder zou
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def _regions(word: str) -> tuple[int, int]:
    """R1 and R2 as the algorithm defines them; R1 starts at 3 letters at least."""
    n = len(word)
    if n < 3:
        return n, n

    def after_vowel_then_consonant(start: int) -> int:
        i = start
        while i < n and word[i] not in VOWELS:
            i += 1
        while i < n and word[i] in VOWELS:
            i += 1
        return i + 1 if i < n else n

    p1 = after_vowel_then_consonant(0)
    p2 = after_vowel_then_consonant(p1) if p1 < n else n
    return max(p1, 3), p2


def _mark_consonants(word: str) -> str:
    """An initial y, a y after a vowel and an i between vowels act as consonants
    (upper case until the end), scanning left to right as the algorithm does."""
    chars = list(word)
    if chars and chars[0] == "y":
        chars[0] = "Y"
    pos, n = 0, len(chars)
    while True:
        for p in range(pos, n - 1):
            if chars[p] not in VOWELS:
                continue
            if chars[p + 1] == "i" and p + 2 < n and chars[p + 2] in VOWELS:
                chars[p + 1], pos = "I", p + 3
                break
            if chars[p + 1] == "y":
                chars[p + 1], pos = "Y", p + 2
                break
        else:
            return "".join(chars)


def _undouble(word: str) -> str:
    return word[:-1] if word.endswith(("kk", "dd", "tt")) else word


def _en_ending(word: str, length: int, p1: int) -> str | None:
    """Remove an -en/-ene ending in R1 after a consonant (not after "gem")."""
    start = len(word) - length
    if start < p1 or start == 0 or word[start - 1] in VOWELS or word[:start].endswith("gem"):
        return None
    return _undouble(word[:start])


def _e_ending(word: str, p1: int) -> tuple[str, bool]:
    if word.endswith("e") and len(word) - 1 >= p1 and len(word) > 1 and word[-2] not in VOWELS:
        return _undouble(word[:-1]), True
    return word, False


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    word = word.lower().translate(_ACCENTS)
    word = _mark_consonants(word)
    p1, p2 = _regions(word)

    # Step 1: -heden, -en/-ene, -s/-se (the longest that ends the word).
    if word.endswith("heden"):
        if len(word) - 5 >= p1:
            word = word[:-5] + "heid"
    elif word.endswith(("ene", "en")):
        word = _en_ending(word, 3 if word.endswith("ene") else 2, p1) or word
    elif word.endswith(("se", "s")):
        start = len(word) - (2 if word.endswith("se") else 1)
        if start >= p1 and start > 0 and word[start - 1] not in VOWELS | {"j"}:
            word = word[:start]

    # Step 2: -e.
    word, e_found = _e_ending(word, p1)

    # Step 3a: -heid.
    if word.endswith("heid") and len(word) - 4 >= p2 and not word[:-4].endswith("c"):
        word = word[:-4]
        if word.endswith("en"):
            word = _en_ending(word, 2, p1) or word

    # Step 3b: derivational suffixes.
    if word.endswith(("lijk", "baar")):
        if len(word) - 4 >= p2:
            lijk = word.endswith("lijk")
            word = word[:-4]
            if lijk:
                word, _found = _e_ending(word, p1)
    elif word.endswith(("end", "ing")):
        if len(word) - 3 >= p2:
            word = word[:-3]
            if word.endswith("ig") and len(word) - 2 >= p2 and not word[:-2].endswith("e"):
                word = word[:-2]
            else:
                word = _undouble(word)
    elif word.endswith("bar"):
        if len(word) - 3 >= p2 and e_found:
            word = word[:-3]
    elif word.endswith("ig") and len(word) - 2 >= p2 and not word[:-2].endswith("e"):
        word = word[:-2]

    # Step 4: undouble a vowel before a final consonant (maan -> man).
    if (
        len(word) >= 4
        and word[-1] not in VOWELS
        and word[-1] != "I"
        and word[-3:-1] in ("aa", "ee", "oo", "uu")
        and word[-4] not in VOWELS
    ):
        word = word[:-2] + word[-1]
    return word.replace("I", "i").replace("Y", "y")


def words(text: str) -> Iterator[re.Match]:
    """The words of `text` with their places (letters and digits, NFC)."""
    return _WORD.finditer(text)


def stems(text: str) -> list[str]:
    """The stems of the words of `text` in order, stop words left out."""
    text = unicodedata.normalize("NFC", text)
    return [stem(w) for m in words(text) if (w := m.group().lower()) not in STOPWORDS]


def query_stems(query: str) -> list[str]:
    """The distinct stems of the words a search query asks for, in order."""
    parsed = parse_query(query)
    seen: dict[str, None] = {}
    for group in parsed.groups:
        for s in group:
            seen.setdefault(s, None)
    return list(seen)


@dataclass(frozen=True)
class Query:
    """A search query as the fallback reads it (like PostgreSQL's websearch syntax,
    without phrase order): groups of stems joined by "or", each group needing all its
    stems; and stems no matching document may hold ("-word")."""

    groups: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]


_TOKEN = re.compile(r'-?"[^"]*"?|\S+')


def parse_query(query: str) -> Query:
    groups: list[list[str]] = [[]]
    excluded: list[str] = []
    for token in _TOKEN.findall(unicodedata.normalize("NFC", query)):
        if token.lower() == "or":
            groups.append([])
        elif token.startswith("-") and len(token) > 1:
            excluded += stems(token[1:])
        else:
            groups[-1] += [s for s in stems(token) if s not in groups[-1]]
    return Query(groups=tuple(tuple(group) for group in groups if group), excluded=tuple(excluded))
