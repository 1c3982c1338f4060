"""Learn undisclosed promotion of the organization from hospital posts: logistic regression
over word 1-2 grams, for posts that name the organization from a personal account that has
not disclosed the affiliation.

    .venv/bin/python train/endorsement_learned.py      # needs the `train` extra (scikit-learn)

Why: the praise lexicon knows "the best", "nowhere else", "hands down"; writers who never saw
it promote the organization in words it does not hold ("nobody in this city reads path slides
like the folks at Sloan", "point them to the MSKCC summer program, real mentors"). In blind
rounds 34-36, scored before any fix, undisclosed-endorsement reached F1 0.60 / 1.00 / 0.50.
Within the rule's own gate (clearpost.detectors.endorsement.promotion_candidate: a personal,
undisclosed account naming the organization) the wording separates promotion from mere
mention well, and a word model costs one feature pass (~40 µs) on the few posts that reach it.

Rows: the posts of tests/fixtures/conduct_corpus.jsonl that pass the gate (positive: the
contract's undisclosed-endorsement label), and train/data/org_mentions.jsonl (synthetic
posts that promote the organization or merely mention it, written for this model; the gate
applies to them too). The threshold is chosen on out-of-fold scores (each blind round left
out whole, the other rows in ten folds): the lowest that flags at most MAX_FALSE of the
gated posts without the label, never below MIN_THRESHOLD. Deterministic (liblinear with no
random draws, train/conduct.py's fit_words; fixed folds).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import conduct_data as data
from conduct import featurise, fit_words, oof_words, write_linear_model
from conduct_learned import ROUNDS, _round

CORPUS = data.ROOT / "tests" / "fixtures" / "conduct_corpus.jsonl"
EXTRA = data.ROOT / "train" / "data" / "org_mentions.jsonl"
OUT = data.ROOT / "src" / "clearpost" / "models"
NAME = "promotion"
RULE = "undisclosed-endorsement"
C = 8.0  # the best out-of-fold recall at MAX_FALSE among 0.5-16
MAX_FALSE = 0.02
MIN_THRESHOLD = 0.60
THRESHOLDS = [round(t, 2) for t in np.arange(0.5, 0.96, 0.05)]


@dataclass
class Trained:
    vocab: list[str]
    weights: np.ndarray
    bias: float
    threshold: float
    n_corpus: int
    n_extra: int
    positives: int
    oof_recall: float
    oof_false: float
    round_recall: float
    round_false: float
    rule_recall: float
    either_recall: float


def _gated_rows() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    from clearpost.detectors.base import PostView
    from clearpost.detectors.endorsement import promotion_candidate
    from clearpost.model import Post
    from clearpost.policy.loader import default_policy

    policy = default_policy()
    fields = ("text", "author", "account", "venue")

    def gated(row: dict[str, object]) -> bool:
        post = Post.model_validate({k: v for k, v in row.items() if k in fields})
        return promotion_candidate(PostView(post, policy))

    corpus = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    extra = [json.loads(line) for line in EXTRA.open(encoding="utf-8")]
    return [r for r in corpus if gated(r)], [r for r in extra if gated(r)]


def _rule_fires(rows: list[dict[str, object]]) -> np.ndarray:
    """The lexicon rule alone (the model switched off), for the comparison in RECIPE.md."""
    from clearpost.detectors import endorsement
    from clearpost.engine import check

    saved, endorsement.PROMOTION_MODEL = endorsement.PROMOTION_MODEL, "absent-model"
    try:
        return np.array([any(f.rule == RULE for f in check(
            {k: v for k, v in r.items() if k in ("text", "author", "account", "venue")},
            rules={RULE}).findings) for r in rows])
    finally:
        endorsement.PROMOTION_MODEL = saved


def train() -> Trained:
    corpus, extra = _gated_rows()
    rows = corpus + extra
    texts = [str(r["text"]) for r in rows]
    y = np.array([RULE in r.get("expect", []) for r in corpus]  # type: ignore[operator]
                 + [bool(r["promotes"]) for r in extra])
    rounds = np.array([_round(str(r["id"])) for r in corpus] + [0] * len(extra))
    folds = np.where(rounds > 0, rounds, 1000 + np.arange(len(rows)) % 10)
    feats = featurise(texts, False)
    oof = oof_words(feats, y, folds, C)
    neg = ~y
    threshold = next((t for t in THRESHOLDS if t >= MIN_THRESHOLD
                      and (oof[neg] >= t).mean() <= MAX_FALSE), THRESHOLDS[-1])
    final = fit_words(feats, y, np.ones(len(rows), dtype=bool), C)
    clf, vocab = final.clf, final.vocab
    in_round = rounds > 0
    rule = _rule_fires(corpus)
    model = oof[:len(corpus)] >= threshold
    yc, rc = y[:len(corpus)], in_round[:len(corpus)]
    return Trained(
        vocab=vocab, weights=clf.coef_[0].astype(np.float32), bias=float(clf.intercept_[0]),
        threshold=threshold, n_corpus=len(corpus), n_extra=len(extra), positives=int(y.sum()),
        oof_recall=round(float((oof[y] >= threshold).mean()), 3),
        oof_false=round(float((oof[neg] >= threshold).mean()), 3),
        round_recall=round(float(model[yc & rc].mean()), 3),
        round_false=round(float(model[~yc & rc].mean()), 3),
        rule_recall=round(float(rule[yc & rc].mean()), 3),
        either_recall=round(float((rule | model)[yc & rc].mean()), 3))


def export(m: Trained, out: Path = OUT) -> Path:
    return write_linear_model(out, NAME, m.vocab, m.weights, m.bias, m.threshold)


def recipe(m: Trained) -> list[str]:
    return [
        "", f"## Undisclosed promotion, learned ({NAME}.npz)", "",
        "Written by train/endorsement_learned.py: logistic regression (liblinear, "
        f"C={C}, balanced classes) over word 1-2 grams seen twice or more (each row scaled by "
        "1/sqrt(#features)), for posts that pass the rule's gate "
        "(clearpost.detectors.endorsement.promotion_candidate: a personal account, no "
        "disclosure in the text or profile, the organization named). Rows: the "
        f"{m.n_corpus} gated posts of tests/fixtures/conduct_corpus.jsonl (positive: the "
        f"{RULE} label) and {m.n_extra} gated posts of train/data/org_mentions.jsonl "
        f"(synthetic; promotes or merely mentions); {m.positives} positives. Threshold "
        f"{m.threshold}: the lowest (not below {MIN_THRESHOLD}) that flags at most "
        f"{MAX_FALSE:.0%} of the gated posts without the label, out of fold (each blind round "
        f"{min(ROUNDS)}-{max(ROUNDS)} left out whole, the other rows in ten folds).", "",
        "| out of fold | recall | false alarms among gated posts without the label |",
        "|---|---|---|",
        f"| all rows | {m.oof_recall} | {m.oof_false} |",
        f"| the blind rounds' gated posts, model alone | {m.round_recall} | {m.round_false} |",
        "",
        f"On the blind rounds' gated posts the lexicon rule alone has recall {m.rule_recall} "
        "(in sample: the rounds were fixed against), and the rule or the model "
        f"{m.either_recall}.", "",
        f"Data: tests/fixtures/conduct_corpus.jsonl sha256 {data.sha256(CORPUS)}; "
        f"train/data/org_mentions.jsonl sha256 {data.sha256(EXTRA)}."]


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-export", action="store_true")
    args = ap.parse_args(argv)
    m = train()
    if not args.no_export:
        print(export(m, args.out))
    print("\n".join(recipe(m)))


if __name__ == "__main__":
    main()
