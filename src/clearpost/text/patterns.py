"""Faster compiled patterns, same matches.

The detectors' big alternations ("\\b(?:stealing|forged|...)") are tried at every position
of every post, and Python's `re` tries each alternative there. Most positions cannot start a
match at all: every alternative begins at a word boundary with a letter. `word_start` proves
that from the parsed pattern and prepends the matching lookahead, which rejects the other
positions in one step (2-3x faster on the longest patterns). Because the lookahead is implied
by the pattern, the matches are identical; a pattern that could start elsewhere is refused.
"""

from __future__ import annotations

import re
from re import _constants as sc  # type: ignore[attr-defined]
from re import _parser as sp  # type: ignore[attr-defined]
from typing import Any

_WORD = re.compile(r"\w")
_REPEATS = (sc.MAX_REPEAT, sc.MIN_REPEAT, sc.POSSESSIVE_REPEAT)


def _is_word(code: int) -> bool:
    return _WORD.match(chr(code)) is not None


def _class_is_word(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        if op is sc.LITERAL and _is_word(av):
            continue
        if op is sc.RANGE and all(_is_word(c) for c in range(av[0], av[1] + 1)):
            continue
        if op is sc.CATEGORY and av in (sc.CATEGORY_WORD, sc.CATEGORY_DIGIT):
            continue
        return False
    return True


def _starts_at_word(seq: list[tuple[Any, Any]], need_boundary: bool) -> bool:
    """Every match of the parsed node sequence begins with a word character, and, when
    `need_boundary`, a \\b is asserted before it. Unknown constructs answer False."""
    if not seq:
        return False
    (op, av), rest = seq[0], seq[1:]
    if op is sc.AT and av is sc.AT_BOUNDARY:
        return _starts_at_word(rest, False)
    if op in (sc.AT, sc.ASSERT, sc.ASSERT_NOT):  # zero-width: the next node consumes first
        return _starts_at_word(rest, need_boundary)
    if op is sc.LITERAL:
        return not need_boundary and _is_word(av)
    if op is sc.IN:
        return not need_boundary and _class_is_word(av)
    if op is sc.SUBPATTERN:
        return _starts_at_word(list(av[3]) + rest, need_boundary)
    if op is sc.BRANCH:
        return all(_starts_at_word(list(b) + rest, need_boundary) for b in av[1])
    if op in _REPEATS:
        low, _high, body = av
        return (_starts_at_word(list(body) + rest, need_boundary)
                and (low > 0 or _starts_at_word(rest, need_boundary)))
    return False


def word_start(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)` with a lookahead that skips positions where no match can
    begin. Raises ValueError when the pattern may begin at a non-word character."""
    tree = list(sp.parse(pattern, flags))
    if _starts_at_word(tree, True):
        return re.compile(r"(?=\b\w)(?:" + pattern + ")", flags)
    if _starts_at_word(tree, False):
        return re.compile(r"(?=\w)(?:" + pattern + ")", flags)
    raise ValueError(f"the pattern may begin at a non-word character: {pattern[:60]!r}")
