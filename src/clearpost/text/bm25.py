"""BM25 over the organization's published material (pure Python, no dependencies).

Used by not-yet-public: a claim about the organization that matches a published post or
press release is already public. bench/conduct_corpus.py measured this against MiniLM
sentence embeddings on a labelled matching set (docs/conduct.md); BM25 matched as well or
better, at a fraction of the cost, so it is what runs.

A match needs both: the best BM25 document for the claim, and enough of the claim's
informative words (idf-weighted) found in that document (`coverage`), so that a long claim
sharing one rare word with a release does not count as published.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "im", "ive", "were", "weve", "its", "dont", "cant", "wont", "new", "news", "today", "big", "soon", "next", "year", "week", "month", "cancer", "center"])


def terms(text: str, extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """Lower-case content words, crudely stemmed (plural and -ing/-ed endings).

    `extra_stop`: words to ignore as well, such as the organization's own names (every
    release names the organization, so they carry no evidence of a match).
    """
    out = []
    for w in _WORD.findall(text.lower()):
        if w in _STOP or w in extra_stop or len(w) < 2:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if len(w) > len(suffix) + 3 and w.endswith(suffix):
                w = w[: -len(suffix)]
                break
        out.append(w)
    return out


@dataclass(frozen=True)
class CorpusMatch:
    source: str
    score: float
    coverage: float


class BM25Index:
    """Okapi BM25 (k1=1.5, b=0.75) over (source, text) documents."""

    def __init__(self, docs: Iterable[tuple[str, str]], k1: float = 1.5, b: float = 0.75,
                 extra_stop: frozenset[str] = frozenset()) -> None:
        self.extra_stop = extra_stop
        self.sources: list[str] = []
        self.tfs: list[Counter[str]] = []
        self.lengths: list[int] = []
        for source, text in docs:
            toks = terms(text, extra_stop)
            self.sources.append(source)
            self.tfs.append(Counter(toks))
            self.lengths.append(len(toks))
        n = len(self.tfs)
        df: Counter[str] = Counter(t for tf in self.tfs for t in tf)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.default_idf = math.log(1 + (n + 0.5) / 0.5) if n else 1.0
        self.avg_len = sum(self.lengths) / n if n else 0.0
        self.k1, self.b = k1, b

    def __len__(self) -> int:
        return len(self.sources)

    def scores(self, query: str) -> list[float]:
        q = set(terms(query, self.extra_stop))
        out = []
        for tf, length in zip(self.tfs, self.lengths, strict=True):
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * length / (self.avg_len or 1))
            for t in q:
                f = tf.get(t)
                if f:
                    s += self.idf[t] * f * (self.k1 + 1) / (f + norm)
            out.append(s)
        return out

    def best(self, query: str) -> CorpusMatch | None:
        if not self.sources:
            return None
        scores = self.scores(query)
        i = max(range(len(scores)), key=scores.__getitem__)
        if scores[i] <= 0:
            return None
        q = set(terms(query, self.extra_stop))
        weight = {t: self.idf.get(t, self.default_idf) for t in q}
        total = sum(weight.values())
        covered = sum(w for t, w in weight.items() if t in self.tfs[i])
        return CorpusMatch(self.sources[i], scores[i], covered / total if total else 0.0)

    def match(self, query: str, min_coverage: float) -> CorpusMatch | None:
        found = self.best(query)
        return found if found is not None and found.coverage >= min_coverage else None
