"""The retention policy: anonymise closed tickets older than `retention_days`.

Run by `agent-console-server retention run` and once a day inside the server. Each batch of
tickets is one write job (one transaction): the rows are anonymised (ticket, messages, the
reasons on its SLA history and the desk lines quoting them, attachments, the intake's copy of
the conversation; the player and their channel identities once nothing of theirs is live),
each ticket and player gets an audit row and a change-feed entry, and the older change-log
entries of those rows are scrubbed. Then, by age alone: what the bot handled without a ticket,
the intake's stored answers and the stored idempotent responses. Attachment files go after the
commit, once no attachment that is still live shares them. Safe to run from several processes
at once: a ticket is claimed by a conditional UPDATE.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .. import shapes
from ..blobs import BlobStore
from ..domain import retention as rules
from ..store import attachments as attachment_store
from ..store import messages as message_store
from ..store import players as player_store
from ..store import retention as store
from ..store import tickets as ticket_store
from ..store.database import Database, WriteContext, utcnow
from . import Actor, audit
from .players import without_sensitive

log = logging.getLogger(__name__)
RETENTION = Actor(0, "retention", "Retention policy", "admin")
BATCH = 50  # ~0.2 s of the writer per batch on a busy SQLite desk
LOG_BATCH = 500  # rows of the bot's log per write job (one UPDATE each)
# A blob written this recently may belong to an upload whose row is not committed yet (blobs
# are shared by content): leave it to the next run.
MIN_BLOB_AGE_S = 600.0
DAY_S = 86_400.0


@dataclass
class RetentionReport:
    days: int
    cutoff: datetime
    dry_run: bool
    tickets: int = 0
    messages: int = 0
    attachments: int = 0
    players: int = 0
    blobs_deleted: int = 0
    changes_scrubbed: int = 0
    idempotency_deleted: int = 0
    events: int = 0  # SLA history reasons
    desk_lines: int = 0  # system messages that quoted a reason or the player's payments
    identities: int = 0  # channel identities deleted with their player
    intake_log: int = 0  # rows of the bot's log (of these tickets, or without one)
    receipts_deleted: int = 0
    ticket_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would anonymise" if self.dry_run else "anonymised"
        text = (
            f"retention ({self.days} days, closed before {self.cutoff:%Y-%m-%d %H:%M} UTC): "
            f"{verb} {self.tickets} tickets, {self.messages} messages, "
            f"{self.attachments} attachments"
        )
        if not self.dry_run:
            text += (
                f", {self.players} players ({self.identities} channel identities), "
                f"{self.intake_log} bot log entries; {self.blobs_deleted} files deleted, "
                f"{self.changes_scrubbed} change-log entries scrubbed"
            )
        return text


@dataclass
class _Batch:
    tickets: int = 0
    messages: int = 0
    attachments: int = 0
    players: int = 0
    scrubbed: int = 0
    events: int = 0
    desk_lines: int = 0
    identities: int = 0
    intake_log: int = 0
    ids: list[int] = field(default_factory=list)


def anonymise_batch(
    ctx: WriteContext, ticket_ids: list[int], before: datetime, days: int
) -> _Batch:
    """Write job: anonymise these tickets (those still due), then players left without a
    live ticket, then scrub the change log of every row touched."""
    conn, now = ctx.conn, ctx.now
    out = _Batch()
    wanted: dict[str, set[str]] = {k: set() for k in ("ticket", "message", "attachment", "player")}
    player_ids: set[int] = set()
    quotes: dict[int, rules.Quoted] = {}
    for ticket_id in ticket_ids:
        row = ticket_store.get(conn, ticket_id)  # as it was: its refs are about to go
        if row is None or not store.claim_ticket(conn, ticket_id, before, now, rules.TICKET_VALUES):
            continue  # reopened meanwhile, or another process got it first
        scope = (row["queue"], row["player_host"])
        said = rules.quoted(store.event_reasons(conn, ticket_id), row["transaction_refs"])
        quotes[ticket_id] = said
        n_events = store.anonymise_event_reasons(conn, ticket_id) if said.reasons else 0
        sla = rules.redact_sla(row["sla"])
        if sla is not None:
            store.set_ticket_sla(conn, ticket_id, sla)
        n_logged = store.anonymise_intake_log(conn, ticket_id, rules.INTAKE_LOG_VALUES)
        n_messages = n_lines = 0
        for msg in store.ticket_messages(conn, ticket_id):
            values = rules.message_values(msg["kind"])
            if values is None:  # a desk line: only what it quotes of the person goes
                line = said.scrub(msg["body"])
                if line == msg["body"]:
                    continue
                values, n_lines = {"body": line}, n_lines + 1
            else:
                n_messages += 1
            store.update_message(conn, msg["id"], values)
            wanted["message"].add(str(msg["id"]))
        for m in message_store.for_ticket(conn, ticket_id):
            if str(m["id"]) in wanted["message"]:
                ctx.record("message", m["id"], "update", shapes.message(m), scope)
        gone = store.anonymise_attachments(conn, ticket_id, now, rules.ATTACHMENT_VALUES)
        for a in attachment_store.for_ticket(conn, ticket_id):
            if any(g["id"] == a["id"] for g in gone):
                wanted["attachment"].add(str(a["id"]))
                ctx.record("attachment", a["id"], "update", shapes.attachment(a), scope)
        audit(
            ctx,
            RETENTION,
            "retention.anonymise",
            "ticket",
            ticket_id,
            after={
                "policy_days": days,
                "closed_before": before.isoformat(),
                "messages": n_messages,
                "attachments": len(gone),
                "desk_lines": n_lines,
                "sla_reasons": n_events,
                "intake_log": n_logged,
            },
        )
        wanted["ticket"].add(str(ticket_id))
        player_ids.add(row["player_id"])
        out.ids.append(ticket_id)
        out.tickets += 1
        out.messages += n_messages
        out.attachments += len(gone)
        out.desk_lines += n_lines
        out.events += n_events
        out.intake_log += n_logged
    renamed: dict[str, str] = {}
    for player_id in sorted(player_ids):
        if store.player_is_live(conn, player_id, before):
            continue  # their personal fields still serve a live ticket or a recent chat
        _anonymise_player(ctx, player_id, out, wanted, renamed)
    for ticket_id in out.ids:  # the final shape, with the player as it is now
        row = ticket_store.get(conn, ticket_id)
        assert row is not None
        ctx.record("ticket", ticket_id, "update", shapes.ticket(row))
    out.scrubbed = store.scrub_changes(
        conn, wanted, lambda entity, data: rules.redact_change(entity, data, renamed, quotes)
    )
    return out


def _anonymise_player(
    ctx: WriteContext,
    player_id: int,
    out: _Batch,
    wanted: dict[str, set[str]],
    renamed: dict[str, str],
) -> None:
    """Clear the player's personal fields, give them a new id and delete the channel
    identities that led to them (part of a batch's write job)."""
    conn, now = ctx.conn, ctx.now
    player = player_store.get_by_id(conn, player_id)
    if player is None or player["anonymised_at"] is not None:
        return
    new_id = rules.anonymised_external_id(player_id)
    values = {**rules.PLAYER_CLEARED, "external_id": new_id}
    if not store.anonymise_player(conn, player_id, now, values):
        return
    n_identities = store.delete_identities(conn, player_id)
    out.identities += n_identities
    old_id = player["external_id"]
    renamed[old_id] = new_id
    wanted["player"].add(old_id)
    # Earlier runs anonymised the player's other tickets but their change-log entries
    # still carry the player's id and name.
    wanted["ticket"].update(str(t) for t in store.player_ticket_ids(conn, player_id))
    after = player_store.get_by_id(conn, player_id)
    assert after is not None
    ctx.record("player", old_id, "update", without_sensitive(shapes.player(after)))
    audit(
        ctx,
        RETENTION,
        "retention.anonymise",
        "player",
        old_id,
        after={
            "external_id": new_id,
            "fields": sorted(rules.PLAYER_CLEARED),
            "channel_identities": n_identities,
        },
    )
    out.players += 1


def anonymise_quiet_players(ctx: WriteContext, player_ids: list[int], before: datetime) -> _Batch:
    """Write job: players the intake knows who have nothing live (no ticket left to
    anonymise, no chat with the bot since the cutoff) — those who only ever talked to the bot,
    and those skipped earlier because they had just talked to it."""
    out = _Batch()
    wanted: dict[str, set[str]] = {"player": set(), "ticket": set()}
    renamed: dict[str, str] = {}
    for player_id in player_ids:
        if store.is_quiet_player(ctx.conn, player_id, before):
            _anonymise_player(ctx, player_id, out, wanted, renamed)
    out.scrubbed = store.scrub_changes(
        ctx.conn, wanted, lambda entity, data: rules.redact_change(entity, data, renamed)
    )
    return out


def _delete_unused_blobs(db: Database, blobs: BlobStore, min_age_s: float, shas: list[str]) -> int:
    """Delete the files no live attachment points at. Decided on the writer thread, so no
    upload's row is inserted between the check and the delete."""
    if not shas:
        return 0

    def job(ctx: WriteContext) -> int:
        deleted = 0
        limit = time.time() - min_age_s
        for sha in shas:
            path = blobs.path_for(sha)
            try:
                if path.stat().st_mtime > limit or store.blob_in_use(ctx.conn, sha):
                    continue
                path.unlink()
                deleted += 1
            except FileNotFoundError:
                continue
        return deleted

    return db.write_sync(job)


def run_retention(
    db: Database,
    blobs: BlobStore,
    days: int,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    min_blob_age_s: float = MIN_BLOB_AGE_S,
    progress: Callable[[int, int], None] | None = None,
) -> RetentionReport:
    """Anonymise what is due (blocking: the CLI calls it directly, the server in a thread).

    `progress(done, total)` is called after each batch."""
    before = rules.cutoff(now or utcnow(), days)
    report = RetentionReport(days=days, cutoff=before, dry_run=dry_run)
    due = db.read_sync(lambda conn: store.count_due(conn, before))
    if dry_run:
        report.tickets, report.messages = due["tickets"], due["messages"]
        report.attachments = due["attachments"]
        return report
    total, last_id = due["tickets"], 0
    if progress:
        progress(0, total)
    while True:
        ids = db.read_sync(lambda conn, a=last_id: store.due_ticket_ids(conn, before, BATCH, a))
        if not ids:
            break
        last_id = ids[-1]
        done = db.write_sync(lambda ctx, ids=ids: anonymise_batch(ctx, ids, before, days))
        report.tickets += done.tickets
        report.messages += done.messages
        report.attachments += done.attachments
        report.players += done.players
        report.changes_scrubbed += done.scrubbed
        report.events += done.events
        report.desk_lines += done.desk_lines
        report.identities += done.identities
        report.intake_log += done.intake_log
        report.ticket_ids += done.ids
        if progress:
            progress(min(report.tickets, total), total)
    shas = db.read_sync(store.anonymised_blobs)
    present = [s for s in shas if blobs.path_for(s).exists()]
    report.blobs_deleted = _delete_unused_blobs(db, blobs, min_blob_age_s, present)
    report.intake_log += _anonymise_unticketed_log(db, before)
    last_id = 0
    while True:
        ids = db.read_sync(lambda conn, a=last_id: store.quiet_player_ids(conn, before, BATCH, a))
        if not ids:
            break
        last_id = ids[-1]
        done = db.write_sync(lambda ctx, ids=ids: anonymise_quiet_players(ctx, ids, before))
        report.players += done.players
        report.identities += done.identities
        report.changes_scrubbed += done.scrubbed
    report.receipts_deleted = db.write_sync(
        lambda ctx: store.delete_receipts_before(ctx.conn, before)
    )
    report.idempotency_deleted = db.write_sync(
        lambda ctx: store.delete_idempotency_before(ctx.conn, before)
    )
    return report


def _anonymise_unticketed_log(db: Database, before: datetime) -> int:
    """What the bot handled alone before the cutoff (no ticket took it), by batches."""
    done, last_id = 0, 0
    while True:
        ids = db.read_sync(
            lambda conn, a=last_id: store.old_unticketed_log_ids(conn, before, LOG_BATCH, a)
        )
        if not ids:
            return done
        last_id = ids[-1]
        done += db.write_sync(
            lambda ctx, ids=ids: store.anonymise_log_rows(
                ctx.conn, ids, before, rules.INTAKE_LOG_VALUES
            )
        )


async def retention_loop(
    db: Database, blobs: BlobStore, days: int, *, first_delay_s: float = 60.0
) -> None:
    """The server's daily run (started from the app's lifespan when retention_days > 0)."""
    await asyncio.sleep(first_delay_s)
    while True:
        try:
            report = await asyncio.to_thread(run_retention, db, blobs, days)
            log.info(report.summary())
        except Exception:  # a failed run is retried tomorrow; the server keeps serving
            log.exception("retention run failed")
        await asyncio.sleep(DAY_S)


def report_dict(report: RetentionReport) -> dict[str, Any]:
    return {
        "days": report.days,
        "cutoff": report.cutoff.isoformat(),
        "dry_run": report.dry_run,
        "tickets": report.tickets,
        "messages": report.messages,
        "attachments": report.attachments,
        "players": report.players,
        "blobs_deleted": report.blobs_deleted,
        "changes_scrubbed": report.changes_scrubbed,
        "sla_reasons": report.events,
        "desk_lines": report.desk_lines,
        "channel_identities": report.identities,
        "intake_log": report.intake_log,
        "receipts_deleted": report.receipts_deleted,
    }


def start_retention(settings: Any, db: Database, blobs: BlobStore) -> asyncio.Task[None] | None:
    """Start the daily run in the server's event loop; None when retention is off."""
    if settings.retention_days <= 0:
        return None
    return asyncio.create_task(retention_loop(db, blobs, settings.retention_days))
