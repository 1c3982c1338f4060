"""A process taking workflow transitions is SIGKILLed at random points, 20 times over.

Afterwards, on SQLite and on PostgreSQL (a private cluster, never the shared server):
- the audit hash chain verifies;
- every item's state is where its audit events lead: the first event creates it, each event
  starts where the previous one ended, the last one ends in the stored state; no event names
  an item that does not exist (a transition and its audit event were committed together, or
  neither was);
- a published question has exactly one FAQ entry, any other none (the effect too);
- every transition the killed process was told had been committed is in the database.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.reliability import pgcluster
from tests.reliability.service_proc import make_settings, seed

pytestmark = pytest.mark.slow
KILLS = 20


def _kill_loop(url: str | None, data_dir: Path, key: str, log: Path, rng: random.Random) -> int:
    """Run the loop a random while, SIGKILL it; KILLS times. Returns the kills made mid-run."""
    mid_run = 0
    zygote = subprocess.Popen([sys.executable, "-m", "tests.reliability.transition_loop",
                               url or "", str(data_dir), key, str(log)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    assert zygote.stdin is not None and zygote.stdout is not None
    try:
        for _ in range(KILLS):
            before = log.stat().st_size if log.exists() else 0
            zygote.stdin.write(b"go\n")
            zygote.stdin.flush()
            line = zygote.stdout.readline().split()
            assert line[:1] == [b"pid"], (line, zygote.stderr.read() if zygote.stderr else b"")
            time.sleep(rng.uniform(0.05, 0.8))
            os.kill(int(line[1]), signal.SIGKILL)
            status = zygote.stdout.readline().split()
            assert status == [b"exit", b"-9"], status  # killed, not failed on its own
            if log.exists() and log.stat().st_size > before:
                mid_run += 1
    finally:
        zygote.kill()
        zygote.wait(timeout=10)
    return mid_run


def _check(rt: Any, log: Path) -> dict[str, int]:
    from sqlalchemy import select

    from clearpost.store.models import AuditEvent, FaqEntry, PostingPermission, Question
    from clearpost.workflows.audit import service as audit

    with rt.factory() as s:
        report = audit.verify(s)
        assert report.ok, report.problems
        events: dict[tuple[str, int], list[AuditEvent]] = defaultdict(list)
        for e in s.execute(select(AuditEvent).where(AuditEvent.item_type.in_(
                ("posting_permission", "question"))).order_by(AuditEvent.id)).scalars():
            events[(e.item_type, e.item_id)].append(e)
        items = {("posting_permission", i.id): i.state
                 for i in s.execute(select(PostingPermission)).scalars()}
        items.update({("question", q.id): q.state for q in s.execute(select(Question)).scalars()})
        faq = defaultdict(int)
        for entry in s.execute(select(FaqEntry)).scalars():
            faq[entry.question_id] += 1

    assert set(events) <= set(items), "audit events of items that were never saved"
    for key, state in items.items():
        trail = events.get(key)
        assert trail, f"{key} has no audit event"
        assert trail[0].from_state is None, f"{key}: the first event does not create it"
        for a, b in itertools.pairwise(trail):
            assert b.from_state == a.to_state, f"{key}: {a.to_state} then {b.from_state}"
        assert trail[-1].to_state == state, f"{key}: stored {state}, events say {trail[-1].to_state}"
        if key[0] == "question":
            assert faq[key[1]] == (1 if state == "published" else 0), (key, state, faq[key[1]])

    told = [line.split() for line in log.read_text().splitlines()]
    done = {(t, int(i)): [e.action for e in events[(t, int(i))]] for t, i, _ in told}
    for item_type, item_id, action in told:
        actions = done[(item_type, int(item_id))]
        wanted = ["answer", "publish"] if action == "answer+publish" else [action]
        assert all(a in actions for a in wanted), (item_type, item_id, action, actions)
    return {"items": len(items), "events": report.events, "committed": len(told)}


def _run(tmp_path: Path, url: str | None) -> None:
    from clearpost.store.crypto import Cipher
    from clearpost.workflows.runtime import Runtime

    key = Cipher.generate_key()
    seed(tmp_path, url, key)
    log = tmp_path / "committed.log"
    t0 = time.monotonic()
    mid_run = _kill_loop(url, tmp_path, key, log, random.Random(20261123))
    rt = Runtime.build(make_settings(tmp_path, url, key), migrate=False)
    try:
        figures = _check(rt, log)
    finally:
        rt.dispose()
    assert mid_run >= KILLS // 2, f"only {mid_run} kills landed after a first commit"
    assert figures["committed"] > 2 * KILLS
    print(f"\n{KILLS} kills in {time.monotonic() - t0:.1f} s: {figures}")


def test_sigkill_during_transitions_sqlite(tmp_path: Path) -> None:
    _run(tmp_path, None)


@pytest.mark.postgres
def test_sigkill_during_transitions_postgresql(tmp_path: Path) -> None:
    why = pgcluster.available()
    if why:
        pytest.skip(why)
    with pgcluster.PgCluster() as pg:
        pg.start()
        _run(tmp_path, pg.create_database("clearpost_kill"))
