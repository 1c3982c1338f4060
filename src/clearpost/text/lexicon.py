"""Many-phrase matching in one pass (Aho-Corasick), on word boundaries, case-insensitive."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

from clearpost.text.normalize import is_symbol


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    phrase: str
    label: str


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


class Lexicon:
    """A set of phrases, each with a label, matched as whole words in lower-cased text.

    Phrases ending in "*" match as prefixes ("oncolog*" matches "oncology", "oncologist").
    """

    def __init__(self, entries: Iterable[tuple[str, str]] | Iterable[str], label: str = "") -> None:
        self._automaton = ahocorasick.Automaton()
        self.size = 0
        for entry in entries:
            phrase, lab = (entry, label) if isinstance(entry, str) else entry
            phrase = " ".join(phrase.lower().split())
            if not phrase:
                continue
            # "oncolog*" is a prefix; "f***" (a masked word) is literal.
            prefix = phrase.endswith("*") and not phrase.endswith("**") and len(phrase) > 2
            key = phrase[:-1] if prefix else phrase
            existing = self._automaton.get(key, None)
            if existing is None or (not prefix and existing[2]):
                self._automaton.add_word(key, (key, lab, prefix))
                self.size += 1
        if self.size:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return self.size

    def finditer(self, lower_text: str) -> Iterator[Match]:
        if not self.size:
            return
        n = len(lower_text)
        for end_idx, (key, lab, prefix) in self._automaton.iter(lower_text):
            start = end_idx - len(key) + 1
            end = end_idx + 1
            if start > 0 and _is_word_char(lower_text[start - 1]) and _is_word_char(key[0]):
                continue
            if prefix:
                while end < n and lower_text[end].isalpha():
                    end += 1
            elif end < n and _is_word_char(lower_text[end]) and _is_word_char(key[-1]):
                continue
            yield Match(start, end, lower_text[start:end], lab)

    def find_all(self, lower_text: str) -> list[Match]:
        """Longest non-overlapping matches, left to right."""
        found = sorted(self.finditer(lower_text), key=lambda m: (m.start, -(m.end - m.start)))
        out: list[Match] = []
        last_end = -1
        for m in found:
            if m.start >= last_end:
                out.append(m)
                last_end = m.end
        return out

    def search(self, lower_text: str) -> Match | None:
        for m in self.finditer(lower_text):
            return m
        return None


#: A run of non-word characters between two words; squeezed only when it holds symbols
#: (clearpost.text.normalize.is_symbol: emoji and the like) and no punctuation.
_BETWEEN_WORDS = re.compile(r"(?<=\w)[ \t]*[^\w\s]+(?:[ \t]+[^\w\s]+)*[ \t]*(?=\w)")


def _only_symbols(run: str) -> bool:
    return all(c in " \t" or is_symbol(c) for c in run)


def squeeze_emoji(lower_text: str) -> tuple[str, list[int]] | None:
    """The text with emoji *between two words* written as one space ("a little bird 🐦 told
    me" -> "a little bird told me"), so phrases match across them, and for each character of
    it the index of the character it came from; None when the text has no such emoji (most
    posts). Emoji elsewhere stay: a lexicon entry that is an emoji still matches."""
    if lower_text.isascii():
        return None
    runs = [m for m in _BETWEEN_WORDS.finditer(lower_text) if _only_symbols(m.group())]
    if not runs:
        return None
    out: list[str] = []
    index: list[int] = []
    last = 0
    for m in runs:
        out.append(lower_text[last:m.start()])
        index.extend(range(last, m.start()))
        out.append(" ")
        index.append(m.start())
        last = m.end()
    out.append(lower_text[last:])
    index.extend(range(last, len(lower_text)))
    return "".join(out), index
