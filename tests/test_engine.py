"""Engine: public API, verdict order, redaction, thread safety, input validation."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from clearpost import Post, check
from clearpost.engine import redact
from clearpost.model import Evidence, PostInputError, parse_post

SAMPLES = [
    "Mr. Delaney in room 1408 is finally eating after his second round of chemo",
    "@amy_r just stop the tamoxifen for a week, you'll be fine",
    "MSK is the best cancer hospital anywhere, don't go anywhere else",
    "Proud of my team today",
    "the wifi password on 8 is Pelican#2291",
]


def test_public_api() -> None:
    result = check(Post(text="Proud of my team today"))
    assert result.verdict == "pass" and result.findings == () and result.policy.startswith("msk@")
    assert check("Proud of my team today").verdict == "pass"
    assert check({"text": "Proud of my team today", "id": "x"}).id == "x"


def test_verdict_is_the_highest_level() -> None:
    rank = {"pass": 0, "warn": 1, "review": 2, "block": 3}
    for text in SAMPLES:
        r = check(text)
        assert rank[r.verdict] == max((rank[f.level] for f in r.findings), default=0)


def test_physician_escalates_medical_advice_to_review() -> None:
    text = "@amy_r just stop the tamoxifen for a week, you'll be fine"
    nurse = check({"text": text, "author": {"role": "nurse"}})
    doc = check({"text": text, "author": {"role": "physician"}})
    level = {f.rule: f.level for f in nurse.findings}
    assert level["medical-advice"] == "warn"
    assert {f.rule: f.level for f in doc.findings}["medical-advice"] == "review"


def test_evidence_points_into_the_original_text_even_when_obfuscated() -> None:
    text = "M r s . G a r c i a in r00m 4 1 2 started chemo"
    r = check({"text": text, "author": {"role": "nurse"}})
    phi = next(f for f in r.findings if f.rule == "phi")
    for ev in phi.evidence:
        assert text[ev.start:ev.end] == ev.text
    assert any("G a r c i a" in ev.text for ev in phi.evidence)


def test_redaction_masks_every_evidence_span() -> None:
    text = "Mr. Delaney in room 1408 is finally eating after chemo"
    r = check(text)
    for f in r.findings:
        for ev in f.evidence:
            assert ev.text not in r.redacted
    assert "[NAME]" in r.redacted


def test_redact_merges_overlaps() -> None:
    ev = [Evidence(start=0, end=5, text="hello", kind="a"),
          Evidence(start=3, end=9, text="lo wor", kind="bb")]
    assert redact("hello world", ev) == "[BB]ld"


def test_thread_safe_results_match_sequential() -> None:
    expected = [check(t).to_json_dict() for t in SAMPLES * 20]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda t: check(t).to_json_dict(), SAMPLES * 20))
    assert got == expected


@pytest.mark.parametrize("bad", [
    {"text": "x", "author": {"role": "wizard"}},
    {"text": "x", "account": {"kind": "secret"}},
    {"text": "x", "venue": "moon"},
    {"text": 42},
    {"author": {}},
    {"text": "a\x00b"},
    {"text": "x" * 200_001},
    {"text": "lone \ud800 surrogate"},
    [1, 2],
])
def test_bad_posts_raise_the_documented_input_error(bad: object) -> None:
    with pytest.raises(PostInputError):
        parse_post(bad)


def test_rules_filter() -> None:
    r = check(SAMPLES[0], rules={"confidential"})
    assert all(f.rule == "confidential" for f in r.findings)
