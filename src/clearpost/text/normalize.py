"""Undo the tricks people use (knowingly or not) that hide words from a matcher.

The normalised text is what detectors read; an offset map takes every normalised character
back to the span of the original it came from, so evidence always points into what the
employee wrote. Steps, in order:

1. per character: NFKC (full-width, math letters, ligatures), drop invisible and control
   characters (zero-width, bidi overrides, soft hyphen) and combining marks (accents, "zalgo"),
   map look-alike letters from other scripts to Latin (Cyrillic "а" -> "a");
2. drop emoji and symbols sitting inside a word ("Gar🌸cia");
3. join letters spaced out one by one ("r o o m 4 1 2" -> "room 412");
4. undo leetspeak inside words ("p@tient", "r00m" -> "patient", "room").

The result is a fixed point: normalising it again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Look-alikes that NFKC leaves alone: Cyrillic and Greek letters that render as Latin ones.
_HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ү": "y", "һ": "h", "ɡ": "g",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
    "α": "a", "ο": "o", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "ι": "i", "κ": "k",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ı": "i", "ℓ": "l", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u00a0": " ", "\u2007": " ", "\u202f": " ",
}

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
         "!": "i", "|": "l", "€": "e", "8": "b", "9": "g"}

_KEEP_CONTROL = {"\n", "\t", "\r"}


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised text plus the map back to the original.

    `starts[i]`/`ends[i]` give the original span of normalised character i. When nothing
    changed, both are None and offsets are the identity.
    """

    original: str
    text: str
    lower: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def original_text(self, start: int, end: int) -> str:
        s, e = self.span(start, end)
        return self.original[s:e]


# A char-level pass builds parallel lists: the output chars and their original spans.
_Chars = list[tuple[str, int, int]]


@lru_cache(maxsize=4096)
def _char_map(c: str) -> str:
    """What one original character becomes (possibly nothing, possibly several chars)."""
    if c in _KEEP_CONTROL:
        return c
    cat = unicodedata.category(c)
    if cat in ("Cf", "Cc", "Cs", "Co", "Cn") or cat in ("Mn", "Me"):
        if c == "\u200d" or c == "\ufe0f":  # emoji joiners/variation: drop as well
            return ""
        return ""
    if c in _HOMOGLYPHS:
        return _HOMOGLYPHS[c]
    out = unicodedata.normalize("NFKC", c)
    # NFKC can surface combining marks (e.g. from precomposed compatibility chars).
    out = "".join(ch for ch in unicodedata.normalize("NFD", out)
                  if unicodedata.category(ch) not in ("Mn", "Me"))
    return "".join(_HOMOGLYPHS.get(ch, ch) for ch in out)


def _is_letter(c: str) -> bool:
    return c.isalpha()


def is_symbol(c: str) -> bool:
    """A symbol character (emoji, pictographs, math and modifier symbols), not a leet letter."""
    # Of ASCII, only "|" is a symbol by category (So/Sk/Sm) outside "+<>=^`~": skip the
    # category look-up for the other ASCII characters, most of any post.
    if c.isascii() and c != "|":
        return False
    return unicodedata.category(c) in ("So", "Sk", "Sm") and c not in _LEET and c not in "+<>=^`~"


_SIMPLE = re.compile(r"[A-Za-z0-9 \t\n\r.,;:'\"?()\[\]/#&*%+=_\-]*")
_SPACED = re.compile(r"(?:(?<=\s)|^)(?:\S {1,2}){3,}\S(?=[\s,.!?;:)]|$)")
# A line break inside a sentence, or a thread continuation ("🧵\n2/ "): reads as a space.
_SOFT_BREAK = re.compile(r"(?<=[A-Za-z0-9,])[ \t]*(?:🧵[ \t]*)?\n[ \t]*(?:\d{1,2}/[ \t]+)?(?=[a-z0-9])"
                         r"|[ \t]*🧵[ \t]*\n[ \t]*\d{1,2}/[ \t]+")
_EMAIL_OR_URL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
                           r"|\bhttps?://\S+|\bwww\.\S+")
# Digits spelled out inside a number: "4one2" -> "412".
_DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
                "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_MIXED_NUMBER = re.compile(r"(?<![A-Za-z])(?=[A-Za-z]*\d)(?:\d|zero|one|two|three|four|five|six|"
                           r"seven|eight|nine){2,}(?![A-Za-z])", re.IGNORECASE)
_LEETISH = re.compile(r"[A-Za-z][0-9@$!|€]+[A-Za-z]|[a-z]\$+(?![\w$])")
_LETTER_DIGIT = re.compile(r"[0-9][A-Za-z]|[A-Za-z][0-9]")
_SPELLED_NEXT_TO_DIGIT = re.compile(r"\d(?:zero|one|two|three|four|five|six|seven|eight|nine)|"
                                    r"(?:zero|one|two|three|four|five|six|seven|eight|nine)\d",
                                    re.IGNORECASE)


def _needs_work(text: str) -> bool:
    if not _SIMPLE.fullmatch(text):
        return True
    return bool(_SPACED.search(text) or _LEETISH.search(text) or _SOFT_BREAK.search(text)
                or (_LETTER_DIGIT.search(text) and _SPELLED_NEXT_TO_DIGIT.search(text)))


def _soften_breaks(chars: _Chars) -> _Chars:
    """Turn line breaks inside sentences and thread numbering into single spaces."""
    s = "".join(c for c, _, _ in chars)
    if "\n" not in s:
        return chars
    out: _Chars = []
    last = 0
    for m in _SOFT_BREAK.finditer(s):
        out.extend(chars[last:m.start()])
        if m.end() > m.start():
            out.append((" ", chars[m.start()][1], chars[m.end() - 1][2]))
        last = m.end()
    out.extend(chars[last:])
    return out


def _chars_pass(text: str) -> _Chars:
    chars: _Chars = []
    for i, c in enumerate(text):
        mapped = _char_map(c) if not c.isascii() else c
        for m in mapped:
            chars.append((m, i, i + 1))
    return chars


def _drop_symbols_in_words(chars: _Chars) -> _Chars:
    out: _Chars = []
    n = len(chars)
    i = 0
    while i < n:
        c = chars[i][0]
        # ASCII holds no symbol (is_symbol): skip the call for most characters
        if not c.isascii() and is_symbol(c) and out and _is_letter(out[-1][0]):
            j = i
            while j < n and is_symbol(chars[j][0]):
                j += 1
            if j < n and _is_letter(chars[j][0]) and chars[j][0].islower():
                i = j  # skip the symbols inside the word
                continue
        out.append(chars[i])
        i += 1
    return out


def _join_spaced(chars: _Chars) -> _Chars:
    """Join runs like "r o o m  4 1 2" (single characters, single spaces) into words."""
    s = "".join(c for c, _, _ in chars)
    if not _SPACED.search(s):
        return chars
    out: _Chars = []
    last = 0
    for m in _SPACED.finditer(s):
        run = s[m.start():m.end()]
        singles = [t for t in run.split(" ") if t]
        if sum(t.isalpha() for t in singles) < 3 or all(len(t) == 1 and t.isdigit() for t in singles):
            continue
        out.extend(chars[last:m.start()])
        prev = ""
        k = m.start()
        while k < m.end():
            c = chars[k][0]
            if c == " ":
                # a double space separated words in the spaced-out text: keep one
                if k + 1 < m.end() and chars[k + 1][0] == " ":
                    out.append(chars[k])
                    k += 2
                    prev = " "
                    continue
                k += 1
                continue
            if prev and prev != " " and (
                (prev.isalpha() and c.isdigit()) or (prev.isdigit() and c.isalpha())
                or (prev == "." and c.isupper())
            ):
                out.append((" ", chars[k][1], chars[k][1]))
            out.append(chars[k])
            prev = c
            k += 1
        last = m.end()
    out.extend(chars[last:])
    return out


def _undo_leet(chars: _Chars, hint: str) -> _Chars:
    """Replace runs of leet characters that sit between letters ("r00m", "p@tient"); e-mail
    addresses and URLs are left as written ("rkowal55@gmail.com" is not "rkowalssagmail")."""
    n = len(chars)
    out = list(chars)
    protected: list[tuple[int, int]] = []
    if "@" in hint or "://" in hint or "www." in hint:  # hint: this pass's input text
        text = "".join(c for c, _, _ in chars)
        protected = [(m.start(), m.end()) for m in _EMAIL_OR_URL.finditer(text)]
    i = 0
    while i < n:
        c = chars[i][0]
        if protected and any(a <= i < b for a, b in protected):
            i += 1
            continue
        if c in _LEET and i > 0 and _is_letter(chars[i - 1][0]):
            j = i
            while j < n and chars[j][0] in _LEET:
                j += 1
            # between letters ("r00m"), or dollar signs ending a lower-case word ("a$$"; not
            # "US$5" or "HK$ 100")
            word_end = j == n or not (chars[j][0].isalnum() or chars[j][0] in _LEET)
            dollars = chars[i - 1][0].islower() and all(chars[k][0] == "$" for k in range(i, j))
            if j - i <= 3 and ((j < n and _is_letter(chars[j][0])) or (dollars and word_end)):
                for k in range(i, j):
                    ch, s, e = chars[k]
                    out[k] = (_LEET[ch], s, e)
            i = max(j, i + 1)
            continue
        i += 1
    return out


def _spelled_digits(chars: _Chars, hint: str) -> _Chars:
    """"4one2" -> "412": a token mixing digits and spelled digits is a number."""
    if not _LETTER_DIGIT.search(hint) or not _SPELLED_NEXT_TO_DIGIT.search(hint):
        return chars
    text = "".join(c for c, _, _ in chars)
    out: _Chars = []
    last = 0
    for m in _MIXED_NUMBER.finditer(text):
        tok = m.group()
        if tok.isdigit() or not any(ch.isalpha() for ch in tok):
            continue
        out.extend(chars[last:m.start()])
        k = m.start()
        while k < m.end():
            if text[k].isdigit():
                out.append(chars[k])
                k += 1
                continue
            word = next(w for w in sorted(_DIGIT_WORDS, key=len, reverse=True)
                        if text[k:k + len(w)].lower() == w)
            out.append((_DIGIT_WORDS[word], chars[k][1], chars[k + len(word) - 1][2]))
            k += len(word)
        last = m.end()
    out.extend(chars[last:])
    return out


def _one_pass(text: str) -> tuple[str, list[int], list[int]] | None:
    if not _needs_work(text):
        return None
    chars = _chars_pass(text)
    chars = _drop_symbols_in_words(chars)
    chars = _soften_breaks(chars)
    chars = _join_spaced(chars)
    chars = _undo_leet(chars, text)
    chars = _spelled_digits(chars, text)
    out = "".join(c for c, _, _ in chars)
    if out == text:
        return None
    return out, [s for _, s, _ in chars], [e for _, _, e in chars]


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def normalize(text: str) -> NormalizedText:
    """Normalise `text` to a fixed point, keeping the map back to the original."""
    first = _one_pass(text)
    if first is None:
        return NormalizedText(original=text, text=text, lower=_lower(text))
    cur, starts, ends = first
    for _ in range(3):  # usually one pass suffices; iterate to the fixed point
        again = _one_pass(cur)
        if again is None:
            break
        nxt, s2, e2 = again
        starts = [starts[s] if s < len(starts) else (ends[-1] if ends else 0) for s in s2]
        ends = [ends[e - 1] if e - 1 < len(ends) and e > 0 else (ends[-1] if ends else 0) for e in e2]
        cur = nxt
    return NormalizedText(original=text, text=cur, lower=_lower(cur),
                          starts=tuple(starts), ends=tuple(ends))
