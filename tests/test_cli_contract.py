"""The contract of `clearpost check`: three input forms, output fields, exit codes, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import decode, results, run_cli

BLOCK_TEXT = "Mr. Delaney in room 1408 is finally eating after his second round of chemo"


def test_text_form_json_has_every_contract_field() -> None:
    proc = run_cli("check", BLOCK_TEXT, "--role", "nurse", "--json")
    out = json.loads(proc.stdout)
    assert proc.returncode == 2
    assert set(out) >= {"id", "verdict", "findings", "redacted", "policy"}
    assert out["verdict"] == "block"
    assert out["policy"].startswith("msk@")
    finding = next(f for f in out["findings"] if f["rule"] == "phi")
    assert set(finding) >= {"rule", "level", "section", "message", "evidence", "fix"}
    for ev in finding["evidence"]:
        assert BLOCK_TEXT[ev["start"]:ev["end"]] == ev["text"]
        assert ev["kind"]
    assert "Delaney" not in out["redacted"] and "1408" not in out["redacted"]


def test_exit_codes_follow_the_verdict(tmp_path: Path) -> None:
    assert run_cli("check", "Proud of my team today", "--json").returncode == 0
    review = run_cli("check", "Our clinic hours change next week", "--account-kind", "department",
                     "--json")
    assert review.returncode == 1 and json.loads(review.stdout)["verdict"] == "review"
    assert run_cli("check", BLOCK_TEXT, "--json").returncode == 2
    warn = run_cli("check", "this shift is shit", "--json")
    assert warn.returncode == 0 and json.loads(warn.stdout)["verdict"] == "warn"


def test_post_file_form(tmp_path: Path) -> None:
    post = {"id": "p-1", "text": "Great event, thanks for hosting!", "venue": "org-channel",
            "account": {"kind": "personal", "pseudonymous": True, "handle": "@owl"}}
    f = tmp_path / "post.json"
    f.write_text(json.dumps(post))
    proc = run_cli("check", "--post", str(f), "--json")
    out = json.loads(proc.stdout)
    assert out["id"] == "p-1" and out["verdict"] == "block"
    assert [x["rule"] for x in out["findings"]] == ["pseudonym"]


def test_jsonl_form_keeps_order_and_ids(tmp_path: Path) -> None:
    lines = [{"id": f"x{i}", "text": t} for i, t in enumerate(
        ["hello", BLOCK_TEXT, "Proud of the team", "the door code for the lounge is 4471#"])]
    f = tmp_path / "posts.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    proc = run_cli("check", "--jsonl", str(f))
    out = results(proc)
    assert [r["id"] for r in out] == ["x0", "x1", "x2", "x3"]
    assert [r["verdict"] for r in out] == ["pass", "block", "pass", "block"]
    assert proc.returncode == 2


def test_jsonl_through_the_process_pool_matches_in_process(tmp_path: Path) -> None:
    texts = ["hello", BLOCK_TEXT, "MSK is the best hospital, nowhere else", "stop your tamoxifen @amy"]
    lines = [{"id": str(i), "text": texts[i % len(texts)]} for i in range(1000)]
    f = tmp_path / "many.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines))
    pooled = results(run_cli("check", "--jsonl", str(f), "--workers", "2"))
    single = results(run_cli("check", "--jsonl", str(f), "--workers", "1"))
    assert pooled == single
    assert [r["id"] for r in pooled] == [str(i) for i in range(1000)]


def test_human_output_highlights_and_fits_80_columns() -> None:
    proc = run_cli("check", BLOCK_TEXT, env={"COLUMNS": "80"})
    out, _ = decode(proc)
    assert proc.returncode == 2
    assert "BLOCK" in out and "phi" in out and "fix:" in out
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize(("args", "stdin", "needle"), [
    (["check", "--post", "nope.json"], None, "not found"),
    (["check", "--jsonl", "nope.jsonl"], None, "not found"),
    (["check", "hi", "--role", "wizard"], None, "--role"),
    (["check", "hi", "--venue", "moon"], None, "--venue"),
    (["check"], None, "exactly one"),
    (["check", "a", "--post", "b.json"], None, "exactly one"),
    (["check", "-"], b"\x00\x01\x02binary", "binary"),
    (["check", "-"], b"\xff\xfe\xfa not utf8", "UTF-8"),
    (["check", "hi", "--policy", "/nonexistent/pack"], None, "policy"),
    (["check", "hi", "--bogus-flag"], None, "bogus"),
])
def test_bad_input_gets_one_line_and_exit_3_or_more(args: list[str], stdin: bytes | None,
                                                     needle: str) -> None:
    proc = run_cli(*args, stdin=stdin)
    _out, err = decode(proc)
    assert proc.returncode >= 3, (proc.returncode, err)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert needle.lower() in err.lower()


def test_invalid_json_and_unknown_values_in_a_post_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": "hi", ')
    proc = run_cli("check", "--post", str(bad), "--json")
    assert proc.returncode >= 3 and b"invalid JSON" in proc.stderr
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"text": "hi", "account": {"kind": "secret"}}))
    proc = run_cli("check", "--post", str(unknown), "--json")
    assert proc.returncode >= 3 and b"account.kind" in proc.stderr
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({"author": {"role": "nurse"}}))
    proc = run_cli("check", "--post", str(missing), "--json")
    assert proc.returncode >= 3 and b"text" in proc.stderr


def test_a_10_mb_post_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"text": "a " * 5_000_000}))
    proc = run_cli("check", "--post", str(big), "--json")
    assert proc.returncode >= 3
    assert b"too large" in proc.stderr and b"Traceback" not in proc.stderr


def test_bad_line_in_jsonl_names_the_line_and_keeps_earlier_results(tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    f.write_text('{"id": "ok", "text": "hello"}\n{"id": "bad", "text": \n')
    proc = run_cli("check", "--jsonl", str(f))
    assert proc.returncode >= 3
    assert [r["id"] for r in results(proc)] == ["ok"]
    assert b":2:" in proc.stderr


def test_unreadable_policy_names_file_line_and_field(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    assert run_cli("policy", "init", str(pack)).returncode == 0
    text = (pack / "pack.yaml").read_text()
    (pack / "pack.yaml").write_text(text.replace("expiry_days: 30", "expiry_days: -4"))
    proc = run_cli("check", "hi", "--policy", str(pack))
    err = proc.stderr.decode()
    assert proc.returncode >= 3 and "pack.yaml:" in err and "workflows.expiry_days" in err


def test_rules_list_and_explain() -> None:
    proc = run_cli("rules")
    assert proc.returncode == 0 and b"phi" in proc.stdout and b"copyright" in proc.stdout
    proc = run_cli("rules", "explain", "medical-advice")
    out = proc.stdout.decode()
    assert proc.returncode == 0 and "why:" in out and "fires on:" in out and "physician" in out
    proc = run_cli("rules", "explain", "nope")
    assert proc.returncode >= 3


def test_demo_runs() -> None:
    proc = run_cli("demo")
    assert proc.returncode == 0
    assert b"BLOCK" in proc.stdout and b"PASS" in proc.stdout
