"""SSE fan-out: 500 consoles on `GET /api/v1/events` while tickets are written at 100/s.

    python -m bench.fanout [--clients 500] [--workers 2] [--rate 100] [--duration 20]

The consoles are raw asyncio-stream clients (HTTP/1.1, chunked decoding, SSE `id:`/`data:`
parsing) in --workers separate processes. The writer (this process) creates tickets
open-loop at --rate per second on 8 keep-alive connections; each subject carries the time
it was sent. Each console checks that it gets every seq once and in order, and for each
ticket-create event records
  - commit→delivery: receipt time − the ticket's `created_at` (stamped on the writer
    thread in the transaction that commits it), and
  - send→delivery: receipt time − the time the writer sent the POST.
Server RSS is sampled every second (start, clients connected, middle, end, after).

Baseline in the same run: the same write load for --baseline-duration with one console.
Target (issue): p99 delivery ≤ 500 ms, every change to every console, stable memory.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
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
    exit_code,
    fmt_lat,
    http_request_sync,
    phase,
    print_machine,
    proc_rss_mib,
    proc_threads,
    quiet_machine_note,
    run_async,
    summarize_ms,
    warn_if_generator_busy,
)

SUBJECT_MARK = b'"subject":"fanout '
CREATED_MARK = b'"created_at":"'


class SseClient:
    """One console on /api/v1/events: de-chunks, splits frames, checks seqs, times creates."""

    __slots__ = (
        "count",
        "dups",
        "error",
        "first",
        "gaps",
        "last",
        "lat_commit",
        "lat_send",
        "need",
        "port",
        "raw",
        "ready",
        "sse",
        "token",
        "writer",
    )

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.count = self.dups = self.gaps = 0
        self.first: int | None = None
        self.last = 0
        self.error: str | None = None
        self.lat_send = array.array("d")
        self.lat_commit = array.array("d")
        self.raw = bytearray()  # chunked bytes not yet decoded
        self.sse = bytearray()  # decoded event-stream text not yet split into frames
        self.need = 0  # bytes of the current chunk (+ its CRLF) still to come
        self.ready = asyncio.Event()
        self.writer: asyncio.StreamWriter | None = None

    async def run(self) -> None:
        try:
            reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.writer.write(
                httpraw.build_request(
                    "GET",
                    "/api/v1/events",
                    headers={
                        "Authorization": f"Bearer {self.token}",
                        "Accept": "text/event-stream",
                    },
                )
            )
            head = await reader.readuntil(b"\r\n\r\n")
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
            if b"chunked" not in head.lower():
                raise RuntimeError("expected a chunked event stream")
            while True:
                data = await reader.read(262144)
                if not data:
                    break
                self.feed(data, time.time())
        except (OSError, asyncio.IncompleteReadError, RuntimeError, ValueError) as exc:
            if self.error is None:
                self.error = f"{type(exc).__name__}: {exc}"
        except asyncio.CancelledError:
            pass
        finally:
            self.ready.set()
            if self.writer is not None:
                self.writer.close()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def feed(self, data: bytes, now: float) -> None:
        raw = self.raw
        raw += data
        while True:
            if self.need == 0:
                nl = raw.find(b"\r\n")
                if nl < 0:
                    break
                size = int(raw[:nl].split(b";")[0], 16)
                del raw[: nl + 2]
                if size == 0:
                    break
                self.need = size + 2
            if len(raw) < self.need:
                break
            self.sse += raw[: self.need - 2]
            del raw[: self.need]
            self.need = 0
        self.frames(now)

    def frames(self, now: float) -> None:
        sse = self.sse
        start = 0
        while True:
            end = sse.find(b"\n\n", start)
            if end < 0:
                break
            if sse.startswith(b"id: ", start):
                self.event(bytes(sse[start:end]), now)
            elif not self.ready.is_set() and b": connected" in sse[start:end]:
                self.ready.set()
            start = end + 2
        if start:
            del sse[:start]

    def event(self, frame: bytes, now: float) -> None:
        nl = frame.find(b"\n")
        seq = int(frame[4:nl])
        if seq <= self.last:
            self.dups += 1
            return
        if self.last and seq != self.last + 1:
            self.gaps += seq - self.last - 1
        if self.first is None:
            self.first = seq
        self.last = seq
        self.count += 1
        if frame.find(b'"entity":"ticket"', nl, nl + 80) < 0:
            return
        if frame.find(b'"op":"create"', nl, nl + 120) < 0:
            return
        i = frame.find(SUBJECT_MARK)
        if i >= 0:
            i += len(SUBJECT_MARK)
            self.lat_send.append(now - float(frame[i : frame.index(b" ", i)]))
        j = frame.find(CREATED_MARK)
        if j >= 0:
            j += len(CREATED_MARK)
            stamp = frame[j : frame.index(b'"', j)].decode()
            committed = datetime.fromisoformat(stamp).timestamp()
            self.lat_commit.append(now - committed)

    def summary(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "first": self.first,
            "last": self.last,
            "dups": self.dups,
            "gaps": self.gaps,
            "error": self.error,
        }


async def connect_all(clients: list[SseClient], tasks: list[asyncio.Task[None]]) -> None:
    for k in range(0, len(clients), 50):  # 50 at a time: no SYN flood on the backlog
        batch = clients[k : k + 50]
        tasks += [asyncio.create_task(c.run()) for c in batch]
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in batch)), 60)


async def wait_for_seq(clients: list[SseClient], target: int, timeout: float) -> float:
    t0 = time.perf_counter()
    deadline = t0 + timeout
    while time.perf_counter() < deadline:
        if all(c.last >= target or c.error for c in clients):
            break
        await asyncio.sleep(0.05)
    return time.perf_counter() - t0


# -- worker process (`--worker`): N consoles, driven over stdin/stdout -----------------------
async def worker_main(port: int, n: int, out: Path) -> None:
    token = os.environ["BENCH_TOKEN"]
    clients = [SseClient(port, token) for _ in range(n)]
    tasks: list[asyncio.Task[None]] = []
    await connect_all(clients, tasks)
    print(f"READY {sum(1 for c in clients if c.error is None)}", flush=True)
    loop = asyncio.get_running_loop()
    cpu0, t0 = time.process_time(), time.perf_counter()
    line = await loop.run_in_executor(None, sys.stdin.readline)
    target = int(line.split()[1])
    waited = await wait_for_seq(clients, target, 30)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    for c in clients:
        c.close()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    send, commit = array.array("d"), array.array("d")
    for c in clients:
        send.extend(c.lat_send)
        commit.extend(c.lat_commit)
    with (out / "send.bin").open("wb") as f:
        send.tofile(f)
    with (out / "commit.bin").open("wb") as f:
        commit.tofile(f)
    result = {
        "clients": [c.summary() for c in clients],
        "cpu_s": cpu,
        "wall_s": wall,
        "drain_s": waited,
    }
    print("RESULT " + json.dumps(result), flush=True)


WRITE_OPS = ("ticket/create", "message/create", "player/create")


def changes_by_op(db_file: Path, first_after: int, last: int) -> dict[str, int]:
    """The change log's entries in (first_after, last] by "entity/op", read from the file."""
    con = sqlite3.connect(db_file)  # only reads: the server is the writer
    try:
        rows = con.execute(
            "SELECT entity || '/' || op, count(*) FROM changes WHERE seq > ? AND seq <= ? "
            "GROUP BY 1",
            (first_after, last),
        ).fetchall()
    finally:
        con.close()
    return {k: n for k, n in rows}


def read_latencies(path: Path) -> array.array[float]:
    a = array.array("d")
    with path.open("rb") as f:
        a.frombytes(f.read())
    return a


# -- the writer ---------------------------------------------------------------------------
async def drive_writes(
    srv: Server,
    rate: float,
    duration: float,
    tag: str,
    players: int,
    on_tick: Any = None,
) -> dict[str, Any]:
    """Open-loop ticket creates: request i is due at t0 + i/rate, whatever came before."""
    headers = {**srv.auth(), "Content-Type": "application/json"}
    pool: asyncio.Queue[httpraw.HttpConn] = asyncio.Queue()
    for _ in range(8):
        pool.put_nowait(await httpraw.HttpConn(srv.port).connect())
    n = int(rate * duration)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lateness: list[float] = []

    async def one(i: int, due: float) -> None:
        conn = await pool.get()
        try:
            body = orjson.dumps(
                {
                    "subject": f"fanout {time.time():.6f} {tag}{i}",
                    "body": "Bonus not credited after deposit, please check.",
                    "channel": "web_chat",
                    "player": {"external_id": f"{tag}p{i % players}"},
                }
            )
            req = httpraw.build_request(
                "POST", "/api/v1/tickets", body, {**headers, "Idempotency-Key": f"{tag}-{i}"}
            )
            status, _ = await conn.request(req)
            latencies.append(time.perf_counter() - due)  # from when it was due
            statuses[status] = statuses.get(status, 0) + 1
        finally:
            pool.put_nowait(conn)

    tasks = []
    t0 = time.perf_counter()
    next_tick = 1.0
    for i in range(n):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        lateness.append(time.perf_counter() - due)
        tasks.append(asyncio.create_task(one(i, due)))
        if on_tick is not None and time.perf_counter() - t0 >= next_tick:
            on_tick(time.perf_counter() - t0)
            next_tick += 1.0
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    while not pool.empty():
        pool.get_nowait().close()
    return {
        "requests": n,
        "elapsed": elapsed,
        "rate": n / elapsed,
        "statuses": statuses,
        "latency_ms": summarize_ms(latencies),
        "max_lateness_ms": max(lateness) * 1000 if lateness else 0.0,
        "new_players": min(players, n),
    }


def head_seq(srv: Server) -> int:
    return int(srv.get_json(f"/api/v1/changes?since={2**62}&limit=1")["head_seq"])


async def baseline_phase(srv: Server, rate: float, duration: float) -> dict[str, Any]:
    """One console, the same write load: the delivery latency without the fan-out."""
    client = SseClient(srv.port, srv.token)
    task = asyncio.create_task(client.run())
    await asyncio.wait_for(client.ready.wait(), 30)
    start = head_seq(srv)
    w = await drive_writes(srv, rate, duration, "fb", 50)
    end = head_seq(srv)
    await wait_for_seq([client], end, 10)
    client.close()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return {
        "writes": w,
        "start": start,
        "end": end,
        "client": client.summary(),
        "commit_ms": summarize_ms(client.lat_commit),
        "send_ms": summarize_ms(client.lat_send),
    }


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=500)
    p.add_argument("--workers", type=int, default=2, help="client processes")
    p.add_argument("--rate", type=float, default=100.0, help="ticket creates per second")
    p.add_argument("--duration", type=float, default=20.0, help="seconds of writes")
    p.add_argument("--baseline-duration", type=float, default=5.0)
    p.add_argument("--players", type=int, default=200, help="distinct players written")
    p.add_argument("--worker", action="store_true", help=argparse_hidden())
    p.add_argument("--port", type=int, help=argparse_hidden())
    p.add_argument("--out", help=argparse_hidden())
    args = p.parse_args(argv)
    if args.worker:
        run_async(worker_main(args.port, args.clients, Path(args.out)))
        return 0

    info = print_machine()
    report = Report("fanout", info)
    rss: list[tuple[str, float, float, int]] = []  # (moment, t, MiB, threads)
    t_start = time.perf_counter()

    with Server(label="fanout", keep=args.keep) as srv:
        pid = srv.pid

        def sample(moment: str) -> None:
            rss.append(
                (moment, time.perf_counter() - t_start, proc_rss_mib(pid), proc_threads(pid))
            )

        print(f"server pid {pid} on port {srv.port}, db {srv.db_file}")
        # The consoles' user is away: its streams must not route the tickets to it (each
        # create then makes exactly its own changes; routing has bench/routing.py).
        away = b'{"presence": "away"}'
        hj = {**srv.auth(), "Content-Type": "application/json"}
        assert http_request_sync(srv.port, "PUT", "/api/v1/agents/me/presence", away, hj)[0] == 200
        sample("server started")
        with phase(
            f"baseline: 1 console, {args.rate:.0f} writes/s for {args.baseline_duration:.0f} s"
        ):
            base = run_async(baseline_phase(srv, args.rate, args.baseline_duration))
            bc = base["client"]
            print(
                f"   delivered {bc['count']} of {base['end'] - base['start']} changes; "
                f"commit→delivery {fmt_lat(base['commit_ms'])}"
            )
            print(f"   send→delivery   {fmt_lat(base['send_ms'])}")
        report.check(
            "baseline console got every change once, in order",
            bc["count"] == base["end"] - base["start"]
            and bc["dups"] == 0
            and bc["gaps"] == 0
            and bc["error"] is None,
            str(bc),
        )
        sample("after baseline")

        workers: list[tuple[subprocess.Popen[str], Path]] = []
        per = [
            args.clients // args.workers + (k < args.clients % args.workers)
            for k in range(args.workers)
        ]
        try:
            with phase(f"connect {args.clients} consoles in {args.workers} processes"):
                env = {**os.environ, "BENCH_TOKEN": srv.token, "PYTHONPATH": str(ROOT)}
                for k, n in enumerate(per):
                    out = srv.tmp / f"worker{k}"
                    out.mkdir()
                    proc = subprocess.Popen(
                        [
                            PY,
                            "-m",
                            "bench.fanout",
                            "--worker",
                            "--port",
                            str(srv.port),
                            "--clients",
                            str(n),
                            "--out",
                            str(out),
                        ],
                        cwd=ROOT,
                        env=env,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                    workers.append((proc, out))
                connected = 0
                for proc, _ in workers:
                    line = proc.stdout.readline() if proc.stdout else ""
                    if not line.startswith("READY"):
                        raise RuntimeError(f"a client process failed to start: {line!r}")
                    connected += int(line.split()[1])
                print(f"   {connected} consoles connected")
            report.check(
                "every console connected", connected == args.clients, f"{connected}/{args.clients}"
            )
            time.sleep(0.5)
            sample(f"{args.clients} consoles connected")
            start = head_seq(srv)

            with phase(f"writes: {args.rate:.0f} creates/s for {args.duration:.0f} s"):

                def tick(t: float) -> None:
                    sample(f"writes t={t:.0f}s")

                meter = CpuMeter(pid).start()
                machine = MachineMeter(pid, *(proc.pid for proc, _ in workers)).start()
                w = run_async(drive_writes(srv, args.rate, args.duration, "fo", args.players, tick))
                meter.stop()
                machine.stop()
                sample("writes done")
                end = head_seq(srv)
                ops = changes_by_op(srv.db_file, start, end)
                print(
                    f"   {w['requests']} creates in {w['elapsed']:.1f} s = {w['rate']:.1f}/s, "
                    f"statuses {w['statuses']}, POST latency {fmt_lat(w['latency_ms'])}; "
                    f"writer late by ≤ {w['max_lateness_ms']:.1f} ms; changes {start + 1}..{end}"
                )
                print(f"   server CPU {meter}; {machine}")
                quiet_machine_note(report, "the writes", machine)

            with phase("drain: every console reaches the last seq"):
                results = []
                for proc, _ in workers:
                    assert proc.stdin is not None and proc.stdout is not None
                    proc.stdin.write(f"TARGET {end}\n")
                    proc.stdin.flush()
                for proc, out in workers:
                    assert proc.stdout is not None
                    line = proc.stdout.readline()
                    if not line.startswith("RESULT "):
                        raise RuntimeError(f"a client process failed: {line!r}")
                    results.append((json.loads(line[7:]), out))
                    proc.wait(timeout=30)
            sample("consoles gone")
        finally:
            for proc, _ in workers:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        time.sleep(1.0)
        sample("1 s later")

        clients = [c for r, _ in results for c in r["clients"]]
        commit = array.array("d")
        send = array.array("d")
        for _, out in results:
            commit.extend(read_latencies(out / "commit.bin"))
            send.extend(read_latencies(out / "send.bin"))
        gen_cpu = sum(r["cpu_s"] for r, _ in results)
        gen_wall = max(r["wall_s"] for r, _ in results)
        drain = max(r["drain_s"] for r, _ in results)

    expected = end - start
    created = w["statuses"].get(201, 0)
    complete = [c for c in clients if c["count"] == expected and c["last"] == end]
    in_order = [c for c in clients if c["dups"] == 0 and c["gaps"] == 0 and c["error"] is None]
    first_ok = [c for c in clients if c["first"] == start + 1]
    commit_s, send_s = summarize_ms(commit), summarize_ms(send)
    print(
        f"\nconsoles: {len(clients)}; changes written {expected} "
        f"({created} creates x 2 + {w['new_players']} new players + the SLA job's)"
    )
    print(f"   complete (count == {expected}, last == {end}): {len(complete)}")
    print(
        f"   no duplicates, no gaps, no errors: {len(in_order)}; first seq == {start + 1}: "
        f"{len(first_ok)}; drained {drain:.2f} s after the last write"
    )
    print(f"   commit→delivery ({len(commit):,} deliveries): {fmt_lat(commit_s)}")
    print(f"   send→delivery: {fmt_lat(send_s)}")
    print(
        f"   console processes CPU: {gen_cpu:.1f} s over {gen_wall:.1f} s "
        f"= {gen_cpu / gen_wall * 100:.0f}% of one core (both processes together)"
    )
    print("server memory:")
    for moment, t, mib, threads in rss:
        print(f"   t={t:6.1f}s  {mib:7.1f} MiB  {threads:3d} threads  {moment}")
    during = [mib for m, _, mib, _ in rss if m.startswith("writes")]
    rss_connected = next(mib for m, _, mib, _ in rss if m.endswith("connected"))
    rss_mid = during[len(during) // 2] if during else rss_connected
    rss_end = next(mib for m, _, mib, _ in rss if m == "writes done")
    growth = rss_end - rss_mid

    report.metrics = {
        "clients": len(clients),
        "writes": w,
        "changes": expected,
        "commit_to_delivery_ms": commit_s,
        "send_to_delivery_ms": send_s,
        "baseline_one_client_commit_ms": base["commit_ms"],
        "baseline_one_client_send_ms": base["send_ms"],
        "rss_mib": [{"moment": m, "t": round(t, 1), "mib": mib} for m, t, mib, _ in rss],
        "server_cpu_share_during_writes": meter.share,
        "console_processes_cpu_share": gen_cpu / gen_wall if gen_wall else 0,
        "drain_s": drain,
    }
    report.check(
        f"every change reached every console ({expected} each)",
        len(complete) == len(clients) == args.clients,
        f"{len(complete)}/{len(clients)} complete",
    )
    report.check("in order, no duplicates, no gaps", len(in_order) == len(clients))
    own = {k: n for k, n in ops.items() if k not in WRITE_OPS}
    report.check(
        "the writes' changes: a ticket and a message per create, a player per new player",
        (ops.get("ticket/create", 0), ops.get("message/create", 0), ops.get("player/create", 0))
        == (created, created, w["new_players"]),
        f"{ops.get('ticket/create', 0)} tickets, {ops.get('message/create', 0)} messages, "
        f"{ops.get('player/create', 0)} players for {created} creates, {w['new_players']} new "
        f"players; the server's own jobs (SLA clock, breach prediction) added {own or 'none'}",
    )
    report.check("all creates succeeded", created == w["requests"], str(w["statuses"]))
    report.ratio(
        f"p99 commit→delivery, {len(clients)} consoles",
        commit_s["p99"],
        "1 console",
        base["commit_ms"]["p99"],
        "ms",
    )
    report.ratio(
        f"p50 commit→delivery, {len(clients)} consoles",
        commit_s["p50"],
        "1 console",
        base["commit_ms"]["p50"],
        "ms",
    )
    report.ratio(
        "server RSS at end of writes", rss_end, "RSS with consoles connected", rss_connected, "MiB"
    )
    report.target("p99 commit→delivery", commit_s["p99"], 500, "ms", higher=False)
    report.target("p99 send→delivery", send_s["p99"], 500, "ms", higher=False)
    report.target("server RSS growth, middle → end of writes", growth, 50, "MiB", higher=False)
    warn_if_generator_busy(
        report, "the console processes", gen_cpu / gen_wall / max(1, args.workers), 2
    )
    report.print()
    report.save(args.json)
    return exit_code(report)


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
