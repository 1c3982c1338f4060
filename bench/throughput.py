"""Core benchmark: throughput of `clearpost check --jsonl`, single-check latency, cold start,
peak memory. Prints a Markdown table (paste into docs/benchmarks.md).

    .venv/bin/python bench/throughput.py [--posts 10000] [--repeat 3]

Targets (issue 2, on a 2-core machine): >= 2,000 text-only posts/s through `check --jsonl`;
single check p50 <= 3 ms warm; `clearpost check "hello"` cold <= 1.5 s; peak memory <= 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from posts import posts

CLI = [sys.executable, "-m", "clearpost.cli"]


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (Linux /proc)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_measured(cmd: list[str], stdin_path: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (MB) of the whole process tree, exit code."""
    peak = 0
    stdin = stdin_path.open("rb") if stdin_path else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    t.join()
    if stdin_path:
        stdin.close()  # type: ignore[union-attr]
    return elapsed, peak // 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posts.jsonl"
        with path.open("w") as fh:
            for p in posts(args.posts):
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")

        rates, peaks = [], []
        for _ in range(args.repeat):
            secs, peak, code = run_measured([*CLI, "check", "--jsonl", str(path)])
            assert code in (0, 1, 2), f"check --jsonl failed with {code}"
            rates.append(args.posts / secs)
            peaks.append(peak)

        colds = []
        for _ in range(5):
            secs, _, _ = run_measured([*CLI, "check", "hello"])
            colds.append(secs)

    from clearpost.engine import check
    from clearpost.model import parse_post
    from clearpost.policy.loader import default_policy

    pol = default_policy()
    sample = [parse_post(p) for p in posts(3000, seed=11)]
    for p in sample[:300]:
        check(p, pol)  # warm up: lexicons, name sets, regexes
    lat = []
    for p in sample:
        t0 = time.perf_counter()
        check(p, pol)
        lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    p50 = statistics.median(lat)
    p99 = lat[int(len(lat) * 0.99) - 1]
    inproc = len(sample) / (sum(lat) / 1000)

    print(f"| measure | result | target |\n|---|---|---|\n"
          f"| `check --jsonl`, {args.posts:,} posts (median of {args.repeat}) | "
          f"{statistics.median(rates):,.0f} posts/s | >= 2,000 |\n"
          f"| single check, warm, in-process | p50 {p50:.2f} ms, p99 {p99:.2f} ms "
          f"({inproc:,.0f} posts/s on one core) | p50 <= 3 ms |\n"
          f"| `clearpost check \"hello\"`, cold (median of 5) | {statistics.median(colds):.2f} s | <= 1.5 s |\n"
          f"| peak memory of `check --jsonl` (process tree) | {max(peaks)} MB | <= 600 MB |")


if __name__ == "__main__":
    main()
