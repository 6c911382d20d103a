"""Run `wrk` with a Lua script and read its figures back as JSON (plus wrk's own CPU time)."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

INSTALL_HINT = (
    "wrk is not installed: `apt-get install wrk` (Debian/Ubuntu) for the real load generator; "
    "falling back to the built-in asyncio client (it can saturate a core itself on fast "
    "endpoints, so its figures are a lower bound)"
)

# Every script gets this prelude (thread ids, per-thread tables) and the `done` reporter,
# which prints one `BENCHJSON {...}` line and, when BENCH_IDS_PATH is set, writes the
# `ids` each thread collected to that file, one per line.
PRELUDE = """
bench_threads = {}
local bench_next_tid = 0
statuses = {}
ids = {}
function setup(thread)
  bench_next_tid = bench_next_tid + 1
  thread:set("tid", bench_next_tid)
  table.insert(bench_threads, thread)
end
"""

DONE = """
function done(summary, latency, requests)
  local st = {}
  local f = nil
  if BENCH_IDS_PATH then f = io.open(BENCH_IDS_PATH, "w") end
  for _, t in ipairs(bench_threads) do
    local s = t:get("statuses")
    if s then for k, v in pairs(s) do st[k] = (st[k] or 0) + v end end
    if f then
      local tids = t:get("ids")
      if tids then for _, v in ipairs(tids) do f:write(v, "\\n") end end
    end
  end
  if f then f:close() end
  local parts = {}
  for k, v in pairs(st) do parts[#parts + 1] = string.format('"%s":%d', tostring(k), v) end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%.0f,"bytes":%.0f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%.0f,"p90":%.0f,"p99":%.0f,"p999":%.0f,"max":%.0f,"mean":%.1f},' ..
    '"statuses":{%s}}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean,
    table.concat(parts, ",")))
end
"""


def wrk_path() -> str | None:
    return shutil.which("wrk")


@dataclass
class WrkResult:
    requests: int
    duration: float  # seconds
    latency_ms: dict[str, float]
    errors: dict[str, int]
    statuses: dict[int, int]
    cpu_seconds: float  # wrk's own user+system CPU
    raw: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    @property
    def cpu_share(self) -> float:
        return self.cpu_seconds / self.duration if self.duration else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def run_wrk(
    url: str,
    *,
    connections: int,
    duration: float,
    threads: int = 1,
    script: str = "",
    headers: dict[str, str] | None = None,
    ids_path: Path | None = None,
    timeout_s: int = 10,
) -> WrkResult:
    """Run wrk against `url` (a full URL; its path is the default request path)."""
    exe = wrk_path()
    if exe is None:
        raise FileNotFoundError(INSTALL_HINT)
    lua = PRELUDE
    if ids_path is not None:
        lua += f'BENCH_IDS_PATH = "{ids_path}"\n'
    lua += script + DONE
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
        script_path = f.name
    cmd = [
        exe,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        f"--timeout={timeout_s}s",
        "-s",
        script_path,
    ]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    finally:
        Path(script_path).unlink(missing_ok=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    data = json.loads(line.removeprefix("BENCHJSON "))
    return WrkResult(
        requests=data["requests"],
        duration=data["duration_us"] / 1e6,
        latency_ms={k: v / 1000 for k, v in data["latency_us"].items()},
        errors=data["errors"],
        statuses={int(k): v for k, v in data["statuses"].items()},
        cpu_seconds=cpu,
        raw=out.stdout,
    )
