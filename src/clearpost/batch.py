"""Many posts at once: in this process for small inputs, a local process pool for large ones.

Results always come back in input order. Workers load the policy once (fork inherits the
parent's, already loaded) and check chunks of lines, so the per-post overhead of the pool
is a fraction of a check.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from clearpost.engine import check
from clearpost.model import PostInputError, Result, parse_post
from clearpost.policy.loader import Policy, load_policy

CHUNK_LINES = 200
MAX_LINE_BYTES = 1_000_000
# Below this many posts a pool costs more than it saves.
POOL_THRESHOLD = 400

_worker_policy: Policy | None = None


def _check_line(raw: bytes, lineno: int, where: str, policy: Policy) -> Result:
    if len(raw) > MAX_LINE_BYTES:
        raise PostInputError(f"{where}:{lineno}: line too long ({len(raw):,} bytes; limit "
                             f"{MAX_LINE_BYTES:,})")
    if b"\x00" in raw:
        raise PostInputError(f"{where}:{lineno}: binary data, not JSON text")
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise PostInputError(f"{where}:{lineno}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise PostInputError(f"{where}:{lineno}: invalid JSON ({exc.msg}, column {exc.colno})") from None
    return check(parse_post(data, where=f"{where}:{lineno}"), policy)


def _check_chunk(args: tuple[list[tuple[int, bytes]], str]) -> list[Result | str]:
    """Worker side: results, or the error message of the first bad line (then stop)."""
    lines, where = args
    assert _worker_policy is not None
    out: list[Result | str] = []
    for lineno, raw in lines:
        try:
            out.append(_check_line(raw, lineno, where, _worker_policy))
        except PostInputError as exc:
            out.append(str(exc))
            break
    return out


def _init_worker(policy_dir: str | None, inherited: Policy | None) -> None:
    global _worker_policy
    _worker_policy = inherited if inherited is not None else load_policy(policy_dir)


def _numbered_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for lineno, raw in enumerate(stream, 1):
        if raw.strip():
            yield lineno, raw


def _chunks(lines: Iterator[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    while True:
        chunk = list(islice(lines, size))
        if not chunk:
            return
        yield chunk


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def check_jsonl_stream(stream: IO[bytes], policy: Policy, *, policy_dir: Path | None = None,
                       workers: int = 0, where: str = "input") -> Iterator[Result]:
    """Check every JSON line of `stream`, yielding results in input order.

    Raises PostInputError naming the line of the first bad input, after yielding the
    results of every line before it.
    """
    lines = _numbered_lines(stream)
    head = list(islice(lines, POOL_THRESHOLD))
    n_workers = workers or default_workers()
    if len(head) < POOL_THRESHOLD or n_workers <= 1:
        for lineno, raw in [*head, *lines]:
            yield _check_line(raw, lineno, where, policy)
        return
    everything = _chain(head, lines)
    yield from _pool_map(_chunks(everything, CHUNK_LINES), where, policy, policy_dir, n_workers)


def _chain(head: list[tuple[int, bytes]], rest: Iterator[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
    yield from head
    yield from rest


def _pool_map(chunks: Iterable[list[tuple[int, bytes]]], where: str, policy: Policy,
              policy_dir: Path | None, n_workers: int) -> Iterator[Result]:
    ctx = mp.get_context("fork")
    inherited = policy  # fork: the child gets the loaded policy for free
    with ctx.Pool(n_workers, initializer=_init_worker,
                  initargs=(str(policy_dir) if policy_dir else None, inherited)) as pool:
        for chunk_results in pool.imap(_check_chunk, ((c, where) for c in chunks), chunksize=1):
            for item in chunk_results:
                if isinstance(item, str):
                    pool.terminate()
                    raise PostInputError(item)
                yield item


def check_posts(posts: Iterable[dict[str, Any]], policy: Policy, *,
                on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Check already-decoded posts in this process (small batches, tests, the API)."""
    out = []
    for data in posts:
        r = check(parse_post(data), policy)
        if on_result:
            on_result(r)
        out.append(r)
    return out
