"""The resource library's own Chinese search index: terms of a text, and terms of a query.

A published resource is indexed as rows of :class:`~communityedu.learning.models.SearchTerm`:

- Chinese characters of the title, the tags, the category and the summary as **unigrams** and
  **bigrams** (``太``, ``太极``); in the title and tags also **skip-bigrams** (``太拳`` from 太极拳),
  so that a query with a character missing still meets the resource;
- in the title and tags the **toneless pinyin** of each character and of each pair of neighbours
  (``tai``, ``taiji``), and the pairs of **initials** (``^tj``, ``^jq``);
- Latin words and numbers as they are, lower-cased (``wifi``, ``12345``).

A query is cut the same way, but only into pairs where it has two characters or more (pairs are
selective, so the candidate rows stay few). A Chinese query also searches by its own pinyin, which
is how a homophone typed by mistake (太级拳) still finds 太极拳. A Latin query is split into pinyin
syllables when it can be (``taijiquan`` → tai ji quan); otherwise it is read as initials (``tjq``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT

MAX_TERM_LENGTH = 32
MAX_QUERY_TERMS = 24
SUMMARY_INDEXED_CHARACTERS = 300
INITIALS_PREFIX = "^"
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class QueryTerms:
    terms: tuple[str, ...]
    # A resource must match at least this many of the terms to be a result.
    minimum_matched: int


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u0308")
    return kept.replace("u\u0308", "v").lower()


@cache
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable of the dictionary (``lv`` for lü)."""
    return frozenset(_toneless(reading) for readings in PINYIN_DICT.values() for reading in readings.split(","))


@cache
def _longest_syllable() -> int:
    return max(len(s) for s in syllables())


def split_pinyin(word: str) -> list[str] | None:
    """``taijiquan`` → ``[tai, ji, quan]``: the fewest syllables that make up ``word``, or None."""
    known, longest = syllables(), _longest_syllable()
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - longest), end):
            before = best[start]
            if before is not None and word[start:end] in known:
                candidate = [*before, word[start:end]]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[len(word)]


def _runs(text: str) -> list[str]:
    return _RUNS.findall(unicodedata.normalize("NFKC", text).lower())


def _is_han(run: str) -> bool:
    return bool(_HAN.match(run))


def _pairs(items: list[str], gap: int = 1) -> list[str]:
    return ["".join((items[i], items[i + gap])) for i in range(len(items) - gap)]


def _pinyin(run: str) -> list[str]:
    return [_toneless(s) for s in lazy_pinyin(run, style=Style.NORMAL)]


def _initials(run: str) -> list[str]:
    return [s[:1].lower() for s in lazy_pinyin(run, style=Style.FIRST_LETTER)]


def document_terms(*, title: str, tags: str = "", category: str = "", summary: str = "") -> dict[str, bool]:
    """The index terms of a resource, each with whether it comes from the title."""
    terms: dict[str, bool] = {}

    def add(values, in_title: bool):
        for value in values:
            if value and len(value) <= MAX_TERM_LENGTH:
                terms[value] = terms.get(value, False) or in_title

    for text, in_title, full in ((title, True, True), (tags, False, True), (category, False, False)):
        for run in _runs(text):
            if not _is_han(run):
                add([run], in_title)
                continue
            characters = list(run)
            add(characters, in_title)
            add(_pairs(characters), in_title)
            if full:
                add(_pairs(characters, gap=2), in_title)
                syllables_of_run = _pinyin(run)
                add(syllables_of_run, in_title)
                add(_pairs(syllables_of_run), in_title)
                add((INITIALS_PREFIX + pair for pair in _pairs(_initials(run))), in_title)
    for run in _runs(summary[:SUMMARY_INDEXED_CHARACTERS]):
        if _is_han(run):
            add(list(run), False)
            add(_pairs(list(run)), False)
        else:
            add([run], False)
    return terms


def query_terms(query: str) -> QueryTerms:
    """The terms to look up for what a resident typed, and how many must match."""
    terms: list[str] = []
    for run in _runs(query):
        if _is_han(run):
            if len(run) == 1:
                terms += [run, *_pinyin(run)]
            else:
                terms += _pairs(list(run)) + _pairs(_pinyin(run))
            continue
        split = split_pinyin(run) if run.isalpha() else None
        if split:
            terms += split if len(split) == 1 else _pairs(split)
        else:
            terms.append(run)
            if run.isalpha() and len(run) > 1:
                terms += [INITIALS_PREFIX + pair for pair in _pairs(list(run))]
    unique = tuple(dict.fromkeys(t for t in terms if len(t) <= MAX_TERM_LENGTH))[:MAX_QUERY_TERMS]
    return QueryTerms(terms=unique, minimum_matched=max(1, math.ceil(len(unique) / 2)) if unique else 0)
