"""Routing in the server: who gets a ticket, agent presence and load, assignment timeouts.

The decision itself is pure (``domain.routing.route``); this module feeds it. Each server
process keeps one :class:`Router` with an in-memory ``AgentPool`` (profile, presence and the
number of open tickets of every routable agent). The pool is changed in place by the writes
that move it — an assignment, a ticket closed or reopened, a presence change — and rebuilt
from the database at start and every ``routing_resync_seconds`` (other processes' writes).
A decision never scans tickets: one indexed look-up for the sticky owner, then one pass over
the agents of the queue family. With nobody online, routing a new ticket costs nothing (no
query at all).

Pool changes made inside a write transaction are journalled and undone when that transaction
rolls back (the writer retries a failed batch job by job), so the pool follows what committed.

Hooks (each a single call from ``services.tickets``):
  * :func:`on_create` / :func:`announce` — a new unassigned ticket is routed: sticky owner of
    the player's other open ticket, then the player's host, then the queue's strategy over
    available agents who serve the queue and speak the ticket's language.
  * :func:`on_update` / :func:`fill` — loads follow assignee and open/closed changes; an agent
    who frees capacity gets waiting tickets of their queues, in work order (bounded batch).
  * :func:`on_message` — the assignee's public reply ends the assignment timeout.
Presence: :func:`set_presence` (``PUT /agents/me/presence``), :func:`stream_opened` /
:func:`stream_closed` (``GET /events``). Escalation: :func:`route_again`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, event

from ..domain.errors import Invalid, NotFound
from ..domain.permissions import Perm
from ..domain.routing import (
    Agent,
    AgentPool,
    Decision,
    Presence,
    RouteRequest,
    RoutingConfig,
    Strategy,
    assignment_deadline,
    route,
)
from ..settings import Settings, SettingsError
from ..store import agents as agent_store
from ..store import queues as queue_store
from ..store import tickets as ticket_store
from ..store.database import Database, WriteContext
from ..store.rows import aware
from . import Actor, audit, sla

log = logging.getLogger(__name__)

REASONS = {
    "sticky": "owner of the player's open ticket",
    "host": "the player's host",
    "least_loaded": "least loaded",
    "most_experienced": "most experienced",
    "cheapest_first": "cheapest first",
    "cheapest_first_overflow": "cheapest first, next level up",
}
PROFILE_FIELDS = ("capacity", "experience", "cost", "queues", "languages")

# One router per server process and database: found from a write job's connection.
_ROUTERS: dict[Engine, Router] = {}


def parse_strategies(items: Iterable[str]) -> dict[str, Strategy]:
    """``["vip=most_experienced", "payments=cheapest_first"]`` → {queue: strategy}."""
    out: dict[str, Strategy] = {}
    known = ", ".join(s.value for s in Strategy)
    for item in items:
        queue, sep, name = item.partition("=")
        queue, name = queue.strip(), name.strip()
        if not sep or not queue or not name:
            raise SettingsError(
                f"setting 'routing_strategies': {item!r} is not QUEUE=STRATEGY "
                f"(e.g. vip=most_experienced; strategies: {known})"
            )
        try:
            out[queue] = Strategy(name)
        except ValueError:
            raise SettingsError(
                f"setting 'routing_strategies': unknown strategy {name!r} for queue {queue!r}; "
                f"known: {known}"
            ) from None
    return out


@dataclass(frozen=True, slots=True)
class Routed:
    """An assignment made by routing: the ticket columns to write and its history line."""

    agent_id: int
    username: str
    columns: dict[str, Any]
    why: str  # "least loaded", "the player's host", …

    @property
    def line(self) -> str:
        return f"Assigned to {self.username} ({self.why})"


class Router:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.enabled = settings.routing
        self.strategies = parse_strategies(settings.routing_strategies)
        try:
            self.default_strategy = Strategy(settings.routing_default_strategy)
        except ValueError:
            raise SettingsError(
                f"setting 'routing_default_strategy': unknown strategy "
                f"{settings.routing_default_strategy!r}; known: "
                + ", ".join(s.value for s in Strategy)
            ) from None
        if settings.routing_assignment_timeout_minutes < 0:
            raise SettingsError("setting 'routing_assignment_timeout_minutes' must be ≥ 0")
        if settings.routing_waiting_batch < 1:
            raise SettingsError("setting 'routing_waiting_batch' must be ≥ 1")
        self.timeout = timedelta(minutes=settings.routing_assignment_timeout_minutes)
        self.waiting_batch = settings.routing_waiting_batch
        self.language_fallback = tuple(settings.routing_language_fallback)
        self.vip_queue = settings.vip_queue
        self.pool = AgentPool()
        self.config = RoutingConfig()
        self.usernames: dict[int, str] = {}
        self.by_username: dict[str, int] = {}
        self.online: set[int] = set()
        self.streams: dict[int, int] = {}  # open event streams per user, in this process
        self.on_assign: Callable[[], None] | None = None  # pokes the assignment job
        self._journal: dict[int, list[Callable[[], None]]] = {}
        self._engine: Engine | None = None

    # -- life cycle --------------------------------------------------------------------
    def install(self) -> None:
        engine = self.db.writer_engine
        _ROUTERS[engine] = self
        event.listen(engine, "commit", self._committed)
        event.listen(engine, "rollback", self._rolled_back)
        self._engine = engine

    def uninstall(self) -> None:
        if self._engine is not None:
            _ROUTERS.pop(self._engine, None)
            event.remove(self._engine, "commit", self._committed)
            event.remove(self._engine, "rollback", self._rolled_back)
            self._engine = None

    def _committed(self, conn: Connection) -> None:
        self._journal.pop(id(conn), None)

    def _rolled_back(self, conn: Connection) -> None:
        for undo in reversed(self._journal.pop(id(conn), [])):
            undo()

    def _undo(self, ctx: WriteContext, fn: Callable[[], None]) -> None:
        self._journal.setdefault(id(ctx.conn), []).append(fn)

    # -- the pool ------------------------------------------------------------------------
    def resync(self, ctx: WriteContext) -> int:
        """Rebuild the pool from the database (a write job: it sees every commit before it)."""
        rows = agent_store.list_agents(ctx.conn, routable_only=True)
        loads = agent_store.open_loads(ctx.conn, [r["id"] for r in rows])
        old = self.pool
        agents = []
        for r in rows:
            prev = old.get(r["id"])
            agents.append(
                Agent(
                    r["id"],
                    frozenset(r["queues"] or ()),
                    frozenset(r["languages"] or ()),
                    Presence(r["presence"]),
                    int(r["capacity"]),
                    loads.get(r["id"], 0),
                    float(r["experience"]),
                    int(r["cost"]),
                    prev.last_assigned_at if prev else None,
                )
            )
        self.pool = AgentPool(agents)
        self.usernames = {r["id"]: r["username"] for r in rows}
        self.by_username = {r["username"]: r["id"] for r in rows}
        self.online = {a.id for a in agents if a.presence == Presence.online}
        self.config = RoutingConfig(
            families=sla.policy_book().current.queues,
            strategies=self.strategies,
            default_strategy=self.default_strategy,
            vip_queue=self.vip_queue,
            language_fallback=self.language_fallback,
        )
        return len(agents)

    def _bump(self, ctx: WriteContext, agent_id: int | None, delta: int) -> None:
        if agent_id is None or self.pool.get(agent_id) is None:
            return

        def apply(d: int) -> None:
            a = self.pool.get(agent_id)
            if a is not None:
                a.load = max(0, a.load + d)

        apply(delta)
        self._undo(ctx, lambda: apply(-delta))

    def _set_presence(self, ctx: WriteContext, agent_id: int, presence: Presence) -> None:
        a = self.pool.get(agent_id)
        if a is None:
            return
        before = a.presence

        def apply(p: Presence) -> None:
            agent = self.pool.get(agent_id)
            if agent is None:
                return
            agent.presence = p
            if p == Presence.online:
                self.online.add(agent_id)
            else:
                self.online.discard(agent_id)

        apply(presence)
        self._undo(ctx, lambda: apply(before))

    def _refresh_agent(self, ctx: WriteContext, row: dict[str, Any]) -> None:
        """An agent's profile changed: replace them in the pool (queues index included)."""
        old = self.pool.get(row["id"])
        if old is None:
            return
        new = Agent(
            old.id,
            frozenset(row["queues"] or ()),
            frozenset(row["languages"] or ()),
            old.presence,
            int(row["capacity"]),
            old.load,
            float(row["experience"]),
            int(row["cost"]),
            old.last_assigned_at,
        )
        self.pool.add(new)

        def undo() -> None:
            current = self.pool.get(old.id)
            if current is not None:
                old.load, old.presence = current.load, current.presence
            self.pool.add(old)

        self._undo(ctx, undo)

    # -- deciding ------------------------------------------------------------------------
    def decide(
        self,
        conn: Connection,
        row: dict[str, Any],
        *,
        exclude: frozenset[Any] = frozenset(),
        min_cost: int = 0,
    ) -> Decision:
        """The routing decision for a ticket row, as the server makes it: the sticky owner
        (one indexed query), the host, then the queue's strategy over the pool."""
        if not self.enabled or not self.online:
            return Decision(None, row["queue"], "no_agent")
        if row.get("routing_excluded"):  # agents whose assignment of it timed out
            exclude = exclude | frozenset(row["routing_excluded"])
        sticky = agent_store.sticky_owner(conn, row["player_id"], row["id"])
        host = self.by_username.get(row["player_host"]) if row.get("player_host") else None
        request = RouteRequest(
            queue=row["queue"],
            language=row.get("language"),
            sticky_owner=sticky,
            host=host,
            exclude=exclude,
            min_cost=min_cost,
        )
        return route(request, self.pool, self.config)

    def deadline(self, row: dict[str, Any], at: datetime) -> datetime | None:
        """When an assignment made at ``at`` times out: business time on the queue calendar."""
        if self.timeout <= timedelta(0):
            return None
        calendar = sla.policy_for(row.get("sla_policy")).calendar_for_queue(row["queue"])
        return assignment_deadline(calendar, at, self.timeout)

    def _assign(self, ctx: WriteContext, row: dict[str, Any], decision: Decision) -> Routed:
        agent_id = decision.agent_id
        assert isinstance(agent_id, int)
        if row.get("is_open", True):
            self._bump(ctx, row.get("assignee_id"), -1)
            self._bump(ctx, agent_id, +1)
        agent = self.pool.get(agent_id)
        if agent is not None:
            agent.last_assigned_at = ctx.now
        username = self.usernames.get(agent_id, str(agent_id))
        base, _, fallback = decision.reason.partition(":")
        why = REASONS.get(base, base.replace("_", " "))
        if fallback:
            why += ", language fallback"
        if self.on_assign is not None:
            self.on_assign()
        return Routed(
            agent_id,
            username,
            {
                "assignee_id": agent_id,
                "assigned_at": ctx.now,
                "assign_due_at": self.deadline(row, ctx.now),
            },
            why,
        )

    def _write(
        self,
        ctx: WriteContext,
        row: dict[str, Any],
        columns: dict[str, Any],
        line: str,
        username: str | None,
    ) -> None:
        """Change an existing ticket's assignment: the row, its history line, the feed."""
        from .tickets import add_system_message, scope_of, without_thread

        changes = {**columns, "version": row["version"] + 1, "updated_at": ctx.now}
        ticket_store.update_ticket(ctx.conn, row["id"], changes)
        after = {**row, **changes, "assignee_username": username}
        add_system_message(ctx, row["id"], line, scope_of(row))
        ctx.record("ticket", row["id"], "update", without_thread(sla.ticket_json(after, ctx.now)))

    def fill(self, ctx: WriteContext, agent_ids: Iterable[int]) -> int:
        """Route waiting tickets of these agents' queues (they came online or freed capacity),
        in work order, at most ``routing_waiting_batch``. Returns how many were assigned."""
        if not self.enabled or not self.online:
            return 0
        queues: set[str] = set()
        room = 0  # free places of these agents: more tickets than that rarely find one
        for agent_id in agent_ids:
            a = self.pool.get(agent_id)
            if a is not None and a.available:
                queues |= a.queues
                room += a.capacity - a.load
        if not queues:
            return 0
        ids = agent_store.waiting_ticket_ids(ctx.conn, queues, min(self.waiting_batch, room))
        if not ids:
            return 0
        by_id = {r["id"]: r for r in ticket_store.get_many(ctx.conn, ids)}
        assigned = 0
        for ticket_id in ids:
            row = by_id.get(ticket_id)
            if row is None:
                continue
            decision = self.decide(ctx.conn, row)
            if decision.agent_id is None:
                if not self.online:
                    break
                continue
            routed = self._assign(ctx, row, decision)
            self._write(ctx, row, routed.columns, routed.line, routed.username)
            assigned += 1
        return assigned

    def fill_all(self, ctx: WriteContext) -> int:
        """Waiting tickets for every available agent (the job's periodic sweep)."""
        return self.fill(ctx, [a for a in self.online if (x := self.pool.get(a)) and x.available])

    def expire_due(self, ctx: WriteContext, limit: int) -> int:
        """The assignment job's step: assignments unanswered past their deadline go back to
        routing without their assignee. Returns how many tickets were handled."""
        ids = agent_store.due_assignment_ids(ctx.conn, ctx.now, limit)
        if not ids:
            return 0
        minutes = self.timeout.total_seconds() / 60
        for row in ticket_store.get_many(ctx.conn, ids):
            if not self.enabled or not row["is_open"] or row["assignee_id"] is None:
                ticket_store.update_ticket(ctx.conn, row["id"], {"assign_due_at": None})
                continue
            why = (
                f"Assignment to {row['assignee_username']} timed out "
                f"(no public reply within {minutes:g} min of business time)"
            )
            # Remembered on the ticket, so the sweep does not hand it straight back to them.
            excluded = sorted({*(row.get("routing_excluded") or ()), row["assignee_id"]})
            ticket_store.update_ticket(ctx.conn, row["id"], {"routing_excluded": excluded})
            row = {**row, "routing_excluded": excluded}
            route_again(ctx, row, exclude=excluded, why=why, unassign_if_nobody=True)
        return len(ids)


# -- lookup ------------------------------------------------------------------------------------


def router_of(ctx: WriteContext) -> Router | None:
    return _ROUTERS.get(ctx.conn.engine)


def router_for(db: Database) -> Router | None:
    return _ROUTERS.get(db.writer_engine)


# -- hooks from services.tickets --------------------------------------------------------------


def on_create(ctx: WriteContext, row: dict[str, Any]) -> Routed | None:
    """Route a new unassigned ticket. Returns the assignment (columns to write) or None: the
    ticket waits. Nobody online: no query at all."""
    router = _ROUTERS.get(ctx.conn.engine)
    if router is None or not router.online or row.get("assignee_id") is not None:
        return None
    decision = router.decide(ctx.conn, row)
    if decision.agent_id is None:
        return None
    return router._assign(ctx, row, decision)


def announce(ctx: WriteContext, row: dict[str, Any], routed: Routed | None) -> None:
    """The new ticket's history line, after its own records on the feed."""
    if routed is None:
        return
    from .tickets import add_system_message, scope_of

    add_system_message(ctx, row["id"], routed.line, scope_of(row))


def on_update(
    ctx: WriteContext, actor: Actor, row: dict[str, Any], changes: dict[str, Any]
) -> list[int]:
    """A PATCH is about to be written: set the assignment times, move loads. Returns the agents
    who freed capacity (for :func:`fill` once the ticket is written)."""
    old_a, new_a = row["assignee_id"], changes.get("assignee_id", row["assignee_id"])
    old_open, new_open = bool(row["is_open"]), bool(changes.get("is_open", row["is_open"]))
    router = _ROUTERS.get(ctx.conn.engine)
    if "assignee_id" in changes:
        if new_a is None:
            changes.update(assigned_at=None, assign_due_at=None)
        else:
            changes["assigned_at"] = ctx.now
            # Taking a ticket yourself is answering for it; one handed to you may time out.
            due = None
            if new_a != actor.id and router is not None and router.enabled:
                due = router.deadline({**row, **changes}, ctx.now)
            changes["assign_due_at"] = due
    if not new_open and row.get("assign_due_at") is not None:
        changes["assign_due_at"] = None
    if router is None or (old_a == new_a and old_open == new_open):
        return []
    if old_a is not None and old_open:
        router._bump(ctx, old_a, -1)
    if new_a is not None and new_open:
        router._bump(ctx, new_a, +1)
    return [old_a] if old_a is not None and old_open and (old_a != new_a or not new_open) else []


def fill(ctx: WriteContext, agent_ids: list[int]) -> None:
    """After a write that freed capacity: waiting tickets for those agents' queues."""
    if not agent_ids:
        return
    router = _ROUTERS.get(ctx.conn.engine)
    if router is not None:
        router.fill(ctx, agent_ids)


def on_message(
    ctx: WriteContext, actor: Actor, row: dict[str, Any], kind: str, changes: dict[str, Any]
) -> None:
    """A message is about to be written: the assignee's public reply ends the assignment
    timeout; a player reopening a ticket gives its assignee the load back."""
    if kind == "reply" and row["assignee_id"] == actor.id and row.get("assign_due_at"):
        changes["assign_due_at"] = None
    if "is_open" in changes and bool(changes["is_open"]) != bool(row["is_open"]):
        router = _ROUTERS.get(ctx.conn.engine)
        if router is not None:
            router._bump(ctx, row["assignee_id"], +1 if changes["is_open"] else -1)


def route_again(
    ctx: WriteContext,
    ticket_row: dict[str, Any],
    *,
    exclude: Iterable[Any] = (),
    min_cost: int = 0,
    why: str = "Routed again",
    unassign_if_nobody: bool = False,
) -> Decision:
    """Route an existing ticket again (escalation, assignment timeout): the sticky owner, host
    and strategy as on creation, without the agents in ``exclude`` and below ``min_cost``
    (cheapest-first queues). When an agent other than the current assignee is picked, the
    ticket moves to them (assignee, assignment times, version, history line, feed). When
    nobody is available the assignee stays, unless ``unassign_if_nobody`` (then the ticket
    waits in its queue). ``ticket_row``: the joined row (``store.tickets.get``)."""
    router = _ROUTERS.get(ctx.conn.engine)
    if router is None or not router.enabled:
        return Decision(None, ticket_row["queue"], "routing_off")
    decision = router.decide(ctx.conn, ticket_row, exclude=frozenset(exclude), min_cost=min_cost)
    if decision.agent_id is None:
        if unassign_if_nobody and ticket_row["assignee_id"] is not None:
            if ticket_row["is_open"]:
                router._bump(ctx, ticket_row["assignee_id"], -1)
            router._write(
                ctx,
                ticket_row,
                {"assignee_id": None, "assigned_at": None, "assign_due_at": None},
                f"{why}; back to the queue: nobody available",
                None,
            )
        return decision
    if decision.agent_id == ticket_row["assignee_id"]:
        return decision
    routed = router._assign(ctx, ticket_row, decision)
    line = f"{why}; assigned to {routed.username} ({routed.why})"
    router._write(ctx, ticket_row, routed.columns, line, routed.username)
    return decision


# -- presence and profile --------------------------------------------------------------------


def agent_json(row: dict[str, Any], load: int) -> dict[str, Any]:
    at = aware(row.get("presence_at"))
    return {
        "id": row["id"],
        "username": row["username"],
        "display_name": row["display_name"],
        "role": row["role"],
        "presence": row["presence"],
        "presence_at": at.isoformat() if at else None,
        "load": load,
        "capacity": row["capacity"],
        "experience": row["experience"],
        "cost": row["cost"],
        "queues": list(row["queues"] or []),
        "languages": list(row["languages"] or []),
    }


def list_agents(conn: Connection, actor: Actor) -> dict[str, Any]:
    actor.require(Perm.agent_read, "list agents")
    rows = agent_store.list_agents(conn)
    loads = agent_store.open_loads(conn, [r["id"] for r in rows])
    return {"items": [agent_json(r, loads.get(r["id"], 0)) for r in rows]}


def _agent_out(conn: Connection, user_id: int) -> dict[str, Any]:
    row = agent_store.get_agent(conn, user_id)
    if row is None:
        raise NotFound(f"agent {user_id} does not exist", {"agent_id": user_id})
    return agent_json(row, agent_store.open_loads(conn, [user_id]).get(user_id, 0))


def set_presence(ctx: WriteContext, actor: Actor, presence: str) -> dict[str, Any]:
    """``PUT /agents/me/presence``: online follows the event stream again; away and offline
    stay until the agent says otherwise."""
    actor.require(Perm.agent_read, "set a presence")
    p = Presence(presence)
    agent_store.set_presence(
        ctx.conn, actor.id, p.value, None if p == Presence.online else p.value, ctx.now
    )
    router = _ROUTERS.get(ctx.conn.engine)
    if router is not None:
        router._set_presence(ctx, actor.id, p)
        if p == Presence.online:
            router.fill(ctx, [actor.id])
    return _agent_out(ctx.conn, actor.id)


def update_agent(
    ctx: WriteContext, actor: Actor, user_id: int, data: dict[str, Any]
) -> dict[str, Any]:
    """``PATCH /agents/{id}`` (shift lead, admin): capacity, experience, cost, queues,
    languages; audited."""
    actor.require(Perm.agent_manage, "change agents' routing profiles")
    row = agent_store.get_agent(ctx.conn, user_id)
    if row is None:
        raise NotFound(f"agent {user_id} does not exist", {"agent_id": user_id})
    for q in data.get("queues") or ():
        if not queue_store.exists(ctx.conn, q):
            raise Invalid(
                f"queue '{q}' does not exist; GET /api/v1/queues lists the queues",
                {"field": "queues", "value": q},
            )
    changes = {k: data[k] for k in PROFILE_FIELDS if k in data and data[k] != row[k]}
    if changes:
        agent_store.update_profile(ctx.conn, user_id, changes)
        audit(
            ctx,
            actor,
            "agent.update",
            "user",
            user_id,
            before={k: row[k] for k in changes},
            after=changes,
        )
        router = _ROUTERS.get(ctx.conn.engine)
        if router is not None:
            router._refresh_agent(ctx, {**row, **changes})
            router.fill(ctx, [user_id])
    return _agent_out(ctx.conn, user_id)


def _stream_presence(ctx: WriteContext, user_id: int, presence: Presence) -> None:
    if not agent_store.set_stream_presence(ctx.conn, user_id, presence.value, ctx.now):
        return
    router = _ROUTERS.get(ctx.conn.engine)
    if router is not None:
        router._set_presence(ctx, user_id, presence)
        if presence == Presence.online:
            router.fill(ctx, [user_id])


async def stream_opened(db: Database, actor: Actor) -> None:
    """An event stream opened: its user is online (unless they chose away/offline)."""
    router = router_for(db)
    if router is None or not actor.can(Perm.agent_read):
        return
    router.streams[actor.id] = router.streams.get(actor.id, 0) + 1
    if router.streams[actor.id] == 1:
        try:
            await db.write(lambda ctx: _stream_presence(ctx, actor.id, Presence.online))
        except Exception:  # the stream itself must not fail over presence
            log.exception("could not mark %s online", actor.username)


def stream_closed(db: Database, actor: Actor) -> None:
    """An event stream closed: with the user's last one, they go offline. Not awaited: it runs
    in a cancelled request's clean-up."""
    router = router_for(db)
    if router is None or actor.id not in router.streams:
        return
    router.streams[actor.id] -= 1
    if router.streams[actor.id] > 0:
        return
    del router.streams[actor.id]
    with contextlib.suppress(RuntimeError):  # the database is closing with the server
        db.submit(lambda ctx: _stream_presence(ctx, actor.id, Presence.offline))


def reset_stream_presence(ctx: WriteContext) -> None:
    """At start with SQLite (one server process): nobody's stream is open any more."""
    from sqlalchemy import update

    from ..store.tables import users

    ctx.conn.execute(
        update(users)
        .where(users.c.presence_choice.is_(None), users.c.presence != Presence.offline.value)
        .values(presence=Presence.offline.value, presence_at=ctx.now)
    )


def routes_on_escalation(ctx: WriteContext, queue: str) -> bool:
    """Does an escalation in this queue route the ticket again (a cheapest-first queue)?"""
    router = _ROUTERS.get(ctx.conn.engine)
    return (
        router is not None
        and router.enabled
        and router.config.strategy_for(queue) == Strategy.cheapest_first
    )


def on_escalation(ctx: WriteContext, ticket_row: dict[str, Any], level: int) -> Decision | None:
    """Routing on escalation (issue 5 item 6): in a cheapest-first queue an escalated ticket
    goes to an agent of a higher cost level (level 1 → cost 2, the experts, …) when one is
    available; other strategies keep the assignee (the escalation notifies the level's roles).
    """
    if not routes_on_escalation(ctx, ticket_row["queue"]):
        return None
    return route_again(
        ctx,
        ticket_row,
        min_cost=level + 1,
        why=f"Escalated to level {level}",
    )
