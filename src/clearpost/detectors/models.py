"""The small learned models: linear n-gram classifiers trained by train/conduct.py.

Each model is one ``<name>.npz`` under ``clearpost/models/``: a newline-joined vocabulary of
feature strings (clearpost.text.features), their float32 weights, a bias and a threshold.
Scoring is a dictionary look-up per feature and a sigmoid, in pure Python: no scikit-learn at
run time, ~20-60 µs per post. Models load lazily, once per process, on first use.

The contextual stage (``offensive_ft.npz``, a fine-tuned sentence encoder; optional `conduct-ml`
extra) is at the end.

Models (recipe, data hashes and scores: src/clearpost/models/RECIPE.md):
  offensive  offensive vs not (OLID level A + Davidson + own hospital posts)
  targeted   targeted insult or threat vs untargeted profanity (OLID level B)
  hate       hate against a group for who they are (HatEval + ETHOS + own posts)
  advice     a sentence that gives advice (Reddit advice corpus, EMNLP 2020)
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np

from clearpost.text.features import ngram_features

if TYPE_CHECKING:  # numpy-only module, imported lazily at run time (optional extra)
    from clearpost.text.encoder import Adapter, Encoder

MODEL_NAMES = ("offensive", "targeted", "hate", "advice")


@dataclass(frozen=True)
class LinearModel:
    name: str
    #: feature -> weight; scoring intersects its keys with the post's features (one C call)
    weight_of: dict[str, float] = field(repr=False, compare=False)
    bias: float
    threshold: float
    chars: bool

    def score(self, text: str, feats: Collection[str] | None = None) -> float:
        """Probability-like score in [0, 1] that the text belongs to the positive class."""
        distinct = frozenset(ngram_features(text, chars=self.chars) if feats is None else feats)
        w = self.weight_of
        hits = w.keys() & distinct
        # Scaled by 1/sqrt(#distinct features), as in training (train/conduct.py's matrix).
        z = self.bias + (sum(map(w.__getitem__, hits)) / math.sqrt(len(distinct)) if distinct else 0.0)
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
    return LinearModel(name=name, weight_of=dict(zip(vocab, weights, strict=True)),
                       bias=meta[0], threshold=meta[1], chars=bool(meta[2]))


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
    feats = frozenset(ngram_features(text, chars=off.chars))
    return ConductScores(offensive=off.score(text, feats), targeted=tgt.score(text, feats),
                         hate=hate.score(text, feats))


# --- The contextual stage of the cascade (optional `conduct-ml` extra) -------------------------
#
# ``offensive_ft.npz`` (train/conduct_finetune.py) is a sentence encoder fine-tuned on OLID with
# low-rank adapters: the float16 factors of every adapted matrix, the layer norms and a logistic
# head over the mean-pooled last layer, and the name of the base model whose pinned package
# holds the base weights. clearpost.text.encoder merges the adapter into them and runs the numpy
# forward pass. It runs only when the linear score falls in the uncertain band
# [band_lo, band_hi); outside the band, or without the extra, the linear model decides alone.

CONTEXT_NAME = "offensive_ft"


@dataclass(frozen=True)
class ContextModel:
    base: str  # a key of clearpost.text.encoder.BASES
    adapter: Adapter = field(repr=False)  # see clearpost.text.encoder.prepare_adapter
    head_w: np.ndarray = field(repr=False)  # (members, hidden) float32
    head_b: np.ndarray = field(repr=False)  # (members,)
    threshold: float
    band_lo: float
    band_hi: float

    def in_band(self, linear_score: float) -> bool:
        return self.band_lo <= linear_score < self.band_hi

    def score(self, pooled: np.ndarray) -> float:
        """The members' mean probability, from each member's pooled states (members, hidden)."""
        z = np.clip((pooled * self.head_w).sum(-1) + self.head_b, -30.0, 30.0)
        return float(np.mean(1.0 / (1.0 + np.exp(-z))))


def load_context_model(path: Path) -> ContextModel:
    from clearpost.text.encoder import prepare_adapter

    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = arrays.pop("meta").astype(np.float64).tolist()
    base = str(arrays.pop("base"))
    arrays.pop("probe", None)  # training-time check values (tests/detectors/test_models.py)
    # A single fine-tune stores (hidden,) and (1,); an ensemble (members, hidden) and (members,).
    head_w = np.atleast_2d(arrays.pop("head.w").astype(np.float32))
    head_b = arrays.pop("head.b").astype(np.float32).reshape(-1)
    return ContextModel(base=base, adapter=prepare_adapter(arrays), head_w=head_w,
                        head_b=head_b, threshold=meta[0], band_lo=meta[1], band_hi=meta[2])


_ENCODERS: dict[str, Encoder | None] = {}
_ENCODER_MODELS: dict[str, object] = {}
M = TypeVar("M", bound="_OnBase")


class _OnBase(Protocol):
    @property
    def base(self) -> str: ...


def _encoder_model(name: str, load: Callable[[Path], M]) -> M | None:
    """An encoder model's artifact, loaded once per process; None when the artifact or its
    base model's packages (the `conduct-ml` extra) are missing. The encoder itself loads only
    when a post reaches the model."""
    if name not in _ENCODER_MODELS:
        with _LOCK:
            if name not in _ENCODER_MODELS:
                from clearpost.text.encoder import BASES, base_installed

                path = models_dir() / f"{name}.npz"
                model = load(path) if path.is_file() else None
                ok = model is not None and base_installed(BASES[model.base])
                _ENCODER_MODELS[name] = model if ok else None
    return _ENCODER_MODELS[name]  # type: ignore[return-value]


def context_model() -> ContextModel | None:
    """The fine-tuned model's adapter and head (offensive_ft.npz), or None."""
    return _encoder_model(CONTEXT_NAME, load_context_model)


def base_encoder(base: str) -> Encoder | None:
    """A base encoder, loaded once per process (a few seconds: the weights are read from their
    package) and shared by every model built on it; fine-tuned ones add their adapter."""
    if base not in _ENCODERS:
        with _LOCK:
            if base not in _ENCODERS:
                from clearpost.text.encoder import BASES, load_encoder

                _ENCODERS[base] = load_encoder(BASES[base])
    return _ENCODERS[base]


def context_offensive(text: str, linear_score: float, *, band: bool = True) -> float | None:
    """The fine-tuned model's offensive probability for a text whose linear score is in the
    uncertain band (``band=False``: at or above its lower end); None otherwise or without the
    `conduct-ml` extra (the linear model decides)."""
    model = context_model()
    if model is None or linear_score < model.band_lo or (band and not model.in_band(linear_score)):
        return None
    enc = base_encoder(model.base)
    if enc is None:
        return None
    return model.score(enc.pooled([text], adapter=model.adapter)[:, 0])


def warm_up() -> bool:
    """Load the encoder models and their base weights now (a few seconds, once per process)
    instead of on the first post that reaches them. True when an encoder is ready."""
    ready = False
    for model in (context_model(), learned_model()):
        if model is not None and base_encoder(model.base) is not None:
            ready = True
    return ready


# --- Hospital conduct, learned (conduct_learned.npz; optional `conduct-ml` extra) ------------
#
# train/conduct_learned.py: one logistic regression per rule over the base encoder's sentence
# embedding, trained on labelled hospital posts. clearpost.detectors.conduct asks for it only
# for posts that its rules left clean and that name a target and carry a hostile cue.

LEARNED_NAME = "conduct_learned"


@dataclass(frozen=True)
class LearnedConduct:
    base: str
    weights: dict[str, np.ndarray] = field(repr=False)  # rule -> (hidden,) float32
    bias: dict[str, float] = field(default_factory=dict)
    threshold: dict[str, float] = field(default_factory=dict)

    def scores(self, embedding: np.ndarray) -> dict[str, float]:
        out = {}
        for rule, w in self.weights.items():
            z = float(embedding @ w) + self.bias[rule]
            out[rule] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        return out


def load_learned(path: Path) -> LearnedConduct:
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    rules = sorted({k.split(".")[0] for k in arrays if k.endswith(".w")})
    meta = {r: arrays[f"{r}.meta"].astype(np.float64).tolist() for r in rules}
    return LearnedConduct(base=str(arrays["base"]),
                          weights={r: arrays[f"{r}.w"].astype(np.float32) for r in rules},
                          bias={r: meta[r][0] for r in rules},
                          threshold={r: meta[r][1] for r in rules})


def learned_model() -> LearnedConduct | None:
    """The learned hospital-conduct model (conduct_learned.npz), or None."""
    return _encoder_model(LEARNED_NAME, load_learned)


SCREEN_NAME = "conduct_screen"


def screen_model() -> LearnedConduct | None:
    """The screen before the learned model (conduct_screen.npz, all-MiniLM-L6-v2), or None."""
    return _encoder_model(SCREEN_NAME, load_learned)


def screened_in(text: str) -> bool:
    """Whether a post the word gate passed is worth the learned model's call: the small
    encoder's screen says so, or there is no screen (then the model decides alone)."""
    model = screen_model()
    enc = base_encoder(model.base) if model is not None else None
    if model is None or enc is None:
        return True
    return all(p >= model.threshold[rule]
               for rule, p in model.scores(enc.embed([text])[0]).items())


def learned_conduct(text: str) -> dict[str, bool] | None:
    """Per rule, whether the learned model calls the text harassing or unprofessional; None
    without the `conduct-ml` extra."""
    model = learned_model()
    if model is None:
        return None
    enc = base_encoder(model.base)
    if enc is None:
        return None
    scores = model.scores(enc.embed([text])[0])
    return {rule: p >= model.threshold[rule] for rule, p in scores.items()}
