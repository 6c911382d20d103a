"""Run every benchmark (each in its own process, with its own server) and print a summary.

    python -m bench.run_all [--only creates,top50] [--quick] [--creates-runs 2] [--no-wrk]

`make bench` runs this. Exit status: 0 when every benchmark ran and every correctness
check held; a missed performance target is reported in the table, not as a failure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import PY, ROOT, print_machine

BENCHMARKS = ["creates", "top50", "delta_sync", "fanout", "intake", "sla_job", "routing"]
QUICK = {
    "creates": ["--duration", "5", "--baseline-duration", "3"],
    "top50": ["--requests", "500", "--duration", "4"],
    "delta_sync": ["--repeat", "2"],
    "fanout": ["--duration", "8", "--baseline-duration", "3"],
    "intake": ["--duration", "5", "--baseline-duration", "3", "--sustained-duration", "5"],
    "sla_job": ["--tickets", "200000", "--due", "2000", "--load-seconds", "10"],
    "routing": ["--decisions", "5000"],
}


def run_one(name: str, extra: list[str], out_dir: Path, tag: str) -> tuple[dict[str, Any], float]:
    out = out_dir / f"{tag}.json"
    cmd = [PY, "-m", f"bench.{name}", "--json", str(out), *extra]
    print(f"\n{'=' * 100}\n$ {' '.join(cmd[1:])}\n{'=' * 100}", flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, check=False)
    took = time.perf_counter() - t0
    if out.exists():
        data = json.loads(out.read_text())
    else:
        data = {"benchmark": name, "crashed": True, "targets": [], "checks": [], "ratios": []}
    data["returncode"] = proc.returncode
    return data, took


def fmt(v: float) -> str:
    return f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.2f}"


def print_summary(results: list[tuple[str, dict[str, Any], float]]) -> bool:
    rows: list[tuple[str, str, str, str, str]] = []
    ratio_rows: list[tuple[str, str]] = []
    all_ok = True
    for tag, data, took in results:
        if data.get("crashed"):
            rows.append((tag, "(crashed: see its output above)", "", "", "FAIL"))
            all_ok = False
            continue
        for t in data["targets"]:
            op = "≥" if t["higher_is_better"] else "≤"
            rows.append(
                (
                    tag,
                    t["name"],
                    f"{fmt(t['value'])} {t['unit']}",
                    f"{op} {t['limit']:,g} {t['unit']}",
                    "pass" if t["ok"] else "MISS",
                )
            )
        failed = [c for c in data["checks"] if not c["ok"]]
        all_ok = all_ok and not failed and data["returncode"] == 0
        rows.append(
            (
                tag,
                f"correctness checks ({len(data['checks'])})",
                f"{len(data['checks']) - len(failed)} ok",
                "all ok",
                "pass" if not failed else "FAIL",
            )
        )
        rows.append((tag, "wall time of the benchmark", f"{took:.0f} s", "", ""))
        for r in data["ratios"]:
            ratio_rows.append(
                (
                    tag,
                    f"{r['what']} / {r['baseline']}: {fmt(r['value'])} / "
                    f"{fmt(r['baseline_value'])} {r['unit']} = {r['ratio']:.3f}",
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    head = ("benchmark", "figure", "value", "target", "result")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    line = "  ".join("{:<" + str(w) + "}" for w in widths)
    print(f"\n{'=' * 100}\nSUMMARY")
    print_machine()
    print()
    print(line.format(*head))
    print(line.format(*("-" * w for w in widths)))
    for r in rows:
        print(line.format(*r))
    print("\nratios against the baselines measured in the same runs:")
    for tag, text in ratio_rows:
        print(f"  {tag:<12} {text}")
    return all_ok


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    p.add_argument("--quick", action="store_true", help="shorter phases (a smoke run)")
    p.add_argument("--creates-runs", type=int, default=2, help="run the creates bench N times")
    p.add_argument("--no-wrk", action="store_true", help="use the asyncio load generator")
    p.add_argument("--json", help="write all results here as one JSON document")
    args = p.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else BENCHMARKS
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(unknown)}")
    results: list[tuple[str, dict[str, Any], float]] = []
    with tempfile.TemporaryDirectory(prefix="ac-bench-results-") as tmp:
        for name in names:
            extra = list(QUICK[name]) if args.quick else []
            if args.no_wrk:
                extra.append("--no-wrk")
            runs = args.creates_runs if name == "creates" else 1
            for k in range(runs):
                tag = name if runs == 1 else f"{name}#{k + 1}"
                data, took = run_one(name, extra, Path(tmp), tag.replace("#", "-"))
                results.append((tag, data, took))
    ok = print_summary(results)
    if args.json:
        Path(args.json).write_text(
            json.dumps([{"tag": t, "seconds": s, **d} for t, d, s in results], indent=2)
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
