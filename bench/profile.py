"""Sample the server with py-spy while a benchmark runs, and summarize where the time goes.

`py-spy record --gil` samples only the thread that holds the GIL: in a Python server bound
by one core that is exactly "where the CPU goes". The summary groups samples by thread role
(event loop, db-writer, db-read pool, anyio thread pool) and lists the hottest frames.

    python -m bench.profile STACKS.txt        # summarize an existing raw py-spy file
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

INSTALL_HINT = "py-spy is not installed: `.venv/bin/pip install py-spy` to profile the server"


def py_spy_path() -> str | None:
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


def start_record(pid: int, duration: float, out: Path, rate: int = 250) -> subprocess.Popen[bytes]:
    exe = py_spy_path()
    if exe is None:
        raise FileNotFoundError(INSTALL_HINT)
    cmd = [
        exe,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(max(1, round(duration))),
        "--rate",
        str(rate),
        "--gil",
        "--format",
        "raw",
        "--output",
        str(out),
        "--nonblocking",
    ]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _role(frames: list[str]) -> str:
    joined = ";".join(frames)
    if "Database._run " in joined:
        return "db-writer thread"
    if "concurrent/futures/thread.py" in joined:
        return "db-read pool"
    if "anyio/_backends" in joined and "WorkerThread" in joined:
        return "anyio thread pool (sync dependencies / run_in_threadpool)"
    return "event loop (uvicorn/starlette/fastapi/route code)"


def _short(frame: str) -> str:
    # "func (path/to/file.py:123)" → keep the path from the package root
    return frame.replace("/work/main/", "").replace(".venv/lib/python3.11/site-packages/", "")


def summarize(path: Path, top: int = 25) -> str:
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    files: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n_raw = line.rpartition(" ")
        if not stack or not n_raw.isdigit():
            continue
        n = int(n_raw)
        total += n
        frames = stack.split(";")
        roles[_role(frames)] += n
        self_time[_short(frames[-1])] += n
        seen = set()
        for f in frames:
            # inclusive per function (not per line): strip the line number
            name = _short(f.rsplit(":", 1)[0] + ")") if ":" in f else _short(f)
            if name not in seen:
                seen.add(name)
                inclusive[name] += n
        leaf = frames[-1]
        lib = leaf[leaf.find("(") + 1 :].split("/")[0] if "(" in leaf else "?"
        files[lib] += n
    if not total:
        return "no samples"
    out = [f"{total} samples with the GIL held"]
    out.append("by thread role:")
    out += [f"  {c / total * 100:5.1f}%  {r}" for r, c in roles.most_common()]
    out.append("self time by top-level package of the innermost frame:")
    out += [f"  {c / total * 100:5.1f}%  {r}" for r, c in files.most_common(10)]
    out.append(f"top {top} frames by self time:")
    out += [f"  {c / total * 100:5.1f}%  {f}" for f, c in self_time.most_common(top)]
    out.append(f"top {top} server functions by inclusive time:")
    server_fns = [(f, c) for f, c in inclusive.most_common() if "(server/" in f]
    out += [f"  {c / total * 100:5.1f}%  {f}" for f, c in server_fns[:top]]
    out.append(f"top {top} library functions by inclusive time (excluding the call chain):")
    skip = ("threading.py", "asyncio/", "click/", "uvicorn/main.py", "uvicorn/server.py")
    lib_fns = [
        (f, c)
        for f, c in inclusive.most_common()
        if "(server/" not in f and not any(s in f for s in skip) and c < total * 0.95
    ]
    out += [f"  {c / total * 100:5.1f}%  {f}" for f, c in lib_fns[:top]]
    return "\n".join(out)


if __name__ == "__main__":
    print(summarize(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 25))
