"""Predicted SLA breaches (issue 5 item 8): which waiting tickets will not be answered in time.

Every ``sla_predict_seconds`` the SLA job plans on a read connection (:func:`plan`: per queue, the
tickets that wait on an agent in work order (the first ``limit``), the online agents who serve
the queue (presence from routing), and the median recent answer time in the queue give each
ticket's expected wait (``domain.prediction``). A ticket whose wait ends after its earliest
due time is flagged (``tickets.sla_predicted``; the API's ``sla.predicted_breach``), and when
the flag turns on an ``sla``/``predicted_breach`` event goes out on the change feed with the
ticket's new shape, so consoles show it before the breach (:func:`apply`, on the writer: only the
flags that changed). The flag clears when the ticket is
answered, breaches, or the queue catches up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from ..domain.prediction import QueueLoad, expected_wait, handling_time, predicted_breach
from ..store import prediction as store
from ..store import tickets as ticket_store
from ..store.database import WriteContext
from . import sla as sla_service


@dataclass(frozen=True)
class PredictSettings:
    limit: int = 1000  # tickets per queue looked at (deeper ones wait longer still)
    default_handle_s: float = 600.0  # until a queue has answered enough tickets recently
    window: timedelta = timedelta(hours=6)  # recent answers taken for the handling time
    samples: int = 2000
    horizon: timedelta = timedelta(hours=2)  # only tickets due within this are predicted
    # Flags written per second at most: each is a ticket change (and an event) for every
    # console, and a desk-wide change at once (1,000 waiting tickets flagged when nobody is
    # online) was 2,000 changes in one burst: 750 MB of frames for 500 consoles, and the
    # creates behind it reached them seconds late. The rest follow, second by second.
    per_second: int = 100


@dataclass(frozen=True)
class PredictReport:
    looked_at: int
    flagged: list[int]
    cleared: list[int]


def _serves(agent_queues: Any, chain: tuple[str, ...]) -> bool:
    return bool(set(agent_queues or ()) & set(chain))


@dataclass(frozen=True)
class Plan:
    """What a prediction run found (read-only work, done off the writer)."""

    looked_at: int
    flagged: dict[int, dict[str, Any]]  # ticket id → the event's details
    was_flagged: frozenset[int]


def plan(conn: Connection, now: datetime, settings: PredictSettings | None = None) -> Plan:
    cfg = settings or PredictSettings()
    families = sla_service.policy_book().current.queues
    agents = store.online_agents(conn)
    samples = store.answer_times(conn, now - cfg.window, cfg.samples)
    was_flagged = frozenset(store.flagged_ids(conn))
    flagged: dict[int, dict[str, Any]] = {}
    looked = 0
    for queue in store.open_queues(conn):
        chain = families.chain(queue)
        load = QueueLoad(
            agents=sum(1 for a in agents if _serves(a["queues"], chain)),
            handle_s=handling_time(samples.get(queue, ()), cfg.default_handle_s),
        )
        for position, t in enumerate(store.waiting_in_order(conn, queue, cfg.limit)):
            looked += 1
            if t["sla_state"] in ("breached", "met", "paused", None):
                continue
            if predicted_breach(now, t["sla_due_at"], position, load, cfg.horizon):
                wait = expected_wait(position, load)
                flagged[t["id"]] = {
                    "due_at": t["sla_due_at"].isoformat(),
                    "position": position,
                    "agents_online": load.agents,
                    "handle_s": round(load.handle_s),
                    "expected_wait_s": None if wait is None else round(wait),
                }
    return Plan(looked, flagged, was_flagged)


def changed(found: Plan) -> list[int]:
    """The tickets whose flag the plan changes: those it turns on first, in work order."""
    on = [i for i in found.flagged if i not in found.was_flagged]
    return on + sorted(i for i in found.was_flagged if i not in found.flagged)


def apply(ctx: WriteContext, found: Plan, only: Sequence[int] | None = None) -> PredictReport:
    """Write the flags that changed (`only`: those of these tickets), with their feed events
    (on the writer)."""
    from .tickets import scope_of, without_thread

    part = set(changed(found) if only is None else only)
    wanted = {i: i in found.flagged for i in part}
    if not wanted:
        return PredictReport(found.looked_at, [], [])
    # The plan may be seconds old (its flags go out a part per second): a ticket answered,
    # breached or closed since then is not flagged, and a flag already gone is not cleared.
    rows = [
        {**row, "sla_predicted": wanted[row["id"]]}
        for row in ticket_store.get_many(ctx.conn, sorted(wanted))
        if (_still_predictable(row) if wanted[row["id"]] else bool(row["sla_predicted"]))
    ]
    on = [r["id"] for r in rows if r["sla_predicted"]]
    off = [r["id"] for r in rows if not r["sla_predicted"]]
    store.set_flags(ctx.conn, on, off)
    for row in rows:
        scope = scope_of(row)
        ticket = sla_service.ticket_json(row, ctx.now)
        ctx.record("ticket", row["id"], "clock", without_thread(ticket), scope)
        if row["sla_predicted"]:
            data = {"ticket_id": row["id"], "number": row["id"], **found.flagged[row["id"]]}
            ctx.record("sla", row["id"], "predicted_breach", data, scope)
    return PredictReport(found.looked_at, on, off)


def _still_predictable(row: dict[str, Any]) -> bool:
    """Does the ticket still wait on an agent, not yet flagged, with its clock running?"""
    return (
        bool(row["is_open"])
        and row.get("waiting_on") == "agent"
        and row.get("sla_state") in ("ok", "warning")
        and not row["sla_predicted"]
    )


def predict(ctx: WriteContext, settings: PredictSettings | None = None) -> PredictReport:
    """Both steps in one write transaction (tests; the SLA job plans on a read connection)."""
    return apply(ctx, plan(ctx.conn, ctx.now, settings))
