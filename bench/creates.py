"""Authenticated ticket creates under load, against `GET /healthz` as the baseline.

    python -m bench.creates [--duration 15] [--connections 32] [--profile]

One server process (SQLite, `--log-level warning`), a fresh temp database. Phases:
  1. warm-up: 2 s of creates and healthz through the asyncio client;
  2. baseline: `GET /healthz`, same connection count, wrk;
  3. creates: `POST /api/v1/tickets`, each with its own Idempotency-Key and body (wrk Lua);
  4. (--profile) a further creates phase under `py-spy record --gil`, summarized;
  5. the server stops and the database is checked: every 201's ticket is there, once.

Targets (issue): ≥ 1,500 creates/s, ≥ 50% of the healthz throughput, p99 ≤ 50 ms.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import sys
import time
from pathlib import Path
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
    phase,
    print_machine,
    quiet_machine_note,
    run_async,
    summarize_ms,
    warn_if_generator_busy,
)
from .profile import py_spy_path, start_record, summarize
from .wrk import INSTALL_HINT, run_wrk, wrk_path

CREATE_LUA = """
local counter = 0
local nplayers = %(players)d
local prefix = "%(nonce)s"
function request()
  counter = counter + 1
  local key = prefix .. "-" .. tid .. "-" .. counter
  wrk.headers["Idempotency-Key"] = key
  local pr = "P3"
  if counter %% 10 == 0 then pr = "P2" end
  local body = '{"subject":"Deposit not credited ' .. key .. '",' ..
    '"body":"Hi, my deposit of 50 EUR made an hour ago is still not on my balance. ' ..
    'Reference ' .. key .. '. Please help.",' ..
    '"channel":"web_chat","priority":"' .. pr .. '",' ..
    '"player":{"external_id":"bp-' .. ((counter * 7 + tid) %% nplayers) .. '"}}'
  return wrk.format("POST", "/api/v1/tickets", nil, body)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    ids[#ids + 1] = string.match(body, '"id":(%%d+)')
  end
end
"""

BATCH_METRICS = (
    "agent_console_write_batch_jobs_count",
    "agent_console_write_batch_jobs_sum",
    "agent_console_write_batch_seconds_sum",
)


def _batches(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """The write transactions of one phase (from the server's metrics)."""
    d = {k: after[k] - before[k] for k in BATCH_METRICS}
    n = d["agent_console_write_batch_jobs_count"]
    return {
        "count": n,
        "jobs_per_batch": d["agent_console_write_batch_jobs_sum"] / n if n else 0.0,
        "ms_per_batch": d["agent_console_write_batch_seconds_sum"] * 1000 / n if n else 0.0,
    }


ID_RE = re.compile(rb'^\{"id":(\d+)')


def create_body(key: str, player: str) -> bytes:
    return orjson.dumps(
        {
            "subject": f"Deposit not credited {key}",
            "body": "Hi, my deposit of 50 EUR made an hour ago is still not on my balance. "
            f"Reference {key}. Please help.",
            "channel": "web_chat",
            "priority": "P3",
            "player": {"external_id": player},
        }
    )


class Phase:
    """One measured phase, whichever generator ran it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.requests = 0
        self.duration = 0.0
        self.latency_ms: dict[str, float] = {}
        self.statuses: dict[int, int] = {}
        self.errors = 0
        self.gen_cpu_share = 0.0
        self.server_cpu: CpuMeter | None = None
        self.machine: MachineMeter | None = None
        self.ids: list[int] = []

    @property
    def rate(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    @property
    def cpu_us_per_request(self) -> float:
        """Server CPU per request: robust to a busy machine, unlike the throughput."""
        if not self.server_cpu or not self.requests:
            return 0.0
        return self.server_cpu.cpu / self.requests * 1e6

    @property
    def ok_count(self) -> int:
        return sum(n for s, n in self.statuses.items() if 200 <= s < 300)

    def line(self) -> str:
        lat = self.latency_ms
        bad = {s: n for s, n in self.statuses.items() if not 200 <= s < 300}
        return (
            f"{self.name}: {self.requests:,} requests in {self.duration:.1f} s = "
            f"{self.rate:,.0f}/s; latency p50 {lat['p50']:.2f} ms, p90 {lat['p90']:.2f} ms, "
            f"p99 {lat['p99']:.2f} ms, max {lat['max']:.2f} ms; non-2xx {bad or 0}, "
            f"socket errors {self.errors}; load generator CPU {self.gen_cpu_share * 100:.0f}% "
            f"of a core; server CPU {self.server_cpu}, {self.cpu_us_per_request:.0f} µs per "
            f"request; {self.machine}"
        )


def _wrk_phase(
    name: str,
    srv: Server,
    path: str,
    *,
    connections: int,
    duration: float,
    threads: int,
    script: str = "",
    auth: bool = False,
    ids_path: Path | None = None,
) -> Phase:
    ph = Phase(name)
    headers = {"Content-Type": "application/json", **srv.auth()} if auth else {}
    meter = CpuMeter(srv.pid).start()
    ph.machine = MachineMeter(srv.pid).start()
    res = run_wrk(
        srv.base + path,
        connections=connections,
        duration=duration,
        threads=threads,
        script=script,
        headers=headers,
        ids_path=ids_path,
    )
    ph.server_cpu = meter.stop()
    ph.machine.stop()
    ph.requests, ph.duration, ph.latency_ms = res.requests, res.duration, res.latency_ms
    ph.errors = res.errors["connect"] + res.errors["read"] + res.errors["write"]
    ph.errors += res.errors["timeout"]
    ph.statuses = res.statuses or {200: res.requests - res.errors["status"]}
    if res.errors["status"] and not res.statuses:
        ph.statuses[500] = res.errors["status"]  # wrk only says "non-2xx/3xx"
    ph.gen_cpu_share = res.cpu_share
    if ids_path is not None and ids_path.exists():
        ph.ids = [int(x) for x in ids_path.read_text().split()]
    return ph


def _asyncio_phase(
    name: str,
    srv: Server,
    *,
    connections: int,
    duration: float,
    creates: bool,
    nonce: str,
    players: int,
) -> Phase:
    ph = Phase(name)
    ids: list[int] = []
    auth = f"Bearer {srv.token}"
    if creates:

        def make(ci: int, i: int) -> bytes:
            key = f"{nonce}-{i}"
            body = create_body(key, f"bp-{(i * 7) % players}")
            headers = {
                "Authorization": auth,
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            }
            return httpraw.build_request("POST", "/api/v1/tickets", body, headers)

        def on_response(status: int, body: bytes) -> None:
            if status == 201:
                m = ID_RE.match(body)
                if m:
                    ids.append(int(m.group(1)))

    else:
        raw = httpraw.build_request("GET", "/healthz")

        def make(ci: int, i: int) -> bytes:
            return raw

        on_response = None  # type: ignore[assignment]

    meter = CpuMeter(srv.pid).start()
    ph.machine = MachineMeter(srv.pid).start()
    res = run_async(httpraw.closed_loop(srv.port, connections, duration, make, on_response))
    ph.server_cpu = meter.stop()
    ph.machine.stop()
    ph.requests, ph.duration = res.count, res.elapsed
    ph.latency_ms = summarize_ms(res.latencies)
    ph.statuses, ph.errors = dict(res.statuses), res.errors
    ph.gen_cpu_share = res.cpu_seconds / res.elapsed if res.elapsed else 0.0
    ph.ids = ids
    return ph


def verify(db_file: Path, ids: list[int], n_ok: int, connections: int, wrk_phases: int) -> Any:
    """The database after the run, against what the clients were told."""
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        out = {
            "tickets": q("SELECT count(*) FROM tickets"),
            "distinct_subjects": q("SELECT count(DISTINCT subject) FROM tickets"),
            "messages": q("SELECT count(*) FROM messages"),
            "idempotency_keys": q("SELECT count(*) FROM idempotency_keys"),
            "players": q("SELECT count(*) FROM players"),
            "changes": q("SELECT count(*) FROM changes"),
            "ticket_creates": q(
                "SELECT count(*) FROM changes WHERE entity = 'ticket' AND op = 'create'"
            ),
            "message_creates": q(
                "SELECT count(*) FROM changes WHERE entity = 'message' AND op = 'create'"
            ),
            "player_creates": q(
                "SELECT count(*) FROM changes WHERE entity = 'player' AND op = 'create'"
            ),
            "max_seq": q("SELECT coalesce(max(seq), 0) FROM changes"),
            "counter": q("SELECT last_seq FROM change_counter WHERE id = 1"),
        }
        db_ids = {row[0] for row in con.execute("SELECT id FROM tickets")}
    finally:
        con.close()
    out["responses_2xx"] = n_ok
    out["ids_in_responses"] = len(ids)
    out["duplicate_ids_in_responses"] = len(ids) - len(set(ids))
    out["acknowledged_but_missing"] = len(set(ids) - db_ids)
    # wrk stops with requests in flight: the server commits them, nobody reads the answer.
    out["committed_unacknowledged"] = out["tickets"] - n_ok
    out["max_in_flight_at_stop"] = connections * wrk_phases
    return out


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=15.0, help="creates phase, seconds")
    p.add_argument("--baseline-duration", type=float, default=10.0, help="healthz phase, s")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk -t (default 1)")
    p.add_argument("--players", type=int, default=500, help="distinct players in the bodies")
    p.add_argument("--log-level", default="warning", help="server --log-level")
    p.add_argument("--profile", action="store_true", help="extra creates phase under py-spy")
    p.add_argument("--profile-duration", type=float, default=10.0)
    args = p.parse_args(argv)

    info = print_machine()
    report = Report("creates", info)
    use_wrk = wrk_path() is not None and not args.no_wrk
    if not use_wrk:
        print(INSTALL_HINT if wrk_path() is None else "--no-wrk: using the asyncio client")
        report.notes.append("load generator: asyncio fallback (not wrk)")
    nonce = secrets.token_hex(4)
    all_ids: list[int] = []
    n_ok = 0
    wrk_phases = 0

    with Server(label="creates", keep=args.keep, log_level=args.log_level) as srv:
        print(
            f"server pid {srv.pid} on port {srv.port}, --log-level {args.log_level}, "
            f"db {srv.db_file}"
        )
        with phase("warm-up: 2 s of creates (8 connections) and 1 s of healthz"):
            warm = _asyncio_phase(
                "warm-up creates",
                srv,
                connections=8,
                duration=2,
                creates=True,
                nonce=nonce + "w",
                players=args.players,
            )
            _asyncio_phase(
                "warm-up healthz",
                srv,
                connections=8,
                duration=1,
                creates=False,
                nonce=nonce,
                players=1,
            )
            all_ids += warm.ids
            n_ok += warm.statuses.get(201, 0)

        def measure(name: str, creates: bool, duration: float, ids_file: Path | None) -> Phase:
            nonlocal wrk_phases
            if use_wrk:
                script = CREATE_LUA % {"players": args.players, "nonce": nonce + name[:1]}
                wrk_phases += 1 if creates else 0
                return _wrk_phase(
                    name,
                    srv,
                    "/api/v1/tickets" if creates else "/healthz",
                    connections=args.connections,
                    duration=duration,
                    threads=args.wrk_threads,
                    script=script if creates else "",
                    auth=creates,
                    ids_path=ids_file,
                )
            return _asyncio_phase(
                name,
                srv,
                connections=args.connections,
                duration=duration,
                creates=creates,
                nonce=nonce + name[:1],
                players=args.players,
            )

        with phase(f"baseline: GET /healthz, {args.connections} connections"):
            base = measure("healthz", False, args.baseline_duration, None)
            print("   " + base.line())
        with phase(f"creates: POST /api/v1/tickets, {args.connections} connections"):
            before = srv.metric_sums(*BATCH_METRICS)
            cr = measure("creates", True, args.duration, srv.tmp / "ids-creates.txt")
            print("   " + cr.line())
            batches = _batches(before, srv.metric_sums(*BATCH_METRICS))
            print(
                f"   write transactions: {batches['count']:,.0f}, "
                f"{batches['jobs_per_batch']:.1f} writes each, "
                f"{batches['ms_per_batch']:.2f} ms each on average"
            )
        all_ids += cr.ids
        n_ok += cr.ok_count
        profile_text = None
        if args.profile:
            if py_spy_path() is None:
                print("py-spy is not installed: `.venv/bin/pip install py-spy`; no profile")
            else:
                with phase(f"profile: {args.profile_duration:.0f} s of creates under py-spy"):
                    out = srv.tmp / "creates-pyspy.txt"
                    rec = start_record(srv.pid, args.profile_duration, out)
                    time.sleep(0.5)
                    prof = measure(
                        "profiled creates", True, args.profile_duration, srv.tmp / "ids-prof.txt"
                    )
                    rec.wait(timeout=60)
                    print("   " + prof.line() + " (slowed by the sampler)")
                    n_ok += prof.ok_count
                    all_ids += prof.ids
                    if out.exists():
                        profile_text = summarize(out)
                        print(profile_text)
                        print(f"   raw stacks: {out}" + ("" if args.keep else " (removed)"))
        srv.stop()
        with phase("verify the database"):
            v = verify(
                srv.db_file,
                all_ids,
                n_ok,
                args.connections,
                max(wrk_phases, 1),
            )
            for k, val in v.items():
                print(f"   {k}: {val}")

    report.metrics = {
        "healthz_rps": base.rate,
        "healthz_latency_ms": base.latency_ms,
        "creates_per_s": cr.rate,
        "creates_latency_ms": cr.latency_ms,
        "creates_statuses": cr.statuses,
        "creates_socket_errors": cr.errors,
        "creates_server_cpu_share": cr.server_cpu.share if cr.server_cpu else None,
        "creates_server_cpu_us_per_request": cr.cpu_us_per_request,
        "healthz_server_cpu_us_per_request": base.cpu_us_per_request,
        "healthz_server_cpu_share": base.server_cpu.share if base.server_cpu else None,
        "generator_cpu_share_creates": cr.gen_cpu_share,
        "generator_cpu_share_healthz": base.gen_cpu_share,
        "generator": "wrk" if use_wrk else "asyncio",
        "other_processes_cpu_share": {
            "healthz": base.machine.other_share if base.machine else None,
            "creates": cr.machine.other_share if cr.machine else None,
        },
        "connections": args.connections,
        "write_batches": batches,
        "verify": v,
    }
    if profile_text:
        report.metrics["profile"] = profile_text
    ratio = report.ratio("creates throughput", cr.rate, "healthz", base.rate, "req/s")
    report.ratio(
        "creates p99 latency", cr.latency_ms["p99"], "healthz p99", base.latency_ms["p99"], "ms"
    )
    report.ratio(
        "server CPU per create",
        cr.cpu_us_per_request,
        "per healthz",
        base.cpu_us_per_request,
        "µs",
    )
    report.notes.append(
        f"1,500 creates/s on the one core a Python process can use needs ≤ 667 µs of server "
        f"CPU per create; this run used {cr.cpu_us_per_request:.0f} µs"
    )
    report.target("creates/s", cr.rate, 1500, "req/s", higher=True)
    report.target("creates/healthz throughput", ratio * 100, 50, "%", higher=True)
    report.target("creates p99 latency", cr.latency_ms["p99"], 50, "ms", higher=False)
    bad = sum(n for s, n in cr.statuses.items() if not 200 <= s < 300)
    report.check("no failed creates", bad + cr.errors == 0, f"{bad} non-2xx, {cr.errors} errors")
    report.check(
        "every acknowledged ticket is in the database",
        v["acknowledged_but_missing"] == 0 and v["ids_in_responses"] == n_ok,
        f"{v['ids_in_responses']} ids from {n_ok} 2xx; missing {v['acknowledged_but_missing']}",
    )
    report.check("no ticket id acknowledged twice", v["duplicate_ids_in_responses"] == 0)
    report.check(
        "tickets in db == 2xx responses (+ requests in flight when wrk stopped)",
        0 <= v["committed_unacknowledged"] <= v["max_in_flight_at_stop"],
        f"{v['tickets']} tickets, {n_ok} 2xx, {v['committed_unacknowledged']} unacknowledged "
        f"(at most {v['max_in_flight_at_stop']} can be in flight)",
    )
    report.check(
        "no duplicate tickets (one per Idempotency-Key / subject)",
        v["distinct_subjects"] == v["tickets"] == v["idempotency_keys"],
        f"{v['distinct_subjects']} subjects, {v['idempotency_keys']} keys",
    )
    report.check(
        "one message per ticket; change log complete",
        v["messages"] == v["tickets"]
        and v["ticket_creates"] == v["tickets"]
        and v["message_creates"] == v["messages"]
        and v["player_creates"] == v["players"]
        and v["changes"] == v["max_seq"] == v["counter"],
        f"{v['messages']} messages, {v['changes']} changes ({v['ticket_creates']} ticket, "
        f"{v['message_creates']} message, {v['player_creates']} player creates; the rest: "
        f"SLA job and prediction), {v['players']} players",
    )
    for ph_ in (base, cr):
        if ph_.machine is not None:
            quiet_machine_note(report, f"the {ph_.name} phase", ph_.machine)
    warn_if_generator_busy(report, "the load generator (healthz)", base.gen_cpu_share, 2)
    warn_if_generator_busy(report, "the load generator (creates)", cr.gen_cpu_share, 2)
    report.print()
    report.save(args.json)
    return exit_code(report)


if __name__ == "__main__":
    sys.exit(main())
