"""Automation (issue 5 item 7) under a frozen clock: the player's silence after a request for
clarification (the bot's reminder, outside their quiet hours unless P1, then auto-resolve),
and the agent's follow-up time from `:pending`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.api.app import create_app
from server.domain.automation import AutomationRules, Silence, follow_up_at, timers
from server.settings import Settings

from .conftest import FrozenClock, add_user, as_player, login, new_ticket
from .test_api_sla import feed, get, step


@pytest.fixture
def desk(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    manual = replace(settings, sla_job=False, routing=False)
    add_user(manual.db_url, "maria")
    add_user(manual.db_url, "intake", role="integration", queues=[])
    with TestClient(create_app(manual, migrate=False)) as client:
        client.headers.update(login(client))
        yield client


def patch(client: TestClient, ticket: dict[str, Any], **data: Any) -> dict[str, Any]:
    r = client.patch(
        f"/api/v1/tickets/{ticket['id']}",
        json=data,
        headers={"If-Match": str(ticket["version"])},
    )
    assert r.status_code == 200, r.text
    return r.json()


def ask_player(client: TestClient, **ticket_fields: Any) -> dict[str, Any]:
    """A ticket whose agent asked the player for clarification just now."""
    t = new_ticket(client, **ticket_fields)
    t = patch(client, t, status="in_progress")
    return patch(client, t, status="needs_clarification")


def thread(client: TestClient, ticket_id: int) -> list[dict[str, Any]]:
    return get(client, ticket_id)["messages"]


def bot_lines(client: TestClient, ticket_id: int) -> list[str]:
    return [m["body"] for m in thread(client, ticket_id) if m["kind"] == "bot"]


def automation_events(client: TestClient) -> list[tuple[int, str]]:
    return [(c["data"]["ticket_id"], c["op"]) for c in feed(client, "automation")]


def test_silence_reminds_then_resolves(desk: TestClient, clock: FrozenClock) -> None:
    t = ask_player(desk)
    clock.advance(hours=24, seconds=-1)
    step(desk)
    assert bot_lines(desk, t["id"]) == []
    clock.advance(seconds=2)
    step(desk)
    [reminder] = bot_lines(desk, t["id"])
    assert f"#{t['id']}" in reminder and "48 hours" in reminder
    assert automation_events(desk) == [(t["id"], "reminder")]
    step(desk)  # nothing fires twice
    assert len(bot_lines(desk, t["id"])) == 1
    clock.advance(hours=48)
    step(desk)
    after = get(desk, t["id"])
    assert after["status"] == "resolved"
    assert any(
        m["kind"] == "system" and m["body"].startswith("Resolved automatically")
        for m in after["messages"]
    )
    assert automation_events(desk) == [(t["id"], "reminder"), (t["id"], "auto_resolve")]


def test_a_player_answer_stops_the_silence_timers(desk: TestClient, clock: FrozenClock) -> None:
    t = ask_player(desk)
    clock.advance(hours=5)
    as_player(desk, t["id"], "Here is the screenshot you asked for")
    clock.advance(hours=100)
    step(desk)
    assert bot_lines(desk, t["id"]) == []
    assert get(desk, t["id"])["status"] == "in_progress"
    assert automation_events(desk) == []


def test_reminder_waits_for_the_end_of_the_players_night(
    desk: TestClient, clock: FrozenClock
) -> None:
    clock.advance(hours=10)  # Monday 20:00 UTC = Tuesday 01:00 in Almaty (UTC+5)
    player = {"external_id": "kz-1", "timezone": "Asia/Almaty"}
    quiet = ask_player(desk, player=player)
    urgent = ask_player(desk, player={**player, "external_id": "kz-2"}, priority="P1")
    clock.advance(hours=24, seconds=1)  # Tuesday 20:00 UTC: 01:00 local, quiet
    step(desk)
    assert bot_lines(desk, quiet["id"]) == []
    assert len(bot_lines(desk, urgent["id"])) == 1  # P1 is not held back
    clock.advance(hours=7)  # Wednesday 03:00 UTC = 08:00 local: quiet hours end
    step(desk)
    assert len(bot_lines(desk, quiet["id"])) == 1


def test_reminder_in_the_players_language(desk: TestClient, clock: FrozenClock) -> None:
    t = ask_player(desk, language="ru", player={"external_id": "ru-1"})
    clock.advance(hours=24, seconds=1)
    step(desk)
    [reminder] = bot_lines(desk, t["id"])
    assert "ждём вашего ответа" in reminder


def test_follow_up_time_from_pending_fires_once(desk: TestClient, clock: FrozenClock) -> None:
    t = new_ticket(desk)
    t = patch(desk, t, assignee="maria", tags=["follow-up/20261207t1200z"])  # T0 + 2 h
    clock.advance(hours=2, seconds=-1)
    step(desk)
    assert automation_events(desk) == []
    clock.advance(seconds=2)
    step(desk)
    step(desk)
    assert automation_events(desk) == [(t["id"], "due")]
    [line] = [m["body"] for m in thread(desk, t["id"]) if m["body"].startswith("Follow-up due")]
    assert "maria" in line
    [event] = feed(desk, "automation")
    assert event["data"]["assignee"] == "maria"


# --- pure ------------------------------------------------------------------------------------


def test_timers_pure() -> None:
    rules = AutomationRules()
    since = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    got = timers(rules, Silence(since, "P3"), [], since)
    assert [(t.event, t.at - since) for t in got] == [
        ("reminder", timedelta(hours=24)),
        ("auto_resolve", timedelta(hours=72)),
    ]
    # quiet mode: no reminder at all, still resolved on time
    got = timers(rules, Silence(since, "P3", quiet_mode=True), [], since)
    assert [t.event for t in got] == ["auto_resolve"]
    assert (
        timers(
            AutomationRules(remind_after=None, resolve_after=None), Silence(since, "P3"), [], since
        )
        == []
    )
    assert follow_up_at(["vip", "follow-up/20261207t1200z", "follow-up/garbage"]) == datetime(
        2026, 12, 7, 12, 0, tzinfo=UTC
    )
    assert follow_up_at(["follow-up/2026-12-08T09:30:00+00:00"]) == datetime(
        2026, 12, 8, 9, 30, tzinfo=UTC
    )
