"""``Do and go to next`` lands on the ticket that followed in the list as the agent saw it, even
when the action moved the ticket (pending puts it further down the work order) — offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_console.app import make_app
from agent_console.cache import Cache, work_key
from agent_console.client import ApiClient
from agent_console.config import ConsoleConfig
from agent_console.screens.queue import QueueScreen
from agent_console.screens.ticket import TicketScreen
from agent_console.widgets.ticket_table import TicketTable
from tests.console.conftest import run
from tests.console.test_reuse import ticket
from tests.console.test_sla import SIZE


def app_for(tmp_path: Path) -> Any:
    config = ConsoleConfig(
        server="http://127.0.0.1:9",
        username="maria",
        cache_dir=str(tmp_path / "cache"),
        reconnect_seconds=600,
        bell=False,
    )
    cache = Cache(config.cache_path)
    cache.put_queues([{"name": "l1"}])
    cache.put_tickets([ticket(tid, "P1") for tid in (1, 2, 3, 4)])
    return make_app(config, ApiClient(config.server, "offline-token", timeout=1), cache)


def move_to_end(app: Any, tid: int) -> None:
    app.tickets[tid] = app.tickets[tid] | {"waiting_since": f"2026-01-02T00:00:{tid:02d}+00:00"}
    app.work_keys[tid] = work_key(app.tickets[tid])
    app.screen_stack[1]._update_order({tid})


def test_pending_and_next_goes_to_the_ticket_that_followed(tmp_path: Path) -> None:
    app = app_for(tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, QueueScreen)
            table = app.screen.query_one(TicketTable)
            assert table.ids == [1, 2, 3, 4]
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, TicketScreen) and screen.ticket_id == 1
            # the server's answer to "pending" arrives first: 1 waits on the player since
            # just now, so it moves to the end of the work order
            move_to_end(app, 1)
            assert table.ids == [2, 3, 4, 1]
            await pilot.press("J")
            assert screen.ticket_id == 2  # not "no more tickets" from 1's new place
            await pilot.press("J")
            assert screen.ticket_id == 3
            move_to_end(app, 3)
            assert table.ids == [2, 4, 1, 3]
            await pilot.press("K")
            assert screen.ticket_id == 2  # the one before 3 as the agent saw it
            await pilot.press("P")  # offline: queued, and on to the next
            assert screen.ticket_id == 4
            await pilot.press("escape")
            assert table.cursor_id == 4

    run(scenario())
