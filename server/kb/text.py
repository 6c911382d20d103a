"""Search text and queries, the same for both databases. Pure.

Both sides go through `normalise` (case-folded, diacritics dropped, Persian/Arabic letter
variants unified, й→и, ё→е …), so "Ανάληψη" finds "αναληψη" and "çekim" finds "cekim" on
SQLite and PostgreSQL alike. There is no stemmer for most of the desk's languages (Kazakh,
Mongolian, Persian), so long query words are cut to a prefix and matched as prefixes:
"withdrawal" matches "withdraw…", "верификации" matches "верификац…".
"""

from __future__ import annotations

import math
import re

from ..bot.stop_phrases import normalise

_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 12
MIN_TERM = 3


def search_text(title: str, keywords: list[str], body: str) -> str:
    """What the full-text indexes read: title and keywords first, then the body."""
    return normalise(" ".join([title, " ".join(keywords), body]))


def query_terms(query: str) -> list[str]:
    """The prefixes to look for: distinct words of 3+ letters, long ones cut (at most 12)."""
    out: list[str] = []
    for word in _WORD.findall(normalise(query)):
        if len(word) < MIN_TERM or word.isdigit():
            continue
        if len(word) >= 6:
            word = word[: max(5, math.ceil(len(word) * 0.75))]
        if word not in out:
            out.append(word)
        if len(out) == MAX_TERMS:
            break
    return out


def fts5_query(terms: list[str]) -> str:
    """SQLite FTS5: any of the prefixes. Terms are letters and digits only, quoted anyway."""
    return " OR ".join(f'"{t}"*' for t in terms)


def tsquery(terms: list[str]) -> str:
    """PostgreSQL to_tsquery('simple', …): any of the prefixes."""
    return " | ".join(f"'{t}':*" for t in terms)
