"""Follow-ups: after a ticket is resolved the bot asks for CSAT then NPS in the player's
language, outside their quiet hours; the answers come back through the intake door."""

# ruff: noqa: F811  (pytest fixtures imported from test_intake_support)

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .conftest import login
from .test_intake_support import desk, fake_payments, intake_settings, ok  # noqa: F401


def tick(client, now):
    return client.portal.call(client.app.state.intake.followups.tick, now)


def resolve(client, ticket_id):
    lead = login(client, "lead")
    t = client.get(f"/api/v1/tickets/{ticket_id}", headers=lead).json()
    r = client.patch(
        f"/api/v1/tickets/{ticket_id}",
        json={"status": "resolved"},
        headers={**lead, "If-Match": str(t["version"])},
    )
    assert r.status_code == 200, r.text


def afternoon(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )


def test_csat_then_nps_in_the_players_language(desk):
    client, key = desk
    tick(client, datetime.now(UTC))  # the loop starts reading the change log from here
    user = {"channel_user_id": "fb", "player": {"timezone": "Europe/Moscow"}}
    out = ok(client, key, "Хочу пожаловаться на работу поддержки, мне грубили", **user)
    assert out["outcome"] == "ticket_created"
    tid = out["ticket"]["id"]
    agent = login(client, "lead")
    assert client.get(f"/api/v1/tickets/{tid}/feedback", headers=agent).status_code == 404
    resolve(client, tid)
    # not due yet
    assert tick(client, datetime.now(UTC) + timedelta(hours=1))["asked"] == 0
    fb = client.get(f"/api/v1/tickets/{tid}/feedback", headers=agent).json()
    assert fb["state"] == "pending"
    # due, and 14:00 UTC is 17:00 in Moscow: asked
    assert client.get(f"/api/v1/tickets/{tid}", headers=agent).json()["feedback"] is None
    seq = client.get("/api/v1/changes", params={"limit": 1}, headers=agent).json()["head_seq"]
    assert tick(client, afternoon(2))["asked"] == 1
    ticket = client.get(f"/api/v1/tickets/{tid}", headers=agent).json()
    asked = ticket["messages"][-1]
    assert asked["kind"] == "bot" and "от 1" in asked["body"] and f"#{tid}" in asked["body"]
    # the bot's own user wrote it, through the same path as every message: on the feed too
    assert (asked["author"], asked["author_name"]) == ("bot", "Bot")
    assert ticket["status"] == "resolved"
    assert ticket["feedback"]["state"] == "asked_csat" and ticket["feedback"]["csat"] is None
    feed = client.get("/api/v1/changes", params={"since": seq}, headers=agent).json()["changes"]
    assert any(c["entity"] == "message" and c["data"]["id"] == asked["id"] for c in feed)
    assert tick(client, afternoon(2))["asked"] == 0  # asked once only
    # the answers come back through intake; the ticket stays resolved
    out = ok(client, key, "5", **user)
    assert out["outcome"] == "feedback_recorded" and out["ticket"]["id"] == tid
    assert out["reply"]["lang"] == "ru" and "0 до 10" in out["reply"]["text"]
    out = ok(client, key, "9 из 10", **user)
    assert out["outcome"] == "feedback_recorded" and "Спасибо" in out["reply"]["text"]
    fb = client.get(f"/api/v1/tickets/{tid}/feedback", headers=agent).json()
    assert (fb["state"], fb["csat"], fb["nps"]) == ("done", 5, 9)
    ticket = client.get(f"/api/v1/tickets/{tid}", headers=agent).json()
    assert ticket["status"] == "resolved"
    assert any(m["body"] == "feedback: CSAT 5/5" for m in ticket["messages"])
    # the player's answers are the player's messages on the ticket, the bot's replies follow
    tail = [(m["kind"], m["body"]) for m in ticket["messages"] if m["kind"] != "system"][-4:]
    assert [k for k, _ in tail] == ["player", "bot", "player", "bot"]
    assert (tail[0][1], tail[2][1]) == ("5", "9 из 10")
    fb = ticket["feedback"]
    assert (fb["state"], fb["csat"], fb["nps"]) == ("done", 5, 9)
    assert fb["asked_at"] and fb["answered_at"]
    # lists show it too, from the ticket row
    page = client.get("/api/v1/tickets", params={"status": "resolved"}, headers=agent).json()
    assert [t["feedback"]["nps"] for t in page["items"] if t["id"] == tid] == [9]
    # after that, "5" is just a message again
    assert ok(client, key, "5", **user)["outcome"] != "feedback_recorded"


def test_quiet_hours_postpone_and_a_reopen_cancels(desk):
    client, key = desk
    tick(client, datetime.now(UTC))
    night = ok(
        client,
        key,
        "I want to complain about a rude agent",
        channel_user_id="night",
        player={"timezone": "Asia/Almaty"},
    )
    later = ok(client, key, "I want to complain about slow answers", channel_user_id="reopen")
    resolve(client, night["ticket"]["id"])
    resolve(client, later["ticket"]["id"])
    # 21:30 UTC is 02:30 in Almaty: postponed to 08:00 there; the other player (UTC) is not
    # in quiet hours, but the ticket was reopened meanwhile, so no question
    lead = login(client, "lead")
    t = client.get(f"/api/v1/tickets/{later['ticket']['id']}", headers=lead).json()
    r = client.patch(
        f"/api/v1/tickets/{t['id']}",
        json={"status": "reopened"},
        headers={**lead, "If-Match": str(t["version"])},
    )
    assert r.status_code == 200, r.text
    at = (datetime.now(UTC) + timedelta(days=2)).replace(
        hour=21, minute=30, second=0, microsecond=0
    )
    counts = tick(client, at)
    assert counts["postponed"] == 1 and counts["cancelled"] == 1 and counts["asked"] == 0
    agent = login(client, "lead")
    fb = client.get(f"/api/v1/tickets/{night['ticket']['id']}/feedback", headers=agent).json()
    assert fb["state"] == "pending"
    assert datetime.fromisoformat(fb["due_at"]) == (at + timedelta(hours=5, minutes=30))
    assert tick(client, at + timedelta(hours=6))["asked"] == 1
    # too late is too late: expired, never asked
    late = ok(client, key, "complaint about my bonus being refused", channel_user_id="late")
    resolve(client, late["ticket"]["id"])
    assert tick(client, afternoon(5))["expired"] == 1
