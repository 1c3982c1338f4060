"""`clearpost audit` end to end: reports, exit codes, usage errors, Ctrl-C and --resume."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from clearpost.audit.report import highlight, svg_by_month, svg_by_rule
from tests.conftest import ROOT, decode, run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "archives"


def shares_csv(folder: Path, texts: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"])
    for i, t in enumerate(texts):
        w.writerow([f"2023-01-{1 + i % 28:02d} 10:00:00",
                    f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A{7000000000000000000 + i}",
                    t, "", "", "MEMBER_NETWORK"])
    (folder / "Shares.csv").write_text(buf.getvalue(), encoding="utf-8")
    return folder


def test_reports_from_a_folder_of_archives(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    proc = run_cli("audit", str(FIXTURES / "twitter"), str(FIXTURES / "mastodon.zip"),
                   str(FIXTURES / "linkedin"), "-o", str(out / "r.html"), "-o", str(out / "r.json"),
                   "-o", str(out / "r.csv"), "--workers", "2")
    _stdout, stderr = decode(proc)
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    worst = max((r["verdict"] for r in data["flagged"]), key=["warn", "review", "block"].index)
    assert proc.returncode == {"warn": 0, "review": 1, "block": 2}[worst], stderr
    assert sorted(p.name for p in out.iterdir()) == ["r.csv", "r.html", "r.json"]  # no temp, no checkpoint
    assert not (out / "r.html.checkpoint").exists()
    assert data["total"]["checked"] == 5 + 4 + 6
    assert {p["person"] for p in data["people"]} == {"@jo_synthetic", "@jo@social.example", "Jo Synthetic"}

    page = (out / "r.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and "src=" not in page  # self-contained
    assert page.count("<svg") == 2 and "<mark" in page and 'type="checkbox"' in page
    assert "https://x.com/jo_synthetic/status/1700000000000000005" in page
    for person in ("@jo_synthetic", "Jo Synthetic", "@jo@social.example"):
        assert person in page

    rows = list(csv.DictReader((out / "r.csv").open(encoding="utf-8", newline="")))
    assert len(rows) == sum(len(r["findings"]) for r in data["flagged"])
    assert {r["post_id"] for r in rows} == {r["id"] for r in data["flagged"]}
    assert "audit" in stderr and "wrote" in stderr


def test_exit_0_when_nothing_to_act_on(tmp_path: Path) -> None:
    folder = shares_csv(tmp_path / "clean", ["Lovely walk in the park today.",
                                             "Reading a good book on gardening."])
    proc = run_cli("audit", str(folder), "-o", str(tmp_path / "r.json"), "--workers", "1")
    assert proc.returncode == 0, decode(proc)[1]
    assert json.loads((tmp_path / "r.json").read_text())["total"]["checked"] == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "last tuesday"], "--since"),
    (["-o", "report.pdf"], ".html, .json or .csv"),
    (["--rules", "phi,nonsense"], "unknown rule 'nonsense'"),
    (["--engine", "spark"], "--engine"),
])
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    proc = run_cli("audit", str(FIXTURES / "twitter"), *args, cwd=tmp_path)
    stderr = decode(proc)[1]
    assert proc.returncode == 3 and message in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_then_resume(tmp_path: Path) -> None:
    texts = [f"Post number {i}: a walk, a coffee, and a long chat about the weather." for i in range(6000)]
    folder = shares_csv(tmp_path / "big", texts)
    out = tmp_path / "r.json"
    ckpt = tmp_path / "r.json.checkpoint"
    cmd = [sys.executable, "-m", "clearpost.cli", "audit", str(folder), "-o", str(out), "--workers", "1"]
    # A test run started in the background (`.ci/run &`) inherits SIGINT as ignored, and so
    # would the audit: give it the default handler, as a terminal would.
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # wait for the first saved batches
        if ckpt.exists() and len(ckpt.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the audit finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert "--resume" in err.decode() and "Traceback" not in err.decode()
    assert not out.exists() and ckpt.exists()
    done_before = json.loads(ckpt.read_text().splitlines()[-1])["done"]
    assert 0 < done_before < len(texts)

    proc2 = run_cli("audit", str(folder), "-o", str(out), "--workers", "1", "--resume")
    assert proc2.returncode == 0, decode(proc2)[1]
    report = json.loads(out.read_text())
    assert report["total"]["checked"] == len(texts)
    assert not ckpt.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "r.json"]


def test_highlight_escapes_and_marks() -> None:
    text = "<b>call</b> Ms. Roe at 555"
    findings = [{"rule": "phi", "level": "block", "evidence": [
        {"start": 12, "end": 19, "text": "Ms. Roe", "kind": "name"},
        {"start": 15, "end": 19, "text": "Roe", "kind": "name"},  # overlapping: marked once
        {"text": "x", "kind": "face", "source": "image:a.png"}]}]
    html = highlight(text, findings)
    assert html.startswith("&lt;b&gt;call&lt;/b&gt; ")
    assert html.count("<mark") == 1 and '<mark class="l-block" title="phi: name">Ms. Roe</mark>' in html


def test_charts_are_valid_svg() -> None:
    from collections import Counter

    months = {"2021-11": Counter(block=2), "2022-02": Counter(warn=1, review=3), "undated": Counter(warn=1)}
    for svg in (svg_by_month(months), svg_by_rule(Counter(phi=3, harassment=1))):
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")
    assert svg_by_month(months).count("<rect") == 3  # Nov: block; Feb: warn + review
    assert "No dated findings" in svg_by_month({})


def test_service_hook_runs_as_a_background_job(policy: object, tmp_path: Path) -> None:
    """The service runs run_audit in a thread/job with a progress callback and a cancel event."""
    import threading

    from clearpost.audit.run import AuditOptions, run_audit

    seen: list[tuple[int, int]] = []
    result: list[object] = []
    job = threading.Thread(target=lambda: result.append(run_audit(
        [FIXTURES / "bluesky"], policy, AuditOptions(workers=1),  # type: ignore[arg-type]
        progress=lambda p: seen.append((p.done, p.total)))))
    job.start()
    job.join(60)
    assert result and seen[-1] == (3, 3)
