"""The bot's first line: language, intent, hand-off and priority for a player's message.

    >>> from server.bot import classify
    >>> c = classify("privet, gde moi dengi")
    >>> c.lang, c.intent, c.handoff, c.priority
    ('ru', 'withdrawal_status', True, 'P1')
    >>> c.to_dict()  # the shape of POST /api/v1/bot/classify
    {'lang': 'ru', 'intent': 'withdrawal_status', 'handoff': True, 'priority': 'P1', ...}

Importing this package is cheap; the lingua detector and the classifier are built on first
use (call `warm_up()` at start-up to pay that before the first message).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ALWAYS_HANDOFF": "server.bot.intent",
    "Classification": "server.bot.intent",
    "classify": "server.bot.intent",
    "clean_text": "server.bot.intent",
    "warm_up": "server.bot.intent",
    "DEFAULT_LANGUAGES": "server.bot.language",
    "LanguageResult": "server.bot.language",
    "detect_language": "server.bot.language",
    "INTENTS": "server.bot.model",
    "PRIORITIES": "server.bot.model",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:  # lazy: importing server.bot stays cheap
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'server.bot' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
