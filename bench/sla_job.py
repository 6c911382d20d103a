"""The SLA job: one tick over a million open tickets, and firing lateness under write load.

    python -m bench.sla_job [--tickets 1000000] [--due 10000] [--load-seconds 40]

Part 1 — the tick (in process, the server's own Database and SlaClock, time frozen and moved
by hand one second per tick): the cached 1M-ticket database (bench/dataset.py), every ticket
made open with its clock far in the future, and --due of them falling due (an SLA warning)
spread over the next minute. Measured: each write transaction of the job (a "tick": it holds
the one writer the API shares, up to ``SlaClock.batch`` = 50 due tickets), and each whole
1-second step (~167 due tickets, in ~4 transactions); the baseline in the same run is a step
with nothing due (one index read of the next due time). Target (issue 5): one tick ≤ 50 ms.

Part 2 — lateness (a real server process, real time): an uploaded policy gives API tickets in
queue l2 a 20-second first response; tickets are opened there at 20/s while agents' notes and
replies on other tickets keep the total at 200 writes/s. Every warning and breach that fires
is read back from the change feed: lateness = fired_at − due_at. Target: p99 ≤ 1 s.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from . import httpraw
from .common import (
    MachineMeter,
    Report,
    Server,
    base_parser,
    exit_code,
    percentile,
    phase,
    print_machine,
    quiet_machine_note,
    run_async,
)
from .dataset import ensure_dataset


# --- part 1: the tick ----------------------------------------------------------------------
def prepare_tick_db(src: Path, dst: Path, due: int, t0: datetime) -> None:
    shutil.copy(src, dst)
    con = sqlite3.connect(dst, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("BEGIN")
    far = (t0 + timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S.%f")
    con.execute(
        "UPDATE tickets SET is_open = 1, status = 'in_progress', sla_policy = 'seeds-2026.1', "
        "sla_next_at = ?, queue_since = created_at",
        (far,),
    )
    ids = [r[0] for r in con.execute(f"SELECT id FROM tickets ORDER BY random() LIMIT {due}")]
    rows, events = [], []
    for i, tid in enumerate(ids):
        next_at = t0 + timedelta(seconds=60 * i / due)
        created = next_at - timedelta(minutes=11, seconds=15)  # 75 % of 15 min: a warning
        c = created.strftime("%Y-%m-%d %H:%M:%S.%f")
        rows.append((c, c, next_at.strftime("%Y-%m-%d %H:%M:%S.%f"), tid))
        events.append((tid, c, "created"))
        events.append((tid, c, "player_message"))
    con.executemany(
        "UPDATE tickets SET queue = 'l1', priority = 'P3', priority_rank = 3, tier_rank = 2, "
        "channel = 'web_chat', status = 'new', created_at = ?, waiting_since = ?, "
        "sla_next_at = ? WHERE id = ?",
        rows,
    )
    con.executemany("INSERT INTO ticket_events (ticket_id, at, kind) VALUES (?, ?, ?)", events)
    con.execute("COMMIT")
    con.close()


async def measure_ticks(url: str, t0: datetime, ticks: int) -> dict[str, Any]:
    from server.jobs.sla_clock import SlaClock
    from server.services import sla
    from server.store import clock as clock_store
    from server.store import queues as queue_store
    from server.store.database import Database, set_clock

    now = [t0 - timedelta(seconds=5)]
    set_clock(lambda: now[0])
    db = Database(url)
    db.start()
    try:
        stored, names = await db.read(
            lambda c: (clock_store.stored_policies(c), queue_store.names(c))
        )
        sla.install_book(sla.build_book("", stored, names))
        job = SlaClock(db)
        empty = []
        for _ in range(50):  # baseline: nothing due
            a = time.perf_counter()
            await job.step()
            empty.append(time.perf_counter() - a)
        durations, counts = [], []
        for k in range(ticks):
            now[0] = t0 + timedelta(seconds=k)
            a = time.perf_counter()
            n = await job.step()
            durations.append(time.perf_counter() - a)
            counts.append(n)
        return {
            "empty": sorted(empty),
            "ticks": durations,
            "counts": counts,
            "fired": len(job.lateness),
            "transactions": sorted(job.batch_seconds),
            "batch": job.batch,
        }
    finally:
        set_clock(None)
        db.close()


# --- part 2: lateness under load -----------------------------------------------------------
POLICY_EXTRA = """
[[rules]]
name = "bench: API tickets in L2 answer in 20 s"
queue = "l2"
channel = "api"
first_response = "20s"
"""


async def load_and_collect(srv: Server, seconds: float, rate: float) -> dict[str, Any]:
    auth = srv.auth()
    hj = {**auth, "Content-Type": "application/json"}
    from server.domain.sla_policy import DEFAULTS_PATH

    source = DEFAULTS_PATH.read_text().replace('version = "seeds-2026.1"', 'version = "bench"')
    conn = await httpraw.HttpConn(srv.port).connect()
    status, body = await conn.request(
        httpraw.build_request(
            "POST", "/api/v1/sla/policies", orjson.dumps({"source": source + POLICY_EXTRA}), hj
        )
    )
    assert status == 201, body[:300]
    # A pool of L1 tickets the agents write notes on.
    pool = []
    for i in range(50):
        payload = {
            "subject": f"pool {i}",
            "body": "I have a question about my bonus",
            "channel": "web_chat",
            "player": {"external_id": f"pool-{i}"},
        }
        status, body = await conn.request(
            httpraw.build_request("POST", "/api/v1/tickets", orjson.dumps(payload), hj)
        )
        pool.append(orjson.loads(body)["id"])
    conns = [await httpraw.HttpConn(srv.port).connect() for _ in range(24)]
    free: asyncio.Queue[httpraw.HttpConn] = asyncio.Queue()
    for c in conns:
        free.put_nowait(c)
    statuses: dict[int, int] = {}
    opened = 0

    async def one(raw: bytes) -> None:
        c = await free.get()
        try:
            st, _ = await c.request(raw)
            statuses[st] = statuses.get(st, 0) + 1
        finally:
            free.put_nowait(c)

    tasks = []
    start = time.perf_counter()
    n = int(seconds * rate)
    for k in range(n):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if k % 10 == 0:  # 10 % of writes open a ticket with a 20 s first response
            opened += 1
            payload = {
                "subject": f"api {k}",
                "body": "Please check my verification documents",
                "channel": "api",
                "queue": "l2",
                "player": {"external_id": f"api-{k}"},
            }
            raw = httpraw.build_request("POST", "/api/v1/tickets", orjson.dumps(payload), hj)
        else:
            tid = pool[k % len(pool)]
            payload = {"kind": "note", "body": f"note {k}"}
            raw = httpraw.build_request(
                "POST", f"/api/v1/tickets/{tid}/messages", orjson.dumps(payload), hj
            )
        tasks.append(asyncio.create_task(one(raw)))
    await asyncio.gather(*tasks)
    achieved = n / (time.perf_counter() - start)
    await asyncio.sleep(22)  # the last tickets' warnings and breaches fall due
    fired = []
    since = 0
    while True:
        status, body = await conn.request(
            httpraw.build_request("GET", f"/api/v1/changes?since={since}&limit=5000", b"", auth)
        )
        page = orjson.loads(body)
        for c in page["changes"]:
            if c["entity"] == "sla" and c["op"] in ("warning", "breached"):
                d = c["data"]
                late = (
                    datetime.fromisoformat(d["fired_at"]) - datetime.fromisoformat(d["due_at"])
                ).total_seconds()
                fired.append(late)
        if not page["changes"]:
            break
        since = page["last_seq"]
    for c in [conn, *conns]:
        c.close()
    return {"achieved": achieved, "statuses": statuses, "opened": opened, "lateness": fired}


def main() -> int:
    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--due", type=int, default=10_000)
    p.add_argument("--load-seconds", type=float, default=40.0)
    p.add_argument("--rate", type=float, default=200.0)
    args = p.parse_args()
    info = print_machine()
    report = Report("sla_job", info)

    with phase(f"dataset: {args.tickets:,} tickets"):
        src, _ = ensure_dataset(args.tickets)
    tmp = Path(tempfile.mkdtemp(prefix="ac-sla-"))
    try:
        t0 = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
        dst = tmp / "tick.db"
        with phase(f"make all open, {args.due:,} due over the next minute"):
            prepare_tick_db(src, dst, args.due, t0)
        with phase("61 one-second ticks"):
            r = run_async(measure_ticks(f"sqlite:///{dst}", t0, 61))
        ticks = sorted(r["ticks"])
        busy = sorted(d for d, n in zip(r["ticks"], r["counts"], strict=True) if n)
        txs = r["transactions"]
        p99 = percentile(txs, 99) * 1000
        second_p99 = percentile(ticks, 99) * 1000
        base = percentile(r["empty"], 50) * 1000
        print(
            f"tick (one write transaction of ≤ {r['batch']} due tickets, {len(txs)} of them): "
            f"p50 {percentile(txs, 50) * 1000:.1f} ms, p99 {p99:.1f} ms, "
            f"max {txs[-1] * 1000:.1f} ms\n"
            f"one second's due tickets (~{args.due // 60}, all transactions of a step): "
            f"p50 {percentile(ticks, 50) * 1000:.1f} ms, p99 {second_p99:.1f} ms, "
            f"max {ticks[-1] * 1000:.1f} ms; {sum(r['counts']):,} tickets reconciled, "
            f"{r['fired']:,} firings; empty tick p50 {base:.2f} ms"
        )
        report.metrics["tick"] = {
            "p50_ms": percentile(txs, 50) * 1000,
            "p99_ms": p99,
            "max_ms": txs[-1] * 1000,
            "batch": r["batch"],
            "second_p50_ms": percentile(ticks, 50) * 1000,
            "second_p99_ms": second_p99,
            "busy_p50_ms": percentile(busy, 50) * 1000 if busy else 0,
            "reconciled": sum(r["counts"]),
            "fired": r["fired"],
            "empty_p50_ms": base,
        }
        report.check(
            "every due ticket reconciled and fired once",
            sum(r["counts"]) == args.due and r["fired"] == args.due,
            f"{sum(r['counts'])} reconciled, {r['fired']} fired of {args.due}",
        )
        report.target(
            "SLA tick (one job transaction), 1M open / 10k due per minute (p99)",
            p99,
            50,
            "ms",
            higher=False,
        )
        report.ratio("tick p99", p99, "empty tick p50", base, "ms")

        if args.load_seconds <= 0:  # part 1 only
            report.print()
            report.save(args.json)
            return exit_code(report)
        with Server(label="sla", keep=args.keep, role="admin") as srv:
            machine = MachineMeter(srv.pid).start()
            with phase(f"{args.rate:.0f} writes/s for {args.load_seconds:.0f} s, then 22 s"):
                res = run_async(load_and_collect(srv, args.load_seconds, args.rate))
            machine.stop()
            quiet_machine_note(report, "the load", machine)
        late = sorted(res["lateness"])
        expected = res["opened"] * 2
        report.check(
            "every 20-second ticket warned and breached once",
            len(late) == expected,
            f"{len(late)} firings for {res['opened']} tickets",
        )
        report.check(
            "every write answered 2xx",
            all(200 <= s < 300 for s in res["statuses"]),
            str(res["statuses"]),
        )
        lp99 = percentile(late, 99) if late else float("nan")
        print(
            f"load: {res['achieved']:.0f} writes/s achieved; lateness p50 "
            f"{percentile(late, 50) * 1000:.0f} ms, p99 {lp99 * 1000:.0f} ms, "
            f"max {late[-1] * 1000:.0f} ms over {len(late)} firings"
        )
        report.metrics["lateness"] = {
            "writes_per_s": res["achieved"],
            "p50_ms": percentile(late, 50) * 1000,
            "p99_ms": lp99 * 1000,
            "max_ms": late[-1] * 1000,
            "firings": len(late),
        }
        report.target("firing lateness p99 at 200 writes/s", lp99, 1.0, "s", higher=False)
        report.target("writes/s sustained", res["achieved"], args.rate * 0.95, "/s", higher=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.print()
    report.save(args.json)
    return exit_code(report)


if __name__ == "__main__":
    raise SystemExit(main())
