"""SLA wired into the server: the `sla` object, the SLA job, escalations, exemptions, policies.

Time is frozen (``set_clock``) and moved by hand; the SLA job's step is run by hand too, so
each scenario is exact: a VIP P1 escalated at +10, +30 and +60 minutes, a ticket paused while
waiting on the player, a breach that fell due while the server was down fired late at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.api.app import create_app
from server.domain.sla_policy import DEFAULTS_PATH, PolicyError
from server.settings import Settings
from server.store.engine import make_engine
from server.store.tables import clock_firings

from .conftest import T0, FrozenClock, add_user, as_player, login, new_ticket


@pytest.fixture
def manual(settings: Settings) -> Settings:
    """The SLA job does not run by itself: the test runs its steps."""
    return replace(settings, sla_job=False)


@pytest.fixture
def desk(manual: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    add_user(manual.db_url, "maria")
    add_user(manual.db_url, "lead", role="shift_lead")
    add_user(manual.db_url, "admin", role="admin")
    add_user(manual.db_url, "intake", role="integration", queues=[])
    with TestClient(create_app(manual, migrate=False)) as client:
        client.headers.update(login(client))
        yield client


def step(client: TestClient) -> int:
    job = client.app.state.server.sla_clock  # type: ignore[attr-defined]
    return client.portal.call(job.step)  # type: ignore[union-attr]


def get(client: TestClient, ticket_id: int) -> dict[str, Any]:
    r = client.get(f"/api/v1/tickets/{ticket_id}")
    assert r.status_code == 200, r.text
    return r.json()


def feed(client: TestClient, entity: str) -> list[dict[str, Any]]:
    r = client.get("/api/v1/changes", params={"since": 0, "limit": 1000})
    return [c for c in r.json()["changes"] if c["entity"] == entity]


def due(ticket: dict[str, Any], kind: str) -> datetime | None:
    value = ticket["sla"][f"{kind}_due_at"]
    return None if value is None else datetime.fromisoformat(value)


# --- the sla object ----------------------------------------------------------------------


def test_every_ticket_carries_its_sla_from_the_default_policy(desk: TestClient) -> None:
    t = new_ticket(desk)  # standard player, L1, web chat, P3
    sla = t["sla"]
    assert sla["policy"] == "seeds-2026.1"
    assert sla["state"] == "ok" and sla["exempt"] is False and sla["paused"] is False
    assert due(t, "first_response") == T0 + timedelta(minutes=15)
    assert due(t, "resolution") == T0 + timedelta(hours=4)
    assert due(t, "next_update") is None  # not running before the first reply
    assert sla["remaining_s"] == 15 * 60
    assert datetime.fromisoformat(sla["eta"]) == T0 + timedelta(minutes=15)
    assert datetime.fromisoformat(sla["next_change_at"]) == T0 + timedelta(minutes=15 * 0.75)
    assert get(desk, t["id"])["sla"] == sla  # read back: the same, time has not moved


@pytest.mark.parametrize(
    ("tier", "channel", "first_response_s"),
    [
        ("vip", "web_chat", 30),
        ("vvip", "telegram", 15),
        ("vip", "phone", 20),
        ("vvip", "phone", 10),
    ],
)
def test_vip_and_vvip_targets_by_channel(
    desk: TestClient, tier: str, channel: str, first_response_s: int
) -> None:
    t = new_ticket(desk, channel=channel, player={"external_id": f"p-{tier}", "tier": tier})
    assert t["queue"] == "vip"
    assert due(t, "first_response") == T0 + timedelta(seconds=first_response_s)


def test_vvip_chat_at_night_is_answered_around_the_clock(
    desk: TestClient, clock: FrozenClock
) -> None:
    """SEEDS 001: VVIP chat ≤ 15 s runs 24/7, even at 22:00 on a Saturday."""
    clock.at = datetime(2026, 12, 12, 22, 0, tzinfo=UTC)
    t = new_ticket(desk, player={"external_id": "vvip-night", "tier": "vvip"})
    assert due(t, "first_response") == clock.at + timedelta(seconds=15)


def test_the_countdown_moves_with_time_and_turns_warning_then_breached(
    desk: TestClient, clock: FrozenClock
) -> None:
    t = new_ticket(desk)
    clock.advance(minutes=12)
    assert get(desk, t["id"])["sla"]["state"] == "warning"
    assert get(desk, t["id"])["sla"]["remaining_s"] == 3 * 60
    clock.advance(minutes=4)
    now = get(desk, t["id"])["sla"]
    assert now["state"] == "breached" and now["remaining_s"] == -60


# --- the clock's rules through the API ---------------------------------------------------


def test_first_response_is_met_by_a_public_reply_not_by_a_note(
    desk: TestClient, clock: FrozenClock
) -> None:
    t = new_ticket(desk)
    clock.advance(minutes=5)
    desk.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body": "checking"})
    assert due(get(desk, t["id"]), "first_response") is not None
    clock.advance(minutes=1)
    r = desk.post(
        f"/api/v1/tickets/{t['id']}/messages", json={"kind": "reply", "body": "Checking now."}
    )
    assert r.status_code == 201
    got = get(desk, t["id"])
    assert due(got, "first_response") is None  # met
    assert due(got, "next_update") == clock.at + timedelta(hours=1)  # restarts at each reply


def test_waiting_on_the_player_pauses_the_clock_and_the_answer_resumes_it(
    desk: TestClient, clock: FrozenClock
) -> None:
    t = new_ticket(desk)
    clock.advance(minutes=5)
    r = desk.patch(
        f"/api/v1/tickets/{t['id']}",
        json={"status": "in_progress"},
        headers={"If-Match": str(t["version"])},
    )
    r = desk.patch(
        f"/api/v1/tickets/{t['id']}",
        json={"status": "needs_clarification"},
        headers={"If-Match": str(r.json()["version"])},
    )
    assert r.status_code == 200, r.text
    paused = r.json()["sla"]
    assert paused["state"] == "paused" and paused["paused"] is True
    assert paused["first_response_due_at"] is None and paused["remaining_s"] == 10 * 60
    clock.advance(hours=3)  # the player takes three hours to answer
    assert get(desk, t["id"])["sla"]["remaining_s"] == 10 * 60  # frozen while paused
    assert step(desk) == 0  # nothing falls due while paused
    as_player(desk, t["id"], "Here is the screenshot")
    resumed = get(desk, t["id"])
    assert resumed["sla"]["state"] == "ok"
    # 5 minutes used before the pause: 10 left from the answer, 3 hours later than at first.
    assert due(resumed, "first_response") == clock.at + timedelta(minutes=10)


# --- the SLA job -------------------------------------------------------------------------


def test_the_job_fires_warning_and_breach_once_each(desk: TestClient, clock: FrozenClock) -> None:
    t = new_ticket(desk)
    assert step(desk) == 0
    clock.advance(minutes=11, seconds=15)  # 75 % of 15 min
    assert step(desk) == 1
    clock.advance(minutes=3, seconds=45)  # 15 min
    assert step(desk) == 1
    assert step(desk) == 0
    events = feed(desk, "sla")
    assert [(e["op"], e["data"]["clock"]) for e in events] == [
        ("warning", "first_response"),
        ("breached", "first_response"),
    ]
    assert all(e["data"]["late"] is False for e in events)
    thread = get(desk, t["id"])["messages"]
    assert any(m["kind"] == "system" and "SLA breached" in m["body"] for m in thread)
    queue = next(q for q in desk.get("/api/v1/queues").json() if q["name"] == "l1")
    assert queue["by_sla"] == {"breached": 1}


def test_vip_p1_climbs_the_ladder_at_10_30_and_60_minutes(
    desk: TestClient, clock: FrozenClock
) -> None:
    t = new_ticket(
        desk,
        priority="P1",
        body="The roulette table froze mid-spin and my bet is gone",
        player={"external_id": "vip-p1", "tier": "vip"},
    )
    assert t["escalation"]["level"] == 0
    assert datetime.fromisoformat(t["escalation"]["next_at"]) == T0 + timedelta(minutes=10)
    levels = []
    for minutes in (10, 30, 60):
        clock.at = T0 + timedelta(minutes=minutes)
        step(desk)
        got = get(desk, t["id"])
        levels.append(got["escalation_level"])
    assert levels == [1, 2, 3]
    steps = feed(desk, "escalation")
    assert [(s["data"]["level"], s["data"]["due_at"]) for s in steps] == [
        (n, (T0 + timedelta(minutes=m)).isoformat()) for n, m in ((1, 10), (2, 30), (3, 60))
    ]
    assert "vip_director" in steps[-1]["data"]["roles"]
    history = [m["body"] for m in get(desk, t["id"])["messages"] if m["kind"] == "system"]
    assert sum("Escalation: level" in b for b in history) == 3


def test_a_payment_failure_goes_to_payments_and_escalates_at_once(desk: TestClient) -> None:
    t = new_ticket(desk, body="My payment failed twice and the money left my card")
    assert t["queue"] == "payments"
    assert t["escalation_level"] == 1 and t["escalation"]["handoff"] is True
    assert feed(desk, "escalation")[0]["data"]["cause"].startswith("phrase:")


def test_a_stop_list_factor_tag_escalates(desk: TestClient) -> None:
    t = new_ticket(desk)
    r = desk.patch(
        f"/api/v1/tickets/{t['id']}",
        json={"tags": ["account_blocked"]},
        headers={"If-Match": str(t["version"])},
    )
    assert r.status_code == 200
    assert r.json()["escalation_level"] == 1
    assert feed(desk, "escalation")[0]["data"]["cause"] == "factor:account_blocked"


def test_nothing_fires_twice_across_restarts_and_what_fell_due_while_down_fires_late(
    manual: Settings, clock: FrozenClock
) -> None:
    add_user(manual.db_url, "maria")
    with TestClient(create_app(manual, migrate=False)) as client:
        client.headers.update(login(client))
        t = new_ticket(client)
    clock.advance(minutes=20)  # warning and breach fell due while the server was down
    with TestClient(create_app(manual, migrate=False)) as client:
        client.headers.update(login(client))
        assert step(client) == 1
        fired = feed(client, "sla")
        assert [e["op"] for e in fired] == ["warning", "breached"]
        assert all(e["data"]["late"] for e in fired)
        assert fired[1]["data"]["late_s"] == 5 * 60
    clock.advance(minutes=1)
    with TestClient(create_app(manual, migrate=False)) as client:
        client.headers.update(login(client))
        assert step(client) == 0
        assert len(feed(client, "sla")) == 2
        assert get(client, t["id"])["sla"]["state"] == "breached"
    engine = make_engine(manual.db_url, pool_size=1)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(clock_firings)).scalar() == 2
    engine.dispose()


def test_the_running_job_fires_by_itself(settings: Settings) -> None:
    """Real time, the job running in the background: a 1-second target fires within 2 s."""
    policy = DEFAULTS_PATH.read_text().replace('version = "seeds-2026.1"', 'version = "fast"')
    policy += (
        '\n[[rules]]\nname = "fast"\nqueue = "l2"\npriority = "P3"\nchannel = "web_chat"\n'
        'first_response = "1s"\n'
    )
    add_user(settings.db_url, "admin", role="admin")
    with TestClient(create_app(settings, migrate=False)) as client:
        client.headers.update(login(client, "admin"))
        r = client.post("/api/v1/sla/policies", json={"source": policy})
        assert r.status_code == 201, r.text
        t = new_ticket(client, queue="l2")
        assert t["sla"]["policy"] == "fast"
        for _ in range(100):
            if [e["op"] for e in feed(client, "sla")] == ["warning", "breached"]:
                break
            client.portal.call(_sleep, 0.05)
        ops = [(e["op"], e["data"]["late_s"]) for e in feed(client, "sla")]
        assert ops == [("warning", 0), ("breached", 0)]
        assert get(client, t["id"])["sla"]["state"] == "breached"


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


# --- people acting on the clock ----------------------------------------------------------


def test_a_shift_lead_exempts_a_ticket_with_a_reason(desk: TestClient, clock: FrozenClock) -> None:
    t = new_ticket(desk)
    url = f"/api/v1/tickets/{t['id']}/sla"
    r = desk.post(url, json={"exempt": True, "reason": "test"})
    assert r.status_code == 403  # an agent may not
    lead = login(desk, "lead")
    assert desk.post(url, json={"exempt": True}, headers=lead).status_code == 422  # no reason
    r = desk.post(url, json={"exempt": True, "reason": "player asked to wait"}, headers=lead)
    assert r.status_code == 200, r.text
    sla = r.json()["sla"]
    assert sla["state"] == "met" and sla["exempt"] is True
    assert sla["exempt_reason"] == "player asked to wait"
    clock.advance(hours=5)
    assert step(desk) == 0 and feed(desk, "sla") == []
    history = [m["body"] for m in get(desk, t["id"])["messages"] if m["kind"] == "system"]
    assert any("exempted from its SLA — player asked to wait" in b for b in history)
    audit = desk.get("/api/v1/audit", params={"action": "ticket.sla"}, headers=lead).json()
    assert audit["items"][0]["after"]["reason"] == "player asked to wait"
    r = desk.post(url, json={"exempt": False, "reason": "back to normal"}, headers=lead)
    assert r.json()["sla"]["exempt"] is False


def test_a_shift_lead_overrides_a_target(desk: TestClient) -> None:
    t = new_ticket(desk)
    lead = login(desk, "lead")
    url = f"/api/v1/tickets/{t['id']}/sla"
    r = desk.post(url, json={"targets": {"resolution": "8h"}, "reason": "vendor"}, headers=lead)
    assert r.status_code == 200, r.text
    assert due(r.json(), "resolution") == T0 + timedelta(hours=8)
    bad = desk.post(url, json={"targets": {"resolution": "-1h"}, "reason": "x"}, headers=lead)
    assert bad.status_code == 422 and "negative" in bad.json()["error"]["message"]
    back = desk.post(url, json={"targets": {"resolution": None}, "reason": "ok"}, headers=lead)
    assert due(back.json(), "resolution") == T0 + timedelta(hours=4)


def test_manual_escalation(desk: TestClient) -> None:
    t = new_ticket(desk)
    r = desk.post(f"/api/v1/tickets/{t['id']}/escalate", json={"reason": "player threatens"})
    assert r.status_code == 200, r.text
    assert r.json()["escalation_level"] == 1
    step = feed(desk, "escalation")[0]["data"]
    assert step["cause"] == "manual" and "duty_manager" in step["roles"]
    again = desk.post(f"/api/v1/tickets/{t['id']}/escalate", json={"level": 1, "reason": "x"})
    assert again.status_code == 422


# --- policies ----------------------------------------------------------------------------


def test_policy_upload_is_validated_and_versioned(desk: TestClient) -> None:
    admin = login(desk, "admin")
    old = new_ticket(desk)
    source = DEFAULTS_PATH.read_text()
    assert desk.post("/api/v1/sla/policies", json={"source": source}).status_code == 403
    r = desk.post("/api/v1/sla/policies", json={"source": source}, headers=admin)
    assert r.status_code == 409  # the same version is loaded
    broken = source.replace('version = "seeds-2026.1"', 'version = "v2"').replace(
        'first_response = "15m"       # 002/004', 'first_response = "-15m"  # 002/004', 1
    )
    r = desk.post("/api/v1/sla/policies", json={"source": broken}, headers=admin)
    assert r.status_code == 422
    assert r.json()["error"]["details"]["line"] is not None
    unknown = source.replace('version = "seeds-2026.1"', 'version = "v2"').replace(
        'queue = "l2"\nfirst_response', 'queue = "nope"\nfirst_response', 1
    )
    r = desk.post("/api/v1/sla/policies", json={"source": unknown}, headers=admin)
    assert r.status_code == 422 and "nope" in r.json()["error"]["message"]
    assert desk.get("/api/v1/sla/policies").json()["current"] == "seeds-2026.1"
    good = source.replace('version = "seeds-2026.1"', 'version = "v2"').replace(
        'resolution = "4h"            # 002/004: L1', 'resolution = "6h"  # 002/004: L1', 1
    )
    r = desk.post("/api/v1/sla/policies", json={"source": good}, headers=admin)
    assert r.status_code == 201, r.text
    listing = desk.get("/api/v1/sla/policies").json()
    assert listing["current"] == "v2"
    assert [v["version"] for v in listing["versions"]] == ["seeds-2026.1", "v2"]
    new = new_ticket(desk, player={"external_id": "p-new"})
    assert new["sla"]["policy"] == "v2" and due(new, "resolution") == T0 + timedelta(hours=6)
    kept = get(desk, old["id"])
    assert kept["sla"]["policy"] == "seeds-2026.1" and due(kept, "resolution") == T0 + timedelta(
        hours=4
    )
    assert desk.get("/api/v1/sla/policies/v2").json()["source"] == good


def test_an_uploaded_policy_survives_a_restart(manual: Settings, clock: FrozenClock) -> None:
    add_user(manual.db_url, "admin", role="admin")
    source = DEFAULTS_PATH.read_text().replace('version = "seeds-2026.1"', 'version = "kept"')
    with TestClient(create_app(manual, migrate=False)) as client:
        r = client.post(
            "/api/v1/sla/policies", json={"source": source}, headers=login(client, "admin")
        )
        assert r.status_code == 201
    with TestClient(create_app(manual, migrate=False)) as client:
        client.headers.update(login(client, "admin"))
        assert client.get("/api/v1/sla/policies").json()["current"] == "kept"


def test_the_server_does_not_start_with_an_invalid_policy(settings: Settings, tmp_path) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text(
        DEFAULTS_PATH.read_text().replace('tz = "Australia/Sydney"', 'tz = "Mars/Olympus"')
    )
    app = create_app(replace(settings, sla_policy_file=str(bad)), migrate=False)
    with pytest.raises(PolicyError) as err, TestClient(app):
        pass
    assert "Mars/Olympus" in str(err.value) and err.value.details["line"]


def test_one_process_runs_the_clock_and_another_takes_over(db_url: str) -> None:
    """PostgreSQL: the advisory lock elects one SLA job; when its session ends, another leads."""
    if db_url.startswith("sqlite"):
        pytest.skip("one server process per SQLite file: it always runs the clock")
    from server.jobs.sla_clock import SlaClock
    from server.store.database import Database

    first, second = Database(db_url), Database(db_url)
    try:
        a, b = SlaClock(first), SlaClock(second)
        assert a._try_lead() is True
        assert b._try_lead() is False
        assert a._try_lead() is True  # still holding it
        a._release()  # the leader's session ends (as when its process dies)
        assert b._try_lead() is True
        assert a._try_lead() is False
        b._release()
    finally:
        first.close()
        second.close()
