"""Predicted SLA breach (issue 5 item 8): tickets that will breach at the queue's pace are
flagged before they do, an event goes out, and the flag clears when the ticket is answered.

Time is frozen; the SLA job's prediction is run by hand. The queue's answer time is the
default (10 minutes) until it has answered five tickets recently.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.api.app import create_app
from server.domain.prediction import QueueLoad, expected_wait, handling_time, predicted_breach
from server.settings import Settings

from .conftest import T0, FrozenClock, add_user, login, new_ticket
from .test_api_sla import feed, get, step


@pytest.fixture
def desk(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    manual = replace(settings, sla_job=False, routing=False)
    add_user(manual.db_url, "maria", queues=["l1"])
    add_user(manual.db_url, "intake", role="integration", queues=[])
    with TestClient(create_app(manual, migrate=False)) as client:
        client.headers.update(login(client))
        yield client


def predict(client: TestClient) -> Any:
    job = client.app.state.server.sla_clock  # type: ignore[attr-defined]
    return client.portal.call(job.predict)  # type: ignore[union-attr]


def presence(client: TestClient, value: str) -> None:
    r = client.put("/api/v1/agents/me/presence", json={"presence": value})
    assert r.status_code == 200, r.text


def three_chats(client: TestClient) -> list[dict[str, Any]]:
    return [
        new_ticket(client, player={"external_id": f"p-{i}"}, subject=f"chat {i}") for i in range(3)
    ]


def test_nobody_online_flags_every_waiting_ticket(desk: TestClient) -> None:
    tickets = three_chats(desk)
    assert all(t["sla"]["predicted_breach"] is False for t in tickets)
    report = predict(desk)
    assert report.flagged == sorted(t["id"] for t in tickets)
    for t in tickets:
        assert get(desk, t["id"])["sla"]["predicted_breach"] is True
    events = [c for c in feed(desk, "sla") if c["op"] == "predicted_breach"]
    assert sorted(e["data"]["ticket_id"] for e in events) == sorted(t["id"] for t in tickets)
    assert all(e["data"]["agents_online"] == 0 for e in events)
    # Running again changes nothing and sends nothing new.
    again = predict(desk)
    assert again.flagged == [] and again.cleared == []
    assert len([c for c in feed(desk, "sla") if c["op"] == "predicted_breach"]) == 3


def test_a_desk_wide_change_goes_out_a_part_per_second(desk: TestClient) -> None:
    """`per_second` flags now, the rest by the job's later turns (not one burst to every
    console); a newer plan replaces what is left of the older one."""
    job = desk.app.state.server.sla_clock  # type: ignore[attr-defined]
    job.predict_settings = replace(job.predict_settings, per_second=2)
    tickets = [t["id"] for t in three_chats(desk)] + [
        new_ticket(desk, player={"external_id": f"q-{i}"})["id"] for i in range(2)
    ]

    def flagged() -> list[int]:
        return [i for i in tickets if get(desk, i)["sla"]["predicted_breach"]]

    assert len(predict(desk).flagged) == 2 and len(flagged()) == 2
    assert len(job._flags[1]) == 3  # waiting for the job's next turns
    assert len(desk.portal.call(job._write_flags).flagged) == 2  # type: ignore[union-attr]
    assert len(flagged()) == 4
    # A new plan: only the one still unflagged is left to write.
    assert len(predict(desk).flagged) == 1 and flagged() == tickets
    assert job._flags[1] == []
    events = [c for c in feed(desk, "sla") if c["op"] == "predicted_breach"]
    assert sorted(e["data"]["ticket_id"] for e in events) == sorted(tickets)


def test_a_ticket_answered_since_the_plan_is_not_flagged_from_it(desk: TestClient) -> None:
    job = desk.app.state.server.sla_clock  # type: ignore[attr-defined]
    job.predict_settings = replace(job.predict_settings, per_second=1)
    first, second = [t["id"] for t in three_chats(desk)][:2]
    assert predict(desk).flagged == [first]
    assert second in job._flags[1]
    r = desk.post(f"/api/v1/tickets/{second}/messages", json={"kind": "reply", "body": "Hi"})
    assert r.status_code == 201, r.text
    assert desk.portal.call(job._write_flags).flagged == []  # type: ignore[union-attr]
    assert get(desk, second)["sla"]["predicted_breach"] is False
    events = [c for c in feed(desk, "sla") if c["op"] == "predicted_breach"]
    assert [e["data"]["ticket_id"] for e in events] == [first]


def test_the_running_job_writes_the_rest_second_by_second(desk: TestClient) -> None:
    from server.jobs.sla_clock import SlaClock
    from server.services.prediction import PredictSettings

    server = desk.app.state.server  # type: ignore[attr-defined]
    tickets = [new_ticket(desk, player={"external_id": f"r-{i}"})["id"] for i in range(5)]
    job = SlaClock(server.db, predict_every_s=3600, predict_settings=PredictSettings(per_second=2))
    desk.portal.call(job.start)  # type: ignore[union-attr]
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if all(get(desk, i)["sla"]["predicted_breach"] for i in tickets):
                break
            time.sleep(0.1)
        assert all(get(desk, i)["sla"]["predicted_breach"] for i in tickets)
    finally:
        desk.portal.call(job.stop)  # type: ignore[union-attr]


def test_one_agent_online_flags_only_those_too_deep_in_the_queue(
    desk: TestClient, clock: FrozenClock
) -> None:
    presence(desk, "online")
    tickets = three_chats(desk)
    due = datetime.fromisoformat(tickets[0]["sla"]["first_response_due_at"])
    minutes = (due - T0) / timedelta(minutes=1)
    # One agent, 10 minutes a ticket: position k is picked up after (k + 1) × 10 minutes.
    expected = [t["id"] for k, t in enumerate(tickets) if (k + 1) * 10 > minutes]
    assert 0 < len(expected) < 3, f"first response target {minutes} min"
    assert predict(desk).flagged == expected
    # The agent answers the deepest one: it no longer waits on us, so its flag clears.
    last = tickets[-1]["id"]
    r = desk.post(f"/api/v1/tickets/{last}/messages", json={"kind": "reply", "body": "On it"})
    assert r.status_code == 201, r.text
    report = predict(desk)
    assert last in report.cleared
    assert get(desk, last)["sla"]["predicted_breach"] is False


def test_a_breached_ticket_is_not_a_prediction(desk: TestClient, clock: FrozenClock) -> None:
    [t, *_] = three_chats(desk)
    assert t["id"] in predict(desk).flagged
    clock.advance(hours=3)  # every first-response target passed: breached, not predicted
    step(desk)
    assert t["id"] in predict(desk).cleared
    sla = get(desk, t["id"])["sla"]
    assert sla["state"] == "breached" and sla["predicted_breach"] is False


# --- the model itself (pure) -----------------------------------------------------------------


def test_expected_wait_scales_with_position_and_agents() -> None:
    assert expected_wait(0, QueueLoad(agents=2, handle_s=600)) == 300
    assert expected_wait(3, QueueLoad(agents=2, handle_s=600)) == 1200
    assert expected_wait(3, QueueLoad(agents=2, handle_s=600, concurrency=2)) == 600
    assert expected_wait(0, QueueLoad(agents=0, handle_s=600)) is None
    with pytest.raises(ValueError):
        expected_wait(-1, QueueLoad(agents=1, handle_s=60))


def test_handling_time_is_a_clipped_median_with_a_default() -> None:
    assert handling_time([100, 200], default_s=600) == 600  # too few answers yet
    assert handling_time([100, 200, 300, 400, 10_000], default_s=600) == 300
    assert handling_time([1, 2, 3, 4, 5], default_s=600) == 60  # floor
    assert handling_time([9e9] * 5, default_s=600) == 7200  # ceiling


def test_predicted_breach_edges() -> None:
    load = QueueLoad(agents=1, handle_s=600)
    now = T0
    assert predicted_breach(now, now + timedelta(minutes=15), 0, load) is False
    assert predicted_breach(now, now + timedelta(minutes=15), 1, load) is True
    assert predicted_breach(now, now - timedelta(seconds=1), 5, load) is False  # breached
    assert predicted_breach(now, None, 5, load) is False
    assert predicted_breach(now, now + timedelta(days=1), 0, QueueLoad(0, 600)) is True
    horizon = timedelta(hours=2)  # nobody online now says little about a ticket due tomorrow
    assert predicted_breach(now, now + timedelta(days=1), 0, QueueLoad(0, 600), horizon) is False
    assert predicted_breach(now, now + timedelta(hours=1), 0, QueueLoad(0, 600), horizon) is True
