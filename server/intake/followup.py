"""The bot's follow-up: some hours after a ticket is resolved it asks the player whether it
helped (CSAT 1–5, then NPS 0–10), in the player's language, outside their quiet hours.

A small loop in the server, once a minute (`followup_interval_seconds`):
1. reads the change log from its cursor for tickets that became resolved and schedules a
   follow-up due `followup_delay_hours` later (one per ticket; a ticket resolved again after
   a reopen gets a new one if the first was cancelled);
2. takes the due follow-ups by the (state, due_at) index: a ticket no longer resolved is
   cancelled; one past `followup_expire_hours` after resolution expires; in the player's
   quiet hours it moves to when they end (`server.domain.quiet_hours`); otherwise the
   question goes out as a message of the bot's user (`bot`) on the ticket, through
   `add_message` like every message (the channel adapters deliver bot messages from the
   change feed), and the follow-up waits for the answer, which comes back through the intake
   door (`pipeline.Job._feedback`) as the player's message on the ticket.
The ticket row keeps a copy of the follow-up (`feedback` in the ticket's JSON).
Each step is a write job; claims are conditional updates, so two server processes on one
PostgreSQL database do not ask twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import orjson

from ..domain.quiet_hours import next_send_time
from ..domain.values import Status
from ..services import Actor
from ..services.tickets import add_message, read_ticket
from ..settings import Settings
from ..store import changes as change_store
from ..store import tickets as ticket_store
from ..store.database import Database, WriteContext
from ..store.rows import aware
from ..store.tables import tickets
from . import store
from .keys import bot_actor
from .replies import pick_lang, say

log = logging.getLogger(__name__)
CURSOR = "followup.seq"
BATCH = 500


def ticket_feedback(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a ticket's JSON shows of its follow-up (`feedback`): None until the question is
    asked, then `{"state","csat","nps","asked_at","answered_at"}`."""
    if row is None or row["asked_at"] is None:
        return None
    asked, answered = aware(row["asked_at"]), aware(row["answered_at"])
    return {
        "state": row["state"],
        "csat": row["csat"],
        "nps": row["nps"],
        "asked_at": asked.isoformat() if asked else None,
        "answered_at": answered.isoformat() if answered else None,
    }


def sync_feedback(conn: Any, ticket_id: int) -> None:
    """Copy the follow-up onto the ticket row (`tickets.feedback`), so lists of tickets show
    it without a query per ticket. Call before the write that records the ticket's change."""
    feedback = ticket_feedback(store.followup(conn, ticket_id))
    ticket_store.update_ticket(conn, ticket_id, {"feedback": feedback})


def feedback_for(conn: Any, ticket_id: int) -> dict[str, Any] | None:
    """The ticket's follow-up as its JSON shows it: `{"state","csat","nps","asked_at",
    "answered_at"}`, or None when none was scheduled."""
    row = store.followup(conn, ticket_id)
    if row is None:
        return None
    return {
        "state": row["state"],
        "csat": row["csat"],
        "nps": row["nps"],
        "due_at": aware(row["due_at"]),
        "asked_at": aware(row["asked_at"]),
        "answered_at": aware(row["answered_at"]),
    }


class FollowUps:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # the next tick tries again; nothing is lost meanwhile
                log.exception("follow-up tick failed")
            await asyncio.sleep(self.settings.followup_interval_seconds)

    async def tick(self, now: datetime | None = None) -> dict[str, int]:
        """One pass; `now` for tests (the due-time comparisons, not the rows' timestamps)."""
        scheduled = 0
        while True:
            n, more = await self.db.write(lambda ctx: self.schedule(ctx))
            scheduled += n
            if not more:
                break
        sent = await self.db.write(lambda ctx: self.send_due(ctx, now or ctx.now))
        return {"scheduled": scheduled, **sent}

    # -- 1. resolved tickets → scheduled follow-ups -------------------------------------------
    def schedule(self, ctx: WriteContext) -> tuple[int, bool]:
        conn = ctx.conn
        raw = store.get_state(conn, CURSOR)
        if raw is None:  # first run: from now on, not the whole history
            store.set_state(conn, CURSOR, str(change_store.last_seq(conn)))
            return 0, False
        cursor = int(raw)
        batch = change_store.since(conn, cursor, BATCH)
        if not batch:
            return 0, False
        resolved: dict[int, datetime] = {}
        for change in batch:
            if change.entity != "ticket" or change.op not in ("update", "create"):
                continue
            data = orjson.loads(change.data)
            if data.get("status") == Status.resolved.value:
                at = data.get("updated_at")
                when = aware(datetime.fromisoformat(at)) if isinstance(at, str) else ctx.now
                resolved[int(change.entity_id)] = when or ctx.now
        added = 0
        if resolved:
            existing = store.followups_for(conn, list(resolved))
            delay = timedelta(hours=self.settings.followup_delay_hours)
            for ticket_id, at in resolved.items():
                row = existing.get(ticket_id)
                if row is not None and row["state"] != "cancelled":
                    continue
                player_id = conn.execute(
                    tickets.select()
                    .with_only_columns(tickets.c.player_id, tickets.c.language)
                    .where(tickets.c.id == ticket_id)
                ).first()
                if player_id is None:
                    continue
                values = {
                    "state": "pending",
                    "due_at": at + delay,
                    "resolved_at": at,
                    "lang": player_id.language,
                    "asked_at": None,
                }
                if row is None:
                    store.insert_followup(
                        conn, {**values, "ticket_id": ticket_id, "player_id": player_id.player_id}
                    )
                else:
                    store.update_followup(conn, ticket_id, values)
                added += 1
        store.set_state(conn, CURSOR, str(batch[-1].seq))
        return added, len(batch) == BATCH

    # -- 2. due follow-ups → questions ---------------------------------------------------------
    def send_due(self, ctx: WriteContext, now: datetime) -> dict[str, int]:
        conn = ctx.conn
        counts = {"asked": 0, "postponed": 0, "cancelled": 0, "expired": 0, "skipped": 0}
        bot: Actor | None = None
        expire = timedelta(hours=self.settings.followup_expire_hours)
        for row in store.due_followups(conn, now, 100):
            ticket_id = row["ticket_id"]
            ticket = read_ticket(conn, ticket_id, full=False)
            if ticket["status"] != Status.resolved.value:
                store.update_followup(conn, ticket_id, {"state": "cancelled"}, state="pending")
                counts["cancelled"] += 1
                continue
            if "bot-answered" in ticket["tags"] and not self.settings.followup_bot_answered:
                store.update_followup(conn, ticket_id, {"state": "skipped"}, state="pending")
                counts["skipped"] += 1
                continue
            if now - aware(row["resolved_at"]) > expire:  # type: ignore[operator]
                store.update_followup(conn, ticket_id, {"state": "expired"}, state="pending")
                counts["expired"] += 1
                continue
            player = store.player(conn, row["player_id"]) or {}
            at = next_send_time(
                now,
                player.get("timezone"),
                self.settings.quiet_hours,
                quiet_mode=bool(player.get("quiet_mode")),
            )
            if at is None:  # quiet mode: nothing that is not critical, ever
                store.update_followup(conn, ticket_id, {"state": "skipped"}, state="pending")
                counts["skipped"] += 1
                continue
            if at > now:
                store.update_followup(conn, ticket_id, {"due_at": at}, state="pending")
                counts["postponed"] += 1
                continue
            if not store.update_followup(
                conn, ticket_id, {"state": "asked_csat", "asked_at": now}, state="pending"
            ):
                continue  # another server process asked
            lang = pick_lang(row["lang"], *(player.get("languages") or []))
            text = say("followup_csat", lang, number=ticket["display_number"])
            sync_feedback(ctx.conn, ticket_id)
            # a message of the bot's own user, through the same path as every message
            if bot is None:
                bot = bot_actor(ctx)
            add_message(ctx, bot, ticket_id, {"kind": "bot", "body": text})
            counts["asked"] += 1
        return counts
