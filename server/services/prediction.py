"""Predicted SLA breaches (issue 5 item 8): which waiting tickets will not be answered in time.

Every ``sla_predict_seconds`` the SLA job's process runs :func:`predict`: per queue, the
tickets that wait on an agent in work order (the first ``limit``), the online agents who serve
the queue (presence from routing), and the median recent answer time in the queue give each
ticket's expected wait (``domain.prediction``). A ticket whose wait ends after its earliest
due time is flagged (``tickets.sla_predicted``; the API's ``sla.predicted_breach``), and when
the flag turns on an ``sla``/``predicted_breach`` event goes out on the change feed with the
ticket's new shape, so consoles show it before the breach. The flag clears when the ticket is
answered, breaches, or the queue catches up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

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


@dataclass(frozen=True)
class PredictReport:
    looked_at: int
    flagged: list[int]
    cleared: list[int]


def _serves(agent_queues: Any, chain: tuple[str, ...]) -> bool:
    return bool(set(agent_queues or ()) & set(chain))


def predict(ctx: WriteContext, settings: PredictSettings | None = None) -> PredictReport:
    from .tickets import scope_of, without_thread

    cfg = settings or PredictSettings()
    families = sla_service.policy_book().current.queues
    agents = store.online_agents(ctx.conn)
    samples = store.answer_times(ctx.conn, ctx.now - cfg.window, cfg.samples)
    was_flagged = store.flagged_ids(ctx.conn)
    now_flagged: dict[int, dict[str, Any]] = {}
    looked = 0
    for queue in store.open_queues(ctx.conn):
        chain = families.chain(queue)
        load = QueueLoad(
            agents=sum(1 for a in agents if _serves(a["queues"], chain)),
            handle_s=handling_time(samples.get(queue, ()), cfg.default_handle_s),
        )
        for position, t in enumerate(store.waiting_in_order(ctx.conn, queue, cfg.limit)):
            looked += 1
            if t["sla_state"] in ("breached", "met", "paused", None):
                continue
            if predicted_breach(ctx.now, t["sla_due_at"], position, load, cfg.horizon):
                wait = expected_wait(position, load)
                now_flagged[t["id"]] = {
                    "due_at": t["sla_due_at"].isoformat(),
                    "position": position,
                    "agents_online": load.agents,
                    "handle_s": round(load.handle_s),
                    "expected_wait_s": None if wait is None else round(wait),
                }
    on = [i for i in now_flagged if i not in was_flagged]
    off = [i for i in was_flagged if i not in now_flagged]
    store.set_flags(ctx.conn, on, off)
    if on or off:
        for row in ticket_store.get_many(ctx.conn, sorted(on + off)):
            scope = scope_of(row)
            ticket = sla_service.ticket_json(row, ctx.now)
            ctx.record("ticket", row["id"], "clock", without_thread(ticket), scope)
            if row["id"] in now_flagged:
                data = {"ticket_id": row["id"], "number": row["id"], **now_flagged[row["id"]]}
                ctx.record("sla", row["id"], "predicted_breach", data, scope)
    return PredictReport(looked, sorted(on), sorted(off))
