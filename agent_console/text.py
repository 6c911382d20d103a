"""Text for terminal cells: width-exact cropping (CJK is two cells) and right-to-left display.

Terminals draw characters in the order they receive them, left to right; most do no bidi
reordering. So Persian (or Arabic, Hebrew) text is put into *visual* order here with a compact
form of the Unicode bidirectional algorithm (UAX #9, one paragraph, no explicit embeddings):
strong types from `unicodedata.bidirectional`, numbers kept left-to-right inside right-to-left
runs, neutrals resolved from their neighbours, runs reversed from the highest level down, and
brackets mirrored inside right-to-left runs.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.cells import cell_len, set_cell_size

_RTL = {"R", "AL"}
_NUM = {"EN", "AN"}
_MIRROR = dict(zip("()[]{}<>«»", ")(][}{><»«", strict=True))


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in _RTL for c in text if ord(c) >= 0x0590)


def base_is_rtl(text: str) -> bool:
    """The paragraph direction: that of the first strong character (P2, P3)."""
    for c in text:
        t = unicodedata.bidirectional(c)
        if t == "L":
            return False
        if t in _RTL:
            return True
    return False


@lru_cache(maxsize=8192)
def visual(text: str) -> str:
    """The string in display order for a left-to-right terminal."""
    if not text or not has_rtl(text):
        return text
    base = 1 if base_is_rtl(text) else 0
    types = [unicodedata.bidirectional(c) for c in text]
    # W rules, condensed: EN after AL is AN; separators and marks take their neighbours' type.
    last_strong = "R" if base else "L"
    for i, t in enumerate(types):
        if t in ("L", "R", "AL"):
            last_strong = t
        elif t == "EN" and last_strong == "AL":
            types[i] = "AN"
        elif t == "EN" and last_strong == "L":
            types[i] = "L"  # W7
        elif t == "NSM":
            types[i] = types[i - 1] if i else ("R" if base else "L")
    # Resolve to strong directions: L, R, or a number (levels below).
    dirs: list[str] = []
    for t in types:
        if t == "L":
            dirs.append("L")
        elif t in _RTL:
            dirs.append("R")
        elif t in _NUM:
            dirs.append("N#")
        else:
            dirs.append("")
    # N1/N2: a run of neutrals between two strong types of the same direction takes it
    # (numbers count as R); otherwise the paragraph direction.
    n = len(dirs)
    i = 0
    while i < n:
        if dirs[i]:
            i += 1
            continue
        j = i
        while j < n and not dirs[j]:
            j += 1
        before = _strong(dirs[i - 1]) if i else ("R" if base else "L")
        after = _strong(dirs[j]) if j < n else ("R" if base else "L")
        fill = before if before == after else ("R" if base else "L")
        for k in range(i, j):
            dirs[k] = fill
        i = j
    # I1/I2: embedding levels.
    levels = []
    for d in dirs:
        if base == 0:
            levels.append(0 if d == "L" else 1 if d == "R" else 2)
        else:
            levels.append(2 if d == "L" else 1 if d == "R" else 2)
    # L1: trailing whitespace goes to the paragraph level.
    k = n - 1
    while k >= 0 and text[k].isspace():
        levels[k] = base
        k -= 1
    # L2: reverse every run at or above each level, from the highest to the lowest odd level.
    chars = [(_MIRROR.get(c, c) if lv % 2 else c) for c, lv in zip(text, levels, strict=True)]
    top = max(levels)
    lowest_odd = 1
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < n:
            if levels[i] >= level:
                j = i
                while j < n and levels[j] >= level:
                    j += 1
                chars[i:j] = chars[i:j][::-1]
                levels[i:j] = levels[i:j][::-1]
                i = j
            else:
                i += 1
    return "".join(chars)


def _strong(d: str) -> str:
    return "R" if d in ("R", "N#") else "L"


def fit(text: str, width: int, *, align_right: bool = False) -> str:
    """Exactly `width` cells: cropped in logical order (so a right-to-left string loses its
    logical end, the left side on screen), reordered for display, padded with spaces. A wide
    character that would straddle the edge is replaced by a space."""
    if width <= 0:
        return ""
    text = " ".join(text.split()) if ("\n" in text or "\t" in text) else text
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1).rstrip() + "…"
    shown = visual(text)
    pad = width - cell_len(shown)
    if pad <= 0:
        return set_cell_size(shown, width)
    return " " * pad + shown if align_right else shown + " " * pad


def width(text: str) -> int:
    return cell_len(text)
