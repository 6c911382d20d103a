"""The queue view on a big database: top 50 open tickets of a queue, and the next page.

    python -m bench.top50 [--tickets 1000000] [--requests 2000] [--concurrency 4]

1,000,000 tickets over 8 queues (8% open), generated once straight into the migrated
schema and cached (bench/dataset.py); each run copies the cached file to a temp dir and
starts a server on it. Measured through the API, after a warm-up:
  - baseline: `GET /healthz`, sequential on one keep-alive connection;
  - `GET /api/v1/tickets?queue=Q&open=true&limit=50`, sequential, queues in rotation;
  - the same with --concurrency clients (wrk; asyncio fallback), against healthz likewise;
  - page 2 (`&cursor=` from page 1), sequential; a 20-page walk checks order and overlap;
  - the same list query run in-process on SQLAlchemy (the database's share of the time);
  - EXPLAIN QUERY PLAN of the exact SQL the server sends (page 1 and page 2).

Target (issue): p99 ≤ 20 ms.
"""

from __future__ import annotations

import shutil
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
    warn_if_generator_busy,
)
from .dataset import QUEUES, ensure_dataset
from .profile import py_spy_path, start_record, summarize
from .wrk import INSTALL_HINT, run_wrk, wrk_path

LIST_LUA = """
local queues = {%(queues)s}
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", "/api/v1/tickets?queue=" .. queues[(i %% #queues) + 1] ..
    "&open=true&limit=50")
end
"""
TIER_RANK = {"vvip": 0, "vip": 1, "standard": 2}


def list_path(queue: str, cursor: str | None = None) -> str:
    path = f"/api/v1/tickets?queue={queue}&open=true&limit=50"
    return path + (f"&cursor={cursor}" if cursor else "")


def order_key(item: dict[str, Any]) -> tuple[Any, ...]:
    """What the client can see of the work order (topic rank is not in the shape)."""
    return (int(item["priority"][1]), TIER_RANK[item["player"]["tier"]], item["waiting_since"])


def check_page(queue: str, items: list[dict[str, Any]], problems: list[str]) -> None:
    for it in items:
        if it["queue"] != queue or it["status"] in ("resolved", "closed"):
            problems.append(f"{queue}: ticket {it['id']} ({it['queue']}, {it['status']})")
    keys = [order_key(it) for it in items]
    if keys != sorted(keys):
        problems.append(f"{queue}: page not in work order")


def explain(db_url: str, queue: str) -> tuple[list[str], list[str], dict[str, Any]]:
    """EXPLAIN QUERY PLAN of the server's own list query (page 1 and page 2), and its timing
    in-process (no HTTP): the database's share of a request."""
    from sqlalchemy import event

    from server.store import tickets as ticket_store
    from server.store.engine import make_engine

    engine = make_engine(db_url, writer=False, pool_size=1)
    captured: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    flt = ticket_store.TicketFilter(queue=[queue], open_only=True)
    plans: list[list[str]] = []
    with engine.connect() as conn:
        rows = ticket_store.list_tickets(conn, flt, order="work", after=None, limit=51)
        after = ticket_store.keyset(rows[49], "work")
        ticket_store.list_tickets(conn, flt, order="work", after=after, limit=51)
        statements = list(captured)
        for stmt, params in statements:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt, params).fetchall()
            plans.append([f"{'  ' * (r[1] > 0)}{r[3]}" for r in plan])
        timings: dict[str, Any] = {}
        for label, aft in (("page1", None), ("page2", after)):
            lat = []
            for _ in range(300):
                t0 = time.perf_counter()
                ticket_store.list_tickets(conn, flt, order="work", after=aft, limit=51)
                lat.append(time.perf_counter() - t0)
            timings[label] = summarize_ms(lat)
    engine.dispose()
    sql = statements[0][0].strip()
    return plans[0], plans[1], {"sql_page1": sql, **timings}


def profile_list(srv: Server, queues: list[str], concurrency: int, duration: float) -> None:
    """The concurrent top-50 load again, under `py-spy record --gil`, summarized."""
    if py_spy_path() is None:
        print("py-spy is not installed: `.venv/bin/pip install py-spy`; no profile")
        return
    with phase(f"profile: {duration:.0f} s of top-50 requests, {concurrency} clients, py-spy"):
        out = srv.tmp / "top50-pyspy.txt"
        rec = start_record(srv.pid, duration, out)
        time.sleep(0.5)
        raws = [httpraw.build_request("GET", list_path(q), headers=srv.auth()) for q in queues]
        res = run_async(
            httpraw.closed_loop(srv.port, concurrency, duration, lambda c, i: raws[i % len(raws)])
        )
        rec.wait(timeout=60)
        print(f"   {res.rate:,.0f} req/s under the sampler")
        if out.exists():
            print(summarize(out))


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--requests", type=int, default=2000, help="sequential requests per case")
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--duration", type=float, default=10.0, help="concurrent phase, seconds")
    p.add_argument("--regenerate", action="store_true", help="ignore the cached database")
    p.add_argument("--profile", action="store_true", help="extra concurrent phase under py-spy")
    args = p.parse_args(argv)

    info = print_machine()
    report = Report("top50", info)
    use_wrk = wrk_path() is not None and not args.no_wrk
    if not use_wrk:
        print(INSTALL_HINT if wrk_path() is None else "--no-wrk: using the asyncio client")
    cached, fresh = ensure_dataset(args.tickets, force=args.regenerate)
    queues = list(QUEUES)
    problems: list[str] = []

    # An agent of every queue (`l1` covers its regional queues `l1-de`, `l1-es`).
    scope = tuple(q for q in queues if "-" not in q)
    srv = Server(label="top50", keep=args.keep, queues=scope)
    with phase(f"copy the cached database ({cached.stat().st_size / 2**20:,.0f} MiB)"):
        shutil.copyfile(cached, srv.db_file)
    with srv:
        print(f"server pid {srv.pid} on port {srv.port}, db {srv.db_file}")
        auth = srv.auth()
        with phase("warm-up: every queue 25 times, page 1"):
            for q in queues:
                first = srv.get_json(list_path(q))
                check_page(q, first["items"], problems)
                if len(first["items"]) != 50 or not first["next_cursor"]:
                    problems.append(f"{q}: page 1 has {len(first['items'])} items")
            warm = [httpraw.build_request("GET", list_path(q), headers=auth) for q in queues] * 25
            run_async(httpraw.sequential(srv.port, warm))

        with phase(f"baseline: GET /healthz x {args.requests}, sequential"):
            raw = httpraw.build_request("GET", "/healthz")
            hz = run_async(httpraw.sequential(srv.port, [raw] * args.requests))
            hz_s = summarize_ms(hz.latencies)
            print(f"   healthz: {fmt_lat(hz_s)}")

        with phase(f"top 50: {args.requests} requests, sequential, {len(queues)} queues"):
            raws = [
                httpraw.build_request("GET", list_path(queues[i % len(queues)]), headers=auth)
                for i in range(args.requests)
            ]
            per_queue: dict[str, list[float]] = {q: [] for q in queues}
            sizes: list[int] = []

            def check(i: int, status: int, body: bytes) -> None:
                q = queues[i % len(queues)]
                if status != 200:
                    problems.append(f"{q}: status {status}")
                    return
                sizes.append(len(body))
                if i < 4 * len(queues):
                    data = orjson.loads(body)
                    check_page(q, data["items"], problems)

            meter = CpuMeter(srv.pid).start()
            seq_machine = MachineMeter(srv.pid).start()
            seq = run_async(httpraw.sequential(srv.port, raws, check))
            meter.stop()
            seq_machine.stop()
            for i, lat in enumerate(seq.latencies):
                per_queue[queues[i % len(queues)]].append(lat)
            seq_s = summarize_ms(seq.latencies)
            print(f"   top 50: {fmt_lat(seq_s)}; {sum(sizes) / len(sizes) / 1024:.1f} KiB/page")
            seq_cpu_us = meter.cpu / len(seq.latencies) * 1e6
            print(f"   server CPU {meter}, {seq_cpu_us:.0f} µs per request; {seq_machine}")
            for q in queues:
                s = summarize_ms(per_queue[q])
                print(f"     {q:10} p50 {s['p50']:.2f} ms  p99 {s['p99']:.2f} ms")

        with phase(f"page 2 (cursor from page 1): {args.requests} requests, sequential"):
            cursors = {}
            for q in queues:
                p1 = srv.get_json(list_path(q))
                cursors[q] = p1["next_cursor"]
                p2 = srv.get_json(list_path(q, p1["next_cursor"]))
                ids1 = {it["id"] for it in p1["items"]}
                if ids1 & {it["id"] for it in p2["items"]}:
                    problems.append(f"{q}: page 2 repeats tickets of page 1")
                if p2["items"] and order_key(p2["items"][0]) < order_key(p1["items"][-1]):
                    problems.append(f"{q}: page 2 starts before the end of page 1")
                check_page(q, p2["items"], problems)
            raws2 = [
                httpraw.build_request(
                    "GET",
                    list_path(queues[i % len(queues)], cursors[queues[i % len(queues)]]),
                    headers=auth,
                )
                for i in range(args.requests)
            ]
            pg2 = run_async(httpraw.sequential(srv.port, raws2))
            pg2_s = summarize_ms(pg2.latencies)
            bad2 = sum(n for s, n in pg2.statuses.items() if s != 200)
            if bad2:
                problems.append(f"page 2: {bad2} non-200 responses")
            print(f"   page 2: {fmt_lat(pg2_s)}")

        with phase("walk 20 pages of l1 by cursor"):
            seen: list[int] = []
            cursor = None
            keys: list[tuple[Any, ...]] = []
            t0 = time.perf_counter()
            for _ in range(20):
                page = srv.get_json(list_path("l1", cursor))
                seen += [it["id"] for it in page["items"]]
                keys += [order_key(it) for it in page["items"]]
                cursor = page["next_cursor"]
                if not cursor:
                    break
            walk_s = time.perf_counter() - t0
            if len(seen) != len(set(seen)) or keys != sorted(keys):
                problems.append("the 20-page walk repeats tickets or breaks the order")
            print(f"   {len(seen)} tickets in {walk_s * 1000:.0f} ms, no repeats, in order")

        conc_name = "wrk" if use_wrk else "asyncio"
        with phase(f"concurrent: {args.concurrency} clients, {args.duration:.0f} s ({conc_name})"):
            if use_wrk:
                hzc = run_wrk(
                    srv.base + "/healthz",
                    connections=args.concurrency,
                    duration=max(3, args.duration / 2),
                )
                meter = CpuMeter(srv.pid).start()
                conc_machine = MachineMeter(srv.pid).start()
                lua = LIST_LUA % {"queues": ",".join(f'"{q}"' for q in queues)}
                conc = run_wrk(
                    srv.base + "/api/v1/tickets",
                    connections=args.concurrency,
                    duration=args.duration,
                    script=lua,
                    headers=auth,
                )
                meter.stop()
                conc_machine.stop()
                hzc_lat, conc_lat = hzc.latency_ms, conc.latency_ms
                hzc_rate, conc_rate = hzc.rate, conc.rate
                conc_bad = conc.error_count
                gen_share = conc.cpu_share
            else:
                hz_raw = httpraw.build_request("GET", "/healthz")
                r1 = run_async(
                    httpraw.closed_loop(
                        srv.port, args.concurrency, max(3, args.duration / 2), lambda c, i: hz_raw
                    )
                )
                meter = CpuMeter(srv.pid).start()
                conc_machine = MachineMeter(srv.pid).start()
                r2 = run_async(
                    httpraw.closed_loop(
                        srv.port,
                        args.concurrency,
                        args.duration,
                        lambda c, i: raws[i % len(raws)],
                    )
                )
                meter.stop()
                conc_machine.stop()
                hzc_lat, conc_lat = summarize_ms(r1.latencies), summarize_ms(r2.latencies)
                hzc_rate, conc_rate = r1.rate, r2.rate
                conc_bad = r2.errors + sum(n for s, n in r2.statuses.items() if s != 200)
                gen_share = r2.cpu_seconds / r2.elapsed
            print(
                f"   healthz: {hzc_rate:,.0f}/s, p50 {hzc_lat['p50']:.2f} ms, "
                f"p99 {hzc_lat['p99']:.2f} ms"
            )
            print(
                f"   top 50:  {conc_rate:,.0f}/s, p50 {conc_lat['p50']:.2f} ms, "
                f"p99 {conc_lat['p99']:.2f} ms, errors {conc_bad}; server CPU {meter}; "
                f"load generator CPU {gen_share * 100:.0f}% of a core; {conc_machine}"
            )
            if conc_bad:
                problems.append(f"concurrent: {conc_bad} errors")

        if args.profile:
            profile_list(srv, queues, args.concurrency, args.duration)
        with phase("query plan and in-process timing of the server's list query (queue l1)"):
            plan1, plan2, direct = explain(srv.db_url, "l1")
            print("   SQL (page 1): " + " ".join(direct["sql_page1"].split()))
            print("   EXPLAIN QUERY PLAN, page 1:")
            for line in plan1:
                print("     " + line)
            print("   EXPLAIN QUERY PLAN, page 2 (keyset after row 50):")
            for line in plan2:
                print("     " + line)
            print(f"   in-process list_tickets, page 1: {fmt_lat(direct['page1'])}")
            print(f"   in-process list_tickets, page 2: {fmt_lat(direct['page2'])}")

    uses_index = all(
        any("ix_tickets_work_order" in line for line in plan) for plan in (plan1, plan2)
    )
    temp_sort = any("TEMP B-TREE" in line for line in plan1 + plan2)
    report.metrics = {
        "tickets": args.tickets,
        "dataset_generated_now": fresh,
        "healthz_seq_ms": hz_s,
        "top50_seq_ms": seq_s,
        "top50_seq_per_queue_p99_ms": {q: summarize_ms(v)["p99"] for q, v in per_queue.items()},
        "page2_seq_ms": pg2_s,
        "healthz_conc_ms": hzc_lat,
        "healthz_conc_rps": hzc_rate,
        "top50_conc_ms": conc_lat,
        "top50_conc_rps": conc_rate,
        "concurrency": args.concurrency,
        "in_process_page1_ms": direct["page1"],
        "in_process_page2_ms": direct["page2"],
        "plan_page1": plan1,
        "plan_page2": plan2,
        "generator_cpu_share": gen_share,
        "server_cpu_us_per_request_seq": seq_cpu_us,
    }
    report.ratio("top 50 p50 (sequential)", seq_s["p50"], "healthz p50", hz_s["p50"], "ms")
    report.ratio("top 50 p99 (sequential)", seq_s["p99"], "healthz p99", hz_s["p99"], "ms")
    report.ratio(
        f"top 50 throughput ({args.concurrency} clients)",
        conc_rate,
        "healthz",
        hzc_rate,
        "req/s",
    )
    report.ratio(
        "top 50 p50 via API",
        seq_s["p50"],
        "same query in-process",
        direct["page1"]["p50"],
        "ms",
    )
    report.target("top 50 p99, sequential", seq_s["p99"], 20, "ms", higher=False)
    report.target(
        f"top 50 p99, {args.concurrency} concurrent clients",
        conc_lat["p99"],
        20,
        "ms",
        higher=False,
    )
    report.target("page 2 p99, sequential", pg2_s["p99"], 20, "ms", higher=False)
    report.check(
        "every page correct (queue, open, work order, no overlap)",
        not problems,
        "; ".join(problems[:5]),
    )
    report.check("the list query uses ix_tickets_work_order", uses_index)
    report.check("no temp b-tree sort in the plan", not temp_sort)
    quiet_machine_note(report, "the sequential phase", seq_machine)
    quiet_machine_note(report, "the concurrent phase", conc_machine)
    warn_if_generator_busy(report, "the load generator", gen_share, 2)
    report.print()
    report.save(args.json)
    return exit_code(report)


if __name__ == "__main__":
    sys.exit(main())
