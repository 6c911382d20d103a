"""The SLA column and the queues' SLA health, offline from a cache with a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent_console import sla_view
from agent_console.app import make_app
from agent_console.cache import Cache
from agent_console.client import ApiClient
from agent_console.config import ConsoleConfig
from agent_console.screens.queue import QueueScreen
from agent_console.widgets.ticket_table import TicketTable
from tests.console.conftest import run
from tests.console.test_reuse import ticket

SIZE = (160, 48)
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC).timestamp()


def at(seconds: float) -> str:
    return datetime.fromtimestamp(NOW + seconds, UTC).isoformat()


def sla(state: str, due_in: float, change_in: float | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "policy": "v1",
        "first_response_due_at": at(due_in),
        "next_update_due_at": None,
        "resolution_due_at": at(due_in + 7200),
        "state": state,
        "remaining_s": int(due_in),
        "eta": at(due_in + 7200),
        "exempt": False,
        "paused": state == "paused",
        "next_change_at": at(change_in) if change_in is not None else None,
        "predicted_breach": False,
        **extra,
    }


def test_cells_follow_the_clock() -> None:
    f = sla_view.facts(ticket(1, "P2", sla=sla("ok", 600, change_in=300)))
    assert sla_view.cell(f, NOW) == ("10:00", "ok")
    assert sla_view.cell(f, NOW + 301) == ("4:59", "warning")  # past next_change_at
    assert sla_view.cell(f, NOW + 605) == ("-0:05", "breached")
    assert sla_view.cell(sla_view.facts(ticket(2, "P2")), NOW) == ("", "")  # no sla: blank
    paused = sla_view.facts(ticket(3, "P2", sla=sla("paused", 5400)))
    assert sla_view.cell(paused, NOW + 999) == ("⏸ 1h30", "paused")
    exempt = sla_view.facts(ticket(4, "P2", sla=sla("ok", 60, exempt=True)))
    assert sla_view.cell(exempt, NOW) == ("met", "met")
    predicted = sla_view.facts(ticket(5, "P2", sla=sla("ok", 90000, predicted_breach=True)))
    assert sla_view.cell(predicted, NOW) == ("1d01!", "ok")


def sla_app(tmp_path: Path) -> Any:
    config = ConsoleConfig(
        server="http://127.0.0.1:9",
        username="maria",
        cache_dir=str(tmp_path / "cache"),
        reconnect_seconds=60,
        bell=False,
    )
    cache = Cache(config.cache_path)
    cache.put_queues([{"name": "l1"}, {"name": "vip"}])
    cache.put_tickets(
        [
            ticket(1, "P1", sla=sla("ok", 120, change_in=60), waiting_on="player"),
            ticket(2, "P2", sla=sla("warning", 900), queue="vip", waiting_on="player"),
            ticket(3, "P3", sla=sla("breached", -60), waiting_on="player"),
            ticket(4, "P4", waiting_on="player"),  # no sla (older server)
        ]
    )
    return make_app(config, ApiClient(config.server, "offline-token", timeout=1), cache)


def test_sla_column_counts_down_and_queues_show_health(tmp_path: Path) -> None:
    app = sla_app(tmp_path)
    clock = [NOW]

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
            assert [table.sla_cell(t) for t in table.ids] == [
                ("2:00", "ok"),
                ("15:00", "warning"),
                ("-1:00", "breached"),
                ("", ""),
            ]
            rows = {r[0]: r[3] for r in screen._queue_rows()}
            assert rows["__all__"] == (1, 1) and rows["vip"] == (1, 0) and rows["l1"] == (0, 1)
            strips_before = len(table._strips)
            clock[0] = NOW + 61  # ticket 1 passes its warning point
            table.tick_sla()
            screen._tick_health()
            await pilot.pause()
            assert table.sla_cell(1) == ("0:59", "warning")
            assert len(table._strips) > strips_before  # its row was repainted, not rebuilt
            assert {r[0]: r[3] for r in screen._queue_rows()}["l1"] == (1, 1)
            assert "SLA 2 warning, 1 breached" in str(screen.query_one("#list-title").render())
            clock[0] = NOW + 121
            screen._tick_health()
            assert {r[0]: r[3] for r in screen._queue_rows()}["__all__"] == (1, 2)
            await pilot.press("D")  # sort by SLA due: soonest first, no SLA last
            assert table.ids == [3, 1, 2, 4]

    run(scenario())


def test_sla_from_the_real_server(live_server: Any, console_config: ConsoleConfig) -> None:
    """The server's `sla` object (issue 5's wiring) drives the column and the queue health."""
    from tests.console.test_app import build, ready

    t = live_server.new_ticket(priority="P1")
    assert t["sla"]["state"] == "ok"
    due = datetime.fromisoformat(t["sla"]["first_response_due_at"]).timestamp()
    change = datetime.fromisoformat(t["sla"]["next_change_at"]).timestamp()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            screen = app.screen
            table = screen.query_one(TicketTable)
            assert table.sla_cell(t["id"], due - 600) == ("10:00", "ok")
            assert table.sla_cell(t["id"], change + 1)[1] == "warning"
            table.now = lambda: due + 30
            screen.recount_sla()
            assert table.sla_cell(t["id"]) == ("-0:30", "breached")
            assert {r[0]: r[3] for r in screen._queue_rows()}["__all__"] == (0, 1)

    run(scenario())
