"""Many posts at once: in this process for small inputs, a local process pool for large ones,
or a Ray cluster (`check_dicts_ray`, the `ray` extra).

Results always come back in input order. Workers load the policy once (fork inherits the
parent's, already loaded; a Ray actor loads it from its directory) and check chunks of
posts, so the per-post overhead of the pool is a fraction of a check.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import signal
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import IO, Any, TypeVar

from clearpost.engine import check
from clearpost.model import PostInputError, Result, parse_post
from clearpost.policy.loader import Policy, load_policy

T = TypeVar("T")
CHUNK_LINES = 200
MAX_LINE_BYTES = 1_000_000
# Below this many posts a pool costs more than it saves.
POOL_THRESHOLD = 400

_worker_policy: Policy | None = None
log = logging.getLogger("clearpost.batch")


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


def _die_with_parent(parent: int) -> None:
    """Linux: have the kernel kill this worker when the process that started it dies.

    Without it, workers of a killed parent wait forever on their task queue (their siblings
    hold its other end open), idle but holding the policy's memory.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _init_worker(policy_dir: str | None, inherited: Policy | None,
                 parent: int | None = None) -> None:
    global _worker_policy
    if parent is not None:
        _die_with_parent(parent)
    # Ctrl-C goes to the parent alone, which stops the pool; a worker dying of it mid-task
    # would leave the pool waiting for a result that never comes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _one_blas_thread()
    _worker_policy = inherited if inherited is not None else load_policy(policy_dir)


def _one_blas_thread() -> None:
    """The pool already keeps every core busy: BLAS threads of their own (numpy's encoder
    matmuls) would only fight over them, making each call several times slower."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # without the conduct-ml extra no encoder runs
        return
    threadpool_limits(1)


def _numbered_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for lineno, raw in enumerate(stream, 1):
        if raw.strip():
            yield lineno, raw


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while True:
        chunk = list(islice(items, size))
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
    for chunk_results in _ordered_pool(_check_chunk, ((c, where) for c in chunks), policy,
                                       policy_dir, n_workers):
        for item in chunk_results:
            if isinstance(item, str):
                raise PostInputError(item)  # closing the generator stops the pool
            yield item


A = TypeVar("A")
R = TypeVar("R")


def _ordered_pool(fn: Callable[[A], R], args: Iterable[A], policy: Policy,
                  policy_dir: Path | None, n_workers: int) -> Iterator[R]:
    """`fn(a)` for each of `args` on a process pool, answers in order, few in flight.

    Bounded (not a map over the whole input, whose feeder thread would drain it all): memory
    stays flat on millions of posts, and the input is read in this thread. A worker that dies
    (killed, out of memory) loses nothing and repeats nothing: the pool is started again and
    the calls not yet answered are made again, in order; after MAX_POOL_RESTARTS deaths in
    one run it raises WorkerDied.
    """
    source = iter(args)
    pending: deque[tuple[A, Future[R]]] = deque()
    todo: deque[A] = deque()  # to submit before reading more input: a dead pool's calls
    held: Any = _END  # taken from todo or the input, not yet submitted (submit raised)
    restarts = 0
    pool = _new_pool(n_workers, policy_dir, policy)
    try:
        while True:
            try:
                # A worker can die while calls are being submitted, including the calls a
                # new pool is given again: submit() itself then raises BrokenProcessPool,
                # and the argument it was given is kept in `held`.
                while len(pending) < n_workers * 3:
                    if held is _END:
                        held = todo.popleft() if todo else next(source, _END)
                    if held is _END:
                        break
                    pending.append((held, pool.submit(fn, held)))
                    held = _END
                if not pending:
                    return
                result = pending[0][1].result()
            except BrokenProcessPool:
                restarts += 1
                if restarts > MAX_POOL_RESTARTS:
                    raise WorkerDied(f"a checking process died {restarts} times; the run "
                                     "stopped (out of memory?)") from None
                log.warning("a checking process died; starting the pool again and checking "
                            "the %d call(s) it had not answered again",
                            len(pending) + (held is not _END))
                # In input order: the calls in flight, the one being submitted, the rest.
                todo = deque([a for a, _ in pending] + ([held] if held is not _END else [])
                             + list(todo))
                pending.clear()
                held = _END
                pool.shutdown(wait=True, cancel_futures=True)
                pool = _new_pool(n_workers, policy_dir, policy)
                continue
            pending.popleft()
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_END = object()
MAX_POOL_RESTARTS = 3


class WorkerDied(RuntimeError):
    """The process pool lost workers too often to go on."""


def _new_pool(n_workers: int, policy_dir: Path | None, policy: Policy) -> ProcessPoolExecutor:
    # fork: the workers inherit the loaded policy (passed on, never pickled).
    return ProcessPoolExecutor(n_workers, mp_context=mp.get_context("fork"),
                               initializer=_init_worker,
                               initargs=(str(policy_dir) if policy_dir else None, policy,
                                         os.getpid()))


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


# --- decoded posts (archives, the service) ------------------------------------------------
CHUNK_POSTS = 250


def check_dict(data: dict[str, Any], policy: Policy,
               rules: Collection[str] | None = None) -> Result | str:
    """One decoded post: its result, or the one-line reason it is not a valid post."""
    try:
        return check(parse_post(data, where=str(data.get("id") or "post")), policy, rules=rules)
    except PostInputError as exc:
        return str(exc)


def _check_dict_chunk(args: tuple[list[dict[str, Any]], tuple[str, ...] | None]) -> list[Result | str]:
    posts, rules = args
    assert _worker_policy is not None
    return [check_dict(p, _worker_policy, rules) for p in posts]


def check_dicts(posts: Iterable[dict[str, Any]], policy: Policy, *,
                policy_dir: Path | None = None, workers: int = 0,
                rules: Collection[str] | None = None,
                chunk_size: int = CHUNK_POSTS) -> Iterator[Result | str]:
    """Check decoded posts on a local process pool (all cores by default), in input order.

    Each item is a Result, or the one-line error of a post that is not valid. With one
    worker it runs in this process. A worker that dies does not lose or repeat anything
    (see _ordered_pool); after MAX_POOL_RESTARTS deaths the run stops with WorkerDied.
    """
    n_workers = workers or default_workers()
    rule_ids = tuple(sorted(rules)) if rules is not None else None
    if n_workers <= 1:
        for p in posts:
            yield check_dict(p, policy, rule_ids)
        return
    chunks = ((chunk, rule_ids) for chunk in _chunks(iter(posts), chunk_size))
    for results in _ordered_pool(_check_dict_chunk, chunks, policy, policy_dir, n_workers):
        yield from results


def check_dicts_ray(posts: Iterable[dict[str, Any]], *, policy_dir: Path | None = None,
                    address: str | None = None, workers: int = 0,
                    rules: Collection[str] | None = None, chunk_size: int = CHUNK_POSTS,
                    in_flight_per_worker: int = 2) -> Iterator[Result | str]:
    """The same as check_dicts, on Ray: one actor per worker loads the policy once.

    `address` joins a running cluster (`ray.init(address=...)`); without it a local cluster
    of `workers` CPUs starts and stops with the call. Chunks go round-robin to the actors,
    at most `in_flight_per_worker` each, and results stream back in input order.
    """
    import ray

    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            # Ray starts its workers at nice 15; for an audit that is the foreground job this
            # would make it yield to everything else, unlike the local pool.
            os.environ.setdefault("RAY_worker_niceness", "0")
            ray.init(num_cpus=workers or default_workers(), include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
    try:
        n_actors = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor_cls: Any = ray.remote(num_cpus=1)(_RayChecker)
        actors: list[Any] = [actor_cls.remote(str(policy_dir) if policy_dir else None,
                                              tuple(sorted(rules)) if rules is not None else None)
                  for _ in range(n_actors)]
        pending: deque[Any] = deque()
        limit = n_actors * in_flight_per_worker
        for i, chunk in enumerate(_chunks(iter(posts), chunk_size)):
            pending.append(actors[i % n_actors].check.remote(chunk))
            if len(pending) >= limit:
                yield from ray.get(pending.popleft())
        while pending:
            yield from ray.get(pending.popleft())
    finally:
        if started_here:
            ray.shutdown()


class _RayChecker:
    """A Ray actor: the policy loads once, then chunks of posts are checked in turn."""

    def __init__(self, policy_dir: str | None, rules: tuple[str, ...] | None) -> None:
        self.policy = load_policy(policy_dir)
        self.rules = rules

    def check(self, posts: list[dict[str, Any]]) -> list[Result | str]:
        return [check_dict(p, self.policy, self.rules) for p in posts]
