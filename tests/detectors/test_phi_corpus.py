"""The phi rule on its own labelled corpus (tests/fixtures/phi_corpus.jsonl, 300+ posts made by
tests/fixtures/make_phi_corpus.py) and on the shared examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearpost.engine import check

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "phi_corpus.jsonl"


def _score(rows: list[dict]) -> tuple[float, float, int]:
    tp = fp = fn = clean_alarms = 0
    for row in rows:
        body = {k: v for k, v in row.items() if k not in ("expect", "note")}
        fired = any(f.rule == "phi" for f in check(body, rules=["phi"]).findings)
        want = "phi" in row["expect"]
        tp += fired and want
        fp += fired and not want
        fn += want and not fired
        clean_alarms += fired and not row["expect"]
    return tp / (tp + fp), tp / (tp + fn), clean_alarms


def test_corpus_is_large_and_balanced() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text().splitlines()]
    assert len(rows) >= 300
    positives = sum("phi" in r["expect"] for r in rows)
    assert 0.3 < positives / len(rows) < 0.7
    assert len({r["id"] for r in rows}) == len(rows)


def test_corpus_precision_and_recall() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text().splitlines()]
    precision, recall, _ = _score(rows)
    assert precision >= 0.95, precision
    assert recall >= 0.95, recall


def test_shared_examples(shared_dir: Path) -> None:
    rows = [json.loads(line) for line in (shared_dir / "examples" / "posts.jsonl").read_text().splitlines()
            if line.strip()]
    precision, recall, clean_alarms = _score(rows)
    assert precision >= 0.90 and recall >= 0.95, (precision, recall)
    assert clean_alarms == 0


@pytest.mark.parametrize("path", [CORPUS])
def test_corpus_is_synthetic_and_does_not_copy_examples(path: Path, shared_dir: Path) -> None:
    examples = {json.loads(line)["text"] for line in
                (shared_dir / "examples" / "posts.jsonl").read_text().splitlines() if line.strip()}
    texts = {json.loads(line)["text"] for line in path.read_text().splitlines()}
    assert not texts & examples
