"""Retention leaves no trace of the player anywhere: a ticket that came through the intake
door (bot answers first, then a person), with SLA history (a manual escalation, an exemption,
both with a shift lead's reason), a payment look-up note, a follow-up and an attachment, is
closed and anonymised; then every text column of every table is read back and searched for
what the player wrote and who they are."""

# ruff: noqa: F811  (pytest fixtures imported from test_intake_support)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

from server.cli import main
from server.domain import retention as rules
from server.services.retention import run_retention
from server.store.engine import normalize_url

from .conftest import login
from .test_intake_support import desk, fake_payments, intake_settings, ok  # noqa: F401

WORDS = "zqx-words-7731"  # in every message the player writes
WORDS_2 = "zqx-later-4410"  # in a question the bot answers alone, after the ticket closed
CHAT_ID = "zqx-chat-55501"  # the player's Telegram user id
CHAT_B = "zqx-chat-66602"  # someone who only ever talks to the bot
WORDS_B = "zqx-bot-only-5520"
PHONE = "+447700900555"
NAME = "Olga Zqxmarker"
TX = "TX-ZQX-88123"  # a transaction reference the channel passed
REASON = "zqx-reason-2207"  # a shift lead's free text on the SLA history
LATER = datetime.now(UTC) + timedelta(days=40)


def _every_text(url: str) -> dict[str, list[str]]:
    """table.column -> every value in it, as text (JSON and bytes decoded), whatever the
    table: the intake tables, ones added later, SQLite's full-text shadow tables."""
    engine = create_engine(normalize_url(url))
    out: dict[str, list[str]] = {}
    try:
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                rows = conn.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
                for row in rows:
                    for column, value in row.items():
                        out.setdefault(f"{table}.{column}", []).append(_as_text(value))
    finally:
        engine.dispose()
    return out


def _as_text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return "" if value is None else str(value)


def _where(found: dict[str, list[str]], needle: str) -> set[str]:
    return {col for col, values in found.items() if any(needle in v for v in values)}


def _patch(client, ticket_id: int, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    version = client.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json()["version"]
    r = client.patch(
        f"/api/v1/tickets/{ticket_id}",
        json=fields,
        headers={**headers, "If-Match": str(version)},
    )
    assert r.status_code == 200, r.text
    return r.json()


def _tick(client, now: datetime) -> dict[str, Any]:
    return client.portal.call(client.app.state.intake.followups.tick, now)


WHO = {"channel_user_id": CHAT_ID, "player": {"phone": PHONE, "name": NAME}}
BOT_ONLY = {"channel_user_id": CHAT_B}


def _story(client, key: str) -> int:
    """The player's whole story with the desk; returns the ticket's id."""
    who = WHO
    # Someone else only ever talks to the bot.
    assert (
        ok(client, key, f"How long does a withdrawal take? {WORDS_B}", **BOT_ONLY)["ticket"] is None
    )
    _tick(client, datetime.now(UTC))  # the follow-up loop reads the change log from here
    # The bot answers a question alone (its log), then a complaint needs a person.
    ok(client, key, f"How long does a withdrawal to my card take? {WORDS}", **who)
    out = ok(
        client,
        key,
        f"I want to complain about the support I received, {WORDS}",
        message_id="tg-1",
        transaction_id=TX,
        **who,
    )
    assert out["outcome"] == "ticket_created", out
    tid = out["ticket"]["id"]
    again = ok(client, key, f"Still nothing, {WORDS}, my card 4111 1111 1111 1111", **who)
    assert again["ticket"]["id"] == tid
    lead = login(client, "lead")
    r = client.post(f"/api/v1/tickets/{tid}/escalate", json={"reason": REASON}, headers=lead)
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/tickets/{tid}/sla", json={"exempt": True, "reason": f"{REASON}-x"}, headers=lead
    )
    assert r.status_code == 200, r.text
    assert r.json()["sla"]["exempt_reason"] == f"{REASON}-x"
    r = client.post(
        f"/api/v1/tickets/{tid}/messages",
        json={"kind": "reply", "body": f"Sorry {NAME}, we are on it"},
        headers=lead,
    )
    assert r.status_code == 201, r.text
    r = client.post(
        f"/api/v1/tickets/{tid}/attachments",
        params={"filename": f"{NAME}.jpg"},
        content=b"JPEG",
        headers={**lead, "Content-Type": "image/jpeg"},
    )
    assert r.status_code == 201, r.text
    client.post(  # an internal note naming the transaction
        f"/api/v1/tickets/{tid}/messages",
        json={"kind": "note", "body": f"checked {TX}"},
        headers=lead,
    )
    _patch(client, tid, lead, status="resolved")
    asked = _tick(client, (datetime.now(UTC) + timedelta(days=2)).replace(hour=14, minute=0))
    assert asked["asked"] == 1
    assert ok(client, key, "5", **who)["outcome"] == "feedback_recorded"
    _patch(client, tid, lead, status="closed")
    # Later, a question the bot answers alone (no ticket takes it).
    late = ok(client, key, f"How long does a withdrawal to my card take? {WORDS_2}", **who)
    assert late["outcome"] == "answered" and late["ticket"] is None, late
    return tid


def _run(client, days: int = 30, now: datetime = LATER):
    state = client.app.state.server
    return run_retention(state.db, state.blobs, days, now=now, min_blob_age_s=0)


def test_no_trace_of_the_player_is_left_after_retention(desk, intake_settings):
    client, key = desk
    settings = intake_settings
    tid = _story(client, key)
    lead = login(client, "lead")
    found = _every_text(settings.db_url)
    for needle in (WORDS, WORDS_2, WORDS_B, CHAT_ID, CHAT_B, PHONE, NAME, TX, REASON):
        assert _where(found, needle), needle  # the test looks in the right places
    # Not old enough yet (50 days): nothing changes.
    quiet = _run(client, days=50)
    assert (quiet.tickets, quiet.players, quiet.intake_log, quiet.receipts_deleted) == (0, 0, 0, 0)
    assert _every_text(settings.db_url) == found

    report = _run(client)
    assert report.ticket_ids == [tid] and report.players == 2  # and the bot-only one
    assert report.identities == 3  # the chat id and the phone; the other one's chat id
    assert report.events == 2 and report.desk_lines >= 2
    assert report.intake_log >= 2 and report.receipts_deleted >= 1

    found = _every_text(settings.db_url)
    for needle in (WORDS, WORDS_2, WORDS_B, PHONE):
        assert not _where(found, needle), (needle, _where(found, needle))
    # The audit trail is kept whole (its hash chain must verify): it still holds what it
    # recorded — the player's old id (for an intake player: channel and chat id), the profile
    # as set, the transaction refs and the shift lead's reasons — and nothing else does, but
    # the change-feed entry that tells consoles' caches to overwrite what they hold under the
    # old id (its key; its data is the anonymised player).
    audit = {"audit_log.before", "audit_log.after", "audit_log.entity_id"}
    for needle in (NAME, TX, REASON):
        assert _where(found, needle) <= audit, (needle, _where(found, needle))
    for needle in (CHAT_ID, CHAT_B):
        assert _where(found, needle) <= audit | {"changes.entity_id"}, _where(found, needle)
    engine = create_engine(normalize_url(settings.db_url))
    with engine.connect() as conn:
        keyed = conn.execute(
            text("SELECT op, data FROM changes WHERE entity_id = :id"),
            {"id": f"telegram:{CHAT_ID}"},
        ).all()
    engine.dispose()
    assert keyed and all(CHAT_ID not in data for _, data in keyed)
    # Statistics stay: SLA history kinds and levels, the feedback score, the bot's outcomes.
    kinds = [v for v in found["ticket_events.kind"]]
    assert "escalated" in kinds and "exempted" in kinds
    assert "5" in found["intake_followups.csat"]
    assert "answered" in found["intake_log.outcome"]
    assert rules.ANONYMISED in found["ticket_events.reason"]
    # The desk's status lines stay, without the reason they quoted.
    t = client.get(f"/api/v1/tickets/{tid}", headers=lead).json()
    lines = [m["body"] for m in t["messages"] if m["kind"] == "system"]
    assert any(line.endswith(f"escalated to level 1: {rules.ANONYMISED}") for line in lines)
    assert t["sla"]["exempt_reason"] == rules.ANONYMISED
    assert t["anonymised_at"] is not None
    assert all(a["anonymised_at"] is not None for a in t["attachments"])
    r = CliRunner().invoke(
        main,
        ["audit", "verify", "--db", settings.db_url],
        env={"AGENT_CONSOLE_DATA_DIR": settings.data_dir},
    )
    assert r.exit_code == 0, r.output
    # A second run finds nothing more; the same person writing again is a new player.
    again = _run(client)
    assert (again.tickets, again.players, again.intake_log) == (0, 0, 0)
    back = ok(client, key, f"hello again, {WORDS}, complaint about support", **WHO)
    assert back["player"]["created"] is True


def test_a_player_who_chatted_lately_keeps_their_data_until_it_is_old(desk, intake_settings):
    """The ticket is due, but the player talked to the bot since the cutoff: the ticket is
    anonymised, the player (and the recent chat) stay until that chat is old too."""
    client, key = desk
    tid = _story(client, key)
    engine = create_engine(normalize_url(intake_settings.db_url))
    with engine.begin() as conn:  # the late question came 39 days from now
        recent = LATER - timedelta(days=1)
        conn.execute(
            text("UPDATE intake_log SET created_at = :t WHERE body LIKE :w"),
            {"t": recent, "w": f"%{WORDS_2}%"},
        )
    engine.dispose()
    report = _run(client)
    assert report.ticket_ids == [tid] and report.players == 1  # only the bot-only one
    found = _every_text(intake_settings.db_url)
    assert not _where(found, WORDS) and not _where(found, WORDS_B)
    assert _where(found, WORDS_2) == {"intake_log.body"}  # recent: kept
    assert "intake_identities.value" in _where(found, PHONE)
    # A month on, the chat is old too: the player goes, found as a quiet player.
    later = _run(client, now=LATER + timedelta(days=31))
    assert later.tickets == 0 and later.players == 1 and later.identities == 2
    found = _every_text(intake_settings.db_url)
    for needle in (WORDS_2, PHONE):
        assert not _where(found, needle), (needle, _where(found, needle))
    assert _where(found, NAME) <= {"audit_log.before", "audit_log.after"}
