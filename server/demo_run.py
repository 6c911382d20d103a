"""What `make demo` runs: a demo server with realistic data and live simulated players.

    python -m server.demo_run [--port 8080] [--db URL] [--no-traffic] [--reset]

It uses a demo database of its own (the user data dir's `demo.db`, or $AGENT_CONSOLE_DEMO_DB),
seeds it when it holds no tickets, serves the API on 127.0.0.1 and, unless --no-traffic,
relays simulated player traffic through the API as the channel integration user. Ctrl+C stops
everything cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import socket
import sys
import time
from pathlib import Path
from typing import Any

import platformdirs
from rich.console import Console
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from .settings import APP_NAME, Settings

DB_ENV = "AGENT_CONSOLE_DEMO_DB"
PORT_ENV = "AGENT_CONSOLE_DEMO_PORT"

err = Console(stderr=True)


def default_db() -> str:
    return os.environ.get(DB_ENV) or str(Path(platformdirs.user_data_dir(APP_NAME)) / "demo.db")


def default_port() -> int:
    raw = os.environ.get(PORT_ENV)
    if not raw:
        return 8080
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{PORT_ENV} must be a port number, not {raw!r}") from None


def as_url(db: str) -> str:
    """A database URL, or a plain file path taken as a SQLite file."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m server.demo_run",
        description=(
            "Run the Agent Console demo: a ticket server on a demo database filled with "
            "realistic multilingual data (seeded on first run), plus simulated live player "
            "traffic. Stop it with Ctrl+C."
        ),
        epilog=(
            f"Environment: {DB_ENV} (database URL or SQLite file path) and {PORT_ENV} set "
            "the defaults of --db and --port. Demo users: demo/demo (L1 agent), lead/demo "
            "(shift lead), admin/demo (admin); see `agent-console-server seed-demo`."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--port",
        type=int,
        default=default_port(),
        help=f"port to serve on (${PORT_ENV} overrides the default)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--db",
        default=default_db(),
        metavar="URL_OR_PATH",
        help=f"demo database: sqlite:///file.db, postgresql://…, or a file path (${DB_ENV})",
    )
    parser.add_argument(
        "--no-traffic", action="store_true", help="serve only; no simulated player traffic"
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="delete the demo database (SQLite: the file; PostgreSQL: the desk's tables) "
        "and seed it again",
    )
    parser.add_argument(
        "--tickets", type=int, default=600, help="tickets to seed into an empty database"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed of the demo data")
    parser.add_argument(
        "--server-only",
        action="store_true",
        help="run only the server (with its banner and traffic log) instead of opening the "
        "console in front of it",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=4.0,
        metavar="SECONDS",
        help="mean time between simulated player events",
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    if args.interval <= 0:
        parser.error("--interval must be positive")
    if args.tickets < 0:
        parser.error("--tickets must not be negative")
    return args


# -- the database ----------------------------------------------------------------------------


def reset_database(url: str) -> None:
    """Throw the demo database away: the SQLite file (and its WAL), or the desk's tables."""
    from .store.engine import is_sqlite, make_engine
    from .store.tables import metadata
    from .store.tables_intake import kb_articles  # noqa: F401  (its tables join metadata)

    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)
        return
    engine = make_engine(url, pool_size=1)
    try:
        with engine.begin() as conn:
            metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


def prepare(url: str, *, n_tickets: int, seed: int) -> int:
    """Migrate; seed when there are no tickets. Returns the number of tickets."""
    from .demo.seed import ensure_users, seed_demo
    from .store.engine import make_engine
    from .store.migrate import upgrade
    from .store.tables import tickets, users

    engine = make_engine(url, pool_size=1)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(tickets)).scalar_one()
            has_demo = conn.execute(select(users.c.id).where(users.c.username == "demo")).first()
    finally:
        engine.dispose()
    if count == 0:
        err.print("[bold]First run:[/] seeding the demo database …")
        summary = seed_demo(url, n_tickets=n_tickets, seed=seed, console=err)
        err.print(summary, highlight=False, markup=False, soft_wrap=True)
        count = n_tickets
    elif has_demo is None:  # tickets, but not from seed-demo: add the demo users at least
        ensure_users(url)
    return count


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


# -- serving ---------------------------------------------------------------------------------


def banner(base: str, url: str, tickets: int, traffic: bool) -> str:
    shown = make_url(url).render_as_string(hide_password=True)
    login = (
        f"curl -s -X POST {base}/api/v1/auth/login -H 'Content-Type: application/json' "
        """-d '{"username":"demo","password":"demo"}'"""
    )
    token = (
        f"TOKEN=$({login} | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"token\"])')"
    )
    auth = '-H "Authorization: Bearer $TOKEN"'
    return "\n".join(
        [
            "",
            f"[bold green]Agent Console demo server[/] on [bold]{base}[/]  (API docs: {base}/docs)",
            f"  database: {shown} ({tickets} tickets)",
            "  sign in: [bold]demo[/] / demo (L1 agent) · [bold]lead[/] / demo (shift lead) · "
            "[bold]admin[/] / demo (admin); also aigerim, bat, emre, nikos, shirin (L1), "
            "oleksii (L2), sofia (payments), chloe, arman (VIP hosts): password demo",
            "  live traffic: "
            + (
                "simulated players write every few seconds (below); new messages go "
                "through the intake door, where the bot answers or hands off"
                if traffic
                else "off"
            ),
            "",
            "Try it (paste into a shell):",
            f"  {token}",
            f"  curl -s {auth} '{base}/api/v1/tickets?assignee=me&open=true&limit=5'",
            f"  curl -s {auth} {base}/api/v1/queues",
            f"  curl -sN {auth} {base}/api/v1/events   # live changes (SSE)",
            "",
            "Press Ctrl+C to stop.",
            "",
        ]
    )


async def serve(args: argparse.Namespace, url: str, tickets: int, bot_password: str) -> None:
    import uvicorn

    from .api.app import create_app
    from .demo.data import BOT_USERNAME
    from .demo.traffic import Traffic

    # The payments backend's local fake (status look-ups), and a key for the intake door.
    payments, payments_url = start_fake_payments()
    from .intake.keys import create_integration

    intake_key, _ = create_integration(url, "demo-web")
    settings = Settings(
        db=url, host=args.host, port=args.port, log_level="warning", payments_url=payments_url
    )
    config = uvicorn.Config(
        create_app(settings, settle_heap=True),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    traffic_task: asyncio.Task[None] | None = None
    try:
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
            base = f"http://{host}:{args.port}"
            err.print(
                banner(base, url, tickets, not args.no_traffic), highlight=False, soft_wrap=True
            )
            err.print(intake_hint(base, intake_key, payments_url), highlight=False, soft_wrap=True)
            if not args.no_traffic:
                traffic = Traffic(
                    base,
                    BOT_USERNAME,
                    bot_password,
                    seed=args.seed,
                    interval=args.interval,
                    intake_key=intake_key,  # new player messages through the intake door
                )
                traffic_task = asyncio.create_task(traffic.run())
        await serving
    finally:
        if traffic_task is not None:
            traffic_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await traffic_task
        payments.terminate()


def start_fake_payments() -> tuple[Any, str]:
    """The fake payments backend as a child process on a free port: (process, URL)."""
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.connectors.fake_payments",
            "--port",
            str(port),
            "--exit-with-parent",
        ]
    )
    return proc, f"http://127.0.0.1:{port}"


def intake_hint(base: str, key: str, payments_url: str) -> str:
    body = (
        '{"channel":"web_chat","channel_user_id":"visitor-1",'
        '"text":"How long does a withdrawal take?"}'
    )
    return (
        f"Intake door (integration 'demo-web', fake payments backend on {payments_url}):\n"
        f"  curl -s -X POST {base}/api/v1/intake/messages -H 'X-API-Key: {key}' "
        f"-H 'Content-Type: application/json' -d '{body}'\n"
    )


def open_console(args: argparse.Namespace, argv: list[str]) -> int:
    """`make demo`: the server (and traffic) in a child process, the console in front of it,
    signed in as the demo agent. The server's output goes to a log file, not the screen."""
    import subprocess

    import httpx

    from .settings import default_data_dir

    log_path = default_data_dir() / "demo-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    child_args = [a for a in argv if a != "--reset"] if argv else []
    if args.reset:
        child_args.append("--reset")
    err.print(f"starting the demo server (log: {log_path}) …")
    with open(log_path, "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "server.demo_run", "--server-only", *child_args],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    base = f"http://{host}:{args.port}"
    try:
        token = None
        while token is None:
            if server.poll() is not None:
                err.print(f"[red]the demo server stopped[/]; see {log_path}")
                return 1
            try:
                r = httpx.post(
                    f"{base}/api/v1/auth/login",
                    json={"username": "demo", "password": "demo"},
                    timeout=2,
                )
                if r.status_code == 200:
                    token = r.json()["token"]
            except httpx.HTTPError:
                pass
            if token is None:
                time.sleep(0.3)
        env = {**os.environ, "AGENT_CONSOLE_TOKEN": token, "AGENT_CONSOLE_USERNAME": "demo"}
        console = subprocess.run(
            [sys.executable, "-m", "agent_console", "--server", base], env=env, check=False
        )
        return console.returncode
    except KeyboardInterrupt:
        return 130
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        err.print(f"demo server stopped (log: {log_path})")


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if not args.server_only:
        if not port_free(args.host, args.port):
            err.print(
                f"[red]port {args.port} on {args.host} is in use[/]: stop what uses it, or "
                f"pass --port (or set {PORT_ENV})"
            )
            return 2
        return open_console(args, raw)
    url = as_url(args.db)
    if not port_free(args.host, args.port):
        err.print(
            f"[red]port {args.port} on {args.host} is in use[/]: stop what uses it, or pass "
            f"--port (or set {PORT_ENV})"
        )
        return 2
    try:
        if args.reset:
            reset_database(url)
            err.print("demo database reset")
        tickets = prepare(url, n_tickets=args.tickets, seed=args.seed)
        from .demo.seed import set_bot_password

        bot_password = secrets.token_urlsafe(24)
        set_bot_password(url, bot_password)  # a fresh secret each run; nobody else needs it
    except KeyboardInterrupt:
        err.print("stopped")
        return 130
    except Exception as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        err.print(f"[red]cannot prepare the demo database {shown}:[/] {exc}")
        return 1
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args, url, tickets, bot_password))
    err.print("demo server stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
