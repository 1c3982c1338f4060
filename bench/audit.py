"""Benchmark `clearpost audit`: synthetic histories through the local pool and through Ray.

    .venv/bin/python bench/audit.py                 # 100,000 posts; pool 1 and 2 workers, Ray 1 and 2
    .venv/bin/python bench/audit.py --posts 20000 --no-ray

The posts are synthetic but shaped like real ones: everyday posts of 40-280 characters
(work life, hobbies, links, mentions, hashtags, emoji), about 1 in 12 with something the
guidelines care about. They are written as three real export formats (an X archive, a
Mastodon outbox, a LinkedIn Shares.csv), so reading and parsing are measured too.
Prints a Markdown table for docs/benchmarks.md: wall-clock rate, and CPU per post summed
over this process and every worker (what the rate would be on two free cores is 2 / that:
the machine is shared, so wall clock alone measures the neighbours too).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

OPENERS = ["Just finished", "Loved", "Can't believe", "Finally tried", "Thinking about", "Spent the evening on",
           "Great morning for", "Reminder to self:", "Hot take:", "Quick update:", "So proud of", "Weekend plans:"]
TOPICS = ["a 10k run by the river", "the new ramen place downtown", "my sourdough starter", "the book club pick",
          "a long bike ride", "our garden tomatoes", "the jazz night at the library", "learning Spanish",
          "a board game marathon", "the farmers market", "repainting the kitchen", "a hike with the dog",
          "the season finale", "my first marathon training plan", "a pottery class", "volunteering at the food bank"]
ENDINGS = ["Highly recommend!", "Would do it again.", "Not bad at all.", "10/10.", "Who's in next time?",
           "Photos soon.", "Any tips?", "Feeling grateful.", "What a day.", "Worth every minute."]
TAGS = ["#running", "#weekend", "#books", "#cooking", "#nursing", "#healthcare", "#coffee", "#gardening", ""]
WORK = ["Long shift today but the team was amazing.", "Night shift survival kit: coffee and snacks.",
        "Grateful for my colleagues on 4 West.", "New badge photo day, not my best angle.",
        "Conference week: lots of great talks on patient safety.", "Mentoring two new grads this month."]
# About 1 in 12 posts carries something an audit should find (all invented).
ISSUES = ["Mr. Talbot in room 512 finally got his scan results, poor guy has stage 3",
          "the wifi password for the staff network is Maple!2024, enjoy",
          "big announcement coming next week about our new cancer center, can't say more yet",
          "my manager is an idiot and I'm done with this place",
          "if your fever stays high just double your ibuprofen dose tonight",
          "check out the internal dashboard https://intranet.example-health.org/beds",
          "we at the hospital officially endorse candidate Smith for mayor",
          "these people are animals and should be thrown out of the country"]


def make_text(rng: random.Random) -> str:
    if rng.random() < 1 / 12:
        base = rng.choice(ISSUES)
    elif rng.random() < 0.25:
        base = rng.choice(WORK)
    else:
        base = f"{rng.choice(OPENERS)} {rng.choice(TOPICS)}. {rng.choice(ENDINGS)}"
    extras = []
    if rng.random() < 0.3:
        extras.append(f"@friend{rng.randint(1, 999)}")
    if rng.random() < 0.2:
        extras.append(f"https://example.org/p/{rng.randint(1000, 99999)}")
    if rng.random() < 0.4:
        extras.append(rng.choice(TAGS))
    if rng.random() < 0.2:
        extras.append(rng.choice(["🙂", "🎉", "☕", "🏃", "📚", "🌱"]))
    return " ".join([base, *[e for e in extras if e]])[:280]


def write_archives(root: Path, n: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    start = datetime(2012, 1, 1, tzinfo=UTC)
    n_x, n_m = int(n * 0.4), int(n * 0.3)
    n_l = n - n_x - n_m

    def when(i: int, total: int) -> datetime:
        return start + timedelta(seconds=int(i / total * 13 * 365 * 86400))

    x = root / "x" / "data"
    x.mkdir(parents=True)
    tweets = [{"tweet": {"id_str": str(10**17 + i), "full_text": make_text(rng),
                         "created_at": when(i, n_x).strftime("%a %b %d %H:%M:%S +0000 %Y"),
                         "entities": {"urls": [], "user_mentions": [], "hashtags": []}}} for i in range(n_x)]
    (x / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(tweets), encoding="utf-8")
    m = root / "mastodon"
    m.mkdir()
    items = [{"type": "Create", "published": when(i, n_m).isoformat(), "object": {
        "id": f"https://social.example/users/bench/statuses/{i}", "type": "Note",
        "url": f"https://social.example/@bench/{i}", "published": when(i, n_m).isoformat(),
        "content": "<p>" + make_text(rng).replace("&", "&amp;").replace("<", "&lt;") + "</p>",
        "attachment": []}} for i in range(n_m)]
    (m / "outbox.json").write_text(json.dumps({"type": "OrderedCollection", "orderedItems": items}),
                                   encoding="utf-8")
    li = root / "linkedin"
    li.mkdir()
    with (li / "Shares.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"])
        for i in range(n_l):
            w.writerow([when(i, n_l).strftime("%Y-%m-%d %H:%M:%S"),
                        f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A{7 * 10**18 + i}",
                        make_text(rng), "", "", "MEMBER_NETWORK"])
    return [root / "x", m, li]


def _ray_worker_cpu() -> float:
    """CPU seconds of the live Ray checker actors (read from /proc; Linux only)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            if not cmd.startswith(b"ray::_RayChecker"):
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


def measure(fn, ray_workers: bool = False):  # type: ignore[no-untyped-def]
    """(wall seconds, CPU seconds of this process and its workers, result, load average)."""
    import resource

    before_self = time.process_time()
    before_kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (time.process_time() - before_self + kids.ru_utime - before_kids.ru_utime
           + kids.ru_stime - before_kids.ru_stime)
    if ray_workers:
        cpu += _ray_worker_cpu()
    return wall, cpu, out, os.getloadavg()[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--alternate", type=int, default=0, metavar="N",
                    help="instead: run the 2-worker pool and 2-worker Ray N times each, "
                         "alternating (the cluster stays up), and compare medians")
    args = ap.parse_args()
    if args.alternate:
        return alternate(args.posts, args.alternate)

    from clearpost.archives.detect import discover
    from clearpost.audit.run import AuditOptions, count_posts, run_audit
    from clearpost.policy.loader import default_policy

    policy = default_policy()
    rows = []
    with tempfile.TemporaryDirectory(prefix="clearpost-bench-") as tmp:
        paths = write_archives(Path(tmp), args.posts)
        archives = discover(paths)
        wall, cpu, n, load = measure(lambda: count_posts(archives, AuditOptions()))
        assert n == args.posts, n
        rows.append(("read + parse only", "-", wall, cpu, load, None))
        reports = {}
        for w in [int(x) for x in args.workers.split(",")]:
            wall, cpu, rep, load = measure(lambda w=w: run_audit(paths, policy, AuditOptions(workers=w)))
            rows.append(("local pool", str(w), wall, cpu, load, rep))
            reports[("local", w)] = rep
        if not args.no_ray:
            import ray

            os.environ.setdefault("RAY_worker_niceness", "0")  # as the local pool's workers
            for w in [int(x) for x in args.workers.split(",")]:
                t0 = time.perf_counter()
                ray.init(num_cpus=w, include_dashboard=False, log_to_driver=False, configure_logging=False)
                startup = time.perf_counter() - t0
                wall, cpu, rep, load = measure(
                    lambda w=w: run_audit(paths, policy, AuditOptions(engine="ray", workers=w)),
                    ray_workers=True)
                ray.shutdown()
                rows.append((f"Ray, local cluster (+{startup:.0f} s start)", str(w), wall, cpu, load, rep))
                reports[("ray", w)] = rep
        keys = {k: [(r["id"], r["verdict"]) for r in v.flagged] for k, v in reports.items()}  # type: ignore[attr-defined]
        same = len({json.dumps(v) for v in keys.values()}) == 1
    print(f"\n{args.posts:,} synthetic posts (40% X, 30% Mastodon, 30% LinkedIn); "
          f"{os.cpu_count()} cores; Python {platform.python_version()}\n")
    print("| run | workers | wall s | posts/s (wall) | CPU ms/post | posts/s per 2 free cores | load avg | flagged |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, w, wall, cpu, load, rep in rows:
        flagged = f"{len(rep.flagged):,}" if rep is not None else ""  # type: ignore[attr-defined]
        per_post = cpu / args.posts * 1000
        capacity = f"{2 / (per_post / 1000):,.0f}" if w in ("-", "2") else ""
        print(f"| {name} | {w} | {wall:.1f} | {args.posts / wall:,.0f} | {per_post:.2f} | {capacity} "
              f"| {load:.1f} | {flagged} |")
    print(f"\nidentical findings across every run: {same}")
    return 0 if same else 1


def alternate(posts: int, times: int) -> int:
    """Pool vs Ray on the same posts, interleaved so both see the same neighbours' load."""
    import statistics

    import ray

    from clearpost.audit.run import AuditOptions, run_audit
    from clearpost.policy.loader import default_policy

    policy = default_policy()
    os.environ.setdefault("RAY_worker_niceness", "0")
    walls: dict[str, list[float]] = {"local pool": [], "Ray": []}
    with tempfile.TemporaryDirectory(prefix="clearpost-bench-") as tmp:
        paths = write_archives(Path(tmp), posts)
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
        try:
            for _ in range(times):
                for name, engine in (("local pool", "local"), ("Ray", "ray")):
                    t0 = time.perf_counter()
                    run_audit(paths, policy, AuditOptions(engine=engine, workers=2))  # type: ignore[arg-type]
                    walls[name].append(time.perf_counter() - t0)
        finally:
            ray.shutdown()
    print(f"\n{posts:,} posts, 2 workers each, {times} alternating runs; load average now "
          f"{os.getloadavg()[0]:.1f}\n")
    print("| engine | runs (posts/s) | median posts/s |")
    print("|---|---|---:|")
    med = {}
    for name, w in walls.items():
        med[name] = posts / statistics.median(w)
        print(f"| {name} | {', '.join(f'{posts / x:,.0f}' for x in w)} | {med[name]:,.0f} |")
    print(f"\nRay / local pool: {med['Ray'] / med['local pool']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
