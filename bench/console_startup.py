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

from textual import events

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


def make_cache(path: Path, n: int) -> None:
    from agent_console.cache import Cache

    rng = random.Random(7)
    cache = Cache(path)
    tickets = []
    for i in range(n):
        tid = 10001 + i
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


async def measure(path: Path, keys: int) -> dict[str, float]:
    from agent_console.app import make_app
    from agent_console.cache import Cache
    from agent_console.client import ApiClient
    from agent_console.config import ConsoleConfig
    from agent_console.screens.queue import QueueScreen
    from agent_console.screens.ticket import TicketScreen

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
        loop = asyncio.get_running_loop()

        async def timed(key: str, screen: type | None = None) -> float:
            fut: asyncio.Future[float] = loop.create_future()
            start = time.perf_counter()
            app.post_message(events.Key(key, key if len(key) == 1 else None))
            while screen is not None and not isinstance(app.screen, screen):
                await asyncio.sleep(0)  # the screen is pushed a few messages later
            app.call_later(
                lambda: app.call_after_refresh(
                    lambda: fut.done() or fut.set_result(time.perf_counter())
                )
            )
            return (await fut) - start

        moves = [await timed("j") for _ in range(keys)]
        await pilot.press("g")
        opens = []
        for _ in range(min(keys, 50)):
            opens.append(await timed("enter", TicketScreen))
            assert isinstance(app.screen, TicketScreen)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.press("j")
        out["move_p50_ms"] = statistics.median(moves) * 1000
        out["move_p99_ms"] = pct(moves, 99) * 1000
        out["open_p50_ms"] = statistics.median(opens) * 1000
        out["open_p99_ms"] = pct(opens, 99) * 1000
        out["rows"] = len(app.tickets)
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--keys", type=int, default=200)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cache.db"
        t = time.perf_counter()
        make_cache(path, args.tickets)
        print(f"cache with {args.tickets} tickets built in {time.perf_counter() - t:.1f} s")
        r = asyncio.run(measure(path, args.keys))
    targets = [
        ("cold start to first queue paint", r["cold_start_s"], 1.0, "s"),
        ("cursor move p99", r["move_p99_ms"], 50, "ms"),
        ("open cached ticket p99", r["open_p99_ms"], 50, "ms"),
        ("peak RSS", r["rss_mb"], 200, "MB"),
    ]
    print(
        f"rows loaded: {r['rows']}; cursor move p50 {r['move_p50_ms']:.1f} ms; "
        f"open p50 {r['open_p50_ms']:.1f} ms"
    )
    for name, value, limit, unit in targets:
        mark = "PASS" if value <= limit else "MISS"
        print(f"[{mark}] {name}: {value:.3g} {unit} (target ≤ {limit} {unit})")


if __name__ == "__main__":
    main()
