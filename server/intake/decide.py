"""What the bot does with one message: the decision, as a pure function of what is known.

Order of the rules (the first that applies wins):
1. links or media from a channel user not yet trusted → refuse them (SEEDS anti-spam), unless
   the message is urgent (P1: money missing, self-harm, security): a person must see it.
2. a follow-up question is open and the message is a score in range → record the feedback.
3. no words (emoji only, junk, media only) → onto the open ticket if there is one, else ask
   the player to write the question.
4. hand-off (stop phrases, distress, missing money, intents a person always takes) →
   ticket (create, or a message on the open one) and tell the player who takes it.
5. the bot has an answer (knowledge base, payment status) → answer it; the exchange is kept
   on the open ticket, or on a new ticket the bot resolves itself.
6. greeting / small talk with no open ticket → greet and ask what is needed.
7. anything else: the bot cannot help → ticket for a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot could say by itself, found before the write (knowledge base or status)."""

    kind: str  # "kb" | "status"
    text: str
    article_id: int | None = None
    # A status that needs a person (rejected/failed payment, not found, backend down):
    # the text is the hand-off reply, and the ticket is for a person.
    handoff: bool = False
    note: str | None = None  # what agents should see on the ticket (payment status found)


@dataclass(frozen=True, slots=True)
class Facts:
    intent: str
    handoff: bool
    priority: str
    reasons: tuple[str, ...] = ()
    has_words: bool = True
    has_link: bool = False
    has_media: bool = False
    trusted: bool = False
    open_ticket: bool = False
    score: int | None = None  # a rating in range for the open follow-up question, if any
    answer: Answer | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    action: str  # "refuse" | "feedback" | "clarify" | "greet" | "answer" | "ticket"
    reply: str  # the reply key in replies.toml ("kb" / "status": the answer's own text)
    handoff: bool = False
    tags: list[str] = field(default_factory=list)


INTENT_TAGS: dict[str, list[str]] = {
    "withdrawal_status": ["payment", "withdrawal"],
    "deposit_problem": ["payment", "deposit"],
    "bonus_promo": ["bonus"],
    "verification_kyc": ["kyc"],
    "account_access": ["account"],
    "game_issue": ["game"],
    "responsible_gambling": ["responsible-gambling"],
    "complaint": ["complaint"],
    "vip_services": ["vip"],
    "general_faq": ["faq"],
    "other": [],
}
# Reasons that send a ticket to the Security/Payments queue.
PAYMENTS_REASONS = frozenset({"money_missing", "payment_failed", "security"})


def tags_for(facts: Facts) -> list[str]:
    tags = list(INTENT_TAGS.get(facts.intent, []))
    if "self_harm" in facts.reasons:
        tags.append("distress")
    if "money_missing" in facts.reasons:
        tags.append("money-missing")
    return tags


def handoff_reply(facts: Facts) -> str:
    if "self_harm" in facts.reasons:
        return "distress"
    if facts.priority == "P1":
        return "urgent"
    return "handoff"


def decide(facts: Facts) -> Decision:
    tags = tags_for(facts)
    urgent = facts.handoff and facts.priority == "P1"
    if (facts.has_link or facts.has_media) and not facts.trusted and not urgent:
        return Decision("refuse", "links_refused")
    if facts.score is not None:
        return Decision("feedback", "feedback")
    if not facts.has_words:
        if facts.open_ticket:
            return Decision("ticket", "ticket_updated", tags=tags)
        return Decision("clarify", "clarify")
    if facts.handoff:
        return Decision("ticket", handoff_reply(facts), handoff=True, tags=tags)
    if facts.answer is not None:
        if facts.answer.handoff:
            return Decision("ticket", facts.answer.kind, handoff=True, tags=tags)
        return Decision("answer", facts.answer.kind, tags=[*tags, "bot-answered"])
    if "smalltalk" in facts.reasons and facts.intent == "other" and not facts.open_ticket:
        return Decision("greet", "greeting")
    reply = "ticket_updated" if facts.open_ticket else "ticket_created"
    return Decision("ticket", reply, handoff=True, tags=tags)


def queue_for(facts: Facts, payments_queue: str) -> str | None:
    """The Security/Payments queue for money and security hand-offs; None: the default
    (the VIP queue for VIP players, L1 otherwise)."""
    if facts.handoff and (
        PAYMENTS_REASONS & set(facts.reasons) or facts.intent == "deposit_problem"
    ):
        return payments_queue or None
    return None


def language_queue(
    queues: list[tuple[str, str | None]], default_queue: str, lang: str
) -> str | None:
    """The default queue's language queue for `lang` among `(name, language)` of the queues
    (`l1-ru` for Russian when the default is `l1`): first the one whose language is `lang`,
    then one named `{default}-{lang}`; None when there is none (the default queue then)."""
    family = [(name, q_lang) for name, q_lang in queues if name.startswith(default_queue + "-")]
    for name, q_lang in sorted(family):
        if q_lang == lang:
            return name
    named = f"{default_queue}-{lang}"
    return named if any(name == named for name, _ in family) else None
