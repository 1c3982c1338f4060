"""Load test of POST /api/v1/check on loopback: requests/s, latency percentiles, errors.

Starts the service (uvicorn, SQLite in a temporary folder, a bearer token), then drives it
from a small asyncio HTTP/1.1 keep-alive client (cheap on CPU, so the server gets the cores)
for a bounded time. Posts are synthetic drafts written for this benchmark.

    .venv/bin/python bench/api_load.py --seconds 20 --connections 16 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POSTS = [
    "Proud of my team today, we finished the new wing on schedule!",
    "Great morning volunteering at the charity 5k with colleagues.",
    "Our lab's paper on protein folding is out now, link in bio.",
    "The patient in bed 12 was so brave today, going home tomorrow.",
    "Try this amazing supplement, use my code SAVE20 for a discount!",
    "Feeling exhausted after a double shift but grateful for the nurses.",
    "Anyone know a good place for lunch near the hospital campus?",
    "Vote for my candidate, every doctor at our hospital supports him.",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(data_dir: Path) -> str:
    from clearpost.settings import Settings
    from clearpost.workflows.context import SYSTEM
    from clearpost.workflows.runtime import Runtime
    from clearpost.workflows.users import service as users

    rt = Runtime.build(Settings(data_dir=data_dir))
    with rt.ctx(SYSTEM) as ctx:
        user = users.create_user(ctx, email="bench@example.org", name="Bench")
        _, token = users.issue_token(ctx, "bench", user_id=user.id)
    rt.dispose()
    return token


async def _worker(port: int, token: str, stop_at: float, latencies: list[float],
                  errors: list[str], index: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    n = index
    try:
        while time.perf_counter() < stop_at:
            body = json.dumps({"text": POSTS[n % len(POSTS)], "author": {"role": "employee"}}).encode()
            n += 1
            request = (b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Type: application/json\r\nAuthorization: Bearer " + token.encode() +
                       b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(str(status))
    except (OSError, asyncio.IncompleteReadError) as exc:
        errors.append(type(exc).__name__)
    finally:
        writer.close()


async def _drive(port: int, token: str, seconds: float, connections: int) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    warm_stop = time.perf_counter() + 2
    await asyncio.gather(*[_worker(port, token, warm_stop, [], [], i) for i in range(connections)])
    start = time.perf_counter()
    stop_at = start + seconds
    await asyncio.gather(*[_worker(port, token, stop_at, latencies, errors, i)
                           for i in range(connections)])
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"requests": len(latencies), "seconds": round(elapsed, 1),
            "rps": round(len(latencies) / elapsed, 1), "p50_ms": round(pct(0.50), 1),
            "p95_ms": round(pct(0.95), 1), "p99_ms": round(pct(0.99), 1),
            "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
            "errors": len(errors)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = ap.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="clearpost-bench-"))
    token = _prepare(data_dir)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEARPOST_")}
    env.update({"CLEARPOST_DATA_DIR": str(data_dir), "CLEARPOST_RATE_LIMIT_PER_MINUTE": "0",
                "CLEARPOST_HUEY": "immediate"})
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "clearpost.web.app:app_from_env", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
         "--log-level", "warning", "--no-access-log"], env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        time.sleep(1.0 * args.workers)  # let every worker finish start-up
        result = asyncio.run(_drive(port, token, args.seconds, args.connections))
    finally:
        server.terminate()
        server.wait(timeout=30)
    result.update({"workers": args.workers, "connections": args.connections,
                   "cpus": os.cpu_count() or 0})
    print(json.dumps(result))
    ok = result["rps"] >= 500 and result["p99_ms"] <= 100 and result["errors"] == 0
    print("target (>= 500 req/s, p99 <= 100 ms, no errors):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
