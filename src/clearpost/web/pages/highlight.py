"""Evidence highlighted in place: split a post's text into plain and marked segments."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from clearpost.model import LEVEL_RANK, Result


@dataclass
class Segment:
    text: str
    #: Rule ids whose evidence covers this stretch ("" none); the highest level wins the colour.
    rules: list[str] = field(default_factory=list)
    level: str = ""
    kinds: list[str] = field(default_factory=list)


def segments(text: str, result: Result) -> list[Segment]:
    """Cut `text` at every evidence boundary; each piece knows which findings cover it."""
    spans: list[tuple[int, int, str, str, str]] = []
    for finding in result.findings:
        for ev in finding.evidence:
            if ev.source or ev.start is None or ev.end is None:
                continue
            start, end = max(0, ev.start), min(len(text), ev.end)
            if end > start:
                spans.append((start, end, finding.rule, finding.level, ev.kind))
    if not spans:
        return [Segment(text)] if text else []
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        covering = [s for s in spans if s[0] <= a and s[1] >= b]
        seg = Segment(text[a:b])
        if covering:
            seg.rules = sorted({s[2] for s in covering})
            seg.level = max((s[3] for s in covering), key=LEVEL_RANK.__getitem__)
            seg.kinds = sorted({s[4] for s in covering})
        if out and out[-1].rules == seg.rules and out[-1].level == seg.level:
            out[-1].text += seg.text
            out[-1].kinds = sorted({*out[-1].kinds, *seg.kinds})
        else:
            out.append(seg)
    return out
