"""word_start: the lookahead it adds must never change what a pattern matches."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clearpost.detectors import advice, conduct, confidential, copyright, identifiers, phi
from clearpost.text.patterns import word_start

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples" / "posts.jsonl"
_PREFIXES = (r"(?=\b\w)(?:", r"(?=\w)(?:")


def _texts() -> list[str]:
    texts = []
    for path in (FIXTURES / "conduct_corpus.jsonl", FIXTURES / "everyday_posts.jsonl",
                 FIXTURES / "phi_corpus.jsonl", EXAMPLES):
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.open() if line.strip()]
    return texts


def _wrapped_patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for module in (advice, conduct, confidential, copyright, identifiers, phi):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and value.pattern.startswith(_PREFIXES):
                found.append((f"{module.__name__}.{name}", value))
    return found


def test_detectors_use_it() -> None:
    assert len(_wrapped_patterns()) >= 15


@pytest.mark.parametrize(("name", "fast"), _wrapped_patterns(), ids=lambda v: str(v)[:40])
def test_same_matches_as_the_plain_pattern(name: str, fast: re.Pattern[str]) -> None:
    prefix = next(p for p in _PREFIXES if fast.pattern.startswith(p))
    plain = re.compile(fast.pattern[len(prefix):-1], fast.flags)
    texts = _texts()
    assert len(texts) > 1500
    for text in texts:
        for variant in (text, text.lower()):
            assert ([m.span() for m in fast.finditer(variant)]
                    == [m.span() for m in plain.finditer(variant)]), (name, variant)


@pytest.mark.parametrize("pattern", [
    r"\b(?:stole|forged)\b",
    r"\b(?:(?:sexual )?harass\w*|grop(?:ed|ing))",
    r"(?:i'll|i will) (?:hurt|kick) (?:him|her)",
    r"\b[a-z]\w+oma\b",
    r"(?<!social )\b(?:media|stole)\b",  # lookarounds are zero-width
    r"\b\d{1,2}/\d{1,2}\b|\bkick\b",  # digits are word characters
])
def test_accepts_patterns_that_begin_with_a_word(pattern: str) -> None:
    fast = word_start(pattern, re.IGNORECASE)
    text = ("He STOLE it; I'll kick him; sexual harassment; groping; a lymphoma; I will hurt her; "
            "on 4/12 the media, social media")
    assert [m.span() for m in fast.finditer(text)] == [
        m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert fast.pattern.startswith(_PREFIXES)


@pytest.mark.parametrize("pattern", [
    r"['\"]late meetings['\"]",  # begins at a quote mark
    r"\b(?:\d+|#\w+)",  # a hashtag begins with '#'
    r"(?:so )?that",  # fine ... but
    r"\s+kill",  # begins at a space
    r"\b(?:foo)?(?:\.bar)",  # the optional word may be absent
])
def test_refuses_patterns_that_may_begin_elsewhere(pattern: str) -> None:
    if pattern == r"(?:so )?that":
        assert word_start(pattern).pattern.startswith(r"(?=\w)")
        return
    with pytest.raises(ValueError, match="non-word character"):
        word_start(pattern)
