"""The payments connector against the fake backend over real HTTP, the backend down, slow or
broken; and the intake's status answers built on it."""

# ruff: noqa: F811  (pytest fixtures imported from test_intake_support)

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from server.connectors.payments import PaymentsClient, find_transaction_ref

from .conftest import login
from .test_intake_support import (  # noqa: F401  (fixtures)
    desk,
    fake_payments,
    free_port,
    intake_settings,
    ok,
    payments,
)


def run(coro):
    return asyncio.run(coro)


async def _with(client: PaymentsClient, coro):
    try:
        return await coro
    finally:
        await client.close()


def test_transaction_refs_in_messages():
    assert find_transaction_ref("my withdrawal WD-12345678 is stuck") == (
        "WD-12345678",
        "withdrawal",
    )
    assert find_transaction_ref("deposit dep 1234567 missing") == ("DEP-1234567", "deposit")
    assert find_transaction_ref("tx TRX-998877 please") == ("TRX-998877", None)
    assert find_transaction_ref("I won 100000 yesterday") is None


def test_found_not_found_and_latest(payments):
    payments.put(
        "p-1",
        {
            "id": "WD-11112222",
            "kind": "withdrawal",
            "status": "processing",
            "amount": "200",
            "currency": "EUR",
            "created_at": "2026-12-01T10:00:00+00:00",
            "updated_at": "2026-12-01T10:05:00+00:00",
        },
    )
    c = PaymentsClient(payments.url, timeout=2)
    look = run(_with(c, c.transaction("p-1", "WD-11112222")))
    assert look.state == "found" and look.transaction["status"] == "processing"
    c = PaymentsClient(payments.url, timeout=2)
    assert run(_with(c, c.transaction("p-1", "WD-00000000"))).state == "not_found"
    c = PaymentsClient(payments.url, timeout=2)
    look = run(_with(c, c.latest("p-1", "deposit")))
    assert look.state == "found" and all(t["kind"] == "deposit" for t in look.items)


def test_backend_down_slow_broken_or_unconfigured(payments):
    closed = PaymentsClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    look = run(_with(closed, closed.transaction("p", "WD-12345678")))
    assert look.state == "unavailable" and "reached" in look.error
    payments.control(delay_s=0.5)
    slow = PaymentsClient(payments.url, timeout=0.1)
    look = run(_with(slow, slow.latest("p", "withdrawal")))
    assert look.state == "unavailable" and "in time" in look.error
    payments.control(fail_status=503)
    broken = PaymentsClient(payments.url, timeout=2)
    look = run(_with(broken, broken.transaction("p", "WD-12345678")))
    assert look.state == "unavailable" and "503" in look.error
    payments.control()
    payments.put("p-2", {"id": "WD-55556666", "kind": "withdrawal", "status": "teleported"})
    odd = PaymentsClient(payments.url, timeout=2)
    assert run(_with(odd, odd.transaction("p-2", "WD-55556666"))).state == "unavailable"
    none = PaymentsClient("")
    assert not none.configured
    assert run(_with(none, none.transaction("p", "WD-1"))).state == "unavailable"


def _known_player(client, key, user: str) -> str:
    out = ok(client, key, "hello, bonus question", channel_user_id=user)
    return out["player"]["external_id"]


def test_intake_answers_a_pending_withdrawal_status(desk, payments):
    client, key = desk
    player = _known_player(client, key, "s1")
    expected = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    payments.put(
        player,
        {
            "id": "WD-20202020",
            "kind": "withdrawal",
            "status": "processing",
            "amount": "150",
            "currency": "EUR",
            "expected_by": expected,
            "created_at": datetime.now(UTC).isoformat(),
            "updated_at": datetime.now(UTC).isoformat(),
        },
    )
    out = ok(client, key, "what is the status of my withdrawal WD-20202020?", channel_user_id="s1")
    assert out["outcome"] == "answered", out
    assert "WD-20202020" in out["reply"]["text"] and "150 EUR" in out["reply"]["text"]
    # answered by the bot alone: no ticket; a hand-off later carries the answer to the agent
    assert out["ticket"] is None
    more = ok(client, key, "I want to talk to a human", channel_user_id="s1")
    assert more["outcome"] == "ticket_created"
    ticket = client.get(f"/api/v1/tickets/{more['ticket']['id']}", headers=login(client, "lead"))
    bots = [m["body"] for m in ticket.json()["messages"] if m["kind"] == "bot"]
    assert bots[-2] == out["reply"]["text"]


def test_intake_hands_off_a_rejected_payment_and_when_the_backend_is_down(desk, payments):
    client, key = desk
    player = _known_player(client, key, "s2")
    payments.put(
        player,
        {
            "id": "WD-30303030",
            "kind": "withdrawal",
            "status": "rejected",
            "amount": "90",
            "currency": "EUR",
        },
    )
    out = ok(client, key, "what's the status of withdrawal WD-30303030", channel_user_id="s2")
    assert out["handoff"] is True and out["outcome"] in ("ticket_created", "ticket_updated")
    assert out["ticket"]["display_number"] in out["reply"]["text"]
    payments.control(fail_status=503)
    _known_player(client, key, "s3")
    out = ok(client, key, "what is the status of my withdrawal WD-40404040?", channel_user_id="s3")
    assert out["handoff"] is True and out["ticket"] is not None
    assert "cannot check payments" in out["reply"]["text"]
