"""word_start and fast: the lookahead and the required-literal prefilter they add must never
change what a pattern matches."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clearpost.detectors import (
    advice,
    base,
    conduct,
    confidential,
    context,
    copyright,
    endorsement,
    identifiers,
    phi,
    profile,
)
from clearpost.text.patterns import (
    _FOLD_EXCEPTIONS,
    Prefiltered,
    _fold_safe,
    fast,
    required_literals,
    word_start,
)

MODULES = (advice, base, conduct, confidential, context, copyright, endorsement, identifiers, phi,
           profile)

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
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, Prefiltered):
                value = value.plain
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


# --- the required-literal prefilter ------------------------------------------------------

def _prefiltered() -> list[tuple[str, Prefiltered]]:
    return [(f"{module.__name__}.{name}", value) for module in MODULES
            for name, value in vars(module).items() if isinstance(value, Prefiltered)]


def test_the_detectors_big_patterns_are_prefiltered() -> None:
    names = {name.rsplit(".", 1)[1] for name, _ in _prefiltered()}
    assert len(names) >= 80
    assert {"_THREAT", "_EXCLUSION", "_ACCUSATION", "_STRONG_INSULT", "_COPIED"} <= names


@pytest.mark.parametrize(("name", "pattern"), _prefiltered(), ids=lambda v: str(v)[:40])
def test_prefiltered_pattern_matches_exactly_like_the_pattern(name: str,
                                                              pattern: Prefiltered) -> None:
    plain = pattern.plain
    texts = _texts()
    assert len(texts) > 1500
    for text in texts:
        for variant in (text, text.lower(), text.upper()):
            assert ([m.span() for m in pattern.finditer(variant)]
                    == [m.span() for m in plain.finditer(variant)]), (name, variant)
            got, want = pattern.search(variant), plain.search(variant)
            assert (got and got.span()) == (want and want.span()), (name, variant)


def test_prefilter_skips_texts_without_a_required_literal() -> None:
    pattern = fast(r"\b(?:i(?:'ll| will) (?:hurt|kick)|teach (?:him|her) a lesson)\b", re.I)
    assert isinstance(pattern, Prefiltered)
    assert not pattern.may_match("a lovely day at the clinic")
    assert pattern.may_match("I WILL KICK the vending machine")
    assert pattern.search("I WILL KICK him").group() == "I WILL KICK"  # type: ignore[union-attr]
    assert pattern.sub("x", "nothing here") == "nothing here"
    assert pattern.findall("i'll hurt and teach her a lesson") == ["i'll hurt", "teach her a lesson"]


@pytest.mark.parametrize(("regex", "flags", "expected"), [
    (r"\bi(?:'ll| will) (?:end|hurt)\b", re.I,  # alternatives multiply out
     {"i'll end", "i'll hurt", "i will end", "i will hurt"}),
    (r"\bgets? (?:\w+ )?infected", 0, {"infected"}),  # the strongest piece of the sequence
    (r"(?:stole|forged)|\bembezzl\w+", 0, {"stole", "forged", "embezzl"}),
    (r"\b\w+ (?:is|are)\b", 0, None),  # some match holds no literal of three letters
    (r"💩|\bpoop\b", re.I, {"💩", "poop"}),  # uncased symbols fold to themselves
    # a cased letter beyond ASCII ends the literal: re folds it wider than str.lower does
    (r"\bcafés?\b", re.I, {"caf"}),
    (r"\bdéjà\b", re.I, None),
])
def test_required_literals(regex: str, flags: int, expected: set[str] | None) -> None:
    compiled = fast(regex, flags)
    if expected is None:
        assert not isinstance(compiled, Prefiltered)
    else:
        assert isinstance(compiled, Prefiltered)
        assert set(compiled.literals) == expected


def test_optional_and_lookaround_pieces_are_not_required() -> None:
    from re import _parser as sp  # type: ignore[attr-defined]

    tree = list(sp.parse(r"(?<!not )(?:very )?angry(?= at)", 0))
    assert required_literals(tree, False) == frozenset({"angry", "very angry"})
    pattern = fast(r"(?<!not )(?:very )?angry(?= at)")
    assert isinstance(pattern, Prefiltered)
    assert pattern.literals == ("angry",)  # "very angry" holds "angry": the same test


def test_case_blind_ascii_letters_fold_like_lower_except_three_characters() -> None:
    """The prefilter looks for a case-blind pattern's literals in `text.lower()`; over all of
    Unicode, re matches an ASCII letter case-blind exactly when the character's lower case
    is that letter, but for the three characters the prefilter sends straight to the pattern."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    odd = []
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        c = chr(code)
        if not letter.fullmatch(c):
            continue
        matches = [ch for ch in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(ch, c, re.I)]
        if c.lower() not in "abcdefghijklmnopqrstuvwxyz" or len(c.lower()) != 1 \
                or matches != [c.lower()]:
            odd.append(c)
    assert sorted(odd) == sorted(_FOLD_EXCEPTIONS)


def test_fold_safe_characters_match_only_themselves() -> None:
    """A non-ASCII literal a case-blind prefilter may use is uncased, so re compiles it as an
    exact character (no other character matches it)."""
    import _sre  # type: ignore[import-not-found]
    from re import _casefix  # type: ignore[attr-defined]

    used = {c for _, pattern in _prefiltered() for lit in pattern.literals for c in lit
            if ord(c) > 127 and pattern.flags & re.I}
    assert used  # the rule is exercised by the detectors' patterns (curly quotes, emoji)
    for c in used | {"💩", "©", "’", "“"}:
        assert _fold_safe(ord(c))
        assert not _sre.unicode_iscased(ord(c)), c
        assert ord(c) not in _casefix._EXTRA_CASES, c
    for c in ("é", "Ⓐ", "ⓐ", "Ⅰ", "ſ", "\u212a"):  # the last: the Kelvin sign
        assert not _fold_safe(ord(c)), c
