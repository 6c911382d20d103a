"""Console benchmark: cold start from a 10,000-ticket cache, keystroke → repaint, memory.

    .venv/bin/python -m bench.console_startup [--tickets 10000] [--keys 200]

Builds a cache file with N open tickets (multilingual subjects, CJK and Persian included;
each with the `sla` and `escalation` objects the server sends, unless --no-sla), in another
process, then starts the real console app headless against a server address nothing listens on (so
it starts offline, from the cache, as on a dropped Wi-Fi) and measures:

- cold start: from building the app (cache opened, tickets loaded) to the first paint of the
  queue screen (`call_after_refresh` after the screen mounts);
- keystroke → repaint: from posting a key event to the end of the frame that shows its
  effect, measured inside the app (a pilot's press + pause costs far more than this): for
  cursor moves (`j`) the frame that draws the cursor on its new row, for opening a cached
  ticket (`enter`) and going back (`escape`) the new screen's first frame and the ones chained
  right behind it (see `screen_key`). Frames the key did not cause (the SLA countdown
  repaints once a second) are not counted as its end, but one that comes first delays it,
  and that is measured;
- peak RSS (of this process: the console's, the cache was built elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import events

CHAINED_S = 0.005
"""Frames closer than this follow from the same refresh (see `screen_key`)."""
QUIET_S = 0.06
"""Between keystrokes the bench waits until no frame came for this long (the screen updates
at most 60 times a second, so a follow-up frame comes within ~17-35 ms)."""

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
    # as the server writes times: `datetime.isoformat()`, microseconds included
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def sla_objects(rng: random.Random, now: float) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A ticket's `sla` and `escalation` objects made the way the server makes them: a clock
    snapshot (the shape `ticket_clock` stores) projected by the server's own `project` and
    `escalation_view` (server/services/sla.py `ticket_json`). Due times lie around now, so
    the countdown column ticks and some rows are in warning or breached; a few clocks are
    paused, met or exempt, and a third of the tickets carry an escalation."""
    from server.domain.ticket_clock import escalation_view, project

    due = now + rng.randint(-3600, 4 * 3600)
    started = due - 3600
    roll = rng.random()

    def clock(due_at: float, state: str = "ok", remaining: int | None = None) -> dict[str, Any]:
        return {
            "state": state,
            "started_at": _iso(started),
            "due_at": None if state == "paused" else _iso(due_at),
            "warn_at": None if state == "paused" else _iso(due_at - 900),
            "stopped_at": None,
            "remaining_s": remaining,
            "calendar": "24x7",
        }

    clocks = {"first_response": clock(due), "resolution": clock(due + 4 * 3600)}
    paused = exempt = False
    if roll < 0.05:  # waiting on the player: paused with what was left
        paused = True
        clocks = {
            "resolution": clock(due, "paused", rng.randint(60, 4 * 3600)),
        }
    elif roll < 0.08:
        exempt = True
    elif roll < 0.25:  # first response met; the next-update clock runs
        clocks["first_response"] = clock(due, "met") | {"stopped_at": _iso(started + 600)}
        clocks["next_update"] = clock(due + 1800)
    snapshot: dict[str, Any] = {
        "policy": "standard-" + rng.choice(["l1", "vip", "payments"]),
        "at": _iso(now - rng.randint(0, 600)),
        "paused": paused,
        "exempt": exempt,
        "exempt_reason": "legal hold" if exempt else None,
        "clocks": clocks,
    }
    if rng.random() < 0.33:
        level = rng.randint(1, 3)
        snapshot["escalation"] = {
            "level": level,
            "name": ["team lead", "shift lead", "head of support"][level - 1],
            "roles": [["team_lead"], ["shift_lead"], ["head_of_support", "compliance"]][level - 1],
            "next_level": level + 1 if level < 3 else None,
            "next_at": _iso(due + 1800) if level < 3 else None,
            "next_roles": ["shift_lead"] if level < 3 else [],
            "handoff": level == 3,
            "suggested_queue": "vip" if level == 3 else None,
            "tracks": {
                "management": {"ladder": "default", "level": level, "name": "shift lead"},
                "payments": {"ladder": "payments", "level": 1, "name": "payments desk"},
            },
            "reached_at": _iso(due - 600),
        }
    at = datetime.fromtimestamp(now, UTC)
    sla = project(snapshot, at, {}, predicted_breach=rng.random() < 0.1)
    assert sla is not None
    return sla, escalation_view(snapshot)


def make_cache(path: Path, n: int, sla_data: bool = True) -> None:
    from agent_console.cache import Cache

    rng = random.Random(7)
    cache = Cache(path)
    tickets = []
    now = time.time()
    for i in range(n):
        tid = 10001 + i
        sla, escalation = sla_objects(rng, now) if sla_data else (None, None)
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
                    "host": rng.choice([None, None, "maria"]),
                },
                "assignee": rng.choice([None, "demo", "maria"]),
                "team": None,
                "tags": rng.choice([[], ["payment"], ["kyc"], ["bonus"]]),
                "transaction_refs": [],
                "escalation_level": (escalation or {}).get("level", 0),
                "version": 1,
                "created_at": f"2026-01-{1 + i % 28:02d}T10:00:00+00:00",
                "updated_at": f"2026-01-{1 + i % 28:02d}T10:00:00+00:00",
                "waiting_on": rng.choice(["agent", "player"]),
                "waiting_since": f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00",
                "last_message_at": f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00",
                "message_count": 3,
                "allowed_transitions": ["needs_clarification", "resolved"],
                "anonymised_at": None,
                "feedback": None,
                "sla": sla,
                "escalation": escalation,
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
        self.screens: list[Any] = []  # the screen each frame showed
        self.shown: list[tuple[float, float]] = []  # frames that showed `expect`
        self.expect: int | None = None
        self.drawn = False
        display = app._display

        def hooked(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                stamp = (time.perf_counter(), time.process_time())
                self.times.append(stamp)
                self.screens.append(screen)
                if self.drawn:
                    self.shown.append(stamp)
                    self.drawn = False

        app._display = hooked

    def watch_cursor(self, table: Any) -> None:
        """Notes when the table draws its cursor row at the index `expect`: the frame after
        that is the one that shows a cursor move (the countdown repaints rows once a second,
        and under a stream of events the screen never goes quiet, so "the last frame before
        a quiet spell" would count frames the key did not cause)."""
        render_line = table.render_line

        def hooked(y: int) -> Any:
            strip = render_line(y)
            row = int(table.scroll_y) + y - 1
            if self.expect is not None and row == self.expect == table.cursor:
                self.drawn = True
            return strip

        table.render_line = hooked


async def settle(frames: Frames, quiet: float = QUIET_S, give_up: float = 1.0) -> None:
    """Waits until no frame came for `quiet` seconds (an agent's next key comes later)."""
    start = time.perf_counter()
    while time.perf_counter() - start < give_up:
        await asyncio.sleep(0.005)
        last = frames.times[-1][0] if frames.times else start
        if time.perf_counter() - max(last, start) >= quiet:
            return


async def screen_key(
    app: Any, frames: Frames, key: str, screen_type: type, give_up: float = 3.0
) -> tuple[float, float, int]:
    """A key that changes screens (`enter` opens a ticket, `escape` goes back): from the key
    event to the end of the new screen's first frame and of the frames right behind it (the
    layout pass sends a full-screen update ~1 ms after the first one; frames chained less
    than `CHAINED_S` apart belong to the same refresh, a timer's frame comes later). Returns
    (wall, cpu, how many chained frames were counted after the first)."""
    n = len(frames.times)
    start, cpu = time.perf_counter(), time.process_time()
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    first: int | None = None
    while time.perf_counter() - start < give_up and first is None:
        await asyncio.sleep(0.001)
        first = next(
            (i for i in range(n, len(frames.times)) if isinstance(frames.screens[i], screen_type)),
            None,
        )
    await settle(frames)
    if first is None:
        return float("nan"), float("nan"), 0
    last = first
    for i in range(first + 1, len(frames.times)):
        if frames.times[i][0] - frames.times[last][0] > CHAINED_S:
            break
        if isinstance(frames.screens[i], screen_type):
            last = i
    end = frames.times[last]
    return end[0] - start, end[1] - cpu, last - first


async def cursor_key(
    app: Any, frames: Frames, table: Any, key: str, give_up: float = 3.0
) -> tuple[float, float]:
    """j or k: from the key event to the end of the first frame that shows the cursor on its
    new row (scrolling included: the new row is drawn at the bottom or top line)."""
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
        table = app.screen.query_one(TicketTable)
        frames.watch_cursor(table)
        await pilot.pause(0.5)  # let the start settle (first sync attempt, first paint)

        moves = []
        for _ in range(keys):
            moves.append(await cursor_key(app, frames, table, "j"))
            await settle(frames)
        table.action_top()
        await settle(frames)
        opens, backs, follow_ups = [], [], 0
        for _ in range(min(keys, 100)):
            wall, cpu, after = await screen_key(app, frames, "enter", TicketScreen)
            opens.append((wall, cpu))
            follow_ups += after
            assert isinstance(app.screen, TicketScreen), app.screen
            wall, cpu, after = await screen_key(app, frames, "escape", QueueScreen)
            backs.append((wall, cpu))
            assert isinstance(app.screen, QueueScreen), app.screen
            await cursor_key(app, frames, table, "j")
            await settle(frames)
        out["open_follow_ups"] = follow_ups

        table.action_top()
        await settle(frames)
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
        # in another process, so the peak RSS measured here is the console's alone
        builder = multiprocessing.get_context("spawn").Process(
            target=make_cache, args=(path, args.tickets, not args.no_sla)
        )
        builder.start()
        builder.join()
        if builder.exitcode:
            raise SystemExit(f"building the cache failed ({builder.exitcode})")
        print(f"cache with {args.tickets} tickets built in {time.perf_counter() - t:.1f} s")
        r = asyncio.run(measure(path, args.keys, args.events))
    print(f"rows loaded: {r['rows']}; SLA objects: {'no' if args.no_sla else 'yes'}")
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
    print(
        f"  opens whose first frame was followed by a chained one (counted in): "
        f"{r['open_follow_ups']:.0f} of {r['open_n']:.0f}"
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
