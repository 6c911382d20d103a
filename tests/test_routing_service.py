"""Routing in the server, below the HTTP surface: the pool follows commits (not rolled-back
batches), nobody online costs no query, settings are validated, the timeout counts business
time, route_again for escalation, and the assignment job's PostgreSQL leader lock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.api.app import create_app
from server.domain.routing import Agent, AgentPool, Presence, Strategy
from server.domain.sla_policy import DEFAULTS_PATH
from server.jobs.assignment import AssignmentJob
from server.services import routing
from server.settings import Settings, SettingsError
from server.store import tickets as ticket_store
from server.store.database import Database, WriteContext

from .conftest import FrozenClock, add_user, frozen_at, login, new_ticket
from .test_routing_api import agent, presence

FRI = datetime(2026, 12, 4, 5, 55, tzinfo=UTC)  # Friday 16:55 in Sydney


def test_strategies_setting_is_parsed_and_bad_values_are_refused() -> None:
    got = routing.parse_strategies(["vip=most_experienced", " payments = cheapest_first "])
    assert got == {"vip": Strategy.most_experienced, "payments": Strategy.cheapest_first}
    with pytest.raises(SettingsError, match="not QUEUE=STRATEGY"):
        routing.parse_strategies(["vip"])
    with pytest.raises(SettingsError, match="unknown strategy 'fastest'"):
        routing.parse_strategies(["vip=fastest"])


def test_a_bad_routing_setting_stops_the_server(settings: Settings) -> None:
    for bad in (
        {"routing_strategies": ("l1=random",)},
        {"routing_default_strategy": "random"},
        {"routing_assignment_timeout_minutes": -1.0},
    ):
        with pytest.raises(SettingsError), TestClient(create_app(replace(settings, **bad))):
            pass


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    d = Database(sqlite_url)
    d.start()
    yield d
    d.close()


def test_the_pool_follows_commits_and_forgets_rolled_back_batches(db: Database) -> None:
    router = routing.Router(db, Settings(db=db.url))
    router.install()
    try:
        router.pool = AgentPool([Agent(7, frozenset({"l1"}), frozenset({"en"}))])
        router.online = {7}

        def good(ctx: WriteContext) -> None:
            router._bump(ctx, 7, +1)

        def bad(ctx: WriteContext) -> None:
            router._bump(ctx, 7, +1)
            router._set_presence(ctx, 7, Presence.away)
            raise ValueError("refused")

        with pytest.raises(ValueError):
            db.write_sync(bad)
        assert (router.pool.get(7).load, router.pool.get(7).presence) == (0, Presence.online)
        assert router.online == {7}
        # One batch with a good and a bad job: the batch rolls back, each runs again alone.
        futures = [db.submit(good), db.submit(bad), db.submit(good)]
        for f in futures:
            with contextlib.suppress(ValueError):
                f.result()
        assert router.pool.get(7).load == 2
    finally:
        router.uninstall()


def test_nobody_online_routing_a_new_ticket_runs_no_query(db: Database) -> None:
    router = routing.Router(db, Settings(db=db.url))
    router.install()

    class NoQueries:
        engine = db.writer_engine

        def execute(self, *args: Any, **kw: Any) -> Any:
            raise AssertionError("routing queried the database with nobody online")

    try:
        router.pool = AgentPool([Agent(7, frozenset({"l1"}), frozenset(), Presence.offline)])
        ctx = WriteContext(NoQueries(), FRI)  # type: ignore[arg-type]
        row = {"id": 1, "queue": "l1", "player_id": 1, "assignee_id": None, "language": None}
        assert routing.on_create(ctx, row) is None
    finally:
        router.uninstall()


# --- through the app ------------------------------------------------------------------------


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    yield from frozen_at(FRI)


@pytest.fixture
def desk(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    s = replace(
        settings, sla_job=False, routing_strategies=("l2=cheapest_first",), routing_waiting_batch=2
    )
    add_user(s.db_url, "lead", role="shift_lead")
    add_user(s.db_url, "admin", role="admin")
    agent(s.db_url, "ann", ["en"], queues=["l2"])
    agent(s.db_url, "bob", ["en"], queues=["l2"])
    agent(s.db_url, "expert", ["en"], queues=["l2"])
    with TestClient(create_app(s, migrate=False)) as client:
        client.headers.update(login(client, "lead"))
        yield client


def write(client: TestClient, job: Any) -> Any:
    db = client.app.state.server.db  # type: ignore[attr-defined]
    return client.portal.call(db.write, job)  # type: ignore[union-attr]


def test_assignment_timeout_counts_business_time_on_the_queue_calendar(
    desk: TestClient, clock: FrozenClock
) -> None:
    source = DEFAULTS_PATH.read_text().replace('version = "seeds-2026.1"', 'version = "biz"')
    source = source.replace(
        '[queues.l2]\ncalendar = "24x7"', '[queues.l2]\ncalendar = "au-business"'
    )
    assert 'calendar = "au-business"' in source.split("[queues.l2]")[1][:40]
    r = desk.post("/api/v1/sla/policies", json={"source": source}, headers=login(desk, "admin"))
    assert r.status_code == 201, r.text
    presence(desk, "ann", "online")
    t = new_ticket(desk, queue="l2", language="en")
    assert t["assignee"] == "ann"
    job = desk.app.state.assignment_job  # type: ignore[attr-defined]
    due = write(desk, lambda ctx: ticket_store.get(ctx.conn, t["id"]))["assign_due_at"]
    # 5 business minutes left on Friday, 5 more from Monday 09:00 Sydney (Sunday 22:00 UTC).
    assert due.replace(tzinfo=UTC) == datetime(2026, 12, 6, 22, 5, tzinfo=UTC)
    presence(desk, "bob", "online")
    clock.advance(hours=2)  # Friday evening: the office is closed, nothing is due
    desk.portal.call(job.step)  # type: ignore[union-attr]
    assert desk.get(f"/api/v1/tickets/{t['id']}").json()["assignee"] == "ann"
    clock.at = datetime(2026, 12, 6, 22, 5, 1, tzinfo=UTC)
    desk.portal.call(job.step)  # type: ignore[union-attr]
    assert desk.get(f"/api/v1/tickets/{t['id']}").json()["assignee"] == "bob"


def test_route_again_for_escalation_with_a_higher_cost_level(desk: TestClient) -> None:
    ids = {a["username"]: a["id"] for a in desk.get("/api/v1/agents").json()["items"]}
    r = desk.patch(f"/api/v1/agents/{ids['expert']}", json={"cost": 2})
    assert r.status_code == 200, r.text
    for who in ("ann", "expert"):
        presence(desk, who, "online")
    t = new_ticket(desk, queue="l2", language="en")
    assert t["assignee"] == "ann"  # cheapest first
    assert desk.get(f"/api/v1/tickets/{t['id']}").json()["messages"][-1]["body"] == (
        "Assigned to ann (cheapest first)"
    )

    def escalate(ctx: WriteContext) -> Any:
        row = ticket_store.get(ctx.conn, t["id"])
        return routing.route_again(ctx, row, min_cost=2, why="Escalated to level 1")

    decision = write(desk, escalate)
    assert (decision.agent_id, decision.reason) == (ids["expert"], "cheapest_first")
    got = desk.get(f"/api/v1/tickets/{t['id']}").json()
    assert got["assignee"] == "expert" and got["version"] == 2
    assert got["messages"][-1]["body"] == (
        "Escalated to level 1; assigned to expert (cheapest first)"
    )
    loads = {a["username"]: a["load"] for a in desk.get("/api/v1/agents").json()["items"]}
    assert (loads["ann"], loads["expert"]) == (0, 1)
    # Nobody at a higher level: the assignee stays.
    again = write(
        desk,
        lambda ctx: routing.route_again(
            ctx, ticket_store.get(ctx.conn, t["id"]), exclude=(ids["expert"],), min_cost=2
        ),
    )
    assert again.agent_id is None
    assert desk.get(f"/api/v1/tickets/{t['id']}").json()["assignee"] == "expert"


def test_waiting_tickets_are_routed_in_bounded_batches(desk: TestClient) -> None:
    tickets = [new_ticket(desk, queue="l2", player={"external_id": f"p{i}"}) for i in range(3)]
    presence(desk, "ann", "online")  # routing_waiting_batch = 2
    got = [desk.get(f"/api/v1/tickets/{t['id']}").json()["assignee"] for t in tickets]
    assert got == ["ann", "ann", None]
    # The job's periodic sweep picks up the rest.
    assert write(desk, desk.app.state.router.fill_all) == 1  # type: ignore[attr-defined]
    assert desk.get(f"/api/v1/tickets/{tickets[2]['id']}").json()["assignee"] == "ann"


@pytest.mark.postgres
def test_one_process_runs_the_assignment_job(db_url: str, settings: Settings) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("one server process per SQLite file: it always runs the job")
    dbs = [Database(db_url), Database(db_url)]
    jobs = [AssignmentJob(d, routing.Router(d, settings)) for d in dbs]
    try:
        assert jobs[0]._try_lead() is True
        assert jobs[1]._try_lead() is False
        jobs[0]._release()  # the leader dies: its session ends, the lock is free
        assert jobs[1]._try_lead() is True
    finally:
        for j in jobs:
            j._release()
        for d in dbs:
            d.close()


def test_deadline_is_none_without_a_timeout(db: Database) -> None:
    router = routing.Router(db, Settings(db=db.url, routing_assignment_timeout_minutes=0))
    assert router.deadline({"queue": "l1", "sla_policy": None}, FRI) is None
    router = routing.Router(db, Settings(db=db.url))
    assert router.deadline({"queue": "l1", "sla_policy": None}, FRI) == FRI + timedelta(minutes=10)
