"""The one door every channel comes through: a player's message in, the bot's answer out.

    identify the player → detect the language → classify the intent → answer (knowledge
    base, payment status) or open/update the player's ticket → hand off to a person on
    stop-phrases, distress, missing money, or when the bot cannot help

The steps that need no database run first, on the event loop (limits, classification; long
texts in a thread); the look-ups that may wait on I/O next (payments backend, knowledge
base); then one write job does the rest in one transaction on the single writer: identify
or create the player, find the open ticket and an open follow-up question, decide (pure,
`decide.py`), write the ticket, the player's message and the bot's reply, and remember the
channel's message id. So a message is either fully handled or not at all.

A ticket is made only when a person is needed. What the bot handles alone with no open ticket
(an answer, a greeting, "write it in words", a refused link) goes to the intake log
(`intake_log`: the player's words and the bot's reply). When a later message of the same
player needs a person, the new ticket carries that conversation first — the player's
messages and the bot's answers, in order, as `player` and `bot` messages — so the agent sees
what the bot already said (refused links stay in the log only: spam is kept off the desk).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import orjson

from ..bot import Classification, classify
from ..domain.errors import Invalid
from ..domain.pii import mask_pii
from ..domain.values import Priority, Tier
from ..kb import store as kb_store
from ..services import SYSTEM, Actor
from ..services.sla import phrase_queue
from ..services.tickets import (
    add_message,
    add_system_message,
    create_ticket,
    read_ticket,
    update_ticket,
)
from ..settings import Settings
from ..store import queues as queue_store
from ..store.database import WriteContext
from ..store.rows import aware
from . import rules, store
from .decide import Answer, Decision, Facts, decide, language_queue, queue_for
from .followup import sync_feedback
from .identify import Identified, Who, identify
from .replies import local_date, pick_lang, say, with_eta, word

INLINE_CLASSIFY = 4096  # longer texts are classified in a thread: the loop keeps serving
TOPIC_BY_INTENT = {
    "withdrawal_status": "withdrawal_times",
    "deposit_problem": "withdrawal_times",
    "bonus_promo": "bonus_wagering",
    "verification_kyc": "verification_documents",
    "account_access": "account_access",
    "responsible_gambling": "responsible_gambling_tools",
}
KB_SEARCH_INTENTS = frozenset({"general_faq"})
STATUS_INTENTS = {"withdrawal_status": "withdrawal", "deposit_problem": "deposit"}
OUTCOMES = {
    "refuse": "refused",
    "feedback": "feedback_recorded",
    "clarify": "clarify",
    "greet": "greeting",
    "answer": "answered",
}
NUMBER = "{number}"  # filled in once the ticket exists
# The bot's own exchanges that go onto a ticket made later in the same conversation.
CARRIED: Final = ("answered", "greeting", "clarify")


@dataclass(slots=True)
class Incoming:
    channel: str
    channel_user_id: str
    text: str
    who: Who
    message_id: str | None = None
    language: str | None = None
    transaction_id: str | None = None
    media: list[dict[str, Any]] = field(default_factory=list)


async def classify_text(text: str) -> Classification:
    if len(text) <= INLINE_CLASSIFY:
        return classify(text)
    return await asyncio.to_thread(classify, text)


def masked_body(text: str) -> str | None:
    result = mask_pii(text)
    return result.text if result.findings else None


def player_body(inc: Incoming) -> str:
    """The player's words as the ticket keeps them: the text, then a line per media item."""
    lines = [inc.text] if inc.text.strip() else []
    for m in inc.media:
        size = f", {m['size']} bytes" if m.get("size") is not None else ""
        name = m.get("filename") or m.get("url") or ""
        lines.append(f"[{m.get('kind') or 'file'}: {name}{size}]".replace(": ]", "]"))
    return "\n".join(lines) or "(empty message)"


# -- answers found before the write ------------------------------------------------------------
def kb_answer(article: dict[str, Any], lang: str) -> Answer:
    text = f"{article['title']}\n\n{article['body'].strip()}\n\n{say('kb_footer', lang)}"
    return Answer("kb", text, article_id=article["id"])


def status_answer(
    tx: dict[str, Any] | None, state: str, ref: str | None, lang: str, timezone: str | None
) -> Answer | None:
    """The bot's words for a payment look-up; None when it has nothing useful to say."""
    if state == "unavailable":
        return Answer("status", say("status_unavailable", lang, number=NUMBER), handoff=True)
    if state == "not_found" or tx is None:
        if ref is None:
            return None  # no payment of that kind: the knowledge base explains the times
        return Answer(
            "status",
            say("handoff", lang, number=NUMBER),
            handoff=True,
            note=f"payments backend: no transaction {ref} for this player",
        )
    values = {
        "kind": word(tx["kind"], lang),
        "ref": tx["id"],
        "amount": tx.get("amount", ""),
        "currency": tx.get("currency", ""),
        "status": word(tx["status"], lang),
    }
    note = (
        f"payments backend: {tx['kind']} {tx['id']} {tx.get('amount', '')} "
        f"{tx.get('currency', '')} is {tx['status']} (updated {tx.get('updated_at', '?')})"
    )
    if tx["status"] in ("pending", "processing"):
        expected = _when(tx.get("expected_by"))
        if expected is None:
            return None
        text = say("status_pending", lang, date=local_date(expected, timezone), **values)
        return Answer("status", text, note=note)
    if tx["status"] == "completed":
        done = _when(tx.get("updated_at")) or _when(tx.get("created_at"))
        if done is None:
            return None
        text = say("status_completed", lang, date=local_date(done, timezone), **values)
        return Answer("status", text, note=note)
    text = say("status_problem", lang, number=NUMBER, **values)
    return Answer("status", text, handoff=True, note=note)


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return aware(value)
    if isinstance(value, str):
        try:
            return aware(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


# -- the write job ---------------------------------------------------------------------------
@dataclass(slots=True)
class Prepared:
    """Everything found before the write job."""

    inc: Incoming
    cls: Classification
    answer: Answer | None
    masked: str | None
    integration_id: int
    # (name, language) of the default queue's language queues (cached; None: read them)
    lang_queues: list[tuple[str, str | None]] | None = None


def eta_of(ticket: dict[str, Any]) -> datetime | None:
    return _when((ticket.get("sla") or {}).get("eta"))


def ticket_summary(ticket: dict[str, Any], *, created: bool) -> dict[str, Any]:
    eta = eta_of(ticket)
    return {
        "id": ticket["id"],
        "number": ticket["number"],
        "display_number": ticket["display_number"],
        "status": ticket["status"],
        "priority": ticket["priority"],
        "queue": ticket["queue"],
        "eta": eta.isoformat() if eta else None,
        "created": created,
    }


class Job:
    """One message's write job (a callable for `Database.write`)."""

    def __init__(self, settings: Settings, actor: Actor, prep: Prepared) -> None:
        self.settings = settings
        self.actor = actor
        self.prep = prep

    def __call__(self, ctx: WriteContext) -> dict[str, Any]:
        inc, cls = self.prep.inc, self.prep.cls
        conn = ctx.conn
        if inc.message_id:
            stored = store.receipt(conn, self.prep.integration_id, inc.channel, inc.message_id)
            if stored is not None:
                return {**orjson.loads(stored), "duplicate": True}
        who = identify(ctx, self.actor, inc.who, cls.lang)
        player = who.player
        # a player made by this very message has no tickets, follow-ups or bot log yet
        open_id = None if who.created else store.open_ticket_id(conn, player["id"])
        asking = None if who.created else store.asking_followup(conn, player["id"])
        known = player.get("languages") or []
        lang = pick_lang(cls.lang, inc.language, asking and asking["lang"], *known)
        score = None
        if asking is not None:
            low, high = (1, 5) if asking["state"] == "asked_csat" else (0, 10)
            score = rules.parse_score(inc.text, low, high)
        trusted = (
            who.verified
            or player.get("tier") in (Tier.vip.value, Tier.vvip.value)
            or who.identity["meaningful"] >= self.settings.intake_trusted_after
        )
        facts = Facts(
            intent=cls.intent,
            handoff=cls.handoff,
            priority=cls.priority,
            reasons=cls.reasons,
            has_words=cls.lang is not None or any(ch.isalpha() for ch in inc.text),
            has_link=rules.has_link(inc.text),
            has_media=bool(inc.media),
            trusted=trusted,
            open_ticket=open_id is not None,
            score=score,
            answer=self.prep.answer,
        )
        decision = decide(facts)
        out: dict[str, Any] = {
            "outcome": OUTCOMES.get(decision.action, decision.action),
            "handoff": decision.handoff,
            "reply": None,
            "ticket": None,
            "player": {"external_id": player["external_id"], "created": who.created},
            "classification": {**cls.to_dict(), "reasons": list(cls.reasons)},
            "article_id": None,
            "duplicate": False,
        }
        tz = player.get("timezone")
        if decision.action == "feedback":
            assert asking is not None and score is not None
            out["reply"], out["ticket"] = self._feedback(ctx, asking, score, lang)
        elif decision.action in ("refuse", "clarify", "greet"):
            text = say(decision.reply, lang)
            out["reply"] = {"text": text, "lang": lang}
            self._log(ctx, player["id"], out["outcome"], lang, text)
        elif decision.action == "answer" and open_id is None:
            # the bot answered it itself: no ticket, the exchange goes to the intake log
            assert self.prep.answer is not None
            text = self.prep.answer.text
            out["reply"] = {"text": text, "lang": lang}
            out["article_id"] = self.prep.answer.article_id
            self._log(ctx, player["id"], out["outcome"], lang, text)
        else:
            routed_lang = lang if (cls.lang or inc.language or known) else None
            reply, ticket = self._ticket(ctx, who, decision, facts, lang, open_id, routed_lang)
            out["reply"] = {"text": reply, "lang": lang}
            out["ticket"] = ticket
            if decision.action == "ticket":
                out["outcome"] = "ticket_created" if ticket["created"] else "ticket_updated"
            if self.prep.answer is not None and decision.reply == "kb":
                out["article_id"] = self.prep.answer.article_id
        if decision.action != "refuse" and rules.is_meaningful(inc.text):
            store.count_meaningful(conn, who.identity["id"], who.identity["meaningful"] + 1)
        if tz is not None and out["reply"] is not None:
            out["reply"]["timezone"] = tz
        if inc.message_id:
            store.store_receipt(
                conn,
                self.prep.integration_id,
                inc.channel,
                inc.message_id,
                orjson.dumps(out),
                ctx.now,
            )
        return out

    # -- the intake log ---------------------------------------------------------------------
    def _log(self, ctx: WriteContext, player_id: int, outcome: str, lang: str, reply: str) -> None:
        inc, cls = self.prep.inc, self.prep.cls
        answer = self.prep.answer
        store.insert_log(
            ctx.conn,
            {
                "player_id": player_id,
                "integration_id": self.prep.integration_id,
                "channel": inc.channel,
                "outcome": outcome,
                "intent": cls.intent,
                "lang": lang,
                "body": player_body(inc),
                "masked_body": self.prep.masked,
                "reply": reply,
                "article_id": answer.article_id if answer and outcome == "answered" else None,
                "ticket_id": None,
                "created_at": ctx.now,
            },
        )

    # -- tickets -------------------------------------------------------------------------
    def _ticket(
        self,
        ctx: WriteContext,
        who: Identified,
        decision: Decision,
        facts: Facts,
        lang: str,
        open_id: int | None,
        routed_lang: str | None = None,
    ) -> tuple[str, dict[str, Any]]:
        inc, cls, conn = self.prep.inc, self.prep.cls, ctx.conn
        player = who.player
        body = player_body(inc)
        created = open_id is None
        if created:
            window = timedelta(minutes=self.settings.intake_reopen_minutes)
            earlier = (
                []
                if who.created
                else store.conversation(conn, player["id"], ctx.now - window, CARRIED)
            )
            queue = self._queue_for(conn, facts, player, routed_lang, body)
            if queue is None and earlier and player.get("tier") == Tier.standard.value:
                # create_ticket reads stop-phrases in the first message; this one counts
                queue = phrase_queue(conn, body)
            # the ticket opens with the conversation's first player message, if any
            first = earlier[0] if earlier else {"body": body, "masked_body": self.prep.masked}
            data = {
                "subject": rules.subject_from(inc.text, f"{cls.intent} via {inc.channel}"),
                "body": first["body"],
                "channel": inc.channel,
                "priority": cls.priority,
                "language": lang,
                "tags": decision.tags,
                "transaction_refs": [inc.transaction_id] if inc.transaction_id else [],
                "player": {"external_id": player["external_id"]},
                "masked_body": first["masked_body"],
            }
            if queue:
                data["queue"] = queue
            ticket = create_ticket(
                ctx,
                self.actor,
                data,
                default_queue=self.settings.default_queue,
                vip_queue=self.settings.vip_queue,
            )
            ticket_id = ticket["id"]
            if earlier:
                self._carry(ctx, ticket_id, earlier, body)
        else:
            assert open_id is not None
            ticket_id = open_id
            add_message(
                ctx,
                self.actor,
                ticket_id,
                {"kind": "player", "body": body, "masked_body": self.prep.masked},
            )
            ticket = read_ticket(conn, ticket_id, full=False)
            if decision.handoff and Priority(cls.priority).rank < Priority(ticket["priority"]).rank:
                # a person must see it sooner than the ticket's old priority says
                ticket = update_ticket(
                    ctx, SYSTEM, ticket_id, ticket["version"], {"priority": cls.priority}
                )
        answer = self.prep.answer
        if answer is not None and answer.note:
            add_system_message(ctx, ticket_id, answer.note, (ticket["queue"], player.get("host")))
        reply = self._reply(decision, lang, ticket, player.get("timezone"), ctx.now)
        add_message(ctx, self.actor, ticket_id, {"kind": "bot", "body": reply})
        return reply, ticket_summary(ticket, created=created)

    def _carry(
        self, ctx: WriteContext, ticket_id: int, earlier: list[dict[str, Any]], body: str
    ) -> None:
        """The conversation with the bot onto the new ticket, in order: its first player
        message opened the ticket; then each bot reply and player message, then this
        message. The log rows remember the ticket that took them."""
        for i, row in enumerate(earlier):
            if i:
                player_msg = {"kind": "player", "body": row["body"]}
                add_message(
                    ctx, self.actor, ticket_id, {**player_msg, "masked_body": row["masked_body"]}
                )
            add_message(ctx, self.actor, ticket_id, {"kind": "bot", "body": row["reply"]})
        add_message(
            ctx,
            self.actor,
            ticket_id,
            {"kind": "player", "body": body, "masked_body": self.prep.masked},
        )
        store.attach_log(ctx.conn, [row["id"] for row in earlier], ticket_id)

    def _queue_for(
        self,
        conn: Any,
        facts: Facts,
        player: dict[str, Any],
        lang: str | None,
        body: str,
    ) -> str | None:
        """The new ticket's queue: Security/Payments for money and security hand-offs; for a
        standard-tier player, the default queue's language queue (`l1-ru`) when one exists
        and no stop-phrase sends it elsewhere; None: `create_ticket` decides (VIP queue,
        stop-phrase queue, default queue)."""
        queue = queue_for(facts, self.settings.intake_payments_queue)
        if queue is not None:
            return queue if queue_store.exists(conn, queue) else None
        if lang is None or player.get("tier") != Tier.standard.value:
            return None
        family = self.prep.lang_queues
        if family is None:
            family = store.language_queues(conn, self.settings.default_queue)
        found = language_queue(family, self.settings.default_queue, lang)
        if found is None or phrase_queue(conn, body) is not None:
            return None  # the default queue, or the stop-phrase's queue
        return found

    def _reply(
        self,
        decision: Decision,
        lang: str,
        ticket: dict[str, Any],
        timezone: str | None,
        now: datetime,
    ) -> str:
        number = ticket["display_number"]
        answer = self.prep.answer
        if decision.reply in ("kb", "status") and answer is not None:
            text = answer.text.replace(NUMBER, number)
            return with_eta(text, lang, eta_of(ticket), timezone, now) if answer.handoff else text
        text = say(decision.reply, lang, number=number)
        return with_eta(text, lang, eta_of(ticket), timezone, now)

    # -- follow-up answers ------------------------------------------------------------------
    def _feedback(
        self, ctx: WriteContext, asking: dict[str, Any], score: int, lang: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The player's rating: kept on the follow-up and the ticket row (`feedback`), and as
        the player's message and the bot's next question on the ticket, which stays resolved."""
        ticket_id = asking["ticket_id"]
        ticket = read_ticket(ctx.conn, ticket_id, full=False)
        scope = (ticket["queue"], ticket["player"]["host"])
        if asking["state"] == "asked_csat":
            store.update_followup(ctx.conn, ticket_id, {"csat": score, "state": "asked_nps"})
            note, text = f"feedback: CSAT {score}/5", say("followup_nps", lang)
        else:
            store.update_followup(
                ctx.conn, ticket_id, {"nps": score, "state": "done", "answered_at": ctx.now}
            )
            note, text = f"feedback: NPS {score}/10", say("followup_thanks", lang)
        sync_feedback(ctx.conn, ticket_id)
        words = {"kind": "player", "body": player_body(self.prep.inc), "keep_status": True}
        add_message(ctx, self.actor, ticket_id, {**words, "masked_body": self.prep.masked})
        add_system_message(ctx, ticket_id, note, scope)
        add_message(ctx, self.actor, ticket_id, {"kind": "bot", "body": text})
        ticket = read_ticket(ctx.conn, ticket_id, full=False)
        return {"text": text, "lang": lang}, ticket_summary(ticket, created=False)


def check_size(inc: Incoming, settings: Settings) -> None:
    """Size limits (Settings): the text, the number of media items and each one's size."""
    from ..api.errors import PayloadTooLarge

    if len(inc.text) > settings.intake_max_chars:
        raise PayloadTooLarge(
            f"the message is {len(inc.text):,} characters; at most "
            f"{settings.intake_max_chars:,} are taken — split it or attach it as a file",
            {"field": "text", "max_chars": settings.intake_max_chars},
        )
    if len(inc.media) > settings.intake_max_media:
        raise PayloadTooLarge(
            f"at most {settings.intake_max_media} media items per message",
            {"field": "media", "max_items": settings.intake_max_media},
        )
    for m in inc.media:
        if (m.get("size") or 0) > settings.attachment_max_bytes:
            raise PayloadTooLarge(
                f"a media item is larger than the {settings.attachment_max_bytes} bytes allowed",
                {"field": "media", "max_bytes": settings.attachment_max_bytes},
            )
    if not inc.text.strip() and not inc.media:
        raise Invalid(
            "the message is empty: send its text, or media",
            {"field": "text", "reason": "empty"},
        )


async def prepare(rt: Any, inc: Incoming, integration_id: int) -> Prepared:
    """Everything before the write: classification, look-ups, masking."""
    cls = await classify_text(inc.text)
    lang = pick_lang(cls.lang, inc.language)
    answer: Answer | None = None
    intent = cls.intent
    if intent in STATUS_INTENTS and cls.lang is not None:
        answer = await rt.status_lookup(inc, cls, lang)
    if answer is None and not cls.handoff and cls.lang is not None:
        topic = TOPIC_BY_INTENT.get(intent)
        article = None
        if topic is not None:
            article = await rt.topic_article(topic, lang)
        elif intent in KB_SEARCH_INTENTS:
            article = await rt.search_article(inc.text, lang)
        if article is not None:
            answer = kb_answer(article, lang)
    masked = masked_body(inc.text) if inc.text else None
    lang_queues = await rt.language_queues()
    return Prepared(inc, cls, answer, masked, integration_id, lang_queues)


def topic_article(conn: Any, topic: str, lang: str) -> dict[str, Any] | None:
    return kb_store.for_topic(conn, topic, lang) or kb_store.for_topic(conn, topic, "en")
