"""`classify(text)`: language, intent, hand-off and a suggested priority for one message.

The decision, in order:

1. The text is cleaned (`clean_text`): control characters, lone surrogates, private-use and
   replacement characters are dropped; bytes are decoded as UTF-8 with replacement.
2. Language: `server.bot.language` (lingua restricted to the configured languages, script
   rules, Russian translit).
3. Stop-phrases (`server.bot.stop_phrases`) run over the whole normalised text (up to
   `MAX_RULE_CHARS`); the classifier (`server.bot.model`) reads its first 2,000 characters.
4. Intent: the classifier's calibrated probabilities, plus each stop-phrase's boost for the
   intent it speaks for (a self-harm phrase decides `responsible_gambling`; a regulator threat
   leans hard to `complaint`). A money-missing phrase keeps the intent among the money
   intents (withdrawal, deposit, game) unless the classifier is sure of another one that a
   missing-money message can be (account, complaint, responsible gambling).
5. Hand-off: any stop-phrase of a hand-off category; or an intent that always goes to a person
   (deposit problems, responsible gambling, complaints, VIP); or the hand-off classifier's
   probability >= HANDOFF_THRESHOLD.
6. Priority: the most urgent of what the stop-phrases imply (money missing, payment failed,
   security, self-harm: P1) and the intent's own level (`intent_priority`).

`confidence` is the calibrated probability of the chosen intent, raised to at least 0.9 when
a stop-phrase decided or confirmed it.

Bad input has a defined outcome and never raises:
- empty or whitespace only, or no letters at all (emoji only, digits, punctuation):
  lang None, intent "other", no hand-off, P4, confidence 0.0 — the bot asks what the player
  needs; nothing in it can be a stop-phrase.
- binary junk (more than 20% control, replacement or private-use characters): the same.
- very long text (10,000 characters and more): classified on its first 2,000 characters
  for language and intent, while the stop-phrases read the first `MAX_RULE_CHARS`, so a plea
  for help at the end of a long letter still reaches a person.
- letters only of scripts none of the configured languages use: lang None, classified as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.bot.language import detect_language
from server.bot.model import INTENTS, get_model
from server.bot.stop_phrases import CATEGORIES, match, normalise

if TYPE_CHECKING:
    from server.bot.model import IntentModel

__all__ = [
    "ALWAYS_HANDOFF",
    "HANDOFF_THRESHOLD",
    "Classification",
    "classify",
    "clean_text",
    "intent_priority",
    "warm_up",
]

MAX_RULE_CHARS = 20_000
MAX_DETECT_CHARS = 2_000
HANDOFF_THRESHOLD = 0.5
JUNK_SHARE = 0.2
# Intents a person always takes: payment problems, harm, disputes, VIP (seeds 000-004).
ALWAYS_HANDOFF = frozenset({"deposit_problem", "responsible_gambling", "complaint", "vip_services"})
_MONEY_INTENTS = ("withdrawal_status", "deposit_problem", "game_issue")
_MONEY_COMPATIBLE = frozenset(
    {*_MONEY_INTENTS, "account_access", "complaint", "responsible_gambling"}
)
# When money went missing or a payment failed: which money it was (normalised spellings).
_MONEY_TOPICS = {
    "deposit_problem": re.compile(
        r"(?<!\w)(?:deposit\w*|top ?up|topped|пополн\w*|депозит\w*|закинул\w*|поповн\w*"
        r"|толтыр\w*|салдым|واریز|شارژ|καταθεσ\w*|καταθεσ|цэнэглэ\w*|yatir\w*|depositei"
        r"|deposite\w*|einzahl\w*|eingezahlt|popoln\w*|depozit\w*|pix)"
    ),
    "withdrawal_status": re.compile(
        r"(?<!\w)(?:withdr\w*|cash ?out|payout|вывод\w*|выплат\w*|вывел\w*|виведен\w*"
        r"|виплат\w*|шығар\w*|برداشت\w*|αναληψ\w*|татах|татсан|cekim\w*|retir\w*|saque\w*"
        r"|auszahl\w*|vyvod\w*|vyvel\w*)"
    ),
    "game_issue": re.compile(
        r"(?<!\w)(?:game|spin|bet|round|win|won|blackjack|roulette|slot\w*|игр\w*|ставк\w*"
        r"|выигр\w*|виграш\w*|гр[аи]\w*|ойын\w*|ұтыс\w*|بازی|شرط\w*|برد|παιχνιδ\w*"
        r"|στοιχημ\w*|κερδ\w*|тоглоом\w*|хожил\w*|бооцоо\w*|oyun\w*|bahis\w*|bahsim"
        r"|kazanc\w*|rulet\w*|juego|apuesta\w*|ganancia\w*|ruleta|jogo|aposta\w*|ganhos"
        r"|premio|rodada|spiel\w*|einsatz|gewinn\w*)(?!\w)"
    ),
}
_TOPIC_BOOST = 0.3


@dataclass(frozen=True, slots=True)
class Classification:
    lang: str | None  # ISO 639-1 of a configured language, None when undetermined
    intent: str  # one of INTENTS
    handoff: bool  # a person must take this message
    priority: str  # suggested P1 (most urgent) .. P4
    confidence: float  # 0..1, for the intent
    reasons: tuple[str, ...] = ()  # the stop-phrase categories that fired

    def to_dict(self, *, reasons: bool = False) -> dict[str, Any]:
        """The API shape: {"lang", "intent", "handoff", "priority", "confidence"}."""
        out: dict[str, Any] = {
            "lang": self.lang,
            "intent": self.intent,
            "handoff": self.handoff,
            "priority": self.priority,
            "confidence": self.confidence,
        }
        if reasons:
            out["reasons"] = list(self.reasons)
        return out


NOTHING = Classification(None, "other", False, "P4", 0.0)

# -- cleaning -------------------------------------------------------------------------------
_JUNK = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff\ue000-\uf8ff\ud800-\udfff]"
)
_INVISIBLE = re.compile("[\u200b\u200d-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f]")


def clean_text(text: object) -> tuple[str, bool]:
    """(text without control/invisible characters, whether it looked like binary junk)."""
    if text is None:
        return "", False
    if isinstance(text, bytes | bytearray | memoryview):
        text = bytes(text).decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        text = str(text)
    n = len(text)
    junk = len(_JUNK.findall(text)) if n else 0
    text = _JUNK.sub(" ", text)
    text = _INVISIBLE.sub("", text).replace("\t", " ")
    return text, n > 0 and junk / n > JUNK_SHARE


def _has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


# -- priority ---------------------------------------------------------------------------------
def intent_priority(intent: str, handoff: bool) -> str:
    """The intent's own priority: P1 money at risk ... P4 information."""
    if intent == "deposit_problem":
        return "P1"
    if intent in ("withdrawal_status", "game_issue"):
        return "P1" if handoff else "P3"  # handed off: the money did not arrive
    if intent in ("responsible_gambling", "vip_services"):
        return "P2"
    if intent in ("verification_kyc", "account_access"):
        return "P2" if handoff else "P3"
    if intent == "complaint":
        return "P3"
    if intent == "other":
        return "P2" if handoff else "P4"  # handed off: the player asked for a person
    return "P3" if handoff else "P4"  # bonus_promo, general_faq


# -- classification ---------------------------------------------------------------------------
def classify(text: object, *, model: IntentModel | None = None) -> Classification:
    """Language, intent, hand-off, priority and confidence for one player message.

    Pure apart from the lazily built, shared language detector and model; deterministic.
    """
    cleaned, junk = clean_text(text)
    if junk or not _has_letter(cleaned):
        return NOTHING
    lang = detect_language(cleaned[:MAX_DETECT_CHARS]).lang

    normalised = normalise(cleaned[:MAX_RULE_CHARS])
    hits = match(normalised)
    categories = [CATEGORIES[h.category] for h in hits]

    probs, handoff_p = (model or get_model()).predict(normalised[:MAX_DETECT_CHARS])
    scores = dict(probs)
    for cat in categories:
        if cat.intent:
            scores[cat.intent] = scores.get(cat.intent, 0.0) + cat.boost
    names = {c.name for c in categories}
    if names & {"money_missing", "payment_failed"}:
        for topic, pattern in _MONEY_TOPICS.items():
            if pattern.search(normalised):
                scores[topic] = scores.get(topic, 0.0) + _TOPIC_BOOST
    intent = max(INTENTS, key=lambda i: scores.get(i, 0.0))
    if "money_missing" in names and intent not in _MONEY_COMPATIBLE:
        intent = max(_MONEY_INTENTS, key=lambda i: scores.get(i, 0.0))

    handoff = (
        any(c.handoff for c in categories)
        or intent in ALWAYS_HANDOFF
        # the hand-off classifier is no judge of "thanks, solved"
        or (handoff_p >= HANDOFF_THRESHOLD and "smalltalk" not in names)
    )
    priority = min(
        [intent_priority(intent, handoff)] + [c.priority for c in categories if c.priority]
    )
    confidence = probs.get(intent, 0.0)
    if any(c.intent == intent for c in categories):
        confidence = max(confidence, 0.9)
    return Classification(
        lang=lang,
        intent=intent,
        handoff=handoff,
        priority=priority,
        confidence=round(min(1.0, confidence), 4),
        reasons=tuple(h.category for h in hits),
    )


def warm_up(*, languages: bool = True) -> dict[str, float]:
    """Build the detector, load lingua's models and train the classifier; seconds for each."""
    import time

    timings: dict[str, float] = {}
    started = time.perf_counter()
    get_model()
    timings["model"] = time.perf_counter() - started
    if languages:
        started = time.perf_counter()
        for sample in ("hello", "привет", "γεια", "سلام", "сәлем", "сайн уу", "merhaba"):
            detect_language(sample)
        timings["languages"] = time.perf_counter() - started
    return timings
