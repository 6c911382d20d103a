"""The clock-driven cells (SLA countdown, Age) tick on the visible rows only, and a table under
the ticket screen paints nothing until it is seen again (offline, a frozen clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent_console.app import make_app
from agent_console.cache import Cache
from agent_console.client import ApiClient
from agent_console.config import ConsoleConfig
from agent_console.screens.queue import QueueScreen
from agent_console.screens.ticket import TicketScreen
from agent_console.widgets.queue_list import QueueList
from agent_console.widgets.ticket_table import TicketTable, age_text
from tests.console.conftest import run
from tests.console.screen_text import screen_text
from tests.console.test_reuse import ticket
from tests.console.test_sla import NOW, SIZE, sla


def created(seconds_ago: float) -> str:
    return datetime.fromtimestamp(NOW - seconds_ago, UTC).isoformat()


def app_for(tmp_path: Path) -> Any:
    config = ConsoleConfig(
        server="http://127.0.0.1:9",
        username="maria",
        cache_dir=str(tmp_path / "cache"),
        reconnect_seconds=600,
        bell=False,
    )
    cache = Cache(config.cache_path)
    cache.put_queues([{"name": "l1"}, {"name": "vip"}])
    cache.put_tickets(
        [
            ticket(1, "P1", created_at=created(59 * 60 + 30), sla=sla("ok", 90, change_in=30)),
            ticket(2, "P2", created_at=created(3 * 3600 - 20), queue="vip"),
        ]
    )
    return make_app(config, ApiClient(config.server, "offline-token", timeout=1), cache)


def row(app: Any, number: str) -> str:
    return next(line for line in screen_text(app).splitlines() if f"#{number} " in line)


def test_age_text() -> None:
    assert [age_text(s) for s in (-5, 59, 60, 3599, 3600, 86399, 86400 * 3)] == [
        "0m",
        "0m",
        "1m",
        "59m",
        "1h",
        "23h",
        "3d",
    ]


def test_ages_and_countdowns_tick_and_a_covered_table_waits(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    clock = [NOW]
    frames: list[Any] = []

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            table = screen.query_one(TicketTable)
            table.now = lambda: clock[0]
            screen.recount_sla()
            table.refresh()
            await pilot.pause()
            assert row(app, "1").endswith("1:30 59m") and row(app, "2").endswith("2h")
            display = app._display

            def counted(s: Any, renderable: Any) -> None:
                display(s, renderable)
                if renderable is not None:
                    frames.append(s)

            app._display = counted
            clock[0] = NOW + 31  # ages move on; ticket 1 also passes its warning point
            table.tick_sla()
            await pilot.pause()
            assert row(app, "1").endswith("0:59 1h") and row(app, "2").endswith("3h")
            assert frames, "the tick repainted the rows"
            assert dict(screen._health)["__all__"] == (1, 0)  # counted in the same tick

            await pilot.press("enter")
            assert isinstance(app.screen, TicketScreen)
            assert table.hidden
            await pilot.pause()
            frames.clear()
            clock[0] = NOW + 3 * 3600  # under the ticket screen: nothing is painted
            table.tick_sla()
            table.invalidate({1, 2})
            screen._tick_health()
            await pilot.pause(0.1)
            assert frames == []
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, QueueScreen) and not table.hidden
            # caught up at once: the countdown, the ages, the breach in the queue list
            assert row(app, "1").endswith("-2h58 3h") and row(app, "2").endswith("5h")
            assert dict(screen._health)["__all__"] == (0, 1)
            queues = screen.query_one(QueueList)
            assert "✖  1" in queues.rows[0][1].plain

    run(scenario())
