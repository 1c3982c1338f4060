"""Span-level data for bench/phi.py: presidio_synth and the PhysioNet nursing notes.

Scoring is by overlap, as de-identification studies usually do: a gold span counts as found
when any predicted span overlaps it; a predicted span counts as correct when it overlaps any
gold span (of any category the dataset labels, scored or not).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
PRESIDIO_SCORED = {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN", "STREET_ADDRESS",
                   "DATE_TIME", "AGE"}
# "patient names, dates, locations, phones, ages": relatives' names identify the patient too.
NOTES_SCORED = {"PTName", "PTNameInitial", "RelativeProxyName", "Date", "DateYear", "Location",
                "Phone", "Age"}


@dataclass(frozen=True)
class Doc:
    text: str
    gold: list[tuple[int, int, str]]  # (start, end, category), every labelled category


def presidio_docs(root: Path = SHARED) -> list[Doc]:
    data = json.loads((root / "presidio_synth" / "synth_dataset_v2.json").read_text())
    return [Doc(r["full_text"], [(s["start_position"], s["end_position"], s["entity_type"])
                                 for s in r["spans"]]) for r in data]


def notes_docs(root: Path = SHARED) -> list[Doc]:
    base = root / "physionet_deid_nursing_notes"
    raw = (base / "id.text").read_text(encoding="utf-8", errors="replace")
    notes = {(int(p), int(n)): t[1:] for p, n, t in re.findall(
        r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|(.*?)\|\|\|\|END_OF_RECORD", raw, re.S)}
    gold: dict[tuple[int, int], list[tuple[int, int, str]]] = {k: [] for k in notes}
    for line in (base / "id-phi.phrase").read_text().splitlines():
        p, n, s, e, cat = line.split()[:5]
        gold[(int(p), int(n))].append((int(s), int(e), cat))
    return [Doc(notes[k], gold[k]) for k in sorted(notes)]


@dataclass
class SpanScore:
    found: int = 0
    gold: int = 0
    correct: int = 0
    predicted: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0


def score(docs: Iterable[Doc], predict: Callable[[str], list[tuple[int, int]]],
          scored: set[str]) -> tuple[SpanScore, dict[str, SpanScore]]:
    total = SpanScore()
    per: dict[str, SpanScore] = {}
    for doc in docs:
        pred = predict(doc.text)
        for s, e, cat in doc.gold:
            if cat not in scored:
                continue
            hit = any(ps < e and s < pe for ps, pe in pred)
            total.gold += 1
            total.found += hit
            c = per.setdefault(cat, SpanScore())
            c.gold += 1
            c.found += hit
        for ps, pe in pred:
            total.predicted += 1
            total.correct += any(ps < e and s < pe for s, e, _ in doc.gold)
    return total, per
