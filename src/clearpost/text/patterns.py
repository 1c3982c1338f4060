"""Faster compiled patterns, same matches.

The detectors' big alternations ("\\b(?:stealing|forged|...)") are tried at every position
of every post, and Python's `re` tries each alternative there. Most positions cannot start a
match at all: every alternative begins at a word boundary with a letter. `word_start` proves
that from the parsed pattern and prepends the matching lookahead, which rejects the other
positions in one step (2-3x faster on the longest patterns). Because the lookahead is implied
by the pattern, the matches are identical; a pattern that could start elsewhere is refused.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
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


def _lookahead(tree: Any) -> str | None:
    """The lookahead a parsed pattern's matches imply at their start, or None."""
    if _starts_at_word(tree, True):
        return r"(?=\b\w)"
    if _starts_at_word(tree, False):
        return r"(?=\w)"
    return None


def word_start(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)` with a lookahead that skips positions where no match can
    begin. Raises ValueError when the pattern may begin at a non-word character."""
    prefix = _lookahead(list(sp.parse(pattern, flags)))
    if prefix is None:
        raise ValueError(f"the pattern may begin at a non-word character: {pattern[:60]!r}")
    return re.compile(prefix + "(?:" + pattern + ")", flags)


# --- required literals --------------------------------------------------------------------
#
# Most posts contain none of a big pattern's words, yet `re` still walks every position of
# every post through the pattern. `required_literals` reads from the parsed pattern a set of
# strings at least one of which every match must contain ("kill", "stab", ... for a threat
# pattern); `Prefiltered` answers "no match" at once when the text holds none of them and
# otherwise runs the pattern unchanged. The set is implied by the pattern, so the matches are
# identical (tests/text/test_patterns.py checks every prefiltered pattern on the corpora).

_ZERO_WIDTH = (sc.AT, sc.ASSERT, sc.ASSERT_NOT)
_MIN_LITERAL = 3  # shorter required strings ("me", "a") are in nearly every post: no gain


@functools.cache
def _strength(literal: str) -> int:
    """How selective a literal is: its letters and digits (" of " is as common as "of"); a
    symbol beyond ASCII (an emoji, "©") is as rare as a three-letter word."""
    return sum(1 if c.isalnum() else 3 if ord(c) > 127 and not c.isspace() else 0
               for c in literal)


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """Drop strings that contain another of the set ("very angry" beside "angry"): the same
    test, fewer strings. Big sets are left whole (the automaton does not mind)."""
    if len(strings) > 128:
        return strings
    return frozenset(s for s in strings if not any(o != s and o in s for o in strings))


def _best(cands: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective candidate: the strongest weakest string, then the fewest strings."""
    if not cands:
        return None
    return max(cands, key=lambda c: (min(_strength(s) for s in c), -len(c)))


#: The characters re matches case-blind to an ASCII letter although their lower case is not
#: that letter: dotted capital I, dotless i, long s.
_FOLD_EXCEPTIONS = "\u0130\u0131\u017f"
def _fold_safe(code: int) -> bool:
    """A literal character whose case-blind match is "its lower case": ASCII, or uncased
    punctuation, symbols and spaces (emoji, curly quotes, "©"). Other letters fold wider in re."""
    c = chr(code)
    if code < 128:
        return True
    return (c.lower() == c == c.upper() and c.casefold() == c
            and unicodedata.category(c)[0] in "PSZ")


_CAP = 64  # at most this many strings in an expanded run ("i'll end", "i will end", ...)


def _product(left: set[str], right: set[str]) -> set[str] | None:
    out = {a + b for a in left for b in right}
    return out if len(out) <= _CAP else None


def exact_strings(items: Any, icase: bool, memo: dict[int, Any] | None = None) -> set[str] | None:
    """Every string the parsed node sequence can match, if they are few (literals, small
    alternations, optional pieces, small classes of characters), else None. `memo` is keyed
    by the identity of the parse tree's nodes, which live as long as the tree."""
    memo = {} if memo is None else memo
    out: set[str] | None = {""}
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        part = _exact_node(op, av, icase, memo)
        out = None if part is None else _product(out, part)  # type: ignore[arg-type]
        if out is None:
            break
    return out


def _char(code: int, icase: bool) -> str | None:
    """A literal character as the prefilter looks for it, or None (a cased letter beyond ASCII
    in a case-blind pattern: re folds it wider than str.lower does)."""
    if not icase:
        return chr(code)
    return chr(code).lower() if _fold_safe(code) else None


def _group_body(av: Any) -> Any:
    """A group's node sequence, or None where the group changes case rules (not followed)."""
    _group, add_flags, del_flags, body = av
    return None if (add_flags | del_flags) & sc.SRE_FLAG_IGNORECASE else body


def _exact_node(op: Any, av: Any, icase: bool, memo: dict[int, Any]) -> set[str] | None:
    if op is sc.LITERAL:
        c = _char(av, icase)
        return None if c is None else {c}
    if op is sc.IN:
        chars = [_char(code, icase) if o is sc.LITERAL else None for o, code in av]
        return None if None in chars else set(chars)  # type: ignore[arg-type]
    if op not in (sc.SUBPATTERN, sc.BRANCH) and not (op in _REPEATS and av[1] <= 1):
        return None
    key = id(av)
    if key in memo:
        return memo[key]
    part: set[str] | None = None
    if op is sc.SUBPATTERN:
        body = _group_body(av)
        part = None if body is None else exact_strings(body, icase, memo)
    elif op is sc.BRANCH:
        if len(av[1]) <= _CAP:
            part = set()
            for branch in av[1]:
                alt = exact_strings(branch, icase, memo)
                if alt is None or len(part) + len(alt) > _CAP:
                    part = None
                    break
                part |= alt
    else:  # an optional or single piece
        inner = exact_strings(av[2], icase, memo)
        part = None if inner is None else inner | ({""} if av[0] == 0 else set())
    memo[key] = part
    return part


def required_literals(seq: Any, icase: bool,
                      memo: dict[int, Any] | None = None) -> frozenset[str] | None:
    """Strings one of which every match of the parsed node sequence contains, or None."""
    memo = {} if memo is None else memo
    cands: list[frozenset[str]] = []
    run: set[str] = {""}

    def flush() -> None:
        nonlocal run
        if "" not in run:
            cands.append(frozenset(run))
        run = {""}

    for item in seq:
        op, av = item
        if op in _ZERO_WIDTH:  # consumes nothing: the literals around it stay adjacent
            continue
        piece = _exact_node(op, av, icase, memo)
        grown = None if piece is None else _product(run, piece)
        if grown is not None:
            run = grown
            continue
        flush()
        if piece is not None:  # exact but too many strings joined to the run: start anew
            run = piece
            continue
        inner: frozenset[str] | None = None
        if op is sc.SUBPATTERN:
            body = _group_body(av)
            inner = None if body is None else required_literals(body, icase, memo)
        elif op is sc.BRANCH:
            alts = [required_literals(b, icase, memo) for b in av[1]]
            if all(a is not None for a in alts):
                inner = frozenset().union(*alts)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            inner = required_literals(av[2], icase, memo)
        if inner is not None:
            cands.append(inner)
    flush()
    return _best(cands)


class _LiteralIndex:
    """Every prefiltered pattern's literals in two automata (exact, and case-blind over the
    lower-cased text), so a post is scanned once for all patterns, not once per pattern: the
    scan gives a bit mask of the patterns that may match. Masks of the last texts are kept,
    since every detector reads the same `view.lower` (a cache of derived data, like re's own
    cache of compiled patterns; nothing of it leaves the process)."""

    _KEEP = 64  # texts whose masks are kept; the set is cleared when full
    _SHORT = 48  # shorter texts (windows around a match) are scanned without being kept

    def __init__(self) -> None:
        self._masks: dict[bool, dict[str, int]] = {False: {}, True: {}}
        self._automata: dict[bool, Any] = {False: None, True: None}
        self._cache: dict[bool, dict[str, int]] = {False: {}, True: {}}
        self._count = 0
        self._lock = threading.Lock()

    def register(self, literals: Iterable[str], fold: bool) -> int:
        with self._lock:
            bit = 1 << self._count
            self._count += 1
            table = self._masks[fold]
            for lit in literals:
                table[lit] = table.get(lit, 0) | bit
            self._automata[fold] = None
            self._cache = {False: {}, True: {}}
            return bit

    def _automaton(self, fold: bool) -> Any:
        automaton = self._automata[fold]
        if automaton is None:
            import ahocorasick

            with self._lock:
                automaton = ahocorasick.Automaton()
                for lit, mask in self._masks[fold].items():
                    automaton.add_word(lit, mask)
                automaton.make_automaton()
                self._automata[fold] = automaton
        return automaton

    def mask(self, text: str, fold: bool) -> int:
        cache = self._cache[fold]
        found = cache.get(text)
        if found is not None:
            return found
        if fold and not text.isascii() and any(c in text for c in _FOLD_EXCEPTIONS):
            found = -1  # every bit: such a text goes straight to the patterns
        else:
            found = 0
            for _end, mask in self._automaton(fold).iter(text.lower() if fold else text):
                found |= mask
        if len(text) >= self._SHORT:
            if len(cache) >= self._KEEP:
                cache.clear()
            cache[text] = found
        return found


_INDEX = _LiteralIndex()


class Prefiltered:
    """A compiled pattern that skips texts holding none of its required literals. Same
    methods and results as `re.Pattern` for the ones the detectors use."""

    __slots__ = ("_bit", "_fold", "_literals", "_re", "flags", "pattern")

    def __init__(self, compiled: re.Pattern[str], literals: frozenset[str]) -> None:
        self._re = compiled
        self.pattern = compiled.pattern
        self.flags = compiled.flags
        self._literals = tuple(sorted(literals))
        # Case-blind patterns: the (ASCII or uncased) literals are looked for in the
        # lower-cased text. For every character but three, re's case-blind match of an ASCII
        # letter is exactly "its lower case is that letter" (checked over all of Unicode in
        # the tests); a text holding one of the three goes straight to the pattern.
        self._fold = bool(compiled.flags & re.IGNORECASE)
        self._bit = _INDEX.register(self._literals, self._fold)

    def may_match(self, text: str) -> bool:
        return bool(_INDEX.mask(text, self._fold) & self._bit)

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        return self._re.search(text, *args) if self.may_match(text) else None

    def match(self, text: str, *args: int) -> re.Match[str] | None:
        return self._re.match(text, *args) if self.may_match(text) else None

    def fullmatch(self, text: str, *args: int) -> re.Match[str] | None:
        return self._re.fullmatch(text, *args) if self.may_match(text) else None

    def finditer(self, text: str, *args: int) -> Any:
        return self._re.finditer(text, *args) if self.may_match(text) else iter(())

    def findall(self, text: str, *args: int) -> list[Any]:
        return self._re.findall(text, *args) if self.may_match(text) else []

    def sub(self, repl: Any, text: str, count: int = 0) -> str:
        return self._re.sub(repl, text, count) if self.may_match(text) else text

    def subn(self, repl: Any, text: str, count: int = 0) -> tuple[str, int]:
        return self._re.subn(repl, text, count) if self.may_match(text) else (text, 0)

    def split(self, text: str, maxsplit: int = 0) -> list[str | Any]:
        return self._re.split(text, maxsplit) if self.may_match(text) else [text]

    @property
    def plain(self) -> re.Pattern[str]:
        """The pattern without the prefilter (what the equivalence test compares against)."""
        return self._re

    @property
    def literals(self) -> tuple[str, ...]:
        return self._literals

    def __repr__(self) -> str:
        return f"Prefiltered({self._re!r}, {len(self._literals)} literals)"


def fast(pattern: str, flags: int = 0) -> Prefiltered | re.Pattern[str]:
    """`re.compile(pattern, flags)`, as fast as the pattern allows with the same matches:
    the word-start lookahead when every match begins a word, and the required-literal
    prefilter when every match holds one of a few strings of at least three characters."""
    tree = list(sp.parse(pattern, flags))
    prefix = _lookahead(tree)
    compiled = re.compile(pattern if prefix is None else prefix + "(?:" + pattern + ")", flags)
    literals = required_literals(tree, bool(flags & re.IGNORECASE))
    if literals is None or min(_strength(s) for s in literals) < _MIN_LITERAL:
        return compiled
    return Prefiltered(compiled, _minimal(literals))
