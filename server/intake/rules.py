"""Small pure rules of the intake: links, meaningful messages, scores, identifiers, subjects.

SEEDS 002/004 (anti-spam): "no links/media before N meaningful messages, link filters,
whitelisted roles for verified accounts".
"""

from __future__ import annotations

import re
import unicodedata

# Links as spammers write them: with a scheme, www., t.me/…, or a bare domain on a common TLD.
_LINK = re.compile(
    r"(?i)(?:\b(?:https?|ftp)://\S+|\bwww\.\S+|\b(?:t|telegram)\.me/\S+"
    r"|\b[a-z0-9][a-z0-9\-]{0,62}\.(?:com|net|org|io|ru|ua|kz|ir|gr|mn|tr|es|pt|br|de|info|biz"
    r"|xyz|top|site|online|club|app|bet|casino|win|vip|link|ly|gg|co|me|cc|tk|to)\b(?:/\S*)?)"
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?![\d.,]?\d)")
_STARS = re.compile("[⭐★🌟]")
_LETTER = re.compile(r"[^\W\d_]")


def has_link(text: str) -> bool:
    return _LINK.search(text) is not None


def is_meaningful(text: str) -> bool:
    """Two or more words of letters once links are taken out: not "hi", not a bare link,
    not emoji or digits. Such messages build a new channel user's trust."""
    return len(_WORD.findall(_LINK.sub(" ", text))) >= 2


def parse_score(text: str, low: int, high: int) -> int | None:
    """A rating answer: "5", "4/5", "9 out of 10", "۸", "⭐⭐⭐⭐". None when the message is
    not a short answer with exactly one number (or stars) in [low, high]."""
    t = text.translate(_DIGITS).strip()
    if not t or len(t) > 40:
        return None
    stars = len(_STARS.findall(t))
    if stars and not re.search(r"\d", t):
        return stars if low <= stars <= high else None
    numbers = _NUMBER.findall(t)
    if not numbers:
        return None
    # "4/5", "9 из 10", "8 of 10": the first number is the answer, the second the scale.
    if len(numbers) == 2 and int(numbers[1]) in (5, 10) and int(numbers[0]) <= int(numbers[1]):
        numbers = numbers[:1]
    if len(numbers) != 1 or len(_LETTER.findall(t)) > 20:
        return None
    value = int(numbers[0])
    return value if low <= value <= high else None


def normalise_phone(raw: str) -> str | None:
    """+ and digits only (7–15 digits, E.164 length); None when it cannot be a phone."""
    digits = re.sub(r"\D", "", raw.translate(_DIGITS))
    if not 7 <= len(digits) <= 15:
        return None
    return "+" + digits


def normalise_card(raw: str) -> str | None:
    """A loyalty card number: letters and digits, upper-case, 4–40 of them."""
    value = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw)).upper()
    if not 4 <= len(value) <= 40 or not value.isalnum():
        return None
    return value


def subject_from(text: str, fallback: str, limit: int = 80) -> str:
    """A ticket subject from the player's first words (one line, at most `limit` chars)."""
    line = " ".join(text.split())
    if not _LETTER.search(line):
        return fallback
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
    return cut.rstrip(",.;:!?") + "…"
