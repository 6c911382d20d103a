"""Offline pilot tests for the fast paths: one reused ticket screen, live changes that move
single rows instead of rebuilding the list, the key bar. No server: the console starts from
its cache against an address nothing listens on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_console.app import Synced, make_app
from agent_console.cache import Cache
from agent_console.client import ApiClient
from agent_console.config import ConsoleConfig
from agent_console.screens.queue import QueueScreen
from agent_console.screens.ticket import TicketScreen
from agent_console.widgets.key_bar import KeyBar
from agent_console.widgets.ticket_table import TicketTable
from tests.console.conftest import run

SIZE = (160, 48)


def ticket(tid: int, priority: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": tid,
        "number": tid,
        "display_number": f"#{tid}",
        "subject": f"subject {tid}",
        "status": "new",
        "priority": priority,
        "queue": "l1",
        "channel": "web_chat",
        "player": {"external_id": f"p-{tid}", "name": f"Player {tid}", "tier": "standard"},
        "assignee": None,
        "tags": [],
        "version": 1,
        "created_at": "2026-01-01T10:00:00+00:00",
        "updated_at": "2026-01-01T10:00:00+00:00",
        "waiting_on": "agent",
        "waiting_since": f"2026-01-01T10:{tid % 60:02d}:00+00:00",
        **extra,
    }


def message(mid: int, tid: int, kind: str) -> dict[str, Any]:
    return {
        "id": mid,
        "ticket_id": tid,
        "kind": kind,
        "author": "maria",
        "author_name": "Maria",
        "channel": "web_chat",
        "body": f"{kind} {mid}",
        "quote_id": None,
        "created_at": f"2026-01-01T10:{mid % 60:02d}:00+00:00",
        "retracted": False,
    }


def offline_app(tmp_path: Path) -> Any:
    config = ConsoleConfig(
        server="http://127.0.0.1:9",
        username="maria",
        cache_dir=str(tmp_path / "cache"),
        reconnect_seconds=60,
        bell=False,
    )
    cache = Cache(config.cache_path)
    cache.put_tickets([ticket(1, "P2"), ticket(2, "P2"), ticket(3, "P3")])
    for mid, kind in ((11, "player"), (12, "reply"), (13, "note")):
        cache.put_message(message(mid, 1, kind))
    cache.put_message(message(21, 2, "player"))
    return make_app(config, ApiClient(config.server, "offline-token", timeout=1), cache)


def test_one_ticket_screen_reloads_in_place(tmp_path: Path) -> None:
    app = offline_app(tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, QueueScreen)
            assert app.screen.query(KeyBar) and not app.screen.query("Footer")
            await pilot.press("enter")
            first = app.screen
            assert isinstance(first, TicketScreen) and first.ticket_id == 1
            await pilot.pause()
            assert len(first.query(".msg")) == 3 and len(first.query(".msg-note")) == 1
            await pilot.press("r", *"draft one", "escape", "escape")
            assert isinstance(app.screen, QueueScreen)
            await pilot.press("j", "enter")
            await pilot.pause()
            assert app.screen is first and first.ticket_id == 2  # same instance, new ticket
            assert len(first.query(".msg")) == 1 and not first.query(".msg-note")
            assert first.query_one("#compose-text").text == ""  # ticket 1's draft not here
            await pilot.press("K")  # previous ticket, in place
            await pilot.pause()
            assert app.screen is first and first.ticket_id == 1
            assert len(first.query(".msg")) == 3
            assert first.query_one("#compose-text").text == "draft one"  # kept per ticket

    run(scenario())


def test_live_change_moves_only_that_row(tmp_path: Path) -> None:
    app = offline_app(tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            table = screen.query_one(TicketTable)
            assert table.ids == [1, 2, 3]
            seq = app.cache.last_seq
            for n, (tid, changes) in enumerate(
                [(3, {"priority": "P1"}), (1, {"status": "resolved"}), (2, {"assignee": "x"})]
            ):
                data = {**app.tickets[tid], **changes, "version": 2 + n}
                applied = app.cache.apply_changes(
                    [{"seq": seq + n + 1, "entity": "ticket", "id": tid, "data": data}]
                )
                app.post_message(Synced(applied))
                await pilot.pause()
                assert table.ids == screen.visible_ids()  # same as a full rebuild
            assert table.ids == [3, 2]
            rows = {row[0]: row[2] for row in screen._queue_rows()}
            assert rows["__all__"] == 2 and rows["__unassigned__"] == 1 and rows["l1"] == 2

    run(scenario())
