"""Properties of the engine that must hold for any input (Hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearpost.engine import check
from clearpost.text import normalize

RANK = {"pass": 0, "warn": 1, "review": 2, "block": 3}

# Text built from pieces that make detectors fire, glued with arbitrary Unicode.
PIECES = st.sampled_from([
    "Mr. Delgado", "room 1412", "chemo", "pt in 4B", "MRN 55120934", "212-555-0187",
    "MSK", "best hospital", "code SAVE20 20% off", "vote for", "password is Xy#77123",
    "moron", "fuck", "📸", "lobby", "selfie", "stop your tamoxifen", "@amy_r", "\u200b",
    "r o o m 4 1 2", "p@tient", "Mrs. G", "94 years old", "\n", " ", "é", "ß", "İ",
])
# NUL and lone surrogates are the documented input error (tested in test_engine.py)
CHARS = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
TEXTS = st.lists(st.one_of(PIECES, st.text(CHARS, max_size=12)), max_size=14).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from(["employee", "physician", "nurse"]))
def test_evidence_spans_lie_in_the_text(text: str, role: str) -> None:
    r = check({"text": text, "author": {"role": role}})
    for f in r.findings:
        for ev in f.evidence:
            if ev.source is None:
                assert ev.start is not None and ev.end is not None
                assert 0 <= ev.start <= ev.end <= len(text)
                assert text[ev.start:ev.end] == ev.text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_redacted_never_contains_a_masked_evidence_text(text: str) -> None:
    r = check(text)
    masked = [ev.text for f in r.findings for ev in f.evidence
              if ev.source is None and len(ev.text.strip()) >= 3]
    for t in masked:
        assert t not in r.redacted


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_verdict_is_the_highest_finding_level(text: str) -> None:
    r = check(text)
    assert RANK[r.verdict] == max((RANK[f.level] for f in r.findings), default=0)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once
