"""Blocking recall on evasive variants stays within 5 points of the plain originals."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))


def test_fixture_has_at_least_200_variants() -> None:
    rows = [json.loads(x) for x in (ROOT / "tests/fixtures/adversarial.jsonl").read_text().splitlines()]
    assert sum(r["variant_of"] is not None for r in rows) >= 200


def test_variant_recall_within_five_points() -> None:
    from adversarial import score

    s = score()
    assert s["original_recall"] >= 0.95
    assert s["variant_recall"] >= s["original_recall"] - 0.05, s["misses"]
