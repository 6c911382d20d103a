"""Macros: reply templates with variables, in several languages (pure).

SEEDS 002/004: receipt, data request, resolution and escalation macros; the bot's receipt, the
agent's first direct message and the closing template; variables such as name, language, local
time and problem type. Shipped in English, Russian and Ukrainian (:data:`SHIPPED`).

Public API::

    Macro(id, title, bodies)                    # bodies: {lang: template}; validated on creation
    Macro.variables(lang) -> tuple[str, ...]    # in order of first appearance
    MacroBook(macros=SHIPPED, fallback_lang="en")
    MacroBook.render(macro_id, lang, values) -> Rendered(text, lang, macro_id)
    MacroBook.get(macro_id) / .ids() / .add(macro)
    render_template(template, values, *, macro_id="", lang="") -> str
    template_variables(template) -> tuple[str, ...]
    format_eta(eta, now, tz, lang, style="auto") -> str    # "in 15 min" / "by 14:30" in the
                                                            # player's time zone and language
    local_time(now, tz) -> "HH:MM"
    MacroError, UnknownMacro, MissingVariables  # Invalid (422) / NotFound (404)

Templates: ``{name}`` is a variable (lower-case letters, digits, ``_``), ``{{`` and ``}}`` are
literal braces; anything else in braces is refused when the macro is defined. No attribute access
or format specs (unlike ``str.format``), so a template cannot reach into the values. Rendering
with a variable missing, ``None`` or blank raises :class:`MissingVariables` naming every missing
variable — never a half-filled message. Values are converted with ``str``; extra values are
ignored. A language the macro lacks falls back to ``fallback_lang`` (``Rendered.lang`` tells
which was used).

Variables of the shipped macros: ``number`` (``#12345``), ``eta``, ``tag`` (topic), ``field``,
``what``, ``next_steps``, ``name``, ``agent``, ``detail``, ``local_time``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .calendars import load_zone
from .errors import Invalid, NotFound


class MacroError(Invalid):
    code = "invalid_macro"


class MissingVariables(MacroError):
    code = "macro_missing_variables"


class UnknownMacro(NotFound):
    code = "unknown_macro"


_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z_][a-z0-9_]*)\}|\{|\}")


def _parse(template: str) -> list[tuple[str, str]]:
    """[("text", …) | ("var", name)]; MacroError on a stray brace or a bad variable."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            out.append(("text", template[pos : m.start()]))
        tok = m.group(0)
        if tok == "{{":
            out.append(("text", "{"))
        elif tok == "}}":
            out.append(("text", "}"))
        elif m.group(1):
            out.append(("var", m.group(1)))
        else:
            tail = template[m.start() : m.start() + 20]
            raise MacroError(
                f"template has a stray {tok!r} at position {m.start()} ({tail!r}); "
                "variables look like {name}, literal braces are {{ and }}",
                {"position": m.start()},
            )
        pos = m.end()
    if pos < len(template):
        out.append(("text", template[pos:]))
    return out


def template_variables(template: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for kind, v in _parse(template):
        if kind == "var":
            seen.setdefault(v, None)
    return tuple(seen)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def render_template(
    template: str, values: Mapping[str, Any], *, macro_id: str = "", lang: str = ""
) -> str:
    parts = _parse(template)
    missing: list[str] = []
    for kind, v in parts:
        if kind == "var" and _missing(values.get(v)) and v not in missing:
            missing.append(v)
    if missing:
        which = f"macro {macro_id!r} ({lang}) " if macro_id else "template "
        raise MissingVariables(
            f"{which}needs {', '.join('{' + m + '}' for m in missing)}: "
            f"no value given for {', '.join(missing)}",
            {"macro": macro_id, "lang": lang, "missing": missing},
        )
    return "".join(v if kind == "text" else str(values[v]) for kind, v in parts)


@dataclass(frozen=True)
class Macro:
    id: str
    title: Mapping[str, str]
    bodies: Mapping[str, str]

    def __post_init__(self) -> None:
        if not self.bodies:
            raise MacroError(f"macro {self.id!r} has no text")
        for lang, body in self.bodies.items():
            try:
                _parse(body)
            except MacroError as exc:
                raise MacroError(f"macro {self.id!r} ({lang}): {exc.message}") from exc

    def variables(self, lang: str) -> tuple[str, ...]:
        return template_variables(self.bodies[lang])


@dataclass(frozen=True)
class Rendered:
    text: str
    lang: str
    macro_id: str


class MacroBook:
    def __init__(self, macros: Iterable[Macro] | None = None, fallback_lang: str = "en") -> None:
        self._macros: dict[str, Macro] = {}
        self.fallback_lang = fallback_lang
        for m in SHIPPED if macros is None else macros:
            self.add(m)

    def add(self, macro: Macro) -> None:
        self._macros[macro.id] = macro

    def ids(self) -> list[str]:
        return list(self._macros)

    def get(self, macro_id: str) -> Macro:
        try:
            return self._macros[macro_id]
        except KeyError:
            raise UnknownMacro(
                f"no macro {macro_id!r}; known: {', '.join(self._macros)}", {"macro": macro_id}
            ) from None

    def render(self, macro_id: str, lang: str, values: Mapping[str, Any]) -> Rendered:
        macro = self.get(macro_id)
        use = lang if lang in macro.bodies else self.fallback_lang
        if use not in macro.bodies:
            raise MacroError(
                f"macro {macro_id!r} has no {lang!r} text and no {self.fallback_lang!r} fallback",
                {"macro": macro_id, "lang": lang},
            )
        return Rendered(
            render_template(macro.bodies[use], values, macro_id=macro_id, lang=use), use, macro_id
        )


# --- time for players ------------------------------------------------------------------------

_ETA_WORDS = {
    "en": ("in {n} min", "by {t}", "by {d} {t}"),
    "ru": ("через {n} мин", "до {t}", "до {d} {t}"),
    "uk": ("за {n} хв", "до {t}", "до {d} {t}"),
}


def local_time(now: datetime, tz: str) -> str:
    """``HH:MM`` in the player's time zone."""
    return now.astimezone(load_zone(tz)).strftime("%H:%M")


def format_eta(eta: datetime, now: datetime, tz: str, lang: str, style: str = "auto") -> str:
    """The ETA as a player reads it: ``"in 15 min"`` (style ``relative``; ``auto`` within the hour)
    or ``"by 14:30"`` / ``"by 26.05 09:15"`` on another day (style ``clock``), in ``tz``."""
    if style not in ("auto", "relative", "clock"):
        raise ValueError(f"style must be auto, relative or clock, got {style!r}")
    rel, clock_fmt, day_fmt = _ETA_WORDS.get(lang, _ETA_WORDS["en"])
    seconds = (eta - now).total_seconds()
    if style == "relative" or (style == "auto" and seconds <= 3600):
        minutes = max(1, -(-int(seconds) // 60))
        return rel.format(n=minutes)
    zone = load_zone(tz)
    local, today = eta.astimezone(zone), now.astimezone(zone)
    t = local.strftime("%H:%M")
    if local.date() == today.date():
        return clock_fmt.format(t=t)
    return day_fmt.format(d=local.strftime("%d.%m"), t=t)


# --- the shipped macros (SEEDS 002/004) --------------------------------------------------------

SHIPPED: tuple[Macro, ...] = (
    Macro(
        "receipt",
        {"en": "Receipt", "ru": "Заявка принята", "uk": "Заявку прийнято"},
        {
            "en": "Accepted: ticket {number}. ETA: {eta}. Status → [Open]",
            "ru": "Принято: заявка {number}. Срок: {eta}. Статус → [Открыть]",
            "uk": "Прийнято: заявка {number}. Термін: {eta}. Статус → [Відкрити]",
        },
    ),
    Macro(
        "data_request",
        {"en": "Data request", "ru": "Запрос данных", "uk": "Запит даних"},
        {
            "en": "We need {field}. Please reply to this message. We will wait 24 h.",
            "ru": "Нам нужно: {field}. Ответьте, пожалуйста, на это сообщение. Ждём 24 ч.",
            "uk": "Нам потрібно: {field}. Дайте, будь ласка, відповідь на це повідомлення. "
            "Чекаємо 24 год.",
        },
    ),
    Macro(
        "resolution",
        {"en": "Resolution", "ru": "Решение", "uk": "Рішення"},
        {
            "en": "Done: {what}. Next steps: {next_steps}. Please rate the answer.",
            "ru": "Готово: {what}. Что дальше: {next_steps}. Оцените, пожалуйста, ответ.",
            "uk": "Готово: {what}. Що далі: {next_steps}. Оцініть, будь ласка, відповідь.",
        },
    ),
    Macro(
        "escalation",
        {"en": "Escalation", "ru": "Эскалация", "uk": "Ескалація"},
        {
            "en": "Your request has moved to the expert level; we will be back {eta}.",
            "ru": "Ваш запрос передан на экспертный уровень, вернёмся с ответом {eta}.",
            "uk": "Ваш запит передано на експертний рівень, повернемося з відповіддю {eta}.",
        },
    ),
    Macro(
        "bot_receipt",
        {"en": "Bot: ticket created", "ru": "Бот: заявка создана", "uk": "Бот: заявку створено"},
        {
            "en": "Ticket {number} created. Topic: {tag}. ETA: {eta}. "
            "Follow the status → [Open]. Add details → [Attach]",
            "ru": "Заявка {number} создана. Тема: {tag}. Срок: {eta}. "
            "Следить за статусом → [Открыть]. Добавить детали → [Прикрепить]",
            "uk": "Заявку {number} створено. Тема: {tag}. Термін: {eta}. "
            "Стежити за статусом → [Відкрити]. Додати деталі → [Прикріпити]",
        },
    ),
    Macro(
        "first_dm",
        {"en": "First direct message", "ru": "Первое сообщение", "uk": "Перше повідомлення"},
        {
            "en": "Hi, {name}! I'm {agent}. I see ticket {number} and I'm already checking. "
            "If convenient, send {detail}.",
            "ru": "Здравствуйте, {name}! Я {agent}. Вижу заявку {number}, уже проверяю. "
            "Если удобно, пришлите {detail}.",
            "uk": "Вітаю, {name}! Я {agent}. Бачу заявку {number}, вже перевіряю. "
            "Якщо зручно, надішліть {detail}.",
        },
    ),
    Macro(
        "closing",
        {"en": "Closing", "ru": "Завершение", "uk": "Завершення"},
        {
            "en": "If questions remain, just write. Rate the answer with one tap → [★] (takes 2 s)",
            "ru": "Если остались вопросы — пишите. Оцените ответ одним нажатием → [★] (2 секунды)",
            "uk": "Якщо залишилися питання — пишіть. Оцініть відповідь одним дотиком → [★] "
            "(2 секунди)",
        },
    ),
    Macro(
        "after_hours",
        {"en": "Out of hours", "ru": "Вне рабочего времени", "uk": "Поза робочим часом"},
        {
            "en": "It is {local_time} where you are. Ticket {number} is saved; "
            "we will answer {eta}.",
            "ru": "У вас сейчас {local_time}. Заявка {number} сохранена, ответим {eta}.",
            "uk": "У вас зараз {local_time}. Заявку {number} збережено, відповімо {eta}.",
        },
    ),
)
