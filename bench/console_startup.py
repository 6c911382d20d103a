"""Console benchmark: cold start from a 10,000-ticket cache, keystroke → repaint, memory.

    .venv/bin/python -m bench.console_startup [--tickets 10000] [--keys 200]

Builds a cache file with N open tickets (multilingual subjects, CJK and Persian included),
then starts the real console app headless against a server address nothing listens on (so
it starts offline, from the cache, as on a dropped Wi-Fi) and measures:

- cold start: from building the app (cache opened, tickets loaded) to the first paint of the
  queue screen (`call_after_refresh` after the screen mounts);
- keystroke → repaint: from posting a key event to the end of the refresh it causes,
  measured inside the app (a pilot's press + pause costs far more than this), for cursor
  moves (`j`) and opening a cached ticket (`enter`, then `escape`);
- peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from textual import events

QUIET_S = 0.06
"""A keystroke's repaint is over when no frame followed for this long (the screen updates
at most 60 times a second, so a follow-up frame, e.g. scrolling a thread to its end after
layout, comes within ~17-35 ms)."""

SUBJECTS = [
    "Withdrawal pending for 3 days",
    "Трансфер из аэропорта не приехал",
    "Gelen yolcu salonunda şoför yok",
    "مشکل با برداشت ۵۰۰ دلار",
    "提现一直在处理中",
    "Υπεράριθμη κράτηση στο ξενοδοχείο",
    "2FA қолжетімділігі жоғалды",
    "Тоглоом эргэлтийн дундуур тасарсан",
]
NAMES = ["Anna Petrova", "نگار احمدی", "王伟", "Ayşe Kaya", "Гүлнар Жұмабаева", "Noah Patel"]


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))


def make_cache(path: Path, n: int, sla: bool = True) -> None:
    from agent_console.cache import Cache

    rng = random.Random(7)
    cache = Cache(path)
    tickets = []
    now = time.time()
    for i in range(n):
        tid = 10001 + i
        # an SLA object as the server sends it: due times around now, so the countdown
        # column ticks and some rows are in warning or breached
        due = now + rng.randint(-3600, 4 * 3600)
        sla_state = "breached" if due < now else rng.choice(["ok", "ok", "warning"])
        tickets.append(
            {
                "id": tid,
                "number": tid,
                "display_number": f"#{tid}",
                "subject": rng.choice(SUBJECTS),
                "status": rng.choice(["new", "accepted", "in_progress", "needs_clarification"]),
                "priority": rng.choice(["P1", "P2", "P3", "P4"]),
                "queue": rng.choice(["l1", "l1-ru", "l1-fa", "vip", "payments"]),
                "channel": "web_chat",
                "language": "en",
                "player": {
                    "external_id": f"p-{i % 500}",
                    "name": rng.choice(NAMES),
                    "tier": rng.choice(["standard"] * 8 + ["vip", "vvip"]),
                },
                "assignee": rng.choice([None, "demo", "maria"]),
                "tags": rng.choice([[], ["payment"], ["kyc"], ["bonus"]]),
                "transaction_refs": [],
                "version": 1,
                "created_at": f"2026-01-{1 + i % 28:02d}T10:00:00+00:00",
                "updated_at": f"2026-01-{1 + i % 28:02d}T10:00:00+00:00",
                "waiting_on": rng.choice(["agent", "player"]),
                "waiting_since": f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00",
                "message_count": 3,
                "allowed_transitions": ["resolved"],
                "sla": None
                if not sla
                else {
                    "policy": "bench",
                    "first_response_due_at": _iso(due),
                    "next_update_due_at": None,
                    "resolution_due_at": _iso(due + 4 * 3600),
                    "state": sla_state,
                    "remaining_s": int(due - now),
                    "eta": _iso(due),
                    "exempt": False,
                    "paused": False,
                    "next_change_at": _iso(due - 600),
                    "predicted_breach": False,
                },
            }
        )
    cache.put_tickets(tickets)
    for tid in range(10001, 10001 + min(n, 50)):
        for k in range(5):
            cache.put_message(
                {
                    "id": tid * 10 + k,
                    "ticket_id": tid,
                    "kind": ["player", "reply", "note", "bot", "system"][k],
                    "author": "demo",
                    "author_name": "Demo",
                    "channel": "web_chat",
                    "body": rng.choice(SUBJECTS) + "\n" + rng.choice(SUBJECTS),
                    "quote_id": None,
                    "created_at": f"2026-01-01T10:0{k}:00+00:00",
                    "retracted": False,
                    "retracted_at": None,
                    "retract_reason": None,
                }
            )
    cache.set_last_seq(1)
    cache.mark_synced()
    cache.close()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


class Frames:
    """Records the end of every repaint: the app's `_display` is called with the finished
    compositor update once the screen has been rendered (headless, it is not written to a
    terminal; that part is not measured)."""

    def __init__(self, app: Any) -> None:
        self.times: list[tuple[float, float]] = []  # (wall, process cpu)
        self.shown: list[tuple[float, float]] = []  # frames that showed `expect`
        self.expect: int | None = None
        self.drawn = False
        display = app._display

        def hooked(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                stamp = (time.perf_counter(), time.process_time())
                self.times.append(stamp)
                if self.drawn:
                    self.shown.append(stamp)
                    self.drawn = False

        app._display = hooked

    def watch_cursor(self, table: Any) -> None:
        """Notes when the table draws its cursor row at the index `expect`: the frame after
        that is the one that shows a cursor move (under a stream of events the screen never
        goes quiet, so the last frame is no end marker)."""
        render_line = table.render_line

        def hooked(y: int) -> Any:
            strip = render_line(y)
            row = int(table.scroll_y) + y - 1
            if self.expect is not None and row == self.expect == table.cursor:
                self.drawn = True
            return strip

        table.render_line = hooked


async def keystroke(
    app: Any, frames: Frames, key: str, quiet: float = QUIET_S, give_up: float = 3.0
) -> tuple[float, float]:
    """Posts one key event and waits until the app has repainted and gone quiet; returns
    (wall, cpu) seconds from the key to the end of the last repaint it caused."""
    n = len(frames.times)
    start, cpu = time.perf_counter(), time.process_time()
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    while True:
        await asyncio.sleep(0.002)
        now = time.perf_counter()
        if len(frames.times) > n and now - frames.times[-1][0] >= quiet:
            break
        if now - start > give_up:
            break
    if len(frames.times) == n:
        return float("nan"), float("nan")
    end, end_cpu = frames.times[-1]
    return end - start, end_cpu - cpu


async def cursor_key(
    app: Any, frames: Frames, table: Any, key: str, give_up: float = 3.0
) -> tuple[float, float]:
    """j or k while other things repaint too: from the key event to the end of the first
    frame that shows the cursor on its new row."""
    step = 1 if key == "j" else -1
    frames.expect = max(0, min(len(table.ids) - 1, table.cursor + step))
    frames.drawn = False
    n = len(frames.shown)
    start, cpu = time.perf_counter(), time.process_time()
    app.post_message(events.Key(key, key))
    while len(frames.shown) == n and time.perf_counter() - start < give_up:
        await asyncio.sleep(0.001)
    frames.expect = None
    if len(frames.shown) == n:
        return float("nan"), float("nan")
    end, end_cpu = frames.shown[n]
    await asyncio.sleep(0.02)  # an agent's next key comes a little later
    return end - start, end_cpu - cpu


class ChangeFeed:
    """Synthetic server events at a steady rate, applied the way the live worker applies the
    event stream: each one written to the cache (`apply_changes`), then `Synced` posted to
    the app. Half of them touch a ticket on screen (so they repaint), half any open ticket;
    they change owner, status and waiting side, never the order key."""

    def __init__(self, app: Any, rate: float) -> None:
        self.app, self.rate = app, rate
        self.sent = 0
        self.rng = random.Random(11)
        self.seq = app.cache.last_seq

    def _one(self) -> None:
        from agent_console.app import Synced
        from agent_console.widgets.ticket_table import TicketTable

        app = self.app
        ids = list(app.tickets)
        try:
            table = app.screen.query_one(TicketTable)
            top = int(table.scroll_y)
            on_screen = table.ids[top : top + table.size.height]
        except Exception:
            on_screen = []
        tid = self.rng.choice(on_screen if on_screen and self.rng.random() < 0.5 else ids)
        t = dict(app.tickets[tid])
        t["version"] = int(t.get("version") or 1) + 1
        t["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        t["assignee"] = self.rng.choice([None, "demo", "maria", "oleg"])
        t["status"] = self.rng.choice(["new", "accepted", "in_progress", "needs_clarification"])
        t["waiting_on"] = self.rng.choice(["agent", "player"])
        self.seq += 1
        change = {"seq": self.seq, "entity": "ticket", "id": tid, "op": "update", "data": t}
        applied = app.cache.apply_changes([change])
        app.post_message(Synced(applied))
        self.sent += 1

    async def run(self) -> None:
        period = 1 / self.rate
        next_at = time.perf_counter()
        while True:
            next_at += period
            self._one()
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def measure(path: Path, keys: int, rate: float) -> dict[str, float]:
    from agent_console.app import make_app
    from agent_console.cache import Cache
    from agent_console.client import ApiClient
    from agent_console.config import ConsoleConfig
    from agent_console.screens.queue import QueueScreen
    from agent_console.screens.ticket import TicketScreen
    from agent_console.widgets.ticket_table import TicketTable

    cfg = ConsoleConfig(server="http://127.0.0.1:9", reconnect_seconds=60, bell=False)
    t0 = time.perf_counter()
    app = make_app(cfg, ApiClient(cfg.server, "offline-token", timeout=1), Cache(path))
    app.started_at = t0
    out: dict[str, float] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        while app.first_paint is None:
            await pilot.pause(0.005)
        out["cold_start_s"] = app.first_paint
        assert isinstance(app.screen, QueueScreen)
        frames = Frames(app)
        await pilot.pause(0.5)  # let the start settle (first sync attempt, first paint)

        moves = [await keystroke(app, frames, "j") for _ in range(keys)]
        await keystroke(app, frames, "g")
        opens, backs = [], []
        for _ in range(min(keys, 100)):
            opens.append(await keystroke(app, frames, "enter"))
            assert isinstance(app.screen, TicketScreen), app.screen
            backs.append(await keystroke(app, frames, "escape"))
            assert isinstance(app.screen, QueueScreen), app.screen
            await keystroke(app, frames, "j")

        await keystroke(app, frames, "g")
        table = app.screen.query_one(TicketTable)
        frames.watch_cursor(table)
        feed = ChangeFeed(app, rate)
        task = asyncio.create_task(feed.run())
        started = time.perf_counter()
        await asyncio.sleep(0.5)
        loaded = []
        for i in range(keys):  # 60 down, 60 up, ...: scrolling included
            key = "j" if (i // 60) % 2 == 0 else "k"
            loaded.append(await cursor_key(app, frames, table, key))
        task.cancel()
        out["event_rate"] = feed.sent / (time.perf_counter() - started)
        for name, values in (("move", moves), ("open", opens), ("back", backs), ("load", loaded)):
            wall = [w for w, _ in values if w == w]
            cpu = [c for _, c in values if c == c]
            out[f"{name}_n"] = len(wall)
            out[f"{name}_p50_ms"] = statistics.median(wall) * 1000
            out[f"{name}_p99_ms"] = pct(wall, 99) * 1000
            out[f"{name}_cpu_p50_ms"] = statistics.median(cpu) * 1000
            out[f"{name}_cpu_p99_ms"] = pct(cpu, 99) * 1000
        out["rows"] = len(app.tickets)
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--events", type=float, default=100, help="server events per second")
    parser.add_argument(
        "--no-sla", action="store_true", help="tickets without the server's `sla` object"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load:.1f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cache.db"
        t = time.perf_counter()
        make_cache(path, args.tickets, sla=not args.no_sla)
        print(f"cache with {args.tickets} tickets built in {time.perf_counter() - t:.1f} s")
        r = asyncio.run(measure(path, args.keys, args.events))
    print(f"rows loaded: {r['rows']}")
    print("keystroke → end of repaint, wall clock (process CPU):")
    for name, label in (
        ("move", "cursor move (j)"),
        ("open", "open cached ticket (enter)"),
        ("back", "back to the queue (escape)"),
        ("load", f"j/k under {r['event_rate']:.0f} events/s"),
    ):
        print(
            f"  {label:<30} n={r[name + '_n']:<4.0f} p50 {r[name + '_p50_ms']:6.1f} ms "
            f"p99 {r[name + '_p99_ms']:6.1f} ms   (cpu p50 {r[name + '_cpu_p50_ms']:5.1f} "
            f"p99 {r[name + '_cpu_p99_ms']:5.1f} ms)"
        )
    targets = [
        ("cold start to first queue paint", r["cold_start_s"], 1.0, "s"),
        ("cursor move p99", r["move_p99_ms"], 50, "ms"),
        ("open cached ticket p99", r["open_p99_ms"], 50, "ms"),
        (f"input p99 under {args.events:.0f} events/s", r["load_p99_ms"], 100, "ms"),
        ("peak RSS", r["rss_mb"], 200, "MB"),
    ]
    for name, value, limit, unit in targets:
        mark = "PASS" if value <= limit else "MISS"
        print(f"[{mark}] {name}: {value:.3g} {unit} (target ≤ {limit} {unit})")


if __name__ == "__main__":
    main()
