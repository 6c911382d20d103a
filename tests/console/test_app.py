"""Pilot tests: the real console driven by keys against a real server (uvicorn in process).

Waiting is on conditions checked between `pilot.pause()` calls (the app keeps its live
event-stream worker running, so `workers.wait_for_complete()` would never return).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from agent_console.app import AgentConsole, make_app
from agent_console.cache import Cache
from agent_console.client import ApiClient
from agent_console.config import ConfigError, ConsoleConfig, load_token
from agent_console.screens.login import LoginScreen
from agent_console.screens.modals import ConfirmScreen, ConflictScreen
from agent_console.screens.queue import QueueScreen
from agent_console.screens.ticket import TicketScreen
from agent_console.widgets.status_bar import StatusBar
from agent_console.widgets.ticket_table import TicketTable
from tests.console.conftest import LiveServer, run

SIZE = (160, 48)


async def until(pilot: Pilot[Any], cond: Callable[[], Any], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {cond}")
        await pilot.pause(0.02)


def build(config: ConsoleConfig, server: LiveServer, *, signed_in: bool = True) -> AgentConsole:
    token = server.token("maria") if signed_in else None
    return make_app(config, ApiClient(server.url, token), Cache(config.cache_path))


def table(app: AgentConsole) -> TicketTable:
    return app.screen.query_one(TicketTable)


async def ready(pilot: Pilot[Any], app: AgentConsole, n: int) -> None:
    await until(pilot, lambda: app.online and isinstance(app.screen, QueueScreen))
    await until(pilot, lambda: len(table(app).ids) >= n)


def server_ticket(server: LiveServer, tid: int) -> dict[str, Any]:
    with server.api("lead") as c:
        return c.get(f"/api/v1/tickets/{tid}").json()


def test_login_form_then_queue(live_server: LiveServer, console_config: ConsoleConfig) -> None:
    live_server.new_ticket()
    console_config.username = ""
    app = build(console_config, live_server, signed_in=False)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, LoginScreen)
            await pilot.press(*"maria", "tab", *"wrong", "enter")
            await until(
                pilot,
                lambda: "wrong username" in str(app.screen.query_one("#login-error").render()),
            )
            await pilot.press(*"pw", "enter")
            await ready(pilot, app, 1)
            assert "maria" in app.agent_name

    run(scenario())
    saved = load_token(live_server.url)
    assert saved and saved["username"] == "maria" and saved["token"]


def test_routine_enter_1_ctrl_s_P(live_server: LiveServer, console_config: ConsoleConfig) -> None:
    first = live_server.new_ticket(
        priority="P1", player={"external_id": "p-1", "name": "Anna Petrova"}
    )
    second = live_server.new_ticket(priority="P2", subject="Bonus not credited")
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 2)
            assert table(app).ids[:2] == [first["id"], second["id"]]
            await pilot.press("enter")
            assert isinstance(app.screen, TicketScreen) and app.screen.ticket_id == first["id"]
            await pilot.press("1")
            text = app.screen.query_one(TextArea).text
            assert "Anna Petrova" in text and f"#{first['id']}" in text and "Maria" in text
            await pilot.press("ctrl+s", "P")
            assert isinstance(app.screen, TicketScreen) and app.screen.ticket_id == second["id"]
            await until(pilot, lambda: app.cache.outbox_count() == 0)

    run(scenario())
    t = server_ticket(live_server, first["id"])
    replies = [m for m in t["messages"] if m["kind"] == "reply"]
    assert len(replies) == 1 and "Anna Petrova" in replies[0]["body"]
    assert t["status"] == "needs_clarification"
    assert server_ticket(live_server, second["id"])["status"] == "new"


def test_status_change_and_thread(live_server: LiveServer, console_config: ConsoleConfig) -> None:
    t = live_server.new_ticket()
    with live_server.api() as c:
        reply = c.post(
            f"/api/v1/tickets/{t['id']}/messages", json={"kind": "reply", "body": "oops"}
        ).json()
        c.post(f"/api/v1/tickets/{t['id']}/messages", json={"kind": "note", "body": "internal"})
        c.post(
            f"/api/v1/tickets/{t['id']}/messages/{reply['id']}/retract", json={"reason": "wrong"}
        )
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, TicketScreen)
            await until(pilot, lambda: len(screen.query(".msg-note")) == 1)
            assert len(screen.query(".msg-player")) == 1
            assert len(screen.query(".msg-reply.-retracted")) == 1
            assert len(screen.query(".msg-system")) >= 1
            await pilot.press("d")
            await until(pilot, lambda: app.cache.outbox_count() == 0)
            await until(pilot, lambda: (app.ticket(t["id"]) or {}).get("status") == "resolved")
            await pilot.press("escape")
            assert isinstance(app.screen, QueueScreen)
            await until(pilot, lambda: t["id"] not in table(app).ids)  # resolved: off the list

    run(scenario())
    assert server_ticket(live_server, t["id"])["status"] == "resolved"


def test_bulk_assign_with_marks(live_server: LiveServer, console_config: ConsoleConfig) -> None:
    tickets = [live_server.new_ticket(subject=f"case {i}", priority="P2") for i in range(3)]
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 3)
            await pilot.press("space", "space")
            assert table(app).marked == {tickets[0]["id"], tickets[1]["id"]}
            await pilot.press("a")
            assert not table(app).marked
            await until(pilot, lambda: app.cache.outbox_count() == 0)
            await until(
                pilot,
                lambda: (
                    [app.tickets[t["id"]]["assignee"] for t in tickets] == ["maria", "maria", None]
                ),
            )

    run(scenario())
    assert [server_ticket(live_server, t["id"])["assignee"] for t in tickets] == [
        "maria",
        "maria",
        None,
    ]


def test_filter_sort_and_next_match(live_server: LiveServer, console_config: ConsoleConfig) -> None:
    a = live_server.new_ticket(subject="Withdrawal stuck", priority="P3")
    live_server.new_ticket(subject="Bonus missing", priority="P2")
    c = live_server.new_ticket(subject="Another withdrawal", priority="P4")
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 3)
            await pilot.press("slash", *"withdrawal")
            assert table(app).ids == [a["id"], c["id"]]
            await pilot.press("enter", "n")
            assert table(app).cursor_id == c["id"]
            await pilot.press("N")
            assert table(app).cursor_id == a["id"]
            await pilot.press("escape")
            assert len(table(app).ids) == 3
            await pilot.press("I")  # sort by id
            assert table(app).ids == sorted(table(app).ids)
            await pilot.press("I")  # reversed
            assert table(app).ids == sorted(table(app).ids, reverse=True)

    run(scenario())


def test_letters_do_nothing_in_a_text_box(
    live_server: LiveServer, console_config: ConsoleConfig
) -> None:
    t = live_server.new_ticket()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter", "r", *"pdPDqa1")
            assert app.screen.query_one(TextArea).text == "pdPDqa1"
            assert app.cache.outbox_count() == 0 and isinstance(app.screen, TicketScreen)
            await pilot.press("escape")  # leaves the box, keeps the draft
            assert app.screen.query_one(TextArea).text == "pdPDqa1"
            await pilot.press("question_mark")
            assert "Help" in type(app.screen).__name__

    run(scenario())
    assert server_ticket(live_server, t["id"])["status"] == "new"


def test_command_line_and_keymap(live_server: LiveServer, console_config: ConsoleConfig) -> None:
    t = live_server.new_ticket()
    console_config.keymap = {"ticket.pending": "w"}
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter", "colon", *"prio P1", "enter")
            await pilot.press("colon", *"tag vip,kyc", "enter")
            await pilot.press("colon", *"assign oleg", "enter")
            await until(pilot, lambda: app.cache.outbox_count() == 0)
            await pilot.press("r", *"thanks", "ctrl+s", "w")  # w: pending, from the keymap
            await until(pilot, lambda: app.cache.outbox_count() == 0)

    run(scenario())
    got = server_ticket(live_server, t["id"])
    assert (got["priority"], sorted(got["tags"]), got["assignee"]) == ("P1", ["kyc", "vip"], "oleg")
    assert got["status"] == "needs_clarification"
    console_config.keymap = {"ticket.nope": "w"}
    with pytest.raises(ConfigError, match=r"ticket\.nope"):
        build(console_config, live_server)


def test_live_event_updates_the_row(live_server: LiveServer, console_config: ConsoleConfig) -> None:
    t = live_server.new_ticket()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            with live_server.api("oleg") as c:
                c.patch(
                    f"/api/v1/tickets/{t['id']}",
                    json={"assignee": "oleg"},
                    headers={"If-Match": "1"},
                )
            new = live_server.new_ticket(subject="Fresh one", priority="P1")
            await until(pilot, lambda: app.tickets.get(t["id"], {}).get("assignee") == "oleg")
            await until(pilot, lambda: table(app).ids[:1] == [new["id"]])

    run(scenario())


def test_offline_outbox_replays_once_after_restart(
    live_server: LiveServer, console_config: ConsoleConfig
) -> None:
    t = live_server.new_ticket()
    token = live_server.token("maria")

    async def offline_session() -> None:
        app = make_app(
            console_config, ApiClient(live_server.url, token), Cache(console_config.cache_path)
        )
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter")
            await until(pilot, lambda: app.cache.has_full_thread(t["id"]))
            live_server.stop()
            await until(pilot, lambda: not app.online)
            await pilot.press("r", *"sent while offline", "ctrl+s", "a", "p")
            assert app.cache.outbox_count() == 3
            assert "offline — last sync" in str(app.screen.query_one(StatusBar).render())
            await pilot.press("escape", "q")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")

    async def next_start() -> None:
        app = make_app(
            console_config, ApiClient(live_server.url, token), Cache(console_config.cache_path)
        )
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, QueueScreen))
            assert table(app).ids == [t["id"]]  # from the cache, server still down
            assert app.outbox_count == 3 and not app.online
            live_server.start()
            await until(pilot, lambda: app.online and app.cache.outbox_count() == 0)
            await pilot.press("r")  # a second replay attempt finds nothing to send
            await pilot.pause()

    run(offline_session())
    run(next_start())
    got = server_ticket(live_server, t["id"])
    bodies = [m["body"] for m in got["messages"] if m["kind"] == "reply"]
    assert bodies == ["sent while offline"]
    assert got["assignee"] == "maria" and got["status"] == "needs_clarification"


def test_conflict_shows_both_versions(
    live_server: LiveServer, console_config: ConsoleConfig
) -> None:
    t = live_server.new_ticket()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            live_server.stop()
            await until(pilot, lambda: not app.online)
            await pilot.press("colon", *"prio P1", "enter")
            live_server.start()
            with live_server.api("oleg") as c:
                r = c.patch(
                    f"/api/v1/tickets/{t['id']}", json={"priority": "P4"}, headers={"If-Match": "1"}
                )
                assert r.status_code == 200
            await until(pilot, lambda: isinstance(app.screen, ConflictScreen))
            assert app.conflicts == 1
            await pilot.press("m")
            await until(pilot, lambda: app.cache.outbox_count() == 0)

    run(scenario())
    assert server_ticket(live_server, t["id"])["priority"] == "P1"
