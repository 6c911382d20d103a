"""Pilot tests for the outbox screen, the two-factor login form and the audit view: keys in the
real console against a real server in process."""

from __future__ import annotations

import pyotp
from click.testing import CliRunner

from agent_console.app import AgentConsole, make_app
from agent_console.cache import Cache
from agent_console.client import ApiClient
from agent_console.config import ConsoleConfig
from agent_console.screens.audit import AuditScreen, FilterError, parse_filter
from agent_console.screens.login import LoginScreen
from agent_console.screens.modals import ConfirmScreen
from agent_console.screens.outbox import OutboxScreen
from agent_console.screens.queue import QueueScreen
from server.cli import main as server_cli
from tests.console.conftest import LiveServer, run
from tests.console.screen_text import screen_text
from tests.console.test_app import SIZE, build, ready, server_ticket, until


def build_as(config: ConsoleConfig, server: LiveServer, user: str) -> AgentConsole:
    config.username = user
    return make_app(config, ApiClient(server.url, server.token(user)), Cache(config.cache_path))


# -- the outbox screen -------------------------------------------------------------------------


def test_outbox_screen_discards_one_offline_write(
    live_server: LiveServer, console_config: ConsoleConfig
) -> None:
    t = live_server.new_ticket()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter")
            await until(pilot, lambda: app.cache.has_full_thread(t["id"]))
            live_server.stop()
            await until(pilot, lambda: not app.online)
            await pilot.press("r", *"kept", "ctrl+s", "colon", *"prio P1", "enter", "escape")
            await pilot.press("o")
            assert isinstance(app.screen, OutboxScreen)
            await pilot.pause()
            text = screen_text(app)
            assert "Outbox — 2 write(s): 2 waiting, 0 refused, 0 conflict(s)" in text
            assert "reply: kept" in text and "priority=P1" in text
            await pilot.press("j", "x")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await until(pilot, lambda: app.cache.outbox_count() == 1)
            assert "1 write(s): 1 waiting" in screen_text(app)
            live_server.start()
            await until(pilot, lambda: app.online and app.cache.outbox_count() == 0)
            await until(
                pilot, lambda: "empty: everything you did is on the server" in screen_text(app)
            )
            await pilot.press("escape")
            assert isinstance(app.screen, QueueScreen)

    run(scenario())
    got = server_ticket(live_server, t["id"])
    assert [m["body"] for m in got["messages"] if m["kind"] == "reply"] == ["kept"]
    assert got["priority"] != "P1"  # discarded: never sent


def test_refused_write_stays_for_retry_or_discard(
    live_server: LiveServer, console_config: ConsoleConfig
) -> None:
    t = live_server.new_ticket()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("colon", *"status closed", "enter")  # new → closed: illegal
            await until(pilot, lambda: app.failed == 1)
            assert "1 refused: o" in screen_text(app)
            await pilot.press("ctrl+p")
            await pilot.press(*"outbox")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, OutboxScreen))
            await pilot.pause()
            text = screen_text(app)
            assert "refused" in text and f"#{t['id']}" in text and "status=closed" in text
            await pilot.press("r")  # sent again, refused again: still there
            await until(pilot, lambda: app.failed == 1 and app.cache.outbox("failed"))
            await pilot.press("x", "n")  # asked, and said no
            assert app.cache.outbox_count() == 1
            await pilot.press("x", "y")
            await until(pilot, lambda: app.cache.outbox_count() == 0 and app.failed == 0)

    run(scenario())
    assert server_ticket(live_server, t["id"])["status"] == "new"


# -- two-factor sign-in --------------------------------------------------------------------------


def test_login_asks_for_the_code_when_the_server_does(
    live_server: LiveServer, console_config: ConsoleConfig
) -> None:
    r = CliRunner().invoke(
        server_cli,
        ["totp", "enroll", "maria", "--db", live_server.db_url],
        env={"AGENT_CONSOLE_DATA_DIR": str(live_server.data_dir)},
    )
    assert r.exit_code == 0, r.output
    secret = next(line.split()[-1] for line in r.output.splitlines() if line.startswith("secret"))
    totp = pyotp.TOTP(secret)
    console_config.username = ""
    app = build(console_config, live_server, signed_in=False)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, LoginScreen)
            code = app.screen.query_one("#login-totp")
            assert not code.display or code.has_class("hidden")
            await pilot.press(*"maria", "tab", *"pw", "enter")
            await until(pilot, lambda: code.has_focus)
            assert "authenticator" in screen_text(app)
            wrong = "111111" if totp.verify("000000", valid_window=1) else "000000"
            await pilot.press(*wrong, "enter")
            await until(pilot, lambda: "wrong or expired" in screen_text(app))
            await pilot.press(*totp.now(), "enter")
            await ready(pilot, app, 0)
            assert "maria" in app.agent_name

    run(scenario())


# -- the audit view ------------------------------------------------------------------------------


def test_audit_filters_parse() -> None:
    assert parse_filter("user=maria entity=ticket id=7 ticket.update") == {
        "user": "maria",
        "entity": "ticket",
        "entity_id": "7",
        "action": "ticket.update",
    }
    assert parse_filter("") == {}
    for bad in ("who=maria", "user="):
        try:
            parse_filter(bad)
        except FilterError:
            continue
        raise AssertionError(bad)


def test_audit_view_for_a_shift_lead(
    live_server: LiveServer, console_config: ConsoleConfig
) -> None:
    t = live_server.new_ticket()
    with live_server.api("oleg") as c:
        c.patch(f"/api/v1/tickets/{t['id']}", json={"priority": "P1"}, headers={"If-Match": "1"})
    app = build_as(console_config, live_server, "lead")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("ctrl+p", *"audit")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, AuditScreen))
            screen = app.screen
            await until(pilot, lambda: len(screen.rows) >= 3)
            ids = [r["id"] for r in screen.rows]
            assert ids == sorted(ids, reverse=True)  # newest first
            await pilot.press("slash", *"user=oleg", "enter")
            await until(
                pilot,
                lambda: screen.rows and {r["actor_username"] for r in screen.rows} == {"oleg"},
            )
            await pilot.pause()
            text = screen_text(app)
            assert "filter user=oleg" in text
            assert "ticket.update" in text and "P1" in text  # the detail: before → after
            await pilot.press("escape")
            assert isinstance(app.screen, QueueScreen)

    run(scenario())


def test_audit_view_refused_for_an_agent(
    live_server: LiveServer, console_config: ConsoleConfig
) -> None:
    live_server.new_ticket()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            assert not [c for c in app.get_system_commands(app.screen) if "Audit" in c.title]
            await pilot.press("colon", *"audit", "enter")
            await pilot.pause()
            assert isinstance(app.screen, QueueScreen)
            notes = [n.message for n in app._notifications]
            assert any("shift leads, compliance and admins; you are l1_agent" in n for n in notes)

    run(scenario())


def test_no_keyring_backend_still_signs_in(
    live_server: LiveServer, console_config: ConsoleConfig
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    live_server.new_ticket()
    keyring.set_keyring(NoKeyring())  # a headless machine (the fixture restores it)
    console_config.username = ""
    app = build(console_config, live_server, signed_in=False)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"maria", "tab", *"pw", "enter")
            await ready(pilot, app, 1)
            notes = [n.message for n in app._notifications]
            assert any(n.startswith("token not saved (keyring:") for n in notes), notes

    run(scenario())
    from agent_console.config import load_token

    assert load_token(live_server.url) is None
