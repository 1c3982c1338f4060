"""Precision and recall of the conduct rules on tests/fixtures/conduct_corpus.jsonl.

The corpus is synthetic, hospital-style and labelled per the contract (section 4): 1,412
posts (602, then 3 insults in new wording and 3 kind near misses for the MiniLM stage, then
the 20 of blind round 16, the 22 of round 17 and the 16 of round 18, then blind rounds 19-31
(48, 48, 50, 60, 60, 60, 60, 60, 60, 60, 60, 60 and 60 posts) by writers who had never seen the code), with near misses for every
rule. The thresholds leave room for the rules to change, while catching a real regression.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clearpost.evaluate import evaluate

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "conduct_corpus.jsonl"
RULES = ("harassment", "professionalism", "medical-advice", "undisclosed-endorsement",
         "name-logo-endorsement", "confidential", "not-yet-public", "copyright")


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate(CORPUS)


def test_corpus_is_big_enough(report) -> None:  # type: ignore[no-untyped-def]
    assert report.posts >= 200
    assert all(report.rules[r].support >= 8 for r in RULES)


@pytest.mark.parametrize("rule", RULES)
def test_rule_precision_and_recall(report, rule: str) -> None:  # type: ignore[no-untyped-def]
    s = report.rules[rule]
    assert s.precision >= 0.9, (rule, s)
    assert s.recall >= 0.9, (rule, s)


def test_clean_posts_rarely_flagged(report) -> None:  # type: ignore[no-untyped-def]
    assert report.clean_false_alarm_rate <= 0.05
