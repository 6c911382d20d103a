"""Who and what the demo desk is made of: users, queues, players, and composing a ticket.

Shared by the seeder (`seed.py`) and the live traffic of `python -m server.demo_run`
(`traffic.py`). Everything here is deterministic for a given random generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .corpus import (
    AGENT_NAMES,
    LANGS,
    PLAYER_NAMES,
    SCENARIOS,
    SLOT_GAMES,
    TABLE_GAMES,
    TEXTS,
    TOPIC_LABELS,
    Scenario,
)

DEMO_PASSWORD = "demo"
# The channel integration: opens tickets and relays players' messages (and the bot's receipts).
BOT_USERNAME = "intake-bot"
BOT_DISPLAY_NAME = "Intake bot"


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    queues: tuple[str, ...]
    languages: tuple[str, ...]


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "demo", "l1_agent", "Alex (demo)", ("l1", "l1-en", "l1-ru", "l1-uk"), ("en", "ru", "uk")
    ),
    DemoUser(
        "aigerim", "l1_agent", "Aigerim Sadykova", ("l1", "l1-kz", "l1-ru"), ("kk", "ru", "en")
    ),
    DemoUser("bat", "l1_agent", "Batbayar Gansukh", ("l1", "l1-mn", "l1-ru"), ("mn", "ru", "en")),
    DemoUser("emre", "l1_agent", "Emre Yılmaz", ("l1", "l1-tr"), ("tr", "en")),
    DemoUser("nikos", "l1_agent", "Nikos Georgiou", ("l1", "l1-el"), ("el", "en")),
    DemoUser("shirin", "l1_agent", "Shirin Karimi", ("l1", "l1-fa"), ("fa", "en")),
    DemoUser("oleksii", "l2_agent", "Oleksii Bondarenko", ("l2",), ("uk", "ru", "en")),
    DemoUser("sofia", "payments", "Sofia Nikolaidou", ("payments",), ("en", "el", "ru")),
    DemoUser("chloe", "vip_host", "Chloe Bennett", ("vip",), ("en", "el", "tr", "fa")),
    DemoUser("arman", "vip_host", "Arman Tulegenov", ("vip",), ("kk", "ru", "uk", "mn", "en")),
    DemoUser("lead", "shift_lead", "Lena Marsh", ("l1", "l2", "vip", "payments"), ("en", "ru")),
    DemoUser("admin", "admin", "Desk Admin", (), ("en",)),
)
USERS_BY_NAME: dict[str, DemoUser] = {u.username: u for u in DEMO_USERS}
L1_AGENTS: tuple[DemoUser, ...] = tuple(u for u in DEMO_USERS if u.role == "l1_agent")

# Regional first-line queues (SEEDS 002/004: routing by L1 / L2 / VIP / region), besides the
# base queues l1, l2, vip and payments that the first migration creates.
# (name, title, description, region, language)
REGIONAL_QUEUES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "l1-en",
        "L1 — English",
        "Australian market and international players, English",
        "Australia",
        "en",
    ),
    ("l1-ru", "L1 — Russian", "Russian-speaking players (CIS, Kazakhstan, Baltics)", "CIS", "ru"),
    ("l1-uk", "L1 — Ukrainian", "Ukrainian-speaking players", "Ukraine", "uk"),
    ("l1-kz", "L1 — Kazakh", "Kazakhstan, Kazakh language", "Kazakhstan", "kk"),
    ("l1-tr", "L1 — Turkish", "Türkiye, Turkish language", "Türkiye", "tr"),
    ("l1-fa", "L1 — Persian", "Persian-speaking players", "Middle East", "fa"),
    ("l1-el", "L1 — Greek", "Greece and Cyprus, Greek language", "Greece / Cyprus", "el"),
    ("l1-mn", "L1 — Mongolian", "Mongolia, Mongolian language", "Mongolia", "mn"),
)
LANG_QUEUE: dict[str, str] = {q[4]: q[0] for q in REGIONAL_QUEUES}
HOST_FOR_LANG: dict[str, str] = {
    "en": "chloe",
    "el": "chloe",
    "tr": "chloe",
    "fa": "chloe",
    "ru": "arman",
    "uk": "arman",
    "kk": "arman",
    "mn": "arman",
}

# (time zones, currencies) of the players of each language.
REGION: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("Australia/Sydney", "Australia/Melbourne", "Australia/Perth", "Australia/Brisbane"),
        ("AUD",),
    ),
    "ru": (("Europe/Moscow", "Asia/Almaty", "Europe/Riga"), ("RUB", "KZT", "EUR")),
    "uk": (("Europe/Kyiv",), ("UAH", "EUR")),
    "kk": (("Asia/Almaty",), ("KZT",)),
    "fa": (("Asia/Tehran", "Europe/Istanbul"), ("USDT", "EUR")),
    "el": (("Europe/Athens", "Asia/Nicosia"), ("EUR",)),
    "mn": (("Asia/Ulaanbaatar",), ("MNT",)),
    "tr": (("Europe/Istanbul",), ("TRY",)),
}
TYPICAL_DEPOSIT: dict[str, int] = {
    "AUD": 500,
    "RUB": 30_000,
    "UAH": 10_000,
    "KZT": 150_000,
    "USDT": 400,
    "EUR": 300,
    "MNT": 1_000_000,
    "TRY": 10_000,
}

CHANNELS = ("web_chat", "telegram", "email", "phone", "api", "on_site")
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@dataclass(frozen=True, slots=True)
class PlayerSpec:
    external_id: str
    name: str
    first_name: str
    lang: str
    tier: str
    host: str | None
    languages: tuple[str, ...]
    timezone: str
    currency: str
    data: dict[str, Any] = field(hash=False, compare=False)


def make_players(seed: int) -> list[PlayerSpec]:
    """The demo's 40 players: 5 per language; one VIP per language and 3 VVIPs."""
    rng = random.Random(f"players-{seed}")
    out: list[PlayerSpec] = []
    vvip = {("en", 2), ("kk", 2), ("tr", 2)}
    for lang in LANGS:
        zones, currencies = REGION[lang]
        for i, (full, first) in enumerate(PLAYER_NAMES[lang], start=1):
            tier = "vvip" if (lang, i) in vvip else "vip" if i == 1 else "standard"
            host = HOST_FOR_LANG[lang] if tier != "standard" else None
            languages: tuple[str, ...] = (lang,)
            if lang in ("kk", "mn"):
                languages = (lang, "ru") if lang == "kk" else (lang, "en")
            elif lang != "en" and rng.random() < 0.5:
                languages = (lang, "en")
            timezone = zones[(i - 1) % len(zones)]
            currency = currencies[(i - 1) % len(currencies)]
            data = _player_data(rng, full, tier, host, languages, timezone, currency, i)
            out.append(
                PlayerSpec(
                    external_id=f"demo-{lang}-{i:02d}",
                    name=full,
                    first_name=first,
                    lang=lang,
                    tier=tier,
                    host=host,
                    languages=languages,
                    timezone=timezone,
                    currency=currency,
                    data=data,
                )
            )
    return out


def _player_data(
    rng: random.Random,
    name: str,
    tier: str,
    host: str | None,
    languages: tuple[str, ...],
    timezone: str,
    currency: str,
    index: int,
) -> dict[str, Any]:
    """The player's profile (SEEDS 001 §1, §15, §20): presets, priority card, RG settings."""
    vip = tier != "standard"
    base = TYPICAL_DEPOSIT[currency]
    if vip:
        channels = rng.choice([["phone", "telegram"], ["telegram", "email"], ["phone", "on_site"]])
        kyc = rng.choice(["verified", "verified", "sof_review"])
    else:
        channels = rng.sample(["web_chat", "telegram", "email"], k=rng.randint(1, 2))
        kyc = rng.choices(
            ["verified", "pending", "rejected", "not_started"], weights=[60, 20, 10, 10]
        )[0]
    games = rng.sample(
        ["baccarat", "blackjack", "roulette", "poker", "slots", "live game shows"], k=2
    )
    card: dict[str, Any] = {
        "preferred_games": games,
        "communication": {
            "channels": channels,
            "language": languages[0],
            "quiet_hours": rng.choice(["22:00-09:00", "23:00-10:00", "00:00-08:00"]),
            "report_format": rng.choice(["short summary", "detailed email"]),
        },
    }
    if vip:
        card.update(
            drinks=rng.choice(
                [
                    "Sparkling water, no ice; Macallan 18 neat",
                    "Green tea; champagne on wins",
                    "Espresso, no alcohol",
                    "Fresh orange juice; Hennessy XO",
                ]
            ),
            meals=rng.choice(["Vegetarian", "No nuts (allergy)", "Halal", "No restrictions"]),
            room=rng.choice(
                [
                    "High floor, non-smoking, king bed",
                    "Suite with a view, late check-out",
                    "Quiet corridor, twin beds",
                ]
            ),
            preferred_tables=rng.sample(["Salon 1", "Salon 3", "Baccarat 7", "Blackjack 2"], 2),
            limits={"table_min": base * 2, "table_max": base * 100, "currency": currency},
            travel={
                "documents": ["passport"] + (["visa"] if rng.random() < 0.4 else []),
                "visa": rng.choice(["not required", "e-visa on file", "visa required"]),
                "insurance": rng.choice(["annual multi-trip", "per trip", "none on file"]),
                "cash_limit": f"{currency} {base * 20:,} declared",
            },
        )
    profile: dict[str, Any] = {
        "priority_card": card,
        "responsible_gambling": {
            "deposit_limit": {"period": "week", "amount": base * (40 if vip else 4)},
            "session_reminder_minutes": rng.choice([30, 60, 90]),
            "cooling_off_until": None,
            "self_excluded": False,
        },
    }
    if vip:
        profile["loyalty_card"] = f"LC-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        profile["average_daily_theoretical"] = base * rng.randint(4, 30)
        profile["incident_history"] = []
    data: dict[str, Any] = {
        "name": name,
        "tier": tier,
        "host": host,
        "languages": list(languages),
        "timezone": timezone,
        "preferred_channels": channels,
        "quiet_mode": tier == "vvip" and index == 2 and languages[0] == "en",
        "currency": currency,
        "kyc_state": kyc,
        "profile": profile,
    }
    if tier == "vvip":
        data["code_word"] = rng.choice(["kookaburra", "saryarka", "bosphorus"])
    return data


# -- formatting ------------------------------------------------------------------------------


def local_hhmm(when: datetime, tz: str, lang: str) -> str:
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    text = (when.astimezone(zone) if zone else when).strftime("%H:%M")
    return text.translate(PERSIAN_DIGITS) if lang == "fa" else text


def format_amount(amount: int, lang: str) -> str:
    if lang == "en":
        return f"{amount:,}"
    if lang == "fa":
        return f"{amount:,}".replace(",", "٬").translate(PERSIAN_DIGITS)
    return f"{amount:,}".replace(",", " ")


def number(value: int, lang: str) -> str:
    return str(value).translate(PERSIAN_DIGITS) if lang == "fa" else str(value)


def agent_name(username: str, display_name: str, lang: str) -> str:
    """How an agent signs in a language: a native-script first name where we have one."""
    return AGENT_NAMES.get(username, {}).get(lang) or display_name.split(" ")[0]


def nice_amount(rng: random.Random, currency: str, scale: float) -> int:
    raw = TYPICAL_DEPOSIT[currency] * scale * rng.choice([0.2, 0.3, 0.5, 1, 1, 1.5, 2, 3, 5])
    digits = len(str(int(raw)))
    step = 10 ** max(digits - 2, 0)
    return max(int(round(raw / step) * step), 1)


# -- composing a ticket ----------------------------------------------------------------------

STANDARD_WEIGHTS: dict[str, int] = {
    "withdrawal": 16,
    "deposit": 14,
    "bonus": 12,
    "kyc": 10,
    "2fa": 8,
    "disconnect": 10,
    "selfexclusion": 5,
    "complaint": 8,
    "idea": 5,
}
VIP_WEIGHTS: dict[str, int] = {
    "table": 14,
    "hotel": 6,
    "transfer": 6,
    "withdrawal": 12,
    "deposit": 6,
    "disconnect": 6,
    "bonus": 3,
    "kyc": 3,
    "2fa": 4,
    "complaint": 5,
    "selfexclusion": 1,
    "idea": 2,
}


def choose_scenario(rng: random.Random, tier: str, channel: str | None = None) -> Scenario:
    weights = STANDARD_WEIGHTS if tier == "standard" else VIP_WEIGHTS
    pool = [s for s in SCENARIOS if s.key in weights]
    if channel is not None and any(channel in s.channels for s in pool):
        pool = [s for s in pool if channel in s.channels]
    return rng.choices(pool, weights=[weights[s.key] for s in pool])[0]


@dataclass(slots=True)
class TicketDraft:
    """A player's new ticket, before it is written: what create_ticket takes, and more."""

    player: PlayerSpec
    lang: str
    scenario: Scenario
    channel: str
    priority: str
    queue: str
    tags: list[str]
    refs: list[str]
    subject: str
    body: str
    fields: dict[str, str]  # the template fields for the rest of the thread

    def create_data(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "body": self.body,
            "channel": self.channel,
            "priority": self.priority,
            "language": self.lang,
            "queue": self.queue,
            "tags": self.tags,
            "transaction_refs": self.refs,
            "player": {"external_id": self.player.external_id},
        }


def ticket_language(rng: random.Random, player: PlayerSpec) -> str:
    """Mostly the player's first language; a Kazakh speaker writes in Russian now and then."""
    if player.lang == "kk" and rng.random() < 0.25:
        return "ru"
    return player.lang


def compose_ticket(
    rng: random.Random,
    player: PlayerSpec,
    when: datetime,
    *,
    scenario: Scenario | None = None,
    channel: str | None = None,
    priority: str | None = None,
    lang: str | None = None,
) -> TicketDraft:
    lang = lang or ticket_language(rng, player)
    scenario = scenario or choose_scenario(rng, player.tier, channel)
    if channel is None:
        if rng.random() < 0.85:
            channel = rng.choice(scenario.channels)
        else:
            channel = rng.choice([c for c in CHANNELS if c != "on_site"])
        if channel == "on_site" and player.tier == "standard":
            channel = "phone"
    if priority is None:
        priority = rng.choice(scenario.priorities)
        if player.tier == "vvip" and priority in ("P3", "P4") and rng.random() < 0.5:
            priority = f"P{int(priority[1]) - 1}"
    if player.tier != "standard":
        queue = "vip"
    elif scenario.key in ("withdrawal", "deposit", "2fa") and rng.random() < 0.55:
        queue = "payments"
    elif rng.random() < 0.15:
        queue = "l1"
    else:
        queue = LANG_QUEUE[lang]
    tags = list(scenario.tags)
    if player.tier != "standard" and "vip" not in tags and rng.random() < 0.4:
        tags.append("vip")
    if "complaint" not in tags and rng.random() < 0.05:
        tags.append("complaint")
    refs: list[str] = []
    if scenario.ref_prefix:
        refs.append(f"{scenario.ref_prefix}-{rng.randint(10_000_000, 99_999_999)}")
        if scenario.key == "withdrawal" and rng.random() < 0.2:
            refs.append(f"PSP-{rng.randint(100_000, 999_999)}")
    scale = 10.0 if player.tier != "standard" else 1.0
    if scenario.key == "disconnect":
        scale /= 20
    amount = nice_amount(rng, player.currency, scale)
    if scenario.game_kind == "table":
        game = rng.choice(TABLE_GAMES[lang])
        time_text = rng.choice(["19:00", "20:30", "21:00", "22:00"])
        time_text = time_text.translate(PERSIAN_DIGITS) if lang == "fa" else time_text
    else:
        game = rng.choice(SLOT_GAMES)
        earlier = when - timedelta(minutes=rng.randint(5, 70))
        time_text = local_hhmm(earlier, player.timezone, lang)
    fields = {
        "name": player.first_name,
        "amount": format_amount(amount, lang),
        "cur": player.currency,
        "ref": refs[0] if refs else f"R-{rng.randint(100_000, 999_999)}",
        "game": game,
        "days": number(rng.randint(2, 4), lang),
        "pct": number(rng.choice([20, 35, 40, 55, 60, 75, 80, 90]), lang),
        "time": time_text,
        "tag": TOPIC_LABELS[lang][scenario.tags[0]],
        "agent": "",
        "eta": "",
        "id": "",
    }
    texts = TEXTS[lang][scenario.key]
    return TicketDraft(
        player=player,
        lang=lang,
        scenario=scenario,
        channel=channel,
        priority=priority,
        queue=queue,
        tags=tags,
        refs=refs,
        subject=rng.choice(texts["subject"]).format_map(fields),
        body=rng.choice(texts["body"]).format_map(fields),
        fields=fields,
    )
