"""Snapshot tests of the main screens — login, queue, ticket — as text, with fixed data and a
frozen clock, so they are deterministic. `UPDATE_SNAPSHOTS=1` rewrites them after a wanted
change; review the diff (`git diff tests/console/snapshots`) before committing.

(pytest-textual-snapshot pins syrupy 4.8, which needs pytest < 9: it would downgrade the
suite's pytest, so these compare the screen's text instead of SVG.)
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from agent_console.app import make_app
from agent_console.cache import Cache
from agent_console.client import ApiClient
from agent_console.config import ConsoleConfig
from agent_console.screens.ticket import TicketScreen
from agent_console.widgets.ticket_table import TicketTable
from tests.console.conftest import run
from tests.console.screen_text import screen_text
from tests.console.test_reuse import message, ticket
from tests.console.test_sla import NOW, sla

SIZE = (120, 32)
SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Message times are shown in local time: make that UTC for the snapshot."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def check(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        if not os.environ.get("UPDATE_SNAPSHOTS"):
            pytest.fail(f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 and review it")
        path.write_text(text + "\n", encoding="utf-8")
        return
    assert text + "\n" == path.read_text(encoding="utf-8"), f"{name} differs from {path}"


def app_for(tmp_path: Path, token: str | None = "offline-token") -> Any:
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
            ticket(
                10001,
                "P1",
                subject="Withdrawal pending for 3 days",
                sla=sla("warning", 300),
                tags=["payment"],
                transaction_refs=["WD-88231"],
            ),
            ticket(10002, "P2", subject="مشکل با برداشت ۵۰۰ دلار", sla=sla("ok", 5400)),
            ticket(10003, "P3", subject="提现一直在处理中", queue="vip", sla=sla("breached", -90)),
            ticket(10004, "P4", subject="Bonus not credited", waiting_on="player"),
        ]
    )
    for mid, kind in ((11, "player"), (12, "reply"), (13, "note")):
        cache.put_message(message(mid, 10001, kind))
    app = make_app(config, ApiClient(config.server, token, timeout=1), cache)
    return app


def freeze(app: Any) -> None:
    for table in app.screen.query(TicketTable):
        table.now = lambda: NOW
        table.refresh()
    if isinstance(app.screen, TicketScreen):
        app.screen.now = lambda: NOW


def test_login_screen(tmp_path: Path) -> None:
    app = app_for(tmp_path, token=None)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            check("login", screen_text(app))

    run(scenario())


def test_queue_screen(tmp_path: Path) -> None:
    app = app_for(tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            freeze(app)
            app.screen.recount_sla()
            await pilot.pause()
            check("queue", screen_text(app))

    run(scenario())


def test_ticket_screen(tmp_path: Path) -> None:
    app = app_for(tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            freeze(app)
            await pilot.press("enter")
            await pilot.pause()
            freeze(app)
            app.screen.render_ticket()
            await pilot.pause()
            check("ticket", screen_text(app))

    run(scenario())
