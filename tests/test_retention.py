"""Retention: closed tickets older than the policy are anonymised; everything else stays,
and the audit trail still verifies."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from server.cli import main
from server.services.retention import run_retention
from server.store.engine import normalize_url

from .conftest import as_player, login, new_ticket

SECRET = "my passport number is X1234567"
LATER = datetime.now(UTC) + timedelta(days=40)  # "now" for a run 40 days from today


def _close(client, ticket_id):
    _move(client, ticket_id, ["resolved", "closed"])


def _move(client, ticket_id, statuses):
    for status in statuses:
        version = client.get(f"/api/v1/tickets/{ticket_id}").json()["version"]
        r = client.patch(
            f"/api/v1/tickets/{ticket_id}",
            json={"status": status},
            headers={"If-Match": str(version)},
        )
        assert r.status_code == 200, r.text


def _upload(client, ticket_id, content, name="passport.jpg"):
    r = client.post(
        f"/api/v1/tickets/{ticket_id}/attachments",
        params={"filename": name},
        content=content,
        headers={"Content-Type": "image/jpeg"},
    )
    assert r.status_code == 201, r.text
    return r.json()


def _run(client, days=30, **kw):
    state = client.app.state.server
    kw.setdefault("now", LATER)
    kw.setdefault("min_blob_age_s", 0)
    return run_retention(state.db, state.blobs, days, **kw)


def _verify(settings):
    return CliRunner().invoke(
        main,
        ["audit", "verify", "--db", settings.db_url],
        env={"AGENT_CONSOLE_DATA_DIR": settings.data_dir},
    )


@pytest.fixture
def desk(api):
    """`old`: closed (to be anonymised); `live`: the same player's open ticket."""
    api.headers.update(login(api, "lead"))
    api.put("/api/v1/players/p-1", json={"name": "Ivan Petrov", "timezone": "Europe/Kyiv"})
    old = new_ticket(
        api,
        subject="Ivan Petrov: passport check",
        transaction_refs=["TX-991"],
        player={"external_id": "p-1"},
    )
    as_player(api, old["id"], SECRET)
    api.post(f"/api/v1/tickets/{old['id']}/messages", json={"kind": "reply", "body": "Thanks Ivan"})
    attachment = _upload(api, old["id"], b"JPEG passport scan")
    _close(api, old["id"])
    live = new_ticket(api, subject="Still open", player={"external_id": "p-1"})
    return {"old": old["id"], "live": live["id"], "attachment": attachment}


def test_a_closed_old_ticket_is_anonymised_and_nothing_else(api, settings, desk):
    before = api.get(f"/api/v1/tickets/{desk['old']}").json()
    report = _run(api)
    assert report.tickets == 1 and report.ticket_ids == [desk["old"]]
    assert report.attachments == 1 and report.blobs_deleted == 1
    assert report.players == 0  # the player still has a live ticket
    t = api.get(f"/api/v1/tickets/{desk['old']}").json()
    assert t["subject"] == "[anonymised]" and t["transaction_refs"] == []
    # Number, times, status, priority, queue and tags stay.
    for key in ("id", "display_number", "status", "priority", "queue", "tags", "created_at"):
        assert t[key] == before[key], key
    assert t["updated_at"] == before["updated_at"]
    bodies = {m["kind"]: m["body"] for m in t["messages"]}
    assert bodies["player"] == bodies["reply"] == "[anonymised]"
    assert "resolved → closed" in bodies["system"]  # the desk's own status lines stay
    assert all(m["author_name"] is None for m in t["messages"] if m["kind"] == "player")
    # The attachment: metadata kept, file gone, a download says so.
    meta = t["attachments"][0]
    assert meta["sha256"] == desk["attachment"]["sha256"] and meta["size"] == 18
    assert meta["filename"] == "[anonymised]"
    r = api.get(f"/api/v1/attachments/{desk['attachment']['id']}")
    assert r.status_code == 410 and r.json()["error"]["code"] == "anonymised"
    assert not api.app.state.server.blobs.path_for(meta["sha256"]).exists()
    # The open ticket and the player are untouched.
    live = api.get(f"/api/v1/tickets/{desk['live']}").json()
    assert live["subject"] == "Still open"
    # `anonymised_at` on every ticket and attachment shape: set here, null on live ones.
    assert before["anonymised_at"] is None and live["anonymised_at"] is None
    assert t["anonymised_at"] is not None and meta["anonymised_at"] is not None
    listed = api.get("/api/v1/tickets", params={"player": "p-1"}).json()["items"]
    assert {x["id"]: x["anonymised_at"] is not None for x in listed} == {
        desk["old"]: True,
        desk["live"]: False,
    }
    assert api.get("/api/v1/players/p-1").json()["name"] == "Ivan Petrov"
    # Nothing of it is left in the change feed, which carries the anonymisation.
    feed = api.get("/api/v1/changes", params={"since": 0, "limit": 1000})
    assert SECRET not in feed.text and "passport check" not in feed.text
    assert "Thanks Ivan" not in feed.text and "TX-991" not in feed.text
    assert "Ivan Petrov" in feed.text  # the player's name stays while a ticket is live
    # On the audit trail, and the chain still verifies.
    rows = api.get("/api/v1/audit", params={"action": "retention.anonymise"}).json()["items"]
    assert [(r["entity"], r["entity_id"]) for r in rows] == [("ticket", str(desk["old"]))]
    assert rows[0]["actor_username"] == "retention" and rows[0]["after"]["messages"] == 3
    r = _verify(settings)
    assert r.exit_code == 0, r.output
    # A second run finds nothing more.
    assert _run(api).tickets == 0


def test_the_player_goes_when_their_last_ticket_does(api, settings, desk):
    _run(api)
    _close(api, desk["live"])
    report = _run(api)
    assert report.tickets == 1 and report.players == 1
    assert api.get("/api/v1/players/p-1").status_code == 404  # the casino's id is gone too
    t = api.get(f"/api/v1/tickets/{desk['live']}").json()
    assert t["player"]["external_id"].startswith("anonymised-") and t["player"]["name"] is None
    feed = api.get("/api/v1/changes", params={"since": 0, "limit": 1000})
    assert "Ivan Petrov" not in feed.text and "Europe/Kyiv" not in feed.text
    assert '"p-1"' in feed.text  # the feed tells caches that hold p-1 what it became
    # A returning player with the same id starts afresh.
    new_ticket(api, player={"external_id": "p-1"})
    assert api.get("/api/v1/players/p-1").json()["name"] is None
    assert _verify(settings).exit_code == 0


def test_open_recent_and_reopened_tickets_are_untouched(api, desk):
    recent = new_ticket(api, subject="Recent", player={"external_id": "p-2"})
    _close(api, recent["id"])
    report = _run(api, now=datetime.now(UTC) + timedelta(days=10))  # not old enough yet
    assert report.tickets == 0
    for path in (
        [],
        ["accepted"],
        ["in_progress"],
        ["in_progress", "needs_clarification"],
        ["resolved"],
        ["resolved", "closed", "reopened"],
    ):
        t = new_ticket(api, subject=f"Open {'/'.join(path)}", player={"external_id": "p-3"})
        _move(api, t["id"], path)
    report = _run(api)
    assert report.ticket_ids == [desk["old"], recent["id"]]
    for t in api.get("/api/v1/tickets", params={"player": "p-3"}).json()["items"]:
        assert t["subject"].startswith("Open ")


def test_dry_run_counts_and_changes_nothing(api, desk):
    report = _run(api, dry_run=True)
    assert (report.tickets, report.messages, report.attachments) == (1, 3, 1)
    assert api.get(f"/api/v1/tickets/{desk['old']}").json()["subject"].startswith("Ivan")
    assert api.get(f"/api/v1/attachments/{desk['attachment']['id']}").status_code == 200


def test_a_file_shared_with_a_live_ticket_is_kept(api, desk):
    shared = _upload(api, desk["live"], b"JPEG passport scan")  # same content, same blob
    assert shared["sha256"] == desk["attachment"]["sha256"]
    report = _run(api)
    assert report.attachments == 1 and report.blobs_deleted == 0
    r = api.get(f"/api/v1/attachments/{shared['id']}")
    assert r.status_code == 200 and r.content == b"JPEG passport scan"
    assert api.get(f"/api/v1/attachments/{desk['attachment']['id']}").status_code == 410


def test_a_fresh_file_waits_for_the_next_run(api, desk):
    path = api.app.state.server.blobs.path_for(desk["attachment"]["sha256"])
    report = _run(api, min_blob_age_s=600)  # just written: an upload may be under way
    assert report.tickets == 1 and report.blobs_deleted == 0 and path.exists()
    past = time.time() - 3600
    os.utime(path, (past, past))
    assert _run(api, min_blob_age_s=600).blobs_deleted == 1 and not path.exists()


def test_cli_retention_run(api, settings, desk):
    engine = create_engine(normalize_url(settings.db_url))
    with engine.begin() as conn:  # closed 100 days ago
        conn.execute(
            text("UPDATE tickets SET updated_at = :t WHERE id = :id"),
            {"t": datetime.now(UTC) - timedelta(days=100), "id": desk["old"]},
        )
    engine.dispose()
    env = {"AGENT_CONSOLE_DATA_DIR": settings.data_dir}
    r = CliRunner().invoke(main, ["retention", "run", "--db", settings.db_url], env=env)
    assert r.exit_code != 0 and "retention is off" in r.output
    args = ["retention", "run", "--days", "90", "--db", settings.db_url]
    r = CliRunner().invoke(main, [*args, "--dry-run"], env=env)
    assert r.exit_code == 0 and "would anonymise 1 tickets" in r.output, r.output
    r = CliRunner().invoke(main, args, env=env)
    assert r.exit_code == 0 and "anonymised 1 tickets" in r.output, r.output
    assert api.get(f"/api/v1/tickets/{desk['old']}").json()["subject"] == "[anonymised]"
    env["AGENT_CONSOLE_RETENTION_DAYS"] = "90"
    r = CliRunner().invoke(main, ["retention", "run", "--db", settings.db_url], env=env)
    assert r.exit_code == 0 and "anonymised 0 tickets" in r.output
    assert _verify(settings).exit_code == 0


def test_the_server_runs_the_policy_by_itself(api, settings, desk):
    """The daily loop (started from the app's lifespan when retention_days > 0)."""
    import asyncio

    from server.services.retention import retention_loop, start_retention

    assert start_retention(settings, None, None) is None  # type: ignore[arg-type]  # off
    engine = create_engine(normalize_url(settings.db_url))
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE tickets SET updated_at = :t WHERE id = :id"),
            {"t": datetime.now(UTC) - timedelta(days=100), "id": desk["old"]},
        )
    engine.dispose()
    state = api.app.state.server

    async def first_run() -> None:
        task = asyncio.create_task(retention_loop(state.db, state.blobs, 90, first_delay_s=0))
        try:
            for _ in range(200):  # until the first run has committed (at most ~10 s)
                subject = await state.db.read(
                    lambda c: c.execute(
                        text("SELECT subject FROM tickets WHERE id = :id"), {"id": desk["old"]}
                    ).scalar_one()
                )
                if subject == "[anonymised]":
                    return
                await asyncio.sleep(0.05)
            raise AssertionError("the loop did not run")
        finally:
            task.cancel()

    asyncio.run(first_run())
    assert api.get(f"/api/v1/tickets/{desk['live']}").json()["subject"] == "Still open"


def test_a_ticket_written_into_after_anonymisation_is_anonymised_again(api, desk):
    assert _run(api).tickets == 1
    as_player(api, desk["old"], "me again, my phone is +44 7700 900123")  # reopens it
    t = api.get(f"/api/v1/tickets/{desk['old']}").json()
    assert t["status"] == "reopened"
    assert _run(api).tickets == 0  # live again: untouched
    _close(api, desk["old"])
    report = _run(api)
    assert report.ticket_ids == [desk["old"]] and report.messages == 1  # only the new one
    bodies = [m["body"] for m in api.get(f"/api/v1/tickets/{desk['old']}").json()["messages"]]
    assert not [b for b in bodies if "7700" in b]
    assert _run(api).tickets == 0
