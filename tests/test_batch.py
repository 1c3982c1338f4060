"""clearpost.batch's process pool: a worker that dies loses no post and repeats none, whether
it dies while a call runs or while calls are being submitted (deterministic: the test kills a
worker and waits until the pool has noticed before the next submission)."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearpost import batch
from clearpost.policy.loader import default_policy


def _double_with_pid(x: int) -> tuple[int, int]:
    return 2 * x, os.getpid()


def _reaped(pid: int, timeout: float = 20.0) -> bool:
    """True once the process is gone from /proc: the pool's manager thread has joined it,
    which it does after marking the pool broken."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return True
        time.sleep(0.01)
    return False


def _run(n: int, kill_at: int, caplog: pytest.LogCaptureFixture) -> tuple[list[int], set[int]]:
    seen_pids: list[int] = []
    killed: list[int] = []

    def args() -> Iterator[int]:
        for i in range(n):
            if i == kill_at:
                victim = seen_pids[-1]  # a worker that has answered: it belongs to the pool
                os.kill(victim, signal.SIGKILL)
                assert _reaped(victim), "the pool never noticed its worker's death"
                killed.append(victim)
            yield i  # the pool is broken now: this argument's submit() raises

    out = []
    with caplog.at_level(logging.WARNING, logger="clearpost.batch"):
        for value, pid in batch._ordered_pool(_double_with_pid, args(), default_policy(),
                                              None, 2):
            out.append(value)
            seen_pids.append(pid)
    assert killed, "the test never killed a worker"
    return out, set(seen_pids) - set(killed)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_a_worker_killed_before_a_submission_loses_and_repeats_nothing(
        caplog: pytest.LogCaptureFixture) -> None:
    out, _ = _run(40, kill_at=12, caplog=caplog)
    assert out == [2 * i for i in range(40)]  # every answer, once, in order
    assert sum("a checking process died" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_the_restarted_pool_answers_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    out, survivors = _run(30, kill_at=8, caplog=caplog)
    assert out == [2 * i for i in range(30)]
    assert survivors  # answers after the death came from live workers of the new pool


def test_a_pool_that_keeps_dying_stops_with_a_clear_error(
        caplog: pytest.LogCaptureFixture) -> None:
    def args() -> Iterator[int]:
        yield from range(10_000)

    with pytest.raises(batch.WorkerDied, match="died"):
        for _ in batch._ordered_pool(_suicide, args(), default_policy(), None, 2):
            pass


def _suicide(x: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return x
