"""Name cleaning: case, accents, punctuation, hyphenated parts and phonetic codes (pure).

A cleaned name is upper-case ASCII letters in space-separated tokens. Accents are folded
(``Zoë`` -> ``ZOE``), apostrophes and full stops are dropped (``O'Brien`` -> ``OBRIEN``) and
hyphens split a name into parts (``Smith-Jones`` -> ``SMITH JONES``). Family-name particles
are kept as written: ``Mc`` and ``Mac`` are different names in English records.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import jellyfish

_DROPPED = re.compile(r"['’.`]")
_SEPARATORS = re.compile(r"[^A-Z]+")
_TITLES = frozenset({"MR", "MRS", "MS", "MISS", "MASTER", "DR"})


def fold(raw: str) -> str:
    """Upper-case ASCII with accents removed; other characters are kept for the caller."""
    decomposed = unicodedata.normalize("NFKD", raw)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


@cache
def name_tokens(raw: str) -> tuple[str, ...]:
    """The letter tokens of a name, without titles: ``"Mary-Jane  O'Neil"`` -> 3 tokens."""
    cleaned = _SEPARATORS.sub(" ", _DROPPED.sub("", fold(raw)))
    return tuple(token for token in cleaned.split() if token not in _TITLES)


@cache
def phonetic(token: str) -> str:
    """A Soundex code: coarse on purpose, used only to choose blocking candidates."""
    return jellyfish.soundex(token) if token else ""


def jaro_winkler(a: str, b: str) -> float:
    return jellyfish.jaro_winkler_similarity(a, b)


def is_typo(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or adjacent transposition apart, 4+ letters."""
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    return jellyfish.damerau_levenshtein_distance(a, b) == 1
