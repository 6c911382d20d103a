"""Creating, reading and changing tickets, and their threads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from .. import shapes
from ..domain import status as machine
from ..domain.errors import Conflict, Forbidden, Invalid, NotFound, VersionMismatch
from ..domain.permissions import Perm
from ..domain.pii import mask_pii
from ..domain.validation import normalize_tags
from ..domain.values import MessageKind, Priority, Status, Tier, topic_rank
from ..store import attachments as attachment_store
from ..store import clock as clock_store
from ..store import messages as message_store
from ..store import players as player_store
from ..store import queues as queue_store
from ..store import tickets as ticket_store
from ..store import users as user_store
from ..store.database import Scope, WriteContext
from . import SYSTEM, Actor, audit, routing, sla
from .players import upsert_player


def load_ticket_row(conn: Connection, ticket_id: int, viewer: Actor) -> dict[str, Any]:
    """The ticket's row, or NotFound when it does not exist or is outside the viewer's scope."""
    row = ticket_store.get(conn, ticket_id)
    if row is None:
        raise NotFound(f"ticket {ticket_id} does not exist", {"ticket_id": ticket_id})
    viewer.require_ticket(ticket_id, row["queue"], row["player_host"])
    return row


def read_ticket(
    conn: Connection, ticket_id: int, viewer: Actor = SYSTEM, *, full: bool = True
) -> dict[str, Any]:
    row = load_ticket_row(conn, ticket_id, viewer)
    out = sla.ticket_json(row)
    if full:
        clear = viewer.can(Perm.pii_read)
        out["messages"] = [
            shapes.message(m) if clear else masked_message(shapes.message(m))
            for m in message_store.for_ticket(conn, ticket_id)
        ]
        out["attachments"] = [
            shapes.attachment(a) for a in attachment_store.for_ticket(conn, ticket_id)
        ]
    return out


def masked_message(msg: dict[str, Any], masked_body: str | None = None) -> dict[str, Any]:
    """A player's message as roles without `pii.read` see it (and as the shared feed carries
    it): card numbers, IBANs, phones and e-mails masked. Other kinds are the desk's own words."""
    if msg["kind"] != MessageKind.player.value:
        return msg
    if masked_body is None:
        result = mask_pii(msg["body"])
        masked_body = result.text if result.findings else None
    return msg if masked_body is None else {**msg, "body": masked_body, "masked": True}


def create_ticket(
    ctx: WriteContext, actor: Actor, data: dict[str, Any], *, default_queue: str, vip_queue: str
) -> dict[str, Any]:
    conn, now = ctx.conn, ctx.now
    actor.require(Perm.ticket_create, "open tickets")
    player_data = data["player"]
    player = upsert_player(
        ctx, player_data["external_id"], player_data, only_if_given=True, actor=actor
    )
    tier = Tier(player["tier"])
    queue = data.get("queue") or (
        vip_queue
        if tier != Tier.standard
        else sla.phrase_queue(conn, data["body"]) or default_queue
    )
    if not queue_store.exists(conn, queue):
        raise Invalid(
            f"queue '{queue}' does not exist; GET /api/v1/queues lists the queues",
            {"field": "queue", "value": queue},
        )
    priority = Priority(data.get("priority") or "P3")
    tags = normalize_tags(data.get("tags") or [])
    channel = data["channel"]
    values = {
        "subject": data["subject"],
        "status": Status.new.value,
        "is_open": True,
        "priority": priority.value,
        "priority_rank": priority.rank,
        "tier_rank": tier.rank,
        "topic_rank": topic_rank(tags),
        "queue": queue,
        "channel": channel,
        "language": data.get("language"),
        "player_id": player["id"],
        "assignee_id": None,
        "team": None,
        "tags": tags,
        "transaction_refs": data.get("transaction_refs") or [],
        "escalation_level": 0,
        "version": 1,
        "waiting_on": "agent",
        "waiting_since": now,
        "created_at": now,
        "updated_at": now,
        "last_message_at": now,
        "message_count": 1,
        "sla_policy": sla.current_version(),
        "sla_overrides": None,
        "queue_since": now,
        "factors": sla.factors_after_tags(None, tags, now) or None,
    }
    # The clock is computed before the insert (it needs no id), so the row goes in whole.
    row = {
        **values,
        "id": None,
        "player_external_id": player["external_id"],
        "player_name": player.get("name"),
        "player_host": player.get("host"),
        "player_timezone": player.get("timezone"),
        "player_quiet_mode": player.get("quiet_mode"),
        "assignee_username": None,
    }
    clock = sla.new_clock(ctx, row, data["body"])
    columns = sla.clock_columns(clock)
    values.update(columns)
    ticket_id = ticket_store.insert_ticket(conn, values)
    row.update(columns, id=ticket_id)
    message = {
        "ticket_id": ticket_id,
        "kind": MessageKind.player.value,
        "author_id": None,
        "author_name": player.get("name"),
        "channel": channel,
        "body": data["body"],
        "quote_id": None,
        "created_at": now,
        "retracted_at": None,
        "retracted_by": None,
        "retract_reason": None,
    }
    message_id = message_store.insert_message(conn, message)
    clock_store.add_events(conn, sla.first_events(ticket_id, now, message_id))
    # The shapes are built from what was written, without reading it back.
    routed = routing.on_create(ctx, row)  # the agent it goes to, or None: it waits
    if routed is not None:
        ticket_store.update_ticket(conn, ticket_id, routed.columns)
        row.update(routed.columns)
        row["assignee_username"] = routed.username
    # A routed ticket's clock is the same: routing moves no clock at creation.
    ticket = sla.ticket_json(row, now, view=clock.view)
    msg = shapes.message({**message, "id": message_id, "author_username": None})
    # The route masked the body off the writer thread; None means it holds nothing to mask.
    public = masked_message(msg, data["masked_body"]) if data.get("masked_body") else msg
    ctx.record("ticket", ticket_id, "create", ticket)
    ctx.record("message", message_id, "create", public, (queue, player.get("host")))
    routing.announce(ctx, row, routed)
    sla.act_on(ctx, row, clock.firings)
    audit(
        ctx,
        actor,
        "ticket.create",
        "ticket",
        ticket_id,
        after={
            "queue": queue,
            "priority": priority.value,
            "channel": channel,
            "player": player["external_id"],
        },
    )
    shown = msg if actor.can(Perm.pii_read) else public
    return {**ticket, "messages": [shown], "attachments": []}


def update_ticket(
    ctx: WriteContext, actor: Actor, ticket_id: int, if_match: int, data: dict[str, Any]
) -> dict[str, Any]:
    """Apply a PATCH: status, priority, queue, assignee, tags, subject, transaction refs."""
    conn, now = ctx.conn, ctx.now
    row = load_ticket_row(conn, ticket_id, actor)
    actor.require(Perm.ticket_update, "change tickets")
    if row["version"] != if_match:
        raise VersionMismatch(
            f"ticket {ticket_id} is at version {row['version']}, not {if_match}: "
            "someone changed it; reload it and apply your change again",
            {"current": read_ticket(conn, ticket_id, actor)},
        )
    changes: dict[str, Any] = {}
    events: list[str] = []
    if "status" in data and data["status"] != row["status"]:
        current, target = Status(row["status"]), Status(data["status"])
        machine.check_transition(current, target)
        changes["status"] = target.value
        changes["is_open"] = target.is_open
        waiting_on = machine.waiting_on_after_status(target, row["waiting_on"])
        if waiting_on != row["waiting_on"]:
            changes["waiting_on"] = waiting_on
            changes["waiting_since"] = now
        if target == Status.reopened:
            changes["tier_rank"] = _current_tier_rank(conn, row["player_id"])
        events.append(f"status {current.value} → {target.value}")
    if "priority" in data and data["priority"] != row["priority"]:
        priority = Priority(data["priority"])
        changes["priority"] = priority.value
        changes["priority_rank"] = priority.rank
        events.append(f"priority {row['priority']} → {priority.value}")
    if "queue" in data and data["queue"] != row["queue"]:
        if not queue_store.exists(conn, data["queue"]):
            raise Invalid(
                f"queue '{data['queue']}' does not exist; GET /api/v1/queues lists the queues",
                {"field": "queue", "value": data["queue"]},
            )
        changes["queue"] = data["queue"]
        changes["queue_since"] = now
        events.append(f"queue {row['queue']} → {data['queue']}")
    if "assignee" in data and data["assignee"] != row["assignee_username"]:
        username = data["assignee"]
        mine = row["assignee_username"] == actor.username
        if (username is None and not mine) or (username not in (None, actor.username)):
            actor.require(Perm.ticket_assign_any, "assign tickets to someone else")
        if username is None:
            changes["assignee_id"] = None
        else:
            user = user_store.get_by_username(conn, username)
            if user is None or not user["active"]:
                raise Invalid(
                    f"user '{username}' does not exist or is not active",
                    {"field": "assignee", "value": username},
                )
            changes["assignee_id"] = user["id"]
        events.append(f"assignee {row['assignee_username'] or '—'} → {username or '—'}")
    if "tags" in data:
        tags = normalize_tags(data["tags"])
        if tags != row["tags"]:
            changes["tags"] = tags
            changes["topic_rank"] = topic_rank(tags)
            changes["factors"] = sla.factors_after_tags(row["factors"], tags, now) or None
    if "subject" in data and data["subject"] != row["subject"]:
        changes["subject"] = data["subject"]
    if "transaction_refs" in data and data["transaction_refs"] != row["transaction_refs"]:
        changes["transaction_refs"] = data["transaction_refs"]
    if not changes:
        return read_ticket(conn, ticket_id)
    audit(
        ctx,
        actor,
        "ticket.update",
        "ticket",
        ticket_id,
        before={k: row[k] for k in changes if k in AUDITED_FIELDS},
        after={k: v for k, v in changes.items() if k in AUDITED_FIELDS},
    )
    freed = routing.on_update(ctx, actor, row, changes)  # assignment times, agents' loads
    changes["version"] = row["version"] + 1
    changes["updated_at"] = now
    ticket_store.update_ticket(conn, ticket_id, changes)
    if "status" in changes:
        clock_store.add_events(conn, [sla.status_event(ticket_id, changes["status"], now)])
    clock, firings = sla.reconcile(ctx, {**row, **changes})
    ticket_store.update_ticket(conn, ticket_id, clock)
    new_scope = (changes.get("queue", row["queue"]), row["player_host"])
    if events:
        add_system_message(ctx, ticket_id, f"{actor.username}: " + "; ".join(events), new_scope)
    ticket = read_ticket(conn, ticket_id)
    ctx.record("ticket", ticket_id, "update", without_thread(ticket))
    sla.act_on(ctx, {**row, **changes}, firings)
    if "queue" in changes:  # those who saw it in the old queue learn that it left
        ctx.record(
            "ticket",
            ticket_id,
            "leave",
            {"id": ticket_id, "queue": changes["queue"]},
            scope_of(row),
        )
    routing.fill(ctx, freed)  # who freed capacity gets waiting tickets
    return ticket


def _current_tier_rank(conn: Connection, player_id: int) -> int:
    """A reopened ticket takes the player's tier of today (only open tickets follow changes)."""
    player = player_store.get_by_id(conn, player_id)
    return Tier(player["tier"] if player else "standard").rank


def scope_of(row: dict[str, Any]) -> Scope:
    """Who may see changes of this ticket: its queue and its player's host."""
    return (row["queue"], row["player_host"])


def add_system_message(ctx: WriteContext, ticket_id: int, text: str, scope: Scope) -> None:
    values = {
        "ticket_id": ticket_id,
        "kind": MessageKind.system.value,
        "author_id": None,
        "author_name": None,
        "channel": None,
        "body": text,
        "quote_id": None,
        "created_at": ctx.now,
    }
    message_id = message_store.insert_message(ctx.conn, values)
    ctx.record(
        "message",
        message_id,
        "create",
        shapes.message(
            {
                **values,
                "id": message_id,
                "author_username": None,
                "retracted_at": None,
                "retract_reason": None,
            }
        ),
        scope,
    )


def without_thread(ticket: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ticket.items() if k not in ("messages", "attachments")}


def add_message(
    ctx: WriteContext, actor: Actor, ticket_id: int, data: dict[str, Any]
) -> dict[str, Any]:
    """An agent reply or internal note (or, for integrations, a player message)."""
    conn, now = ctx.conn, ctx.now
    kind = MessageKind(data["kind"])
    actor.require(KIND_PERMS[kind], f"post {kind.value} messages")
    if kind == MessageKind.player:  # channel integrations relay players; they see no queues
        row = ticket_store.get(conn, ticket_id)
        if row is None:
            raise NotFound(f"ticket {ticket_id} does not exist", {"ticket_id": ticket_id})
    else:
        row = load_ticket_row(conn, ticket_id, actor)
    quote_id = data.get("quote_id")
    if quote_id is not None:
        quoted = message_store.get(conn, quote_id)
        if quoted is None or quoted["ticket_id"] != ticket_id:
            raise Invalid(
                f"message {quote_id} is not part of ticket {ticket_id}, so it cannot be quoted",
                {"field": "quote_id", "value": quote_id},
            )
    values = {
        "ticket_id": ticket_id,
        "kind": kind.value,
        "author_id": None if kind == MessageKind.player else actor.id,
        "author_name": row["player_name"] if kind == MessageKind.player else actor.display_name,
        "channel": row["channel"] if kind in (MessageKind.reply, MessageKind.player) else None,
        "body": data["body"],
        "quote_id": quote_id,
        "created_at": now,
    }
    message_id = message_store.insert_message(conn, values)
    status = Status(row["status"])
    new_status = status
    ticket_changes: dict[str, Any] = {
        "updated_at": now,
        "last_message_at": now,
        "message_count": row["message_count"] + 1,
    }
    waiting_on = row["waiting_on"]
    if kind == MessageKind.reply:
        new_status = machine.after_agent_reply(status)
        waiting_on = "player" if new_status.is_open else None
    elif kind == MessageKind.player and not data.get("keep_status"):
        # (keep_status: a player's rating of a resolved ticket, which must not reopen it)
        new_status = machine.after_player_message(status)
        waiting_on = "agent"
    if waiting_on != row["waiting_on"]:
        ticket_changes["waiting_on"] = waiting_on
        ticket_changes["waiting_since"] = now
    if new_status != status:
        ticket_changes.update(
            status=new_status.value, is_open=new_status.is_open, version=row["version"] + 1
        )
        if new_status == Status.reopened:
            ticket_changes["tier_rank"] = _current_tier_rank(conn, row["player_id"])
    history = (
        [sla.message_event(ticket_id, kind.value, now, message_id)]
        if (kind.value in sla.MESSAGE_EVENTS)
        else []
    )
    if new_status != status:
        history.append(sla.status_event(ticket_id, new_status, now))
    clock_store.add_events(conn, history)
    if kind == MessageKind.bot and new_status == status:  # moves no SLA clock (domain.sla)
        clock, firings = {}, []
    else:
        clock, firings = sla.reconcile(ctx, {**row, **ticket_changes})
    ticket_changes.update(clock)
    routing.on_message(ctx, actor, row, kind.value, ticket_changes)  # the assignee answered
    ticket_store.update_ticket(conn, ticket_id, ticket_changes)
    msg = shapes.message(
        {
            **values,
            "id": message_id,
            "author_username": None if kind == MessageKind.player else actor.username,
            "retracted_at": None,
            "retract_reason": None,
        }
    )
    public = msg
    if kind == MessageKind.player and data.get("masked_body"):
        public = masked_message(msg, data["masked_body"])
    ctx.record("message", message_id, "create", public, scope_of(row))
    audit(
        ctx,
        actor,
        f"message.{kind.value}",
        "message",
        message_id,
        after={"ticket_id": ticket_id, "quote_id": quote_id},
    )
    ticket = sla.ticket_json({**row, **ticket_changes}, now)
    ctx.record("ticket", ticket_id, "update", ticket)
    sla.act_on(ctx, {**row, **ticket_changes}, firings)
    return msg


# Ticket fields whose changes the audit trail records (not the derived ranks).
AUDITED_FIELDS = frozenset(
    {"status", "priority", "queue", "assignee_id", "tags", "subject", "transaction_refs"}
)
KIND_PERMS = {
    MessageKind.reply: Perm.message_reply,
    MessageKind.note: Perm.message_note,
    MessageKind.player: Perm.message_player,
    MessageKind.bot: Perm.message_player,
    MessageKind.system: Perm.users_admin,
}
RETRACTABLE = (MessageKind.reply, MessageKind.note)


def retract_message(
    ctx: WriteContext, actor: Actor, ticket_id: int, message_id: int, reason: str | None
) -> dict[str, Any]:
    """Mark a reply sent by mistake as retracted; it stays in the history for the audit."""
    conn = ctx.conn
    row = load_ticket_row(conn, ticket_id, actor)
    msg = message_store.get(conn, message_id)
    if msg is None or msg["ticket_id"] != ticket_id:
        raise NotFound(
            f"message {message_id} does not exist on ticket {ticket_id}",
            {"ticket_id": ticket_id, "message_id": message_id},
        )
    if MessageKind(msg["kind"]) not in RETRACTABLE:
        raise Invalid(
            f"only agent replies and notes can be retracted; message {message_id} is a "
            f"{msg['kind']} message",
            {"kind": msg["kind"]},
        )
    if msg["retracted_at"] is not None:
        raise Conflict(f"message {message_id} is already retracted", {"message_id": message_id})
    if msg["author_id"] != actor.id and not actor.can(Perm.message_retract_any):
        raise Forbidden("only the author, a shift lead or an admin can retract this message")
    message_store.retract(conn, message_id, by=actor.id, at=ctx.now, reason=reason)
    updated = shapes.message(message_store.get(conn, message_id) or {})
    ctx.record("message", message_id, "update", updated, scope_of(row))
    audit(
        ctx,
        actor,
        "message.retract",
        "message",
        message_id,
        before={"retracted": False},
        after={"retracted": True, "reason": reason},
    )
    add_system_message(
        ctx, ticket_id, f"{actor.username} retracted message {message_id}", scope_of(row)
    )
    return updated


def player_id_for(conn: Connection, external_id: str) -> int | None:
    row = player_store.get_by_external_id(conn, external_id)
    return row["id"] if row else None
