"""A console's full delta sync: 10,000 changes through `GET /api/v1/changes`, from since=0.

    python -m bench.delta_sync [--changes 10000] [--repeat 5]

Setup (not timed): exactly --changes change-log entries made through the API (a player
PUT, ticket creates for that player — 2 changes each — and one more player PUT to make
the count exact), 16 connections on the asyncio client.
Measured, each --repeat times on one keep-alive connection, as a console does it:
  - paging with limit=1000 and with limit=10000 until `has_more` is false, decoding every
    page with orjson (decode time reported apart), checking seqs are 1..N, once each;
  - baselines in the same run: `GET /healthz` and an empty `/changes?since=HEAD` page
    (the fixed cost of one request), and the same rows read straight from SQLite.

Target (issue): ≤ 1 s for 10,000 changes.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from typing import Any

import orjson

from . import httpraw
from .common import (
    CpuMeter,
    MachineMeter,
    Report,
    Server,
    base_parser,
    exit_code,
    fmt_lat,
    phase,
    print_machine,
    quiet_machine_note,
    run_async,
    summarize_ms,
)


async def make_changes(srv: Server, n_changes: int) -> int:
    """Exactly n_changes (≥ 3) change-log entries through the API. Returns the head seq."""
    auth = srv.auth()
    json_h = {**auth, "Content-Type": "application/json"}
    conn = await httpraw.HttpConn(srv.port).connect()
    body = orjson.dumps({"name": "Delta Player", "tier": "standard", "languages": ["en"]})
    status, _ = await conn.request(
        httpraw.build_request("PUT", "/api/v1/players/ds-1", body, json_h)
    )
    assert status == 200, status
    creates = (n_changes - 1) // 2  # the PUT above made 1; each create makes 2
    extra = n_changes - 1 - 2 * creates  # 0 or 1: one more player PUT

    def make(ci: int, i: int) -> bytes:
        b = orjson.dumps(
            {
                "subject": f"Delta sync ticket {i}: withdrawal pending for three days",
                "body": "Hello, I requested a withdrawal of 250 EUR on Monday and it is still "
                "pending. My account is verified. Could you check what is holding it? " * 2,
                "channel": "email",
                "priority": ["P2", "P3", "P3", "P4"][i % 4],
                "tags": [["payment"], ["account"], ["bonus"], []][i % 4],
                "player": {"external_id": "ds-1"},
            }
        )
        return httpraw.build_request(
            "POST", "/api/v1/tickets", b, {**json_h, "Idempotency-Key": f"ds-{i}"}
        )

    res = await httpraw.closed_loop(srv.port, 16, 600, make, max_requests=creates)
    bad = {s: n for s, n in res.statuses.items() if s != 201}
    if bad or res.errors or res.count != creates:
        raise RuntimeError(f"setup creates failed: {bad}, {res.errors} errors, {res.count}")
    if extra:
        status, _ = await conn.request(
            httpraw.build_request("PUT", "/api/v1/players/ds-2", body, json_h)
        )
        assert status == 200, status
    status, data = await conn.request(
        httpraw.build_request("GET", "/api/v1/changes?since=0&limit=1", headers=auth)
    )
    conn.close()
    return int(orjson.loads(data)["head_seq"])


async def full_sync(port: int, token: str, limit: int) -> dict[str, Any]:
    """since=0 → … until has_more is false, one keep-alive connection, decoding each page."""
    auth = {"Authorization": f"Bearer {token}"}
    conn = await httpraw.HttpConn(port).connect()
    since, pages, nbytes, parse_s, request_s = 0, 0, 0, 0.0, 0.0
    seqs: list[int] = []
    t0 = time.perf_counter()
    while True:
        r0 = time.perf_counter()
        status, body = await conn.request(
            httpraw.build_request(
                "GET", f"/api/v1/changes?since={since}&limit={limit}", headers=auth
            )
        )
        r1 = time.perf_counter()
        if status != 200:
            raise RuntimeError(f"/changes: {status} {body[:200]!r}")
        page = orjson.loads(body)
        parse_s += time.perf_counter() - r1
        request_s += r1 - r0
        pages += 1
        nbytes += len(body)
        seqs += [c["seq"] for c in page["changes"]]
        since = page["last_seq"]
        if not page["has_more"]:
            break
    total = time.perf_counter() - t0
    conn.close()
    return {
        "total_s": total,
        "request_s": request_s,
        "parse_s": parse_s,
        "pages": pages,
        "bytes": nbytes,
        "seqs": seqs,
    }


def direct_read(db_file: Any, n: int) -> float:
    """The same rows straight from SQLite, no server: the floor."""
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    t0 = time.perf_counter()
    rows = con.execute(
        "SELECT seq, entity, entity_id, op, data FROM changes WHERE seq > 0 ORDER BY seq LIMIT ?",
        (n,),
    ).fetchall()
    took = time.perf_counter() - t0
    con.close()
    assert len(rows) == n
    return took


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--changes", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    info = print_machine()
    report = Report("delta_sync", info)
    results: dict[int, list[dict[str, Any]]] = {}

    with Server(label="delta", keep=args.keep) as srv:
        print(f"server pid {srv.pid} on port {srv.port}, db {srv.db_file}")
        with phase(f"setup: {args.changes:,} changes through the API"):
            head = run_async(make_changes(srv, args.changes))
            print(f"   head_seq = {head:,}")
        report.check(
            "the change log holds exactly the changes made",
            head == args.changes,
            f"head_seq {head}",
        )
        auth = srv.auth()
        with phase("baselines: healthz, an empty /changes page, a direct SQLite read"):
            hz = run_async(
                httpraw.sequential(srv.port, [httpraw.build_request("GET", "/healthz")] * 500)
            )
            empty_raw = httpraw.build_request(
                "GET", f"/api/v1/changes?since={head}&limit=1000", headers=auth
            )
            empty = run_async(httpraw.sequential(srv.port, [empty_raw] * 500))
            hz_s, empty_s = summarize_ms(hz.latencies), summarize_ms(empty.latencies)
            direct = [direct_read(srv.db_file, head) for _ in range(3)]
            direct_s = statistics.median(direct)
            print(f"   healthz:            {fmt_lat(hz_s)}")
            print(f"   empty /changes:     {fmt_lat(empty_s)}")
            print(f"   SQLite direct read of {head:,} rows: {direct_s * 1000:.1f} ms (median of 3)")

        machine = MachineMeter(srv.pid).start()
        for limit in (1000, 10_000):
            with phase(f"full sync from since=0, limit={limit}, x{args.repeat}"):
                runs = []
                for _ in range(args.repeat):
                    meter = CpuMeter(srv.pid).start()
                    r = run_async(full_sync(srv.port, srv.token, limit))
                    r["server_cpu_s"] = meter.stop().cpu
                    runs.append(r)
                    ok = r["seqs"] == list(range(1, head + 1))
                    report.check(f"limit={limit}: seqs 1..{head} once each, in order", ok)
                    print(
                        f"   {r['total_s'] * 1000:7.1f} ms total ({r['request_s'] * 1000:.1f} ms "
                        f"in requests, {r['parse_s'] * 1000:.1f} ms decoding), {r['pages']} "
                        f"pages, {r['bytes'] / 2**20:.2f} MiB, server CPU "
                        f"{r['server_cpu_s'] * 1000:.0f} ms"
                    )
                results[limit] = runs
        machine.stop()
        print(f"   during the syncs: {machine}")
        quiet_machine_note(report, "the syncs", machine)

    # Only the last check per limit matters for the summary; collapse duplicates.
    merged: dict[str, tuple[bool, str]] = {}
    for name, ok, detail in report.checks:
        prev = merged.get(name, (True, ""))
        merged[name] = (prev[0] and ok, detail)
    report.checks = [(n, ok, d) for n, (ok, d) in merged.items()]

    med = {lim: statistics.median(r["total_s"] for r in runs) for lim, runs in results.items()}
    worst = {lim: max(r["total_s"] for r in runs) for lim, runs in results.items()}
    pages = {lim: runs[0]["pages"] for lim, runs in results.items()}
    report.metrics = {
        "changes": head,
        "healthz_ms": hz_s,
        "empty_changes_page_ms": empty_s,
        "sqlite_direct_read_ms": direct_s * 1000,
        "sync_ms": {
            str(lim): {
                "median": med[lim] * 1000,
                "max": worst[lim] * 1000,
                "runs": [round(r["total_s"] * 1000, 1) for r in runs],
                "decode_ms_median": statistics.median(r["parse_s"] for r in runs) * 1000,
                "pages": pages[lim],
                "mib": runs[0]["bytes"] / 2**20,
            }
            for lim, runs in results.items()
        },
    }
    for lim in (1000, 10_000):
        report.ratio(
            f"full sync limit={lim} (median)",
            med[lim] * 1000,
            "SQLite direct read",
            direct_s * 1000,
            "ms",
        )
    report.ratio(
        "full sync limit=1000 (median)",
        med[1000] * 1000,
        f"{pages[1000]} x empty-page p50",
        pages[1000] * empty_s["p50"],
        "ms",
    )
    for lim in (1000, 10_000):
        report.target(
            f"full sync of {head:,} changes, limit={lim} (slowest of {args.repeat})",
            worst[lim] * 1000,
            1000,
            "ms",
            higher=False,
        )
    report.print()
    report.save(args.json)
    return exit_code(report)


if __name__ == "__main__":
    sys.exit(main())
