"""The bot's words to players in the desk's eleven languages (data/replies.toml). Pure."""

from __future__ import annotations

import tomllib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from ..domain.quiet_hours import zone

LANGS = ("en", "ru", "uk", "kk", "fa", "el", "mn", "tr", "es", "pt", "de")
DEFAULT_LANG = "en"
_PATH = Path(__file__).parent / "data" / "replies.toml"


@cache
def _table() -> dict[str, dict[str, str]]:
    return tomllib.loads(_PATH.read_text(encoding="utf-8"))


def pick_lang(*candidates: str | None) -> str:
    """The first candidate that is one of the bot's languages ("ru-RU" counts as "ru")."""
    for c in candidates:
        if c:
            base = c.split("-")[0].split("_")[0].lower()
            if base in LANGS:
                return base
    return DEFAULT_LANG


def say(key: str, lang: str, **values: Any) -> str:
    table = _table()
    text = table.get(lang, {}).get(key) or table[DEFAULT_LANG][key]
    return text.format(**values)


def word(key: str, lang: str) -> str:
    """A translated word (kind of payment, status) — the key itself when unknown."""
    table = _table()
    return table.get(lang, {}).get(key) or table[DEFAULT_LANG].get(key) or key


def local_time(at: datetime, timezone: str | None, now: datetime) -> str:
    """ "14:30" today, "05.12 14:30" another day, in the player's zone; UTC said when the
    zone is unknown."""
    tz = zone(timezone)
    local, today = at.astimezone(tz), now.astimezone(tz)
    text = (
        local.strftime("%H:%M") if local.date() == today.date() else local.strftime("%d.%m %H:%M")
    )
    return text if timezone else f"{text} UTC"


def local_date(at: datetime, timezone: str | None) -> str:
    return at.astimezone(zone(timezone)).strftime("%d.%m.%Y")


def with_eta(
    text: str, lang: str, eta: datetime | None, timezone: str | None, now: datetime
) -> str:
    """The reply plus "Expected answer by 14:30." when the ticket has an ETA."""
    if eta is None:
        return text
    return f"{text} {say('eta', lang, eta=local_time(eta, timezone, now))}"
