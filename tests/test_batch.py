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


def _run(n: int, kill_at: int,
         caplog: pytest.LogCaptureFixture) -> tuple[list[tuple[int, int]], set[int]]:
    """[(answer, pid)] in order, and the pids that had answered when the worker was killed."""
    answers: list[tuple[int, int]] = []
    before_kill: set[int] = set()

    def args() -> Iterator[int]:
        for i in range(n):
            if i == kill_at:
                before_kill.update(pid for _, pid in answers)
                victim = answers[-1][1]  # a worker that has answered: it belongs to the pool
                os.kill(victim, signal.SIGKILL)
                assert _reaped(victim), "the pool never noticed its worker's death"
            yield i  # the pool is broken now: this argument's submit() raises

    with caplog.at_level(logging.WARNING, logger="clearpost.batch"):
        answers.extend(batch._ordered_pool(_double_with_pid, args(), default_policy(), None, 2))
    assert before_kill, "the test never killed a worker"
    return answers, before_kill


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_a_worker_killed_before_a_submission_loses_and_repeats_nothing(
        caplog: pytest.LogCaptureFixture) -> None:
    answers, _ = _run(40, kill_at=12, caplog=caplog)
    assert [a for a, _ in answers] == [2 * i for i in range(40)]  # every answer, once, in order
    assert sum("a checking process died" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_the_calls_from_the_failed_submission_on_go_to_a_new_pool(
        caplog: pytest.LogCaptureFixture) -> None:
    answers, old_pool = _run(30, kill_at=8, caplog=caplog)
    assert [a for a, _ in answers] == [2 * i for i in range(30)]
    # argument 8 and later were never accepted by the old pool: new workers answered them
    assert not {pid for a, pid in answers[8:]} & old_pool


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
