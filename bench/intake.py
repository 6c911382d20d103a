"""Player messages through the whole intake pipeline, against `GET /healthz` as the baseline.

    python -m bench.intake [--duration 15] [--connections 16] [--rate 200] [--profile]

One server process (SQLite, `--log-level warning`), a fresh temp database with the starter
knowledge base and an integration key, and the fake payments backend as a child process
(status look-ups are part of the pipeline). Messages are the bot's held-out set
(tests/data/bot/heldout.jsonl: 403 realistic player messages in eleven languages — FAQ,
payment status, missing money, distress, emoji, mixed languages), each from its own channel
user (so the per-user rate limit does not fire) with its own channel message id. Phases:
  1. warm-up: 3 s of messages (the classifier finishes loading in the background);
  2. baseline: `GET /healthz`, closed loop, same connection count;
  3. capacity: `POST /api/v1/intake/messages`, closed loop: messages/s, p50/p99;
  4. sustained: the same at a fixed `--rate` (open schedule): achieved rate, p50/p99;
  5. (--profile) a further capacity phase under `py-spy record --gil`, summarized;
  6. checks: every message answered 200; the server stops and the database is checked
     (one receipt per message, every ticket the answers named exists, every answer the bot
     gave without a ticket is in the intake log).

Target (issue 7): 200 messages/s sustained through the whole pipeline on SQLite.
The load generator is `bench/httpraw.py` (raw asyncio HTTP, requests pre-encoded); its CPU
share is printed.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from . import httpraw
from .common import (
    PY,
    ROOT,
    CpuMeter,
    MachineMeter,
    Report,
    Server,
    base_parser,
    cli,
    exit_code,
    free_port,
    phase,
    print_machine,
    quiet_machine_note,
    run_async,
    summarize_ms,
    warn_if_generator_busy,
)
from .profile import py_spy_path, start_record, summarize

HELDOUT = ROOT / "tests" / "data" / "bot" / "heldout.jsonl"
KEY_RE = re.compile(r"API key \(send as 'X-API-Key'; shown only now\): (\S+)")


def messages() -> list[str]:
    rows = [json.loads(x) for x in HELDOUT.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [r["text"] for r in rows if r["text"].strip()]


class Load:
    """Pre-encoded intake requests: message i comes from player i with message id i."""

    def __init__(self, key: str, nonce: str) -> None:
        self.texts = messages()
        self.key = key
        self.nonce = nonce
        self.outcomes: Counter[str] = Counter()
        self.tickets: set[int] = set()
        self.untracked = 0  # answers that made no ticket: in the intake log
        self.bad: list[tuple[int, bytes]] = []

    def make(self, ci: int, i: int) -> bytes:
        body = orjson.dumps(
            {
                "channel": "web_chat",
                "channel_user_id": f"{self.nonce}-{i}",
                "message_id": f"{self.nonce}-m{i}",
                "text": self.texts[i % len(self.texts)],
            }
        )
        headers = {"X-API-Key": self.key, "Content-Type": "application/json"}
        return httpraw.build_request("POST", "/api/v1/intake/messages", body, headers)

    def on_response(self, status: int, body: bytes) -> None:
        if status != 200:
            self.bad.append((status, body[:300]))
            return
        out = orjson.loads(body)
        self.outcomes[out["outcome"]] += 1
        if out.get("ticket"):
            self.tickets.add(out["ticket"]["id"])
        else:
            self.untracked += 1


async def paced(
    port: int, connections: int, rate: float, duration: float, load: Load
) -> httpraw.LoadResult:
    """Message i is due at t0 + i/rate; each connection takes the next due one (sent late,
    not skipped, when the server falls behind — so the achieved rate shows it)."""
    result = httpraw.LoadResult()
    conns = [await httpraw.HttpConn(port).connect() for _ in range(connections)]
    total = int(rate * duration)
    issued = 0
    cpu0, t0 = time.process_time(), time.perf_counter()

    async def worker(ci: int) -> None:
        nonlocal issued
        while issued < total:
            i = issued
            issued += 1
            wait = t0 + i / rate - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            raw = load.make(ci, i + 10_000_000)
            start = time.perf_counter()
            try:
                status, body = await conns[ci].request(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                conns[ci].close()
                continue
            result.latencies.append(time.perf_counter() - start)
            result.statuses[status] += 1
            load.on_response(status, body)

    await asyncio.gather(*(worker(c) for c in range(connections)))
    result.elapsed = time.perf_counter() - t0
    result.cpu_seconds = time.process_time() - cpu0
    for c in conns:
        c.close()
    return result


def line(name: str, res: httpraw.LoadResult, server: CpuMeter) -> str:
    lat = summarize_ms(res.latencies)
    bad = {s: n for s, n in res.statuses.items() if s != 200}
    return (
        f"{name}: {res.count:,} in {res.elapsed:.1f} s = {res.rate:,.1f}/s; p50 "
        f"{lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms, max {lat['max']:.2f} ms; non-200 "
        f"{bad or 0}, errors {res.errors}; generator CPU "
        f"{res.cpu_seconds / res.elapsed * 100:.0f}% of a core; server CPU {server}"
    )


def start_fake() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [PY, "-m", "server.connectors.fake_payments", "--port", str(port), "--exit-with-parent"],
        cwd=ROOT,
    )
    return proc, f"http://127.0.0.1:{port}"


def verify(db_file: Path, ok_count: int, tickets: set[int]) -> dict[str, Any]:
    con = sqlite3.connect(db_file)
    try:
        receipts = con.execute("SELECT count(*) FROM intake_receipts").fetchone()[0]
        found = {r[0] for r in con.execute("SELECT id FROM tickets")}
        bot = con.execute("SELECT count(*) FROM messages WHERE kind = 'bot'").fetchone()[0]
        logged = con.execute("SELECT count(*) FROM intake_log").fetchone()[0]
    finally:
        con.close()
    return {
        "receipts": receipts,
        "ok_responses": ok_count,
        "tickets_missing": len(tickets - found),
        "bot_messages": bot,
        "intake_log": logged,
    }


def profile_phase(
    srv: Server, port: int, conns: int, duration: float, load: Load, keep: bool
) -> None:
    """A capacity phase under `py-spy record --gil`: where the server's CPU goes."""
    if py_spy_path() is None:
        print("py-spy is not installed: `.venv/bin/pip install py-spy`; no profile")
        return
    with phase(f"profile: {duration:.0f} s of intake messages under py-spy"):
        out = srv.tmp / "intake-pyspy.txt"
        rec = start_record(srv.pid, duration, out)
        time.sleep(0.5)
        cpu = CpuMeter(srv.pid).start()
        prof = run_async(
            httpraw.closed_loop(
                port, conns, duration, lambda c, i: load.make(c, i + 20_000_000), load.on_response
            )
        )
        cpu.stop()
        rec.wait(timeout=60)
        print("  " + line("profiled", prof, cpu) + " (slowed by the sampler)")
        if out.exists():
            print(summarize(out))
            print(f"  raw stacks: {out}" + ("" if keep else " (removed)"))


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=15.0, help="capacity phase seconds")
    p.add_argument("--baseline-duration", type=float, default=5.0)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--rate", type=float, default=200.0, help="sustained phase messages/s")
    # 30 s: over 10 s one tail stall of ~0.5 s (a checkpoint, a GC) cost 5% of the rate
    p.add_argument("--sustained-duration", type=float, default=30.0)
    p.add_argument("--log-level", default="warning")
    p.add_argument("--profile", action="store_true", help="extra capacity phase under py-spy")
    p.add_argument("--profile-duration", type=float, default=10.0)
    args = p.parse_args(argv)
    info = print_machine()
    report = Report("intake", info)
    report.notes.append("load generator: bench/httpraw.py (asyncio, pre-encoded requests)")
    fake, fake_url = start_fake()
    nonce = f"b{int(time.time())}"
    try:
        with Server(label="intake", keep=args.keep, log_level=args.log_level) as srv:
            with srv.config.open("a") as f:
                f.write(f'payments_url = "{fake_url}"\n')
            srv.stop()  # restart with the payments backend configured
            srv.start()
            seeded = cli(["kb", "seed", "--db", srv.db_url], srv.config)
            print(seeded.stdout.strip())
            made = cli(["integration", "create", "bench", "--db", srv.db_url], srv.config)
            m = KEY_RE.search(made.stdout.replace("\n", ""))
            if m is None:
                raise RuntimeError(f"no key in: {made.stdout}")
            load = Load(m.group(1), nonce)
            port, conns = srv.port, args.connections

            with phase("warm-up (3 s of messages)"):
                run_async(
                    httpraw.closed_loop(port, 4, 3.0, lambda c, i: load.make(c, i + 5_000_000))
                )
            raw_health = httpraw.build_request("GET", "/healthz")
            with phase(f"baseline: GET /healthz, {conns} connections"):
                cpu, mm = CpuMeter(srv.pid).start(), MachineMeter(srv.pid).start()
                base = run_async(
                    httpraw.closed_loop(
                        port, conns, args.baseline_duration, lambda c, i: raw_health
                    )
                )
                cpu.stop()
                mm.stop()
                print("  " + line("healthz", base, cpu))
            load.outcomes.clear()
            with phase(f"capacity: POST /intake/messages, {conns} connections"):
                cpu, mm = CpuMeter(srv.pid).start(), MachineMeter(srv.pid).start()
                cap = run_async(
                    httpraw.closed_loop(port, conns, args.duration, load.make, load.on_response)
                )
                cpu.stop()
                mm.stop()
                print("  " + line("intake", cap, cpu))
                print(f"  outcomes: {dict(load.outcomes)}")
                quiet_machine_note(report, "capacity phase", mm)
            with phase(
                f"sustained: {args.rate:.0f} messages/s for {args.sustained_duration:.0f} s"
            ):
                cpu2 = CpuMeter(srv.pid).start()
                sus = run_async(paced(port, conns, args.rate, args.sustained_duration, load))
                cpu2.stop()
                print("  " + line("sustained", sus, cpu2))
            if args.profile:
                profile_phase(srv, port, conns, args.profile_duration, load, args.keep)
            gen_share = cap.cpu_seconds / cap.elapsed if cap.elapsed else 0
            warn_if_generator_busy(report, "the load generator", gen_share, info["cores"])
            srv.stop()
            v = verify(srv.db_file, sum(load.outcomes.values()), load.tickets)
    finally:
        fake.terminate()
        fake.wait(timeout=10)

    cap_lat, sus_lat = summarize_ms(cap.latencies), summarize_ms(sus.latencies)
    report.metrics = {
        "healthz_rps": base.rate,
        "intake_rps": cap.rate,
        "intake_latency_ms": cap_lat,
        "sustained_rate": sus.rate,
        "sustained_latency_ms": sus_lat,
        "outcomes": dict(load.outcomes),
        "verify": v,
    }
    report.ratio("intake throughput", cap.rate, "healthz", base.rate, "req/s")
    report.target("intake messages/s (capacity)", cap.rate, 200, "msg/s", higher=True)
    report.target("sustained rate achieved", sus.rate, args.rate * 0.98, "msg/s", higher=True)
    report.notes.append(
        f"capacity p50 {cap_lat['p50']:.1f} ms, p99 {cap_lat['p99']:.1f} ms; at "
        f"{args.rate:.0f}/s: p50 {sus_lat['p50']:.1f} ms, p99 {sus_lat['p99']:.1f} ms"
    )
    bad = [s for s, _ in load.bad]
    report.check(
        "every message answered 200",
        not bad and not cap.errors and not sus.errors,
        f"non-200: {Counter(bad)}, errors {cap.errors + sus.errors}",
    )
    report.check(
        "one receipt per message answered (warm-up included)",
        v["receipts"] >= v["ok_responses"],
        f"{v['receipts']} receipts, {v['ok_responses']} measured answers",
    )
    report.check("every ticket named in an answer exists", v["tickets_missing"] == 0)
    report.check(
        "every answer without a ticket is in the intake log",
        v["intake_log"] >= load.untracked,
        f"{v['intake_log']} log rows, {load.untracked} measured answers without a ticket",
    )
    report.print()
    report.save(args.json)
    return exit_code(report)


if __name__ == "__main__":
    sys.exit(main())
