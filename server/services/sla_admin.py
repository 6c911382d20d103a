"""People acting on the clock: a shift lead exempts a ticket or overrides its targets, an agent
escalates by hand, an admin uploads a new SLA policy version."""

from __future__ import annotations

from typing import Any

from ..domain.errors import Invalid
from ..domain.permissions import Perm
from ..domain.sla_policy import TARGET_KINDS, Policy, Target
from ..store import clock as clock_store
from ..store import tickets as ticket_store
from ..store.database import WriteContext
from . import Actor, audit, sla
from .tickets import add_system_message, load_ticket_row, read_ticket, scope_of, without_thread


def change_ticket_sla(
    ctx: WriteContext, actor: Actor, ticket_id: int, data: dict[str, Any]
) -> dict[str, Any]:
    """Exempt a ticket from its SLA (or take the exemption back), move it to another policy
    version, or override single targets. The reason goes on the ticket's history."""
    conn, now = ctx.conn, ctx.now
    row = load_ticket_row(conn, ticket_id, actor)
    actor.require(Perm.sla_manage, "change a ticket's SLA")
    reason = data["reason"].strip()
    changes: dict[str, Any] = {}
    events: list[dict[str, Any]] = []
    said: list[str] = []
    exempt_now = bool((row.get("sla") or {}).get("exempt"))
    if data.get("exempt") is not None and data["exempt"] != exempt_now:
        kind = "exempted" if data["exempt"] else "unexempted"
        events.append({"ticket_id": ticket_id, "at": now, "kind": kind, "reason": reason})
        said.append("exempted from its SLA" if data["exempt"] else "SLA applies again")
    if data.get("policy") and data["policy"] != row["sla_policy"]:
        if data["policy"] not in sla.policy_book().versions():
            raise Invalid(
                f"SLA policy version {data['policy']!r} is not loaded; "
                "GET /api/v1/sla/policies lists the versions",
                {"field": "policy", "value": data["policy"]},
            )
        changes["sla_policy"] = data["policy"]
        said.append(f"policy {row['sla_policy']} → {data['policy']}")
    if data.get("targets") is not None:
        overrides = dict(row["sla_overrides"] or {})
        for kind, value in data["targets"].items():
            if kind not in TARGET_KINDS:
                raise Invalid(f"unknown SLA target {kind!r}", {"field": "targets", "value": kind})
            if value is None:
                overrides.pop(kind, None)
                continue
            try:
                overrides[kind] = str(Target.parse(value))
            except ValueError as exc:
                raise Invalid(str(exc), {"field": f"targets.{kind}", "value": value}) from exc
        if overrides != (row["sla_overrides"] or {}):
            changes["sla_overrides"] = overrides or None
            shown = ", ".join(f"{k} {v}" for k, v in overrides.items()) or "none"
            said.append(f"target overrides: {shown}")
    if not said:
        raise Invalid(
            "nothing to change: give exempt, policy or targets that differ from the ticket's",
            {},
        )
    changes["version"] = row["version"] + 1
    changes["updated_at"] = now
    clock_store.add_events(conn, events)
    after = {**row, **changes}
    clock, firings = sla.reconcile(ctx, after)
    ticket_store.update_ticket(conn, ticket_id, {**changes, **clock})
    add_system_message(
        ctx, ticket_id, f"{actor.username}: SLA {'; '.join(said)} — {reason}", scope_of(row)
    )
    audit(
        ctx,
        actor,
        "ticket.sla",
        "ticket",
        ticket_id,
        before={
            "policy": row["sla_policy"],
            "overrides": row["sla_overrides"],
            "exempt": exempt_now,
        },
        after={
            "policy": after["sla_policy"],
            "overrides": after["sla_overrides"],
            "exempt": data.get("exempt", exempt_now),
            "reason": reason,
        },
    )
    ticket = read_ticket(conn, ticket_id, actor)
    ctx.record("ticket", ticket_id, "update", without_thread(ticket))
    sla.act_on(ctx, after, firings)
    return ticket


def escalate_ticket(
    ctx: WriteContext, actor: Actor, ticket_id: int, level: int | None, reason: str
) -> dict[str, Any]:
    """Raise the ticket's management escalation level by hand (default: one level up)."""
    conn, now = ctx.conn, ctx.now
    row = load_ticket_row(conn, ticket_id, actor)
    actor.require(Perm.ticket_escalate, "escalate tickets")
    target = level if level is not None else row["escalation_level"] + 1
    if target <= row["escalation_level"]:
        raise Invalid(
            f"ticket {ticket_id} is already at escalation level {row['escalation_level']}",
            {"field": "level", "value": target, "current": row["escalation_level"]},
        )
    clock_store.add_events(
        conn,
        [
            {
                "ticket_id": ticket_id,
                "at": now,
                "kind": "escalated",
                "level": target,
                "reason": reason,
            }
        ],
    )
    changes = {"version": row["version"] + 1, "updated_at": now}
    after = {**row, **changes}
    clock, firings = sla.reconcile(ctx, after)
    ticket_store.update_ticket(conn, ticket_id, {**changes, **clock})
    add_system_message(
        ctx, ticket_id, f"{actor.username} escalated to level {target}: {reason}", scope_of(row)
    )
    audit(
        ctx,
        actor,
        "ticket.escalate",
        "ticket",
        ticket_id,
        before={"level": row["escalation_level"]},
        after={"level": clock.get("escalation_level", target), "reason": reason},
    )
    ticket = read_ticket(conn, ticket_id, actor)
    ctx.record("ticket", ticket_id, "update", without_thread(ticket))
    sla.act_on(ctx, after, firings)
    return ticket


def store_policy(
    ctx: WriteContext, actor: Actor, policy: Policy, source: str, make_current: bool
) -> None:
    """Keep an uploaded (already validated) policy; the caller adds it to the book after the
    commit, so a failed write never leaves a policy in force that is not stored."""
    actor.require(Perm.sla_policy_admin, "upload SLA policies")
    clock_store.store_policy(
        ctx.conn, policy.version, source, policy.digest, ctx.now, actor.username, make_current
    )
    audit(
        ctx,
        actor,
        "sla.policy",
        "sla_policy",
        policy.version,
        after={"digest": policy.digest, "current": make_current},
    )
    # Other server processes (PostgreSQL) learn of it from the change feed and reload.
    ctx.record(
        "sla_policy",
        policy.version,
        "create",
        {"version": policy.version, "digest": policy.digest, "current": make_current},
    )


def policy_listing() -> list[dict[str, Any]]:
    book = sla.policy_book()
    current = book.current.version
    return [
        {
            "version": v,
            "digest": book.get(v).digest,
            "description": book.get(v).description,
            "current": v == current,
        }
        for v in book.versions()
    ]
