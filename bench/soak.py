"""Soak test: mixed API traffic for minutes against `clearpost serve`; rate, errors, memory.

    .venv/bin/python bench/soak.py                          # 10 minutes, PostgreSQL, >= 300 req/s
    .venv/bin/python bench/soak.py --minutes 2 --db sqlite  # a short run on SQLite

Loopback only, bounded. Starts a private PostgreSQL 15 cluster (a temporary folder and a
free port; never the shared server) or a SQLite file, seeds the demo organization, starts
`clearpost serve`, and runs locust headless (bench/soak_locustfile.py: mostly POST /check
with posts from ../shared/examples and tests/fixtures, signed-in page and API reads,
workflow writes). Every few seconds it samples the server's resident memory (RSS) and CPU,
and the machine's load average. Prints a summary table and exits 1 when a target is
missed: >= --rps requests/s over the run, no failed request, and memory growth (mean RSS of
the last minute against the first minute after the warm-up) under 10 %.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POST_SOURCES = [ROOT.parent / "shared" / "examples" / "posts.jsonl",
                ROOT / "tests" / "fixtures" / "adversarial.jsonl",
                ROOT / "tests" / "fixtures" / "phi_corpus.jsonl",
                ROOT / "tests" / "fixtures" / "conduct_corpus.jsonl"]


def load_posts() -> list[dict[str, Any]]:
    """Contract posts (text, author, account, thread) that /check accepts: no media paths."""
    from clearpost.model import PostInputError, parse_post

    posts = []
    for source in POST_SOURCES:
        if not source.exists():
            continue
        for line in source.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            raw = json.loads(line)
            post = {k: raw[k] for k in ("text", "author", "account", "thread", "profile")
                    if k in raw}
            if raw.get("images") or raw.get("videos") or not post.get("text"):
                continue
            try:
                parse_post(post)
            except PostInputError:
                continue
            posts.append(post)
    return posts


def _rss_and_cpu(pids: list[int]) -> tuple[int, float]:
    """Summed over the server's processes (with --workers, the workers and their parent)."""
    import psutil

    rss, cpu = 0, 0.0
    procs = []
    for pid in pids:
        p = psutil.Process(pid)
        procs += [p, *p.children(recursive=True)]
    for proc in procs:
        try:
            t = proc.cpu_times()
            rss += proc.memory_info().rss
            cpu += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return rss, cpu


def _locust_stats(prefix: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return total, [r for r in rows if r["Name"] != "Aggregated"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    ap.add_argument("--rps", type=float, default=300.0, help="target requests/s (the minimum)")
    ap.add_argument("--users", type=int, default=60, help="locust users")
    ap.add_argument("--warmup", type=float, default=60.0, help="seconds before memory counts")
    ap.add_argument("--sample", type=float, default=5.0, help="seconds between memory samples")
    ap.add_argument("--max-growth", type=float, default=0.10)
    ap.add_argument("--workers", type=int, default=1,
                    help="1: `clearpost serve`; N: uvicorn --workers N and `clearpost worker`")
    args = ap.parse_args()
    if args.minutes * 60 < args.warmup + 120:
        ap.error("the run must last the warm-up plus two minutes (first and last minute)")

    from tests.reliability import pgcluster
    from tests.reliability.service_proc import Server, seed, settings_env

    from clearpost.store.crypto import Cipher

    work = Path(tempfile.mkdtemp(prefix="clearpost-soak-"))
    key = Cipher.generate_key()
    cluster = None
    url = None
    if args.db == "postgresql":
        why = pgcluster.available()
        if why:
            print(f"cannot start a private PostgreSQL: {why}", file=sys.stderr)
            return 2
        cluster = pgcluster.PgCluster()
        cluster.start()
        url = cluster.create_database("clearpost_soak")
    server = None
    log = (work / "serve.log").open("wb")
    try:
        org = seed(work, url, key)
        posts = load_posts()
        # Target mix, as requests/s: /check 80 %, reads 12 %, writes 8 % (a write task is
        # 2 to 3 requests). Each user type paces itself with constant_throughput.
        n_check, n_read = round(args.users * 0.7), round(args.users * 0.2)
        n_write = args.users - n_check - n_read
        target = args.rps * 1.1  # aim a little above the minimum
        rates = {"check": target * 0.80 / n_check, "read": target * 0.12 / n_read,
                 "write": target * 0.08 / 2.5 / n_write}
        setup = {"tokens": org.tokens, "emails": org.emails, "passwords": org.passwords,
                 "account_id": org.account_id, "posts": posts, "rates": rates,
                 "weights": {"check": n_check, "read": n_read, "write": n_write}}
        (work / "setup.json").write_text(json.dumps(setup))

        server = Server(settings_env(work, url, key), log, workers=args.workers)
        server.wait_ready()
        seconds = int(args.minutes * 60)
        prefix = work / "locust"
        locust = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "soak_locustfile.py"),
             "--headless", "--host", server.base, "-u", str(args.users), "-r", str(args.users),
             "-t", f"{seconds}s", "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
             "--loglevel", "WARNING"],
            env={**os.environ, "CLEARPOST_SOAK_SETUP": str(work / "setup.json")},
            stdout=(work / "locust.log").open("wb"), stderr=subprocess.STDOUT, cwd=work)
        t0 = time.monotonic()
        samples: list[tuple[float, int, float, float]] = []  # t, rss, server cpu s, load
        while locust.poll() is None:
            rss, cpu = _rss_and_cpu([server.proc.pid]
                                    + ([server.helper.pid] if server.helper else []))
            samples.append((time.monotonic() - t0, rss, cpu, os.getloadavg()[0]))
            time.sleep(args.sample)
        elapsed = time.monotonic() - t0
        alive = server.proc.poll() is None
    finally:
        if server is not None:
            server.stop()
        log.close()
        if cluster is not None:
            cluster.destroy()

    total, rows = _locust_stats(prefix)
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    rps = requests / seconds
    first = [s[1] for s in samples if args.warmup <= s[0] < args.warmup + 60]
    last = [s[1] for s in samples if s[0] >= seconds - 60]
    growth = statistics.fmean(last) / statistics.fmean(first) - 1 if first and last else float("nan")
    cpu_s = samples[-1][2] - samples[0][2] if len(samples) > 1 else 0.0
    loads = [s[3] for s in samples]
    mib = 1024 * 1024

    how = "clearpost serve" if args.workers <= 1 else f"uvicorn --workers {args.workers}"
    print(f"\nsoak: {args.minutes:g} min on {args.db}, {how}, {args.users} locust users, "
          f"{os.cpu_count()} CPUs, data in {work}")
    print("\n| request | count | failures | median ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|")
    for r in sorted(rows, key=lambda r: -int(r["Request Count"])):
        print(f"| {r['Type']} {r['Name'].removeprefix('GET ').removeprefix('POST ')} | "
              f"{int(r['Request Count']):,} | {r['Failure Count']} | {r['50%']} | {r['95%']} | "
              f"{r['99%']} |")
    print(f"| all | {requests:,} | {failures} | {total['50%']} | {total['95%']} | "
          f"{total['99%']} |")
    checks = [
        ("requests/s", f"{rps:,.1f}", f">= {args.rps:g}", rps >= args.rps),
        ("failed requests", f"{failures}", "0", failures == 0),
        ("server RSS, first minute after warm-up (MiB)",
         f"{statistics.fmean(first) / mib:.1f}" if first else "-", "", True),
        ("server RSS, last minute (MiB)", f"{statistics.fmean(last) / mib:.1f}" if last else "-",
         "", True),
        ("memory growth", f"{growth * 100:+.1f} %", f"< {args.max_growth * 100:g} %",
         growth < args.max_growth),
        ("server alive at the end", str(alive), "True", alive),
        ("server CPU (mean cores)", f"{cpu_s / max(elapsed, 1):.2f}", "", True),
        ("load average (1 min): min / mean / max",
         f"{min(loads):.1f} / {statistics.fmean(loads):.1f} / {max(loads):.1f}", "", True),
    ]
    print("\n| measure | value | target | met |\n|---|---|---|---|")
    for name, value, want, ok in checks:
        print(f"| {name} | {value} | {want} | {'yes' if ok else 'NO'} |")
    (work / "rss.csv").write_text("t_s,rss_bytes,server_cpu_s,load1\n" + "".join(
        f"{t:.1f},{rss},{cpu:.2f},{load:.2f}\n" for t, rss, cpu, load in samples))
    met = all(ok for *_, ok in checks)
    print(f"\n{'all targets met' if met else 'TARGET MISSED'} (samples: {work / 'rss.csv'})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
