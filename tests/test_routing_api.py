"""Routing wired into the server (issue 5 item 6), through the real ASGI app under a frozen clock:
sticky owner, language, capacity, presence (set by hand and from the event stream), the VIP
queue and host, waiting tickets routed when an agent comes online or frees capacity, and the
assignment timeout. SQLite and PostgreSQL (the ``db_url`` fixture)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.api.app import create_app
from server.services.users import create_or_update_user
from server.settings import Settings

from .conftest import FrozenClock, add_user, as_player, login, new_ticket


def agent(
    url: str, name: str, langs: list[str], queues: list[str] | None = None, **kw: Any
) -> None:
    create_or_update_user(
        url,
        username=name,
        role=kw.get("role", "l1_agent"),
        password="pw",
        display_name=name.title(),
        queues=["l1", "l2"] if queues is None else queues,
        languages=langs,
    )


@pytest.fixture
def desk(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    s = replace(settings, sla_job=False, routing_assignment_timeout_minutes=10.0)
    add_user(s.db_url, "lead", role="shift_lead")
    add_user(s.db_url, "intake", role="integration", queues=[])
    add_user(s.db_url, "cora", role="compliance", queues=[])
    agent(s.db_url, "olga", ["ru", "en"])
    agent(s.db_url, "ed", ["en"])
    agent(s.db_url, "chloe", ["en"], queues=["vip"], role="vip_host")
    agent(s.db_url, "victor", ["en"], queues=["vip"])
    with TestClient(create_app(s, migrate=False)) as client:
        client.headers.update(login(client, "lead"))
        yield client


def presence(client: TestClient, who: str, value: str) -> dict[str, Any]:
    r = client.put(
        "/api/v1/agents/me/presence", json={"presence": value}, headers=login(client, who)
    )
    assert r.status_code == 200, r.text
    assert r.json()["presence"] == value
    return r.json()


def agents(client: TestClient) -> dict[str, dict[str, Any]]:
    r = client.get("/api/v1/agents")
    assert r.status_code == 200, r.text
    return {a["username"]: a for a in r.json()["items"]}


def get(client: TestClient, ticket_id: int) -> dict[str, Any]:
    r = client.get(f"/api/v1/tickets/{ticket_id}")
    assert r.status_code == 200, r.text
    return r.json()


def history(client: TestClient, ticket_id: int) -> list[str]:
    return [m["body"] for m in get(client, ticket_id)["messages"] if m["kind"] == "system"]


def open_ticket(client: TestClient, player: str = "p1", **kw: Any) -> dict[str, Any]:
    return new_ticket(client, player={"external_id": player, **kw.pop("pl", {})}, **kw)


def test_nobody_online_the_ticket_waits_then_goes_to_who_comes_online(desk: TestClient) -> None:
    t = open_ticket(desk, language="ru")
    assert t["assignee"] is None and history(desk, t["id"]) == []
    presence(desk, "ed", "online")  # no Russian: still waiting
    assert get(desk, t["id"])["assignee"] is None
    presence(desk, "olga", "online")
    got = get(desk, t["id"])
    assert got["assignee"] == "olga" and got["version"] == 2
    assert history(desk, t["id"]) == ["Assigned to olga (least loaded)"]
    feed = desk.get("/api/v1/changes", params={"since": 0}).json()["changes"]
    updates = [c for c in feed if c["entity"] == "ticket" and c["data"]["id"] == t["id"]]
    assert updates[-1]["data"]["assignee"] == "olga"
    assert agents(desk)["olga"]["load"] == 1


def test_on_create_least_loaded_who_speaks_the_language(desk: TestClient) -> None:
    presence(desk, "olga", "online")
    presence(desk, "ed", "online")
    ru = open_ticket(desk, "p1", language="ru")
    assert ru["assignee"] == "olga"
    assert history(desk, ru["id"]) == ["Assigned to olga (least loaded)"]
    en = open_ticket(desk, "p2", language="en")
    assert en["assignee"] == "ed"  # olga has one already
    en2 = open_ticket(desk, "p3", language="en")
    assert en2["assignee"] in ("olga", "ed")
    loads = {k: v["load"] for k, v in agents(desk).items() if k in ("olga", "ed")}
    assert loads == {"olga": 2, "ed": 1} or loads == {"olga": 1, "ed": 2}


def test_sticky_owner_of_the_players_open_ticket(desk: TestClient) -> None:
    presence(desk, "olga", "online")
    first = open_ticket(desk, "whale-1", language="en")
    assert first["assignee"] == "olga"
    presence(desk, "ed", "online")  # less loaded now, but the player is olga's
    second = open_ticket(desk, "whale-1", language="en")
    assert second["assignee"] == "olga"
    assert history(desk, second["id"]) == ["Assigned to olga (owner of the player's open ticket)"]
    other = open_ticket(desk, "someone-else", language="en")
    assert other["assignee"] == "ed"


def test_capacity_is_respected_and_freed_capacity_takes_the_next_waiting(
    desk: TestClient,
) -> None:
    olga_id = agents(desk)["olga"]["id"]
    r = desk.patch(f"/api/v1/agents/{olga_id}", json={"capacity": 1})
    assert r.status_code == 200 and r.json()["capacity"] == 1
    presence(desk, "olga", "online")
    a = open_ticket(desk, "p1", language="ru")
    b = open_ticket(desk, "p2", language="ru", priority="P2")
    c = open_ticket(desk, "p3", language="ru", priority="P4")
    assert a["assignee"] == "olga" and b["assignee"] is None and c["assignee"] is None
    r = desk.patch(
        f"/api/v1/tickets/{a['id']}", json={"status": "resolved"}, headers={"If-Match": "1"}
    )
    assert r.status_code == 200, r.text
    # The next one in work order (P2 before P4) goes to olga.
    assert get(desk, b["id"])["assignee"] == "olga"
    assert get(desk, c["id"])["assignee"] is None
    assert agents(desk)["olga"]["load"] == 1


def test_an_away_agent_is_skipped(desk: TestClient) -> None:
    presence(desk, "olga", "away")
    presence(desk, "ed", "online")
    t = open_ticket(desk, language="en")
    assert t["assignee"] == "ed"
    presence(desk, "ed", "offline")
    t2 = open_ticket(desk, "p9", language="en")
    assert t2["assignee"] is None


def test_vip_players_go_to_the_vip_queue_their_host_first(desk: TestClient) -> None:
    cora = login(desk, "cora")
    desk.put("/api/v1/players/whale", json={"tier": "vvip", "host": "chloe"}, headers=cora)
    desk.put("/api/v1/players/vip2", json={"tier": "vip"}, headers=cora)
    presence(desk, "victor", "online")
    presence(desk, "chloe", "online")
    presence(desk, "ed", "online")
    hosted = open_ticket(desk, "whale", language="en")
    assert (hosted["queue"], hosted["assignee"]) == ("vip", "chloe")
    assert history(desk, hosted["id"]) == ["Assigned to chloe (the player's host)"]
    other = open_ticket(desk, "vip2", language="en")
    assert (other["queue"], other["assignee"]) == ("vip", "victor")  # ed does not serve vip


def test_unanswered_assignment_times_out_and_goes_to_someone_else(
    desk: TestClient, clock: FrozenClock
) -> None:
    presence(desk, "olga", "online")
    t = open_ticket(desk, "p1", language="en")
    answered = open_ticket(desk, "p2", language="en")
    assert t["assignee"] == answered["assignee"] == "olga"
    r = desk.post(
        f"/api/v1/tickets/{answered['id']}/messages",
        json={"kind": "reply", "body": "Looking into it"},
        headers=login(desk, "olga"),
    )
    assert r.status_code == 201, r.text
    presence(desk, "ed", "online")
    job = desk.app.state.assignment_job  # type: ignore[attr-defined]
    clock.advance(minutes=9, seconds=59)
    desk.portal.call(job.step)  # type: ignore[union-attr]
    assert get(desk, t["id"])["assignee"] == "olga"
    clock.advance(seconds=2)
    desk.portal.call(job.step)  # type: ignore[union-attr]
    got = get(desk, t["id"])
    assert got["assignee"] == "ed"
    assert history(desk, t["id"])[-1] == (
        "Assignment to olga timed out (no public reply within 10 min of business time); "
        "assigned to ed (least loaded)"
    )
    assert get(desk, answered["id"])["assignee"] == "olga"  # she answered that one
    assert {k: v["load"] for k, v in agents(desk).items() if k in ("olga", "ed")} == {
        "olga": 1,
        "ed": 1,
    }
    # ed does not answer either; olga is excluded from *this* re-route only, and nobody else is
    # online: back to the queue.
    presence(desk, "olga", "away")
    clock.advance(minutes=11)
    desk.portal.call(job.step)  # type: ignore[union-attr]
    assert get(desk, t["id"])["assignee"] is None
    assert history(desk, t["id"])[-1].endswith("back to the queue: nobody available")


def test_presence_follows_the_event_stream(desk: TestClient) -> None:
    olga = login(desk, "olga")
    assert agents(desk)["olga"]["presence"] == "offline"
    with desk.stream("GET", "/api/v1/events", headers=olga) as r:
        assert next(r.iter_lines()).startswith("retry:")
        assert agents(desk)["olga"]["presence"] == "online"
        t = open_ticket(desk, language="en")
        assert t["assignee"] == "olga"
    deadline = time.monotonic() + 10
    while agents(desk)["olga"]["presence"] != "offline":
        assert time.monotonic() < deadline, "presence did not go offline with the stream"
        time.sleep(0.05)
    # Away by hand: the stream does not bring her online.
    presence(desk, "olga", "away")
    with desk.stream("GET", "/api/v1/events", headers=olga) as r:
        assert next(r.iter_lines()).startswith("retry:")
        assert agents(desk)["olga"]["presence"] == "away"


def test_a_player_reopening_gives_the_load_back(desk: TestClient) -> None:
    presence(desk, "olga", "online")
    t = open_ticket(desk, language="en")
    r = desk.patch(
        f"/api/v1/tickets/{t['id']}", json={"status": "resolved"}, headers={"If-Match": "1"}
    )
    assert r.status_code == 200, r.text
    assert agents(desk)["olga"]["load"] == 0
    as_player(desk, t["id"], "It happened again")
    assert get(desk, t["id"])["status"] == "reopened"
    pool = desk.app.state.router.pool  # type: ignore[attr-defined]
    assert pool.get(agents(desk)["olga"]["id"]).load == 1 == agents(desk)["olga"]["load"]


def test_agents_api_permissions_validation_and_audit(desk: TestClient) -> None:
    olga_id = agents(desk)["olga"]["id"]
    intake = login(desk, "intake")
    assert desk.get("/api/v1/agents", headers=intake).status_code == 403
    r = desk.patch(f"/api/v1/agents/{olga_id}", json={"capacity": 3}, headers=login(desk, "ed"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    bad = [
        {},
        {"capacity": -1},
        {"capacity": None},
        {"queues": ["nope"]},
        {"languages": ["not a language"]},
        {"colour": "red"},
    ]
    for body in bad:
        r = desk.patch(f"/api/v1/agents/{olga_id}", json=body)
        assert r.status_code == 422, (body, r.text)
    assert desk.patch("/api/v1/agents/999999", json={"capacity": 2}).status_code == 404
    r = desk.put("/api/v1/agents/me/presence", json={"presence": "busy"})
    assert r.status_code == 422
    r = desk.patch(
        f"/api/v1/agents/{olga_id}",
        json={
            "capacity": 8,
            "cost": 2,
            "experience": 4.5,
            "queues": ["l1", "vip"],
            "languages": ["RU"],
        },
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["capacity"], got["cost"], got["experience"]) == (8, 2, 4.5)
    assert (got["queues"], got["languages"]) == (["l1", "vip"], ["ru"])
    trail = desk.get("/api/v1/audit", params={"entity": "user", "entity_id": str(olga_id)})
    assert trail.status_code == 200, trail.text
    rows = [a for a in trail.json()["items"] if a["action"] == "agent.update"]
    assert rows and rows[-1]["after"]["capacity"] == 8 and rows[-1]["before"]["capacity"] == 5


def test_escalation_hands_a_cheapest_first_ticket_to_a_senior_agent(
    settings: Settings, clock: FrozenClock
) -> None:
    """Routing on escalation: in a cheapest-first queue a first-line agent (cost 1) gets the
    ticket, and an escalation to level 1 hands it to an expert (cost 2), with a history line."""
    s = replace(settings, sla_job=False, routing_strategies=("l1=cheapest_first",))
    add_user(s.db_url, "lead", role="shift_lead")
    agent(s.db_url, "ed", ["en"], queues=["l1"])
    agent(s.db_url, "sam", ["en"], queues=["l1"])
    with TestClient(create_app(s, migrate=False)) as client:
        client.headers.update(login(client, "lead"))
        agents = {a["username"]: a["id"] for a in client.get("/api/v1/agents").json()["items"]}
        r = client.patch(f"/api/v1/agents/{agents['sam']}", json={"cost": 2})
        assert r.status_code == 200, r.text
        presence(client, "ed", "online")
        presence(client, "sam", "online")
        t = new_ticket(client, queue="l1")
        assert t["assignee"] == "ed"  # the cheapest level first
        r = client.post(f"/api/v1/tickets/{t['id']}/escalate", json={"reason": "angry player"})
        assert r.status_code == 200, r.text
        after = client.get(f"/api/v1/tickets/{t['id']}").json()
        assert after["assignee"] == "sam"
        assert any(
            m["kind"] == "system" and m["body"].startswith("Escalated to level 1")
            for m in after["messages"]
        )


def test_a_timed_out_agent_does_not_get_the_ticket_back_from_the_sweep(
    desk: TestClient, clock: FrozenClock
) -> None:
    """The only agent online lets an assignment time out: the ticket goes back to the queue,
    and the sweep of waiting tickets does not hand it straight back to them."""
    presence(desk, "olga", "online")
    t = open_ticket(desk, "p1", language="en")
    assert t["assignee"] == "olga"
    job = desk.app.state.assignment_job  # type: ignore[attr-defined]
    clock.advance(minutes=10, seconds=1)
    desk.portal.call(job.step)  # type: ignore[union-attr]
    assert get(desk, t["id"])["assignee"] is None
    desk.portal.call(job.sweep)  # type: ignore[union-attr]
    assert get(desk, t["id"])["assignee"] is None
    presence(desk, "ed", "online")  # someone else comes online: it goes to them
    assert get(desk, t["id"])["assignee"] == "ed"
