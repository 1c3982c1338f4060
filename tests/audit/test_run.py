"""run_audit: summaries per person, --since, rules, order, resume after an interruption."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clearpost.archives.detect import discover, read_archive
from clearpost.audit import run as audit_run
from clearpost.audit.run import AuditCancelled, AuditOptions, Progress, run_audit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "archives"
FOLDERS = [FIXTURES / n for n in ("twitter", "mastodon", "bluesky", "facebook", "instagram", "linkedin")]


def key(report: audit_run.AuditReport) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(r["id"], r["verdict"], tuple(f["rule"] for f in r["findings"])) for r in report.flagged]


@pytest.fixture(scope="module")
def full(policy: object) -> audit_run.AuditReport:
    return run_audit(FOLDERS, policy, AuditOptions(workers=1))  # type: ignore[arg-type]


def test_one_summary_per_person_and_a_total(full: audit_run.AuditReport) -> None:
    people = full.people
    assert set(people) == {"@jo_synthetic", "@jo@social.example", "did:plc:synthetic0000000000000001",
                           "facebook", "@jo.synthetic", "Jo Synthetic"}
    assert people["@jo_synthetic"].checked == 5 and people["@jo_synthetic"].networks == {"x"}
    assert people["Jo Synthetic"].checked == 6
    total = full.total
    assert total.checked == 5 + 4 + 3 + 3 + 3 + 6
    assert total.checked == sum(p.checked for p in people.values())
    assert sum(total.verdicts.values()) == total.checked
    assert [a.posts for a in full.archives] == [5, 4, 3, 3, 3, 6]


def test_flagged_posts_carry_what_the_report_needs(full: audit_run.AuditReport) -> None:
    assert full.flagged, "the fixtures hold posts that break the guidelines"
    for rec in full.flagged:
        assert rec["verdict"] in ("block", "review", "warn")
        assert rec["findings"] and rec["text"] is not None and rec["network"]
        for f in rec["findings"]:
            for ev in f["evidence"]:
                if ev.get("start") is not None:
                    assert rec["text"][ev["start"]:ev["end"]] == ev["text"]
    # flagged posts come in input order (archives in the order given, posts in export order)
    read_order = []
    for archive in discover(FOLDERS):
        with archive.open() as c:
            read_order += [p.id for p in read_archive(archive, c, [])]
    flagged = {r["id"] for r in full.flagged}
    assert [r["id"] for r in full.flagged] == [i for i in read_order if i in flagged]


def test_pool_gives_the_same_findings_as_one_process(policy: object, full: audit_run.AuditReport) -> None:
    pooled = run_audit(FOLDERS, policy, AuditOptions(workers=2, chunk_size=2))  # type: ignore[arg-type]
    assert key(pooled) == key(full)
    assert pooled.total.to_json() == full.total.to_json()


def test_zip_and_folder_give_the_same_findings(policy: object) -> None:
    a = run_audit([FIXTURES / "twitter"], policy, AuditOptions(workers=1, media=False))  # type: ignore[arg-type]
    b = run_audit([FIXTURES / "twitter.zip"], policy, AuditOptions(workers=1, media=False))  # type: ignore[arg-type]
    assert key(a) == key(b)


def test_since_keeps_later_posts_only(policy: object) -> None:
    since = datetime(2023, 4, 1, tzinfo=UTC)
    r = run_audit([FIXTURES / "twitter"], policy, AuditOptions(since=since, workers=1))  # type: ignore[arg-type]
    assert r.total.checked == 2  # April 1 and May 5
    assert r.archives[0].skipped_before_since == 3
    assert all(rec["date"] >= since.isoformat() for rec in r.flagged)


def test_rules_limit_the_run(policy: object, full: audit_run.AuditReport) -> None:
    r = run_audit(FOLDERS, policy, AuditOptions(rules=("phi",), workers=1))  # type: ignore[arg-type]
    assert {f["rule"] for rec in r.flagged for f in rec["findings"]} <= {"phi"}
    assert [x for x in key(full) if "phi" in x[2]] and len(r.flagged) == sum(
        1 for x in key(full) if "phi" in x[2])


def test_progress_reports_done_and_total(policy: object) -> None:
    seen: list[Progress] = []
    run_audit(FOLDERS, policy, AuditOptions(workers=1), progress=seen.append)  # type: ignore[arg-type]
    assert seen[0].done == 0 and seen[-1].done == seen[-1].total == 24
    assert [p.done for p in seen] == sorted(p.done for p in seen)


@pytest.mark.parametrize("how", ["cancel", "ctrl-c"])
def test_interrupted_run_resumes_to_the_same_report(policy: object, full: audit_run.AuditReport,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    how: str) -> None:
    monkeypatch.setattr(audit_run, "FLUSH_EVERY", 3)
    ckpt = tmp_path / "audit.checkpoint"
    stop = threading.Event()
    calls: list[int] = []

    def interrupt(p: Progress) -> None:
        calls.append(p.done)
        if p.done >= 9:
            if how == "cancel":
                stop.set()
            else:
                raise KeyboardInterrupt

    with pytest.raises(AuditCancelled if how == "cancel" else KeyboardInterrupt):
        run_audit(FOLDERS, policy, AuditOptions(workers=1), checkpoint=ckpt,  # type: ignore[arg-type]
                  progress=interrupt, cancel=stop)
    assert ckpt.exists()
    resumed_from: list[int] = []
    report = run_audit(FOLDERS, policy, AuditOptions(workers=1), checkpoint=ckpt, resume=True,  # type: ignore[arg-type]
                       progress=lambda p: resumed_from.append(p.done))
    assert resumed_from[0] >= 9  # it did not start over
    assert key(report) == key(full)
    assert report.total.to_json() == full.total.to_json()


def test_ctrl_c_just_after_a_checkpoint_line_counts_it_once(
        policy: object, full: audit_run.AuditReport, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The signal can land between writing a batch's line and forgetting the batch: the
    interrupted run must not write the batch again, or the resumed one counts it twice."""
    monkeypatch.setattr(audit_run, "FLUSH_EVERY", 3)
    ckpt = tmp_path / "c"
    append = audit_run._Checkpoint.append
    writes: list[int] = []

    def append_then_interrupt(self: audit_run._Checkpoint, done: int, events: list[object]) -> None:
        append(self, done, events)  # type: ignore[arg-type]
        writes.append(done)
        if len(writes) == 2:
            raise KeyboardInterrupt  # Ctrl-C, right after the line reached the disk

    monkeypatch.setattr(audit_run._Checkpoint, "append", append_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_audit(FOLDERS, policy, AuditOptions(workers=1), checkpoint=ckpt)  # type: ignore[arg-type]
    monkeypatch.setattr(audit_run._Checkpoint, "append", append)
    report = run_audit(FOLDERS, policy, AuditOptions(workers=1), checkpoint=ckpt, resume=True)  # type: ignore[arg-type]
    assert report.total.to_json() == full.total.to_json()
    assert key(report) == key(full)


def test_a_torn_checkpoint_line_is_redone(policy: object, full: audit_run.AuditReport, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_run, "FLUSH_EVERY", 4)
    ckpt = tmp_path / "c"

    def boom(p: Progress) -> None:
        if p.done >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_audit(FOLDERS, policy, AuditOptions(workers=1), checkpoint=ckpt, progress=boom)  # type: ignore[arg-type]
    with ckpt.open("a") as f:
        f.write('{"done": 99, "events": [["p", "x"')  # a crash mid-write
    report = run_audit(FOLDERS, policy, AuditOptions(workers=1), checkpoint=ckpt, resume=True)  # type: ignore[arg-type]
    assert key(report) == key(full) and report.total.checked == full.total.checked


def test_a_checkpoint_of_other_options_is_not_used(policy: object, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_run, "FLUSH_EVERY", 2)
    ckpt = tmp_path / "c"

    def boom(p: Progress) -> None:
        if p.done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_audit(FOLDERS, policy, AuditOptions(workers=1), checkpoint=ckpt, progress=boom)  # type: ignore[arg-type]
    starts: list[int] = []
    r = run_audit(FOLDERS, policy, AuditOptions(workers=1, rules=("phi",)), checkpoint=ckpt, resume=True,  # type: ignore[arg-type]
                  progress=lambda p: starts.append(p.done))
    assert starts[0] == 0 and r.total.checked == 24
