"""SIGKILL during `clearpost audit` of a large synthetic history: the report is unchanged.

Two faults, each against the report of an uninterrupted run of the same archives:

- one checking process of the pool is killed mid-run: the run carries on by itself (the pool
  is started again, the chunks it had not answered are checked again) and its report is
  identical: same findings, none twice;
- the `clearpost audit` process itself is killed mid-run: its workers go away with it, and
  the same command with `--resume` continues from the checkpoint (it does not start over)
  and writes an identical report.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ijson", reason="the archives extra is not installed")

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
POSTS = 8_000
WORKERS = 2


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return sorted(out)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _done(ckpt: Path) -> int:
    """Posts covered by the checkpoint's complete lines."""
    try:
        lines = ckpt.read_text(encoding="utf-8").splitlines()[1:]
    except OSError:
        return 0
    done = 0
    for line in lines:
        try:
            done = json.loads(line)["done"]
        except (json.JSONDecodeError, KeyError):
            break
    return done


def _audit(archives: list[Path], out: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen([sys.executable, "-m", "clearpost.cli", "audit", *map(str, archives),
                             "-o", str(out), "--workers", str(WORKERS), "--no-media", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _report(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("generated")
    return data


def _wait_done(ckpt: Path, proc: subprocess.Popen[bytes], at_least: int, timeout: float = 40) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = _done(ckpt)
        if done >= at_least:
            return done
        assert proc.poll() is None, f"the audit ended before the fault ({proc.returncode})"
        time.sleep(0.02)
    raise AssertionError("the audit made no progress")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], dict[str, Any]]:
    """A synthetic history (X, Mastodon, LinkedIn) and its uninterrupted report."""
    from bench.audit import write_archives

    root = tmp_path_factory.mktemp("history")
    archives = write_archives(root / "exports", POSTS)
    proc = _audit(archives, root / "reference.json")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err.decode()[-500:]  # the history holds posts to delete
    ref = _report(root / "reference.json")
    assert ref["total"]["checked"] == POSTS and ref["flagged"]
    ids = [(r["network"], r["id"]) for r in ref["flagged"]]
    assert len(ids) == len(set(ids))
    return archives, ref


def test_a_killed_pool_worker_does_not_change_the_report(
        history: tuple[list[Path], dict[str, Any]], tmp_path: Path) -> None:
    archives, ref = history
    out = tmp_path / "report.json"
    ckpt = tmp_path / "report.json.checkpoint"
    proc = _audit(archives, out)
    try:
        _wait_done(ckpt, proc, 1_000)
        workers = _children(proc.pid)
        assert len(workers) >= WORKERS, workers
        os.kill(workers[0], signal.SIGKILL)
        killed_at = _done(ckpt)
        _, err = proc.communicate(timeout=60)  # a lost chunk would leave it waiting forever
    finally:
        if proc.poll() is None:
            proc.kill()
    assert killed_at < POSTS, "the audit finished before the worker was killed"
    assert proc.returncode == 2, err.decode()[-800:]
    assert _report(out) == ref


def test_a_killed_audit_resumes_to_the_same_report(
        history: tuple[list[Path], dict[str, Any]], tmp_path: Path) -> None:
    archives, ref = history
    out = tmp_path / "report.json"
    ckpt = tmp_path / "report.json.checkpoint"
    proc = _audit(archives, out)
    try:
        _wait_done(ckpt, proc, 1_500)
        workers = _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    saved = _done(ckpt)
    assert 0 < saved < POSTS and not out.exists()
    deadline = time.monotonic() + 10  # orphaned workers see their queue close and exit
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "pool workers outlived the killed audit"
    kept = tmp_path / "checkpoint.at-kill"
    kept.write_bytes(ckpt.read_bytes())

    # The resumed run starts where the checkpoint ends: the same code path as the CLI's.
    from clearpost.audit.run import AuditOptions, Progress, run_audit
    from clearpost.policy.loader import default_policy

    seen: list[Progress] = []
    resumed = run_audit(archives, default_policy(), AuditOptions(workers=WORKERS, media=False),
                        checkpoint=ckpt, resume=True, progress=seen.append)
    assert seen[0].done == saved, "the resumed run started over"
    got = json.loads(json.dumps(resumed.to_json(), default=str))
    got.pop("generated")
    assert got == ref

    # And through the command itself, from the same kill point.
    ckpt.write_bytes(kept.read_bytes())
    proc = _audit(archives, out, "--resume")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err.decode()[-800:]
    assert _report(out) == ref


def test_a_killed_worker_during_check_jsonl_loses_no_line(tmp_path: Path) -> None:
    """`clearpost check --jsonl` runs on the same pool: every line still answered, in order."""
    import random

    from bench.audit import make_text

    rng = random.Random(11)
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(json.dumps({"text": make_text(rng)}) + "\n" for _ in range(POSTS)))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "clearpost.cli", "check", "--jsonl", str(posts)]
    ref = subprocess.run([*cmd, "--workers", "1"], capture_output=True, env=env, timeout=120,
                         check=False)
    assert ref.returncode in (0, 1, 2), ref.stderr.decode()[-500:]
    out = (tmp_path / "out.jsonl").open("wb")
    proc = subprocess.Popen([*cmd, "--workers", str(WORKERS)], stdout=out,
                            stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 40
        while (tmp_path / "out.jsonl").stat().st_size < 100_000:  # some hundreds of results
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(_children(proc.pid)[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        out.close()
    assert proc.returncode == ref.returncode, err.decode()[-500:]
    got = (tmp_path / "out.jsonl").read_bytes()
    assert got.count(b"\n") == POSTS and got == ref.stdout
