"""Pilot tests for the shared ticket actions, `:pending 2h`, quoting any message, attaching
a file and transaction references: keys in the real console, a real server in process."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from textual.widgets import OptionList, TextArea

from agent_console.commands import CommandError, duration_seconds, parse
from agent_console.followup import due_from_tags, follow_up_tags, follow_up_text, tag_for
from agent_console.screens.modals import ChoiceScreen, MessagePicker, PromptScreen
from agent_console.screens.queue import QueueScreen
from agent_console.screens.ticket import TicketScreen
from agent_console.widgets.text_panel import TextPanel
from tests.console.conftest import ATTACHMENT_CAP, LiveServer, run
from tests.console.screen_text import screen_text
from tests.console.test_app import SIZE, build, ready, server_ticket, table, until

# -- pure parts ------------------------------------------------------------------------------


def test_durations_and_follow_up_tags() -> None:
    assert duration_seconds("2h") == 7200
    assert duration_seconds("1h30m") == 5400
    assert duration_seconds("1d") == 86400
    for bad in ("", "2", "h2", "2x", "0m", "91d", "2h 3"):
        try:
            duration_seconds(bad)
        except CommandError:
            continue
        raise AssertionError(f"{bad!r} was taken")
    assert parse("pending 2h", "me").follow_up_seconds == 7200
    assert parse("pending", "me").follow_up_seconds == 0
    due = 1_777_636_810.0  # 2026-05-01 12:00:10 UTC
    tag = tag_for(due)
    assert tag == "follow-up/20260501t1201z"  # rounded up: never earlier than asked
    assert re.fullmatch(r"[\w][\w\-./]*", tag) and len(tag) <= 40  # a tag the server takes
    tags = follow_up_tags(["vip", "follow-up/20200101t0000z"], due)
    assert tags == ["vip", tag]
    assert due_from_tags(tags).timestamp() == 1_777_636_860  # type: ignore[union-attr]
    at = due_from_tags(tags)
    assert at is not None
    assert follow_up_text(at, at.timestamp() - 3900).endswith("(in 1h 5m)")
    assert "overdue by 20m" in follow_up_text(at, at.timestamp() + 1230)


def test_tx_and_tag_commands_parse() -> None:
    assert parse("tx WD-1, DEP-2", "me").changes == {"transaction_refs": ["WD-1", "DEP-2"]}
    cmd = parse("tx +WD-3,-WD-1", "me")
    assert (cmd.refs_add, cmd.refs_remove) == (["WD-3"], ["WD-1"])
    assert parse("t vip", "me").name == "tag" and parse("a me", "me").name == "assign"
    for bad in ("tx", "tx +", "attach", "tag -"):
        try:
            parse(bad, "me")
        except CommandError:
            continue
        raise AssertionError(f"{bad!r} was taken")


# -- the shared actions, from both screens ------------------------------------------------------


def test_queue_actions_on_marked_rows(live_server: LiveServer, console_config: Any) -> None:
    tickets = [live_server.new_ticket(subject=f"case {i}", priority="P2") for i in range(3)]
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 3)
            assert table(app).ids == [t["id"] for t in tickets]
            await pilot.press("G", "e")  # the cursor row (the third): escalate
            await pilot.press("g", "space", "space", "t")  # the first two, marked
            assert isinstance(app.screen, PromptScreen)
            await pilot.press(*"+kyc,+vip", "enter")
            assert not table(app).marked
            await pilot.press("g", "space", "space", "s")
            assert isinstance(app.screen, ChoiceScreen)
            menu = app.screen.query_one(OptionList)
            labels = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
            assert labels == ["accepted", "in progress", "resolved"]  # legal from new only
            await pilot.press("j", "enter")
            await until(pilot, lambda: app.cache.outbox_count() == 0)

    run(scenario())
    got = [server_ticket(live_server, t["id"]) for t in tickets]
    assert [g["status"] for g in got] == ["in_progress", "in_progress", "new"]
    assert [sorted(g["tags"]) for g in got] == [["kyc", "vip"], ["kyc", "vip"], []]
    assert [g["queue"] for g in got][2] == "l2"


def test_ticket_actions_tags_and_status_menu(live_server: LiveServer, console_config: Any) -> None:
    t = live_server.new_ticket(tags=["bonus"])
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter", "t")
            assert isinstance(app.screen, PromptScreen)
            assert app.screen.query_one("Input").value == "bonus"
            await pilot.press("ctrl+u", *"+payment,-bonus", "enter", "s")
            assert isinstance(app.screen, ChoiceScreen)
            await pilot.press("enter")  # first legal choice: accepted
            await until(pilot, lambda: app.cache.outbox_count() == 0)

    run(scenario())
    got = server_ticket(live_server, t["id"])
    assert got["tags"] == ["payment"] and got["status"] == "accepted"


# -- :pending 2h ------------------------------------------------------------------------------


def test_pending_with_a_follow_up_time(live_server: LiveServer, console_config: Any) -> None:
    t = live_server.new_ticket(tags=["kyc"])
    with live_server.api() as c:  # pending is legal from in progress, not from new
        c.patch(
            f"/api/v1/tickets/{t['id']}", json={"status": "in_progress"}, headers={"If-Match": "1"}
        ).raise_for_status()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter", "colon", *"pending 2h", "enter")
            await until(pilot, lambda: app.cache.outbox_count() == 0)
            await until(pilot, lambda: app.tickets[t["id"]].get("status") == "needs_clarification")
            header = str(app.screen.query_one("#ticket-header").render())
            assert re.search(r"follow up \d\d:\d\d \(in (2h|1h 59m)\)", header), header

    run(scenario())
    got = server_ticket(live_server, t["id"])
    assert got["status"] == "needs_clarification"
    due = due_from_tags(got["tags"])
    assert due is not None and "kyc" in got["tags"]
    created = got["updated_at"]
    from datetime import datetime

    left = due.timestamp() - datetime.fromisoformat(created).timestamp()
    assert 7200 - 5 <= left <= 7200 + 65


# -- quote any message ----------------------------------------------------------------------------


def test_quote_any_message(live_server: LiveServer, console_config: Any) -> None:
    t = live_server.new_ticket()
    with live_server.api() as c:
        note = c.post(
            f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body": "checked ledger"}
        ).json()
    first = t["messages"][0]
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter")
            await until(pilot, lambda: app.cache.has_full_thread(t["id"]))
            await until(pilot, lambda: len(app.screen.query(".msg-note")) == 1)
            await pilot.press("greater_than_sign")
            picker = app.screen
            assert isinstance(picker, MessagePicker)
            ids = [m["id"] for m in picker.messages]
            assert ids == [first["id"], note["id"]]  # system messages are not offered
            assert picker.query_one("OptionList").highlighted == 0  # the player's last one
            await pilot.press("j")
            await pilot.pause()
            assert "checked ledger" in screen_text(app).split("Quote a message")[1]
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, TicketScreen) and screen.quote_id == note["id"]
            assert "checked ledger" in str(screen.query_one("#compose-label").render())
            await pilot.press(*"as noted", "ctrl+s")
            await until(pilot, lambda: app.cache.outbox_count() == 0)

    run(scenario())
    replies = [m for m in server_ticket(live_server, t["id"])["messages"] if m["kind"] == "reply"]
    assert [(m["body"], m["quote_id"]) for m in replies] == [("as noted", note["id"])]


# -- attachments -------------------------------------------------------------------------------


def test_attach_a_file_and_the_413(
    live_server: LiveServer, console_config: Any, tmp_path: Path
) -> None:
    t = live_server.new_ticket()
    small = tmp_path / "receipt.pdf"
    small.write_bytes(b"%PDF-1.4 receipt " * 100)
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\0" * (ATTACHMENT_CAP * 3))
    app = build(console_config, live_server)
    notes: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter", "f")
            assert isinstance(app.screen, PromptScreen)
            await pilot.press(*str(tmp_path / "nope.txt"), "enter")
            await pilot.pause()
            assert app.cache.outbox_count() == 0  # refused before queueing: no such file
            await pilot.press("f", *str(small), "enter")
            await until(pilot, lambda: app.cache.attachments(t["id"]))
            card = app.screen.query_one("#player-card", TextPanel)
            await until(pilot, lambda: "receipt.pdf" in card.plain)
            await pilot.press("colon", *f"attach {big}", "enter")
            await until(pilot, lambda: app.failed == 1)
            notes.extend(n.message for n in app._notifications)
            assert app.cache.outbox("failed")[0].op == "attach"
            # the cap is now known: a second try is refused at once, nothing is queued
            await pilot.press("colon", *f"attach {big}", "enter")
            await pilot.pause()
            assert app.cache.outbox_count() == 1

    run(scenario())
    assert any(
        "video.mp4 is 192.0 KB: the server takes attachments up to 64.0 KB" in n for n in notes
    )
    got = server_ticket(live_server, t["id"])
    assert [(a["filename"], a["sha256"]) for a in got["attachments"]] == [
        ("receipt.pdf", hashlib.sha256(small.read_bytes()).hexdigest())
    ]
    assert got["attachments"][0]["content_type"] == "application/pdf"


# -- transaction references -------------------------------------------------------------------


def test_transaction_refs(live_server: LiveServer, console_config: Any) -> None:
    t = live_server.new_ticket()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter", "dollar_sign")
            assert isinstance(app.screen, PromptScreen)
            await pilot.press(*"WD-88231, DEP-1207", "enter")
            await until(pilot, lambda: app.cache.outbox_count() == 0)
            await until(
                pilot,
                lambda: app.tickets[t["id"]].get("transaction_refs") == ["WD-88231", "DEP-1207"],
            )
            assert "tx WD-88231,DEP-1207" in str(app.screen.query_one("#ticket-header").render())
            await pilot.press("colon", *"tx +WD-9,-DEP-1207", "enter")
            await until(pilot, lambda: app.cache.outbox_count() == 0)
            await pilot.press("escape")
            assert isinstance(app.screen, QueueScreen)

    run(scenario())
    assert server_ticket(live_server, t["id"])["transaction_refs"] == ["WD-88231", "WD-9"]


def test_compose_text_unaffected_by_action_keys(
    live_server: LiveServer, console_config: Any
) -> None:
    live_server.new_ticket()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter", "r", *"f$o>", "escape")
            assert app.screen.query_one(TextArea).text == "f$o>"
            assert isinstance(app.screen, TicketScreen) and app.cache.outbox_count() == 0

    run(scenario())
