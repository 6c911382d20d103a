"""The escalation ladder, the payments chain and automatic escalation (pure: time is an argument).

SEEDS 001 §5: T0 desk/host; +10–15 min duty manager / games tech support; +30 min pit boss /
table-games manager, or head of product online; +60 min VIP director / COO. Payments:
L2 finance → risk/AML → acquiring bank with its own targets. 001 §4: a stop-list of factors
(account blocked, payment dispute, disrupted travel transfer, hotel-room overbooking) escalates
automatically; 002/004: stop-phrases ("payment failed", "security", "KYC") hand the player to a
live operator. 004: Security/Payments — instant escalation.

Public API::

    EscalationPolicy              # built by sla_policy.load_policy from the [escalation] table
    TicketFacts(queue, tier, priority, channel, tags=(), factors={}, events=(), queue_since=None)
    evaluate(policy: EscalationPolicy, facts, now) -> EscalationState
    EscalationState.level / .level_name / .roles / .next_at / .next_level / .next_roles /
        .tracks (TrackState per track: "management", "payments", …) / .triggers / .handoff /
        .suggested_queue / .steps (every level reached, for the ticket's history)
    detect_stop_phrases(text, extra=None) -> list[PhraseHit]
    normalize_text(text) -> str
    STOP_PHRASES: {category: {lang: (phrase, …)}}; STOP_FACTORS

Model
-----
* A *ladder* is a list of levels, each ``after`` an offset from T0 (level 0 is at T0) with the
  roles to notify; a role can be conditional on channel / topic / tier (pit boss on site, head of
  product online). Offsets are business time on the ladder's calendar (default 24/7) and, like
  the SLA clock, they stop while the ticket is paused (waiting on the player) or exempt.
* A ticket has one ladder per *track*: ``management`` (the time ladder; its level is the ticket's
  ``escalation_level``) and e.g. ``payments`` (the functional chain). ``[[escalation.rules]]``
  pick the ladder of a track with the same most-specific-match resolution as SLA rules. A rule
  with ``timed = false`` gives a ladder that only triggers and manual escalation climb.
* T0 of the management track is the start of the current resolution cycle (creation, or the last
  reopening: a reopened ticket starts again at level 0); T0 of any other track is also no earlier
  than ``facts.queue_since`` (when the ticket entered its queue — moving a ticket into
  ``payments`` starts the chain then). Climbing stops when the ticket is resolved.
* Triggers: a stop-list factor present on the ticket (``facts.factors[code] = since``), a
  stop-list or stop-phrase hit in a player message of the current cycle, or a manual
  ``escalated`` event raise the management level to at least ``auto_level`` (default 1; manual:
  the event's level) from that moment. A stop-phrase also asks for a hand-off to a human
  (``handoff``) and may suggest a queue (``phrase_queues``).
* ``next_at`` is the earliest future level change over all tracks: the SLA job indexes on
  ``min(sla.next_change_at, escalation.next_at)``. Each step is identified by
  ``(ticket, track, cycle_start, level)`` so it is recorded and notified once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .calendars import Calendar
from .sla import EventKind, SlaEvent, Timeline, instant_at, replay
from .sla_policy import (
    LoadContext,
    PolicyError,
    QueueFamilies,
    Rule,
    Target,
    check_ambiguity,
    parse_conditions,
    select_rule,
)
from .values import Channel, Priority, Tier

if TYPE_CHECKING:
    from .sla_policy import Policy

MANAGEMENT = "management"
STOP_FACTORS: tuple[str, ...] = (
    "account_blocked",
    "payment_dispute",
    "transfer_disrupted",
    "room_overbooked",
)

# --- stop-phrases ----------------------------------------------------------------------------
# Written natively; matched after normalize_text (case, diacritics, ё/й/ї, Turkish ı/İ, Arabic
# letter forms, ZWNJ, punctuation). A phrase matches at a word start and may be a stem
# ("безопасност" matches "безопасности").

STOP_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "payment_failed": {
        "en": (
            "payment failed",
            "payment has failed",
            "payment didn't go through",
            "payment did not go through",
            "payment declined",
            "payment was declined",
            "payment rejected",
            "failed payment",
            "deposit failed",
            "failed deposit",
            "withdrawal failed",
            "transaction failed",
        ),
        "ru": (
            "платёж не прошёл",
            "не прошёл платёж",
            "оплата не прошла",
            "не прошла оплата",
            "платёж отклонён",
            "оплата отклонена",
            "ошибка платежа",
            "ошибка оплаты",
            "депозит не прошёл",
            "вывод не прошёл",
        ),
        "uk": (
            "платіж не пройшов",
            "не пройшов платіж",
            "оплата не пройшла",
            "не пройшла оплата",
            "платіж відхилено",
            "оплату відхилено",
            "помилка платежу",
            "помилка оплати",
            "депозит не пройшов",
            "виведення не пройшло",
        ),
        "kk": (
            "төлем өтпеді",
            "төлем өтпей",
            "төлем жүрмеді",
            "төлем қабылданбады",
            "төлем қатесі",
            "ақша түспеді",
        ),
        "fa": (
            "پرداخت انجام نشد",
            "پرداخت نشد",
            "پرداخت ناموفق",
            "خطا در پرداخت",
            "خطای پرداخت",
            "تراکنش ناموفق",
            "واریز انجام نشد",
        ),
        "el": (
            "η πληρωμή δεν πέρασε",
            "πληρωμή δεν πέρασε",
            "η πληρωμή απέτυχε",
            "αποτυχία πληρωμής",
            "απορρίφθηκε η πληρωμή",
            "η κατάθεση απέτυχε",
            "η ανάληψη απέτυχε",
        ),
        "mn": (
            "төлбөр амжилтгүй",
            "төлбөр төлөгдсөнгүй",
            "төлбөр орсонгүй",
            "төлбөр хийгдсэнгүй",
            "гүйлгээ амжилтгүй",
            "гүйлгээ хийгдсэнгүй",
        ),
        "tr": (
            "ödeme başarısız",
            "ödeme gerçekleşmedi",
            "ödeme geçmedi",
            "ödeme yapılamadı",
            "ödeme reddedildi",
            "para yatırma başarısız",
            "para çekme başarısız",
            "işlem başarısız",
        ),
    },
    "security": {
        "en": (
            "security",
            "hacked",
            "unauthorized access",
            "unauthorised access",
            "someone logged into my account",
            "phishing",
        ),
        "ru": ("безопасност", "взлом", "несанкционированный доступ", "фишинг"),
        "uk": ("безпек", "злам", "несанкціонований доступ", "фішинг"),
        "kk": ("қауіпсіздік", "бұзып кірді", "аккаунтымды бұзды", "фишинг"),
        "fa": ("امنیت", "هک شد", "هک شده", "دسترسی غیرمجاز", "فیشینگ"),
        "el": ("ασφάλεια", "παραβίαση", "χακάρισαν", "μη εξουσιοδοτημένη πρόσβαση"),
        "mn": ("аюулгүй байд", "хакерд", "зөвшөөрөлгүй нэвтэр"),
        "tr": ("güvenlik", "hacklendi", "hesabım çalındı", "yetkisiz erişim", "oltalama"),
    },
    "kyc": {
        "en": (
            "kyc",
            "know your customer",
            "identity verification",
            "verify my identity",
            "source of funds",
            "source of wealth",
        ),
        "ru": ("верификаци", "подтверждение личности", "проверка личности", "источник средств"),
        "uk": ("верифікаці", "підтвердження особи", "перевірка особи", "джерело коштів"),
        "kk": ("верификация", "жеке басты растау", "сәйкестендіру"),
        "fa": ("احراز هویت", "تایید هویت", "تأیید هویت", "منبع وجوه"),
        "el": ("επαλήθευση ταυτότητας", "ταυτοποίηση", "προέλευση κεφαλαίων"),
        "mn": ("баталгаажуулалт", "харилцагчийг таньж мэдэх", "хөрөнгийн эх үүсвэр"),
        "tr": ("kimlik doğrulama", "müşterini tanı", "fon kaynağı"),
    },
    # SEEDS 001 §4 stop-list factors, as a player would write them.
    "account_blocked": {
        "en": (
            "account blocked",
            "account is blocked",
            "account has been blocked",
            "account was blocked",
            "account locked",
            "account suspended",
            "blocked my account",
        ),
        "ru": (
            "аккаунт заблокирован",
            "заблокировали аккаунт",
            "аккаунт заблокировали",
            "счёт заблокирован",
            "учётная запись заблокирована",
        ),
        "uk": (
            "акаунт заблоковано",
            "акаунт заблокований",
            "заблокували акаунт",
            "обліковий запис заблоковано",
        ),
        "kk": ("аккаунт бұғатталды", "аккаунтым бұғатталды", "аккаунт блокталды"),
        "fa": ("حساب مسدود", "حسابم مسدود", "اکانت مسدود", "حساب کاربری مسدود"),
        "el": (
            "λογαριασμός μπλοκαρίστηκε",
            "μπλόκαραν τον λογαριασμό",
            "λογαριασμός κλειδώθηκε",
            "λογαριασμός έχει αποκλειστεί",
        ),
        "mn": ("данс хаагдсан", "бүртгэл хаагдсан", "данс блоклогдсон", "бүртгэл түгжигдсэн"),
        "tr": (
            "hesap engellendi",
            "hesabım engellendi",
            "hesabım bloke",
            "hesap askıya alındı",
            "hesabım kilitlendi",
        ),
    },
    "payment_dispute": {
        "en": ("payment dispute", "chargeback", "dispute the payment", "charged twice"),
        "ru": ("спор по платежу", "оспорить платёж", "чарджбэк", "списали дважды"),
        "uk": ("спір щодо платежу", "оскаржити платіж", "чарджбек", "списали двічі"),
        "kk": ("төлем бойынша дау", "төлемді даулау", "екі рет алынды"),
        "fa": ("اعتراض به پرداخت", "اختلاف پرداخت", "دو بار کسر شد", "چارج بک"),
        "el": ("αμφισβήτηση πληρωμής", "διπλή χρέωση", "χρεώθηκα δύο φορές", "αντιλογισμός"),
        "mn": ("төлбөрийн маргаан", "хоёр удаа суутгасан", "хоёр удаа төлөгдсөн"),
        "tr": ("ödeme itirazı", "ters ibraz", "iki kez çekildi", "çift çekim"),
    },
    "transfer_disrupted": {
        "en": (
            "transfer didn't arrive",
            "transfer did not arrive",
            "driver didn't show",
            "driver did not show",
            "missed transfer",
            "shuttle didn't come",
            "shuttle did not come",
            "car didn't come",
            "car did not come",
        ),
        "ru": (
            "трансфер не приехал",
            "не приехал трансфер",
            "водитель не приехал",
            "машина не приехала",
            "шаттл не приехал",
            "трансфер сорвался",
            "сорвался трансфер",
        ),
        "uk": (
            "трансфер не приїхав",
            "водій не приїхав",
            "машина не приїхала",
            "шатл не приїхав",
            "трансфер зірвався",
        ),
        "kk": ("трансфер келмеді", "жүргізуші келмеді", "көлік келмеді"),
        "fa": ("ترانسفر نیامد", "راننده نیامد", "ماشین نیامد", "شاتل نیامد"),
        "el": (
            "η μεταφορά δεν ήρθε",
            "ο οδηγός δεν ήρθε",
            "δεν ήρθε το αυτοκίνητο",
            "δεν ήρθε ο οδηγός",
        ),
        "mn": ("трансфер ирсэнгүй", "жолооч ирсэнгүй", "машин ирсэнгүй", "унаа ирсэнгүй"),
        "tr": ("transfer gelmedi", "şoför gelmedi", "araç gelmedi", "servis gelmedi"),
    },
    "room_overbooked": {
        "en": ("overbooked", "overbooking", "no room available", "room was given away"),
        "ru": ("овербукинг", "нет свободных номеров", "номер не предоставили", "номер отдали"),
        "uk": ("овербукінг", "немає вільних номерів", "номер не надали"),
        "kk": ("овербукинг", "бос нөмір жоқ", "нөмір берілмеді"),
        "fa": ("اوربوکینگ", "اتاق خالی نیست", "اتاق به من ندادند"),
        "el": (
            "υπερκράτηση",
            "overbooking",
            "δεν υπάρχει διαθέσιμο δωμάτιο",
            "δεν μου έδωσαν δωμάτιο",
        ),
        "mn": ("овербукинг", "сул өрөө байхгүй", "өрөө өгсөнгүй"),
        "tr": ("overbooking", "fazla rezervasyon", "boş oda yok", "oda verilmedi"),
    },
}
PHRASE_CATEGORIES: tuple[str, ...] = ("payment_failed", "security", "kyc")

_CHAR_MAP = str.maketrans(
    {
        "ı": "i",
        "ي": "ی",  # Arabic yeh → Persian yeh
        "ى": "ی",
        "ك": "ک",  # Arabic kaf → Persian kaf
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "\u200c": " ",  # zero-width non-joiner
        "\u200d": "",
        "\u0640": "",  # tatweel
    }
)
_NON_WORD = re.compile(r"[\W_]+")


def normalize_text(text: str) -> str:
    """Case-folded, without diacritics, letter variants unified, words separated by one space,
    with a space at each end (so ``" " + phrase`` finds a word start)."""
    if text.isascii():  # no diacritics, no letter variants: the common case, made cheap
        t = text.lower()
    else:
        t = unicodedata.normalize("NFKD", text.casefold())
        t = "".join(ch for ch in t if not unicodedata.combining(ch))
        t = t.translate(_CHAR_MAP)
    t = _NON_WORD.sub(" ", t)
    return " " + " ".join(t.split()) + " "


@dataclass(frozen=True)
class PhraseHit:
    category: str
    lang: str
    phrase: str


def _compile(
    phrases: Mapping[str, Mapping[str, Iterable[str]]],
) -> list[tuple[str, str, str, str]]:
    out = []
    for cat, langs in phrases.items():
        for lang, items in langs.items():
            for p in items:
                n = normalize_text(p).rstrip()
                if n.strip():
                    out.append((cat, lang, p, n))
    return out


_BUILTIN = _compile(STOP_PHRASES)


def _first_letters(rows: list[tuple[str, str, str, str]]) -> dict[str, list[int]]:
    """Row indexes by the first two letters of each phrase's first word ("" if shorter)."""
    index: dict[str, list[int]] = {}
    for i, (_, _, _, n) in enumerate(rows):
        first = n.split()[0]
        index.setdefault(first[:2] if len(first) >= 2 else "", []).append(i)
    return index


# A phrase is found only where a word of the message starts with its first word's letters:
# the message's words pick the few phrases worth a substring search out of some 270.
_BUILTIN_INDEX = _first_letters(_BUILTIN)


def detect_stop_phrases(
    text: str, extra: Mapping[str, Mapping[str, Iterable[str]]] | None = None
) -> list[PhraseHit]:
    """Stop-list and stop-phrase categories found in a player's message, one hit per category.

    The same message is checked several times per write (routing on create, the escalation
    track, the SLA job): the last answers are remembered, per message and phrase table."""
    if not text:
        return []
    key = (text, id(extra))
    got = _recent_hits.get(key)
    if got is not None and got[0] is extra:
        return list(got[1])
    hits = _detect(text, extra)
    if len(_recent_hits) >= 512:
        _recent_hits.clear()
    _recent_hits[key] = (extra, tuple(hits))  # holds `extra`: its id cannot be reused
    return hits


_recent_hits: dict[tuple[str, int], tuple[Any, tuple[PhraseHit, ...]]] = {}


def _detect(text: str, extra: Mapping[str, Mapping[str, Iterable[str]]] | None) -> list[PhraseHit]:
    norm = normalize_text(text)
    starts = {w[:2] for w in norm.split()} | {""}
    rows = sorted(i for key in starts for i in _BUILTIN_INDEX.get(key, ()))
    table = [_BUILTIN[i] for i in rows] + (_compile(extra) if extra else [])
    seen: dict[str, PhraseHit] = {}
    for cat, lang, phrase, n in table:
        if cat not in seen and n in norm:
            seen[cat] = PhraseHit(cat, lang, phrase)
    return list(seen.values())


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleTarget:
    role: str
    channels: frozenset[str] | None = None
    except_channels: frozenset[str] | None = None
    topics: frozenset[str] | None = None
    tiers: frozenset[str] | None = None

    def applies(self, channel: str, tags: frozenset[str], tier: str) -> bool:
        if self.channels is not None and channel not in self.channels:
            return False
        if self.except_channels is not None and channel in self.except_channels:
            return False
        if self.topics is not None and not (self.topics & tags):
            return False
        return self.tiers is None or tier in self.tiers


@dataclass(frozen=True)
class Level:
    index: int
    name: str
    after: timedelta
    roles: tuple[RoleTarget, ...]

    def roles_for(self, channel: str, tags: frozenset[str], tier: str) -> tuple[str, ...]:
        return tuple(r.role for r in self.roles if r.applies(channel, tags, tier))


@dataclass(frozen=True)
class Ladder:
    name: str
    levels: tuple[Level, ...]
    calendar: Calendar


@dataclass(frozen=True)
class EscalationPolicy:
    ladders: Mapping[str, Ladder]
    rules: tuple[Rule, ...]  # targets keyed by track; payload "<ladder>|<timed>"
    families: QueueFamilies
    auto_level: int = 1
    stop_factors: frozenset[str] = frozenset(STOP_FACTORS)
    extra_phrases: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    phrase_queues: Mapping[str, str] = field(default_factory=dict)
    # rule_for()'s answers: the policy never changes and tickets share few combinations.
    _rules_for: dict[tuple[Any, ...], Rule | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def tracks(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for r in self.rules:
            for t in r.targets:
                seen.setdefault(t, None)
        return tuple(seen)

    def rule_for(
        self, track: str, queue: str, values: Mapping[str, str], tags: frozenset[str]
    ) -> Rule | None:
        """The rule deciding ``track`` for a ticket (``select_rule``, remembered)."""
        key = (track, queue, tuple(sorted(values.items())), tags)
        if key not in self._rules_for:
            if len(self._rules_for) > 10_000:  # bounded: tags are free text
                self._rules_for.clear()
            chain = self.families.chain(queue)
            self._rules_for[key] = select_rule(
                self.rules, self.families, track, chain, values, tags
            )
        return self._rules_for[key]


_ESC_KEYS = frozenset(
    {"auto_level", "stop_factors", "stop_phrases", "phrase_queues", "ladders", "rules", "note"}
)
_LADDER_KEYS = frozenset({"calendar", "levels", "note"})
_LEVEL_KEYS = frozenset({"name", "after", "roles", "note"})
_ROLE_KEYS = frozenset({"role", "channel", "except_channel", "topic", "tier"})
_ERULE_KEYS = frozenset(
    {"queue", "tier", "priority", "channel", "topic", "track", "ladder", "timed", "name", "note"}
)
_ONE = Target(seconds=1)


def load_escalation(data: Any, policy: Policy, ctx: LoadContext) -> EscalationPolicy:
    """Parse the ``[escalation]`` table of a policy (called by ``sla_policy.load_policy``)."""
    if not isinstance(data, Mapping):
        raise ctx.fail("escalation", "must be a table", section="escalation")
    for k in data:
        if k not in _ESC_KEYS:
            raise ctx.fail(
                f"escalation.{k}",
                f"unknown key; expected {', '.join(sorted(_ESC_KEYS))}",
                section="escalation",
                key=k,
            )
    auto = data.get("auto_level", 1)
    if isinstance(auto, bool) or not isinstance(auto, int) or auto < 0:
        raise ctx.fail(
            "escalation.auto_level",
            "must be a level number ≥ 0",
            section="escalation",
            key="auto_level",
        )
    factors = data.get("stop_factors", list(STOP_FACTORS))
    if not isinstance(factors, list) or not all(isinstance(f, str) for f in factors):
        raise ctx.fail(
            "escalation.stop_factors",
            "must be a list of factor codes",
            section="escalation",
            key="stop_factors",
        )
    extra: dict[str, dict[str, tuple[str, ...]]] = {}
    for cat, langs in dict(data.get("stop_phrases", {})).items():
        sect = f"escalation.stop_phrases.{cat}"
        if not isinstance(langs, Mapping):
            raise ctx.fail(sect, "must be a table of language = [phrases]", section=sect)
        extra[cat] = {}
        for lang, items in langs.items():
            if not isinstance(items, list) or not all(
                isinstance(p, str) and p.strip() for p in items
            ):
                raise ctx.fail(
                    f"{sect}.{lang}", "must be a list of non-empty phrases", section=sect, key=lang
                )
            extra[cat][lang] = tuple(items)
    phrase_queues = dict(data.get("phrase_queues", {}))
    for cat, q in phrase_queues.items():
        if q not in policy.known_queues:
            raise ctx.fail(
                f"escalation.phrase_queues.{cat}",
                f"unknown queue {q!r}",
                section="escalation.phrase_queues",
                key=cat,
            )

    ladders: dict[str, Ladder] = {}
    raw_ladders = data.get("ladders", {})
    if not isinstance(raw_ladders, Mapping) or not raw_ladders:
        raise ctx.fail("escalation.ladders", "needs at least one ladder", section="escalation")
    for name, spec in raw_ladders.items():
        ladders[name] = _load_ladder(ctx, name, spec, policy)

    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ctx.fail(
            "escalation.rules",
            "needs at least one [[escalation.rules]] table",
            section="escalation",
        )
    rules = []
    for i, spec in enumerate(raw_rules):
        path = f"escalation.rules[{i}]"

        def fail(msg: str, key: str | None = None, path: str = path, i: int = i) -> PolicyError:
            return ctx.fail(
                f"{path}.{key}" if key else path, msg, section="escalation.rules", index=i, key=key
            )

        if not isinstance(spec, Mapping):
            raise fail("must be a table")
        for k in spec:
            if k not in _ERULE_KEYS:
                raise fail(f"unknown key; expected {', '.join(sorted(_ERULE_KEYS))}", k)
        queue, conds = parse_conditions(spec, policy.known_queues, fail)
        ladder = spec.get("ladder")
        if ladder not in ladders:
            raise fail(f"unknown ladder {ladder!r}; known: {', '.join(ladders)}", "ladder")
        track = spec.get("track", MANAGEMENT)
        if not isinstance(track, str) or not track:
            raise fail("track must be a name", "track")
        timed = spec.get("timed", True)
        if not isinstance(timed, bool):
            raise fail("timed must be true or false", "timed")
        rules.append(
            Rule(
                i,
                str(spec.get("name") or f"escalation rule {i}"),
                ctx.loc.line("escalation.rules", i),
                queue,
                conds,
                {track: _ONE},
                payload=f"{ladder}|{int(timed)}",
                section="escalation.rules",
            )
        )
    check_ambiguity(ctx, tuple(rules), policy.queues, section="escalation.rules")
    return EscalationPolicy(
        ladders=ladders,
        rules=tuple(rules),
        families=policy.queues,
        auto_level=auto,
        stop_factors=frozenset(factors),
        extra_phrases=extra,
        phrase_queues=phrase_queues,
    )


def _load_ladder(ctx: LoadContext, name: str, spec: Any, policy: Policy) -> Ladder:
    sect = f"escalation.ladders.{name}"
    if not isinstance(spec, Mapping):
        raise ctx.fail(sect, "must be a table", section=sect)
    for k in spec:
        if k not in _LADDER_KEYS:
            raise ctx.fail(f"{sect}.{k}", "unknown key", section=sect, key=k)
    cal_name = spec.get("calendar", "24x7")
    if cal_name not in policy.calendars:
        raise ctx.fail(
            f"{sect}.calendar", f"unknown calendar {cal_name!r}", section=sect, key="calendar"
        )
    raw_levels = spec.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        raise ctx.fail(f"{sect}.levels", "a ladder needs levels", section=sect, key="levels")
    levels: list[Level] = []
    lsect = f"{sect}.levels"
    for i, lv in enumerate(raw_levels):
        path = f"{lsect}[{i}]"
        if not isinstance(lv, Mapping):
            raise ctx.fail(path, "must be a table", section=lsect, index=i)
        for k in lv:
            if k not in _LEVEL_KEYS:
                raise ctx.fail(f"{path}.{k}", "unknown key", section=lsect, index=i, key=k)
        raw_after = lv.get("after", 0)
        if raw_after in (0, "0", "0s", "0m"):
            after = timedelta(0)
        else:
            try:
                t = Target.parse(raw_after)
            except ValueError as exc:
                raise ctx.fail(
                    f"{path}.after", str(exc), section=lsect, index=i, key="after"
                ) from exc
            if t.seconds is None:
                raise ctx.fail(
                    f"{path}.after",
                    "an escalation offset is a duration",
                    section=lsect,
                    index=i,
                    key="after",
                )
            after = timedelta(seconds=t.seconds)
        if i == 0 and after:
            raise ctx.fail(
                f"{path}.after",
                "level 0 is T0: its offset is 0",
                section=lsect,
                index=i,
                key="after",
            )
        if levels and after <= levels[-1].after:
            raise ctx.fail(
                f"{path}.after",
                "offsets must increase level by level",
                section=lsect,
                index=i,
                key="after",
            )
        roles = []
        raw_roles = lv.get("roles", [])
        if not isinstance(raw_roles, list) or not raw_roles:
            raise ctx.fail(
                f"{path}.roles",
                "a level names at least one role",
                section=lsect,
                index=i,
                key="roles",
            )
        for r in raw_roles:
            roles.append(_load_role(ctx, r, path, lsect, i))
        levels.append(Level(i, str(lv.get("name") or f"level {i}"), after, tuple(roles)))
    return Ladder(name, tuple(levels), policy.calendars[cal_name])


def _load_role(ctx: LoadContext, r: Any, path: str, lsect: str, i: int) -> RoleTarget:
    if isinstance(r, str) and r.strip():
        return RoleTarget(r.strip())
    if not isinstance(r, Mapping) or not isinstance(r.get("role"), str):
        raise ctx.fail(
            f"{path}.roles",
            f"a role is a name or {{ role = …, … }}, got {r!r}",
            section=lsect,
            index=i,
            key="roles",
        )
    bad = [k for k in r if k not in _ROLE_KEYS]
    if bad:
        raise ctx.fail(
            f"{path}.roles", f"unknown role key {bad[0]!r}", section=lsect, index=i, key="roles"
        )

    def vals(key: str, enum: Any = None) -> frozenset[str] | None:
        v = r.get(key)
        if v is None:
            return None
        items = [v] if isinstance(v, str) else v
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            raise ctx.fail(
                f"{path}.roles",
                f"{key} must be a string or a list",
                section=lsect,
                index=i,
                key="roles",
            )
        if enum is not None and (bad := [x for x in items if x not in enum.__members__]):
            raise ctx.fail(
                f"{path}.roles", f"unknown {key} {bad[0]!r}", section=lsect, index=i, key="roles"
            )
        return frozenset(items)

    return RoleTarget(
        r["role"],
        vals("channel", Channel),
        vals("except_channel", Channel),
        vals("topic"),
        vals("tier", Tier),
    )


# --- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketFacts:
    queue: str
    tier: Tier | str
    priority: Priority | str
    channel: Channel | str
    tags: Sequence[str] = ()
    factors: Mapping[str, datetime] = field(default_factory=dict)  # stop-list code → since
    events: Sequence[SlaEvent] = ()
    queue_since: datetime | None = None


@dataclass(frozen=True)
class Trigger:
    kind: str  # "factor" | "phrase" | "manual"
    code: str  # factor / phrase category / "level N"
    at: datetime
    floor: int  # the level it raises the management track to
    detail: str = ""  # the phrase that matched, with its language


@dataclass(frozen=True)
class Step:
    track: str
    ladder: str
    level: int
    name: str
    roles: tuple[str, ...]
    at: datetime
    cause: str  # "time" | "factor:<code>" | "phrase:<category>" | "manual"
    cycle_start: datetime


@dataclass(frozen=True)
class TrackState:
    track: str
    ladder: str
    timed: bool
    cycle_start: datetime
    level: int
    level_name: str
    roles: tuple[str, ...]
    reached_at: datetime
    next_level: int | None
    next_at: datetime | None
    next_roles: tuple[str, ...]
    steps: tuple[Step, ...]
    stopped: bool


@dataclass(frozen=True)
class EscalationState:
    level: int
    level_name: str
    roles: tuple[str, ...]
    next_level: int | None
    next_at: datetime | None
    next_roles: tuple[str, ...]
    tracks: tuple[TrackState, ...]
    triggers: tuple[Trigger, ...]
    handoff: bool
    suggested_queue: str | None

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(s for t in self.tracks for s in t.steps)

    def track(self, name: str) -> TrackState | None:
        return next((t for t in self.tracks if t.track == name), None)


def evaluate(
    policy: EscalationPolicy, facts: TicketFacts, now: datetime, timeline: Timeline | None = None
) -> EscalationState:
    """Where a ticket stands on each escalation track at ``now``. ``timeline``: the events
    already replayed to ``now`` (the SLA clock replays the same ones)."""
    tl = timeline if timeline is not None else replay(facts.events, now)
    now = tl.now
    cycle_start, cycle_end = tl.resolution_cycles[-1]
    tags = frozenset(t.lower() for t in facts.tags)
    channel, tier = str(facts.channel), str(facts.tier)
    values = {"tier": tier, "priority": str(facts.priority), "channel": channel}

    triggers: list[Trigger] = []
    for code, since in facts.factors.items():
        if code in policy.stop_factors and since <= now:
            triggers.append(Trigger("factor", code, max(since, cycle_start), policy.auto_level))
    handoff = False
    suggested: str | None = None
    for ev in tl.events:
        at = ev.at
        if at < cycle_start or (cycle_end is not None and at > cycle_end):
            continue
        if ev.kind == EventKind.player_message and ev.text:
            for hit in detect_stop_phrases(ev.text, policy.extra_phrases):
                is_factor = hit.category in policy.stop_factors
                triggers.append(
                    Trigger(
                        "factor" if is_factor else "phrase",
                        hit.category,
                        at,
                        policy.auto_level,
                        f"{hit.lang}: {hit.phrase}",
                    )
                )
                if not is_factor:
                    handoff = True
                    suggested = suggested or policy.phrase_queues.get(hit.category)
        elif ev.kind == EventKind.escalated and ev.level is not None:
            triggers.append(Trigger("manual", f"level {ev.level}", at, ev.level))
    triggers.sort(key=lambda t: t.at)

    tracks: list[TrackState] = []
    for track in policy.tracks:
        rule = policy.rule_for(track, facts.queue, values, tags)
        if rule is None or rule.payload is None:
            continue
        ladder_name, _, timed_flag = rule.payload.partition("|")
        ladder = policy.ladders[ladder_name]
        t0 = cycle_start
        if track != MANAGEMENT and facts.queue_since is not None:
            t0 = max(t0, facts.queue_since)
        tracks.append(
            _track_state(
                track,
                ladder,
                timed_flag == "1",
                t0,
                cycle_end,
                tl.running(t0, cycle_end),
                triggers if track == MANAGEMENT else [],
                now,
                channel,
                tags,
                tier,
            )
        )
    mgmt = next((t for t in tracks if t.track == MANAGEMENT), None)
    upcoming = [t for t in tracks if t.next_at is not None]
    nxt = min(upcoming, key=lambda t: t.next_at) if upcoming else None  # type: ignore[arg-type,return-value]
    return EscalationState(
        level=mgmt.level if mgmt else 0,
        level_name=mgmt.level_name if mgmt else "",
        roles=mgmt.roles if mgmt else (),
        next_level=nxt.next_level if nxt else None,
        next_at=nxt.next_at if nxt else None,
        next_roles=nxt.next_roles if nxt else (),
        tracks=tuple(tracks),
        triggers=tuple(triggers),
        handoff=handoff,
        suggested_queue=suggested,
    )


def _track_state(
    track: str,
    ladder: Ladder,
    timed: bool,
    t0: datetime,
    stop: datetime | None,
    running: list,
    triggers: list[Trigger],
    now: datetime,
    channel: str,
    tags: frozenset[str],
    tier: str,
) -> TrackState:
    reached: list[tuple[datetime | None, str]] = []
    for lv in ladder.levels:
        when: datetime | None = None
        cause = "time"
        if lv.index == 0:
            when = t0
        elif timed:
            when, _ = instant_at(ladder.calendar, running, lv.after)
        for trig in triggers:
            if trig.floor >= lv.index and trig.at >= t0 and (when is None or trig.at < when):
                when = trig.at
                cause = "manual" if trig.kind == "manual" else f"{trig.kind}:{trig.code}"
        if when is not None and stop is not None and when > stop:
            when = None  # resolved first: climbing stops
        reached.append((when, cause))
    steps = []
    current = 0
    for lv, (when, cause) in zip(ladder.levels, reached, strict=True):
        if when is not None and when <= now:
            current = max(current, lv.index)
            steps.append(
                Step(
                    track,
                    ladder.name,
                    lv.index,
                    lv.name,
                    lv.roles_for(channel, tags, tier),
                    when,
                    cause,
                    t0,
                )
            )
    future = [
        (when, lv)
        for lv, (when, _c) in zip(ladder.levels, reached, strict=True)
        if when is not None and when > now and lv.index > current
    ]
    nxt = min(future, key=lambda x: x[0]) if future else None
    lv = ladder.levels[current]
    reached_at = next(s.at for s in steps if s.level == current) if steps else t0
    return TrackState(
        track=track,
        ladder=ladder.name,
        timed=timed,
        cycle_start=t0,
        level=current,
        level_name=lv.name,
        roles=lv.roles_for(channel, tags, tier),
        reached_at=reached_at,
        next_level=nxt[1].index if nxt else None,
        next_at=nxt[0] if nxt else None,
        next_roles=nxt[1].roles_for(channel, tags, tier) if nxt else (),
        steps=tuple(steps),
        stopped=stop is not None,
    )
