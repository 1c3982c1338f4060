"""`clearpost eval` on the shared labelled posts meets the issue's thresholds."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_eval_thresholds(shared_dir) -> None:  # type: ignore[no-untyped-def]
    proc = run_cli("eval", str(shared_dir / "examples" / "posts.jsonl"), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    for rule, s in report["rules"].items():
        if s["support"] >= 3:
            assert s["f1"] >= 0.85, (rule, s)
    assert report["clean_false_alarm_rate"] <= 0.10


def test_eval_human_output_lists_misses(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "tiny.jsonl"
    f.write_text(json.dumps({"id": "t1", "text": "hello", "expect": ["phi"]}) + "\n"
                 + json.dumps({"id": "t2", "text": "hello", "expect": []}) + "\n")
    proc = run_cli("eval", str(f))
    out = proc.stdout.decode()
    assert "t1" in out and "missed phi" in out
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "t1", "text": "x", "expect": ["nonsense"]}) + "\n")
    proc = run_cli("eval", str(bad))
    assert proc.returncode >= 3 and b"nonsense" in proc.stderr
