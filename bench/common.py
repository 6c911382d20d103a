"""What every benchmark shares: the machine, a server subprocess, process stats, reporting."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
USER = "bench"
PASSWORD = "bench-password-1"
T = TypeVar("T")


# -- the machine -------------------------------------------------------------------------
def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _mem_total_gib() -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def wrk_version() -> str | None:
    exe = shutil.which("wrk")
    if exe is None:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    text = (out.stdout + out.stderr).strip().splitlines()
    return text[0].split(" Copyright")[0] if text else "wrk (unknown version)"


def machine_info() -> dict[str, Any]:
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": affinity,
        "memory_gib": round(_mem_total_gib(), 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": wrk_version() or "not installed",
    }


def print_machine(info: dict[str, Any] | None = None) -> dict[str, Any]:
    info = info or machine_info()
    print(
        f"machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
        f"{info['memory_gib']} GiB, {info['os']}"
    )
    print(f"         load average before the run: {loadavg()}")
    print(
        f"         Python {info['python']}, SQLite {info['sqlite']}, load generator: {info['wrk']}"
    )
    return info


# -- numbers -----------------------------------------------------------------------------
def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (0 if empty)."""
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1))))
    return float(sorted_values[k])


def summarize_ms(values_s: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/max/mean in milliseconds of latencies given in seconds."""
    xs = sorted(values_s)
    if not xs:
        return {"n": 0, "p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
    return {
        "n": len(xs),
        "p50": percentile(xs, 50) * 1000,
        "p90": percentile(xs, 90) * 1000,
        "p99": percentile(xs, 99) * 1000,
        "max": xs[-1] * 1000,
        "mean": sum(xs) / len(xs) * 1000,
    }


def fmt_lat(s: dict[str, float]) -> str:
    return (
        f"p50 {s['p50']:.2f} ms, p90 {s['p90']:.2f} ms, p99 {s['p99']:.2f} ms, "
        f"max {s['max']:.2f} ms (n={int(s['n'])})"
    )


# -- process stats from /proc --------------------------------------------------------------
_CLK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLK


def proc_rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def proc_threads(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


class CpuMeter:
    """CPU used by a process between start() and stop(), as a share of one core."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.cpu0 = self.t0 = 0.0
        self.cpu = self.wall = 0.0

    def start(self) -> CpuMeter:
        self.cpu0, self.t0 = proc_cpu_seconds(self.pid), time.perf_counter()
        return self

    def stop(self) -> CpuMeter:
        self.cpu = proc_cpu_seconds(self.pid) - self.cpu0
        self.wall = time.perf_counter() - self.t0
        return self

    @property
    def share(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0

    def __str__(self) -> str:
        return f"{self.cpu:.1f} CPU-s in {self.wall:.1f} s = {self.share * 100:.0f}% of one core"


def _machine_busy_seconds() -> float:
    """CPU-seconds all processes have used so far (all cores), from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _CLK


class MachineMeter:
    """CPU used by *other* processes during a phase (not the server, not the generator).

    The figures are only meaningful on a quiet machine: a test suite running beside the
    benchmark takes cores from the server and the load generator alike.
    """

    def __init__(self, *own_pids: int) -> None:
        self.pids = own_pids
        self.busy0 = self.t0 = 0.0
        self.own0 = 0.0
        self.other_share = 0.0
        self.busy_share = 0.0

    def start(self) -> MachineMeter:
        self.busy0, self.t0 = _machine_busy_seconds(), time.perf_counter()
        self.own0 = sum(proc_cpu_seconds(p) for p in self.pids)
        self.children0 = _children_cpu()
        self.self0 = time.process_time()
        return self

    def stop(self) -> MachineMeter:
        wall = time.perf_counter() - self.t0
        busy = _machine_busy_seconds() - self.busy0
        own = sum(proc_cpu_seconds(p) for p in self.pids) - self.own0
        own += _children_cpu() - self.children0 + time.process_time() - self.self0
        self.busy_share = busy / wall if wall else 0.0
        self.other_share = max(0.0, busy - own) / wall if wall else 0.0
        return self

    def __str__(self) -> str:
        return (
            f"machine busy {self.busy_share * 100:.0f}% of a core in all; other processes "
            f"{self.other_share * 100:.0f}%"
        )


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def quiet_machine_note(report: Report, what: str, meter: MachineMeter) -> None:
    if meter.other_share > 0.15:
        report.notes.append(
            f"during {what}, other processes used {meter.other_share * 100:.0f}% of a core: "
            "the machine was not quiet, the figures are pessimistic; run again when it is"
        )


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -- the server under test ---------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_CONSOLE_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def cli(args: list[str], config: Path, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `agent-console-server --config CONFIG ARGS…` with this interpreter."""
    return subprocess.run(
        [PY, "-m", "server.cli", "--config", str(config), *args],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=check,
    )


def server_command() -> list[str]:
    """How to start the server: `python -m server.cli`, or, for A/B experiments without
    touching the server's code, a launcher script named by $AGENT_CONSOLE_BENCH_LAUNCHER
    (it may patch modules, then must call `server.cli.main()`)."""
    launcher = os.environ.get("AGENT_CONSOLE_BENCH_LAUNCHER")
    return [PY, launcher] if launcher else [PY, "-m", "server.cli"]


class Server:
    """`agent-console-server serve` in a subprocess on a free port, with a fresh database.

    The bench user is an `l1_agent` whose queues cover every queue the benchmark touches
    (an agent sees only the tickets of their queues).
    `db_file`: use this SQLite file (already prepared) instead of a new empty one. The
    temporary directory (database, log, blobs) is removed on stop unless `keep` is set.
    """

    def __init__(
        self,
        *,
        db_file: Path | None = None,
        log_level: str = "warning",
        keep: bool = False,
        label: str = "bench",
        role: str = "l1_agent",
        queues: tuple[str, ...] = ("l1", "l2", "vip", "payments"),
    ) -> None:
        self.role, self.queues = role, queues
        self.tmp = Path(tempfile.mkdtemp(prefix=f"ac-{label}-"))
        self.db_file = db_file or (self.tmp / "bench.db")
        self.db_url = f"sqlite:///{self.db_file}"
        self.config = self.tmp / "config.toml"
        self.config.write_text(f'[server]\ndata_dir = "{self.tmp / "data"}"\n')
        self.log_level = log_level
        self.keep = keep
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.token = ""
        self.log_path = self.tmp / "server.log"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        made = cli(
            [
                "create-user",
                USER,
                "--role",
                self.role,
                "--queues",
                ",".join(self.queues),
                "--password",
                PASSWORD,
                "--db",
                self.db_url,
            ],
            self.config,
            check=False,
        )
        if made.returncode != 0:
            raise RuntimeError(f"create-user failed:\n{made.stdout}\n{made.stderr}")
        cmd = server_command()
        if len(cmd) == 2:
            print(f"note: server started through the launcher {cmd[1]}")
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                *server_command(),
                "--config",
                str(self.config),
                "serve",
                "--db",
                self.db_url,
                "--port",
                str(self.port),
                "--log-level",
                self.log_level,
            ],
            cwd=ROOT,
            env=_clean_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                status, _ = http_request_sync(self.port, "GET", "/healthz", timeout=1)
                if status == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("the server did not answer /healthz within 120 s")
        self.token = self.login()
        self.wait_idle()
        return self

    def wait_idle(self, *, below: float = 0.1, window: float = 0.5, timeout: float = 120) -> None:
        """Wait until the server's start-up work (the bot's models load in a thread for some
        seconds) is over: a phase measured during it would charge that CPU to the requests."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            meter = CpuMeter(self.pid).start()
            time.sleep(window)
            if meter.stop().share < below:
                return
        print(f"note: the server stayed busy for {timeout:.0f} s after start-up")

    def login(self) -> str:
        body = json.dumps({"username": USER, "password": PASSWORD}).encode()
        status, data = http_request_sync(
            self.port, "POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"}
        )
        if status != 200:
            raise RuntimeError(f"login failed: {status} {data[:300]!r}")
        return json.loads(data)["token"]

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get_json(self, path: str) -> Any:
        status, data = http_request_sync(self.port, "GET", path, headers=self.auth())
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {data[:300]!r}")
        return json.loads(data)

    def metric_sums(self, *names: str) -> dict[str, float]:
        """Values of Prometheus samples by full name (e.g. `…_count`, `…_sum`); 0 if absent."""
        status, data = http_request_sync(self.port, "GET", "/metrics", headers=self.auth())
        if status != 200:
            raise RuntimeError(f"GET /metrics: {status} {data[:300]!r}")
        out = dict.fromkeys(names, 0.0)
        for line in data.decode().splitlines():
            name, _, value = line.partition(" ")
            if name in out:
                out[name] = float(value)
        return out

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def cleanup(self) -> None:
        self.stop()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Server:
        try:
            return self.start()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def http_request_sync(
    port: int,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    """One HTTP/1.1 request on a fresh connection (setup and checks, not load)."""
    from .httpraw import build_request, read_response_sync

    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(build_request(method, path, body, headers, close=True))
        return read_response_sync(sock)


# -- asyncio -----------------------------------------------------------------------------
def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on uvloop when it is installed (it is, with uvicorn[standard])."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


# -- reporting ---------------------------------------------------------------------------
@dataclass
class Target:
    name: str
    value: float
    limit: float
    unit: str
    higher_is_better: bool

    @property
    def ok(self) -> bool:
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit

    def line(self) -> str:
        op = "≥" if self.higher_is_better else "≤"
        mark = "PASS" if self.ok else "MISS"
        return (
            f"  [{mark}] {self.name}: {self.value:,.2f} {self.unit} (target {op} {self.limit:,g})"
        )


@dataclass
class Report:
    benchmark: str
    machine: dict[str, Any]
    metrics: dict[str, Any] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    # (what, value, baseline name, baseline value, ratio)
    ratios: list[dict[str, Any]] = field(default_factory=list)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def target(self, name: str, value: float, limit: float, unit: str, *, higher: bool) -> Target:
        t = Target(name, value, limit, unit, higher)
        self.targets.append(t)
        return t

    def ratio(self, what: str, value: float, baseline: str, base_value: float, unit: str) -> float:
        r = value / base_value if base_value else 0.0
        self.ratios.append(
            {
                "what": what,
                "value": value,
                "baseline": baseline,
                "baseline_value": base_value,
                "unit": unit,
                "ratio": r,
            }
        )
        return r

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append((name, ok, detail))
        return ok

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.targets) and all(ok for _, ok, _ in self.checks)

    def print(self) -> None:
        print(f"\n== {self.benchmark}: results ==")
        if self.ratios:
            print("ratios against the baseline measured in this run:")
            for r in self.ratios:
                print(
                    f"  {r['what']}: {r['value']:,.2f} {r['unit']} / {r['baseline']} "
                    f"{r['baseline_value']:,.2f} {r['unit']} = {r['ratio']:.3f}"
                )
        if self.checks:
            print("correctness:")
            for name, ok, detail in self.checks:
                print(f"  [{'OK' if ok else 'FAIL'}] {name}" + (f": {detail}" if detail else ""))
        if self.targets:
            print("targets:")
            for t in self.targets:
                print(t.line())
        for note in self.notes:
            print(f"note: {note}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "machine": self.machine,
            "metrics": self.metrics,
            "targets": [
                {
                    "name": t.name,
                    "value": t.value,
                    "limit": t.limit,
                    "unit": t.unit,
                    "higher_is_better": t.higher_is_better,
                    "ok": t.ok,
                }
                for t in self.targets
            ],
            "ratios": self.ratios,
            "checks": [{"name": n, "ok": ok, "detail": d} for n, ok, d in self.checks],
            "notes": self.notes,
            "ok": self.ok,
        }

    def save(self, path: str | None) -> None:
        if path:
            Path(path).write_text(json.dumps(self.as_dict(), indent=2, default=str))


def base_parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (db, server log)")
    p.add_argument(
        "--no-wrk", action="store_true", help="use the asyncio load generator even if wrk exists"
    )
    return p


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    print(f"-- {name} ...", flush=True)
    t0 = time.perf_counter()
    yield
    print(f"   ({time.perf_counter() - t0:.1f} s)", flush=True)


def exit_code(report: Report) -> int:
    """0 when every correctness check holds (a missed performance target is not a crash)."""
    return 0 if all(ok for _, ok, _ in report.checks) else 1


def warn_if_generator_busy(report: Report, name: str, share: float, cores: int) -> None:
    """The load generator must not be the bottleneck: say so when it used ≥ 90% of a core."""
    if share >= 0.9:
        report.notes.append(
            f"{name} used {share * 100:.0f}% of a core on a {cores}-core machine: it may be "
            "part of the bottleneck here"
        )
