"""The committed model artifacts: they load without scikit-learn and score sensibly."""

from __future__ import annotations

import pytest

from clearpost.detectors.models import MODEL_NAMES, get_model, models_dir
from tests.detectors.helpers import run_python


def test_artifacts_are_small_and_documented() -> None:
    files = [models_dir() / f"{n}.npz" for n in MODEL_NAMES]
    assert all(f.is_file() for f in files)
    assert sum(f.stat().st_size for f in files) < 20_000_000
    recipe = (models_dir() / "RECIPE.md").read_text(encoding="utf-8")
    assert "sha256" in recipe and "Held-out scores" in recipe


@pytest.mark.parametrize(("name", "positive", "negative"), [
    ("offensive", "@USER you are a fucking idiot", "Had a lovely walk in the park with my mom"),
    ("hate", "immigrants are criminals and should all be deported",
     "Our interpreters help immigrant families every day"),
    ("targeted", "@USER you are a pathetic loser and everyone hates you", "shit shit shit I missed the bus"),
    ("advice", "you should definitely ask for a second opinion before surgery",
     "I went to the store and bought some apples today"),
])
def test_models_score_known_inputs(name: str, positive: str, negative: str) -> None:
    model = get_model(name)
    assert model is not None
    assert 0.0 <= model.score(negative) < model.score(positive) <= 1.0
    if name != "targeted":  # targeted is a weak tie-breaker (RECIPE.md); only its order counts
        assert model.positive(positive)
        assert not model.positive(negative)


def test_scoring_does_not_import_scikit_learn() -> None:
    code = ("import sys; from clearpost.detectors.models import conduct_scores; "
            "s = conduct_scores('you are an idiot'); assert s is not None; "
            "assert 'sklearn' not in sys.modules and 'scipy' not in sys.modules; print('ok')")
    run_python(code)


def test_checking_a_plain_post_loads_no_model_but_the_word_gate() -> None:
    """The word gate in front of the learned conduct model (66 kB, conduct-ml extra only)
    scores every post without a cue word; nothing else loads, and no encoder."""
    code = ("import sys; from clearpost.engine import check; "
            "r = check('hello, lovely day'); assert r.verdict == 'pass'; "
            "import clearpost.detectors.models as m; "
            "assert set(m._CACHE) <= {'conduct_gate'}, m._CACHE.keys(); "
            "assert not any(m._ENCODERS.values()), m._ENCODERS.keys(); print('ok')")
    run_python(code)


# --- the contextual stage (offensive_ft.npz + the `conduct-ml` extra) --------------------------

from clearpost.detectors.models import CONTEXT_NAME, context_model, context_offensive  # noqa: E402
from clearpost.text.encoder import MINILM  # noqa: E402

needs_ml = pytest.mark.skipif(context_model() is None,
                              reason="the conduct-ml extra is not installed")
#: A post whose linear `offensive` score falls in the model's uncertain band.
IN_BAND = "@USER She should ask a few native Americans what their take on this is."
#: train/conduct_finetune.py's PROBE_TEXTS, whose torch probabilities the artifact stores.
PROBE_TEXTS = ("@USER you are a pathetic liar and everyone knows it",
               "Had a lovely walk in the park with my mom",
               "@USER She should ask a few native Americans what their take on this is.",
               "this weather is so damn annoying lol")


def test_encoder_artifacts_are_small_and_documented() -> None:
    from clearpost.detectors.models import LEARNED_NAME

    path = models_dir() / f"{CONTEXT_NAME}.npz"
    assert path.is_file() and path.stat().st_size < 8_000_000  # adapters, never base weights
    assert (models_dir() / f"{LEARNED_NAME}.npz").stat().st_size < 100_000
    total = sum(f.stat().st_size for f in models_dir().glob("*.npz"))
    assert total < 20_000_000
    recipe = (models_dir() / "RECIPE.md").read_text(encoding="utf-8")
    assert f"{CONTEXT_NAME}.npz" in recipe and "model.safetensors" in recipe
    assert f"{LEARNED_NAME}.npz" in recipe and "left-out rounds" in recipe


@needs_ml
def test_numpy_forward_pass_gives_the_trained_models_probabilities() -> None:
    """What torch computed at training time (stored in the artifact) is what clearpost's numpy
    forward pass, with the adapter merged into the package's base weights, computes now."""
    import numpy as np

    from clearpost.detectors.models import base_encoder

    model = context_model()
    assert model is not None
    with np.load(models_dir() / f"{CONTEXT_NAME}.npz", allow_pickle=False) as data:
        expected = data["probe"]
    enc = base_encoder(model.base)
    assert enc is not None
    pooled = enc.pooled(list(PROBE_TEXTS), adapter=model.adapter)  # (members, texts, hidden)
    got = [model.score(pooled[:, i]) for i in range(len(PROBE_TEXTS))]
    assert np.allclose(got, expected, atol=1e-5), (got, expected)
    assert got[0] > model.threshold > got[1]  # an insult, a walk in the park


def test_adapter_is_the_merged_low_rank_update() -> None:
    """Running an adapter beside the base weights is the same function as merging it in
    (``W + B @ A``, norms replaced): checked on a tiny random BERT."""
    import numpy as np

    from clearpost.text.encoder import Encoder, prepare_adapter

    rng = np.random.default_rng(0)
    h, inner, rank = 8, 16, 2
    cfg = {"num_attention_heads": 2, "hidden_size": h, "layer_norm_eps": 1e-12,
           "num_hidden_layers": 1}
    shapes = {"attention.self.query": (h, h), "attention.self.key": (h, h),
              "attention.self.value": (h, h), "attention.output.dense": (h, h),
              "intermediate.dense": (inner, h), "output.dense": (h, inner)}
    w = {"embeddings.word_embeddings.weight": rng.standard_normal((50, h)),
         "embeddings.position_embeddings.weight": rng.standard_normal((16, h)),
         "embeddings.token_type_embeddings.weight": rng.standard_normal((2, h)),
         "embeddings.LayerNorm.weight": np.ones(h), "embeddings.LayerNorm.bias": np.zeros(h),
         "encoder.layer.0.attention.output.LayerNorm.weight": np.ones(h),
         "encoder.layer.0.attention.output.LayerNorm.bias": np.zeros(h),
         "encoder.layer.0.output.LayerNorm.weight": np.ones(h),
         "encoder.layer.0.output.LayerNorm.bias": np.zeros(h)}
    for name, shape in shapes.items():
        w[f"encoder.layer.0.{name}.weight"] = rng.standard_normal(shape) * 0.3
        w[f"encoder.layer.0.{name}.bias"] = rng.standard_normal(shape[0]) * 0.1
    short = dict(zip(("query", "key", "value", "attn_out", "ffn_in", "ffn_out"), shapes,
                     strict=True))
    arrays = {}
    merged = dict(w)
    for m, name in short.items():
        out_f, in_f = shapes[name]
        a, b = rng.standard_normal((rank, in_f)), rng.standard_normal((out_f, rank)) * 0.2
        arrays[f"l0.{m}.a"], arrays[f"l0.{m}.b"] = a, b
        merged[f"encoder.layer.0.{name}.weight"] = w[f"encoder.layer.0.{name}.weight"] + b @ a
    for ln, name in (("ln1", "attention.output.LayerNorm"), ("ln2", "output.LayerNorm")):
        arrays[f"l0.{ln}.w"], arrays[f"l0.{ln}.b"] = rng.uniform(0.5, 1.5, h), rng.normal(0, .1, h)
        merged[f"encoder.layer.0.{name}.weight"] = arrays[f"l0.{ln}.w"]
        merged[f"encoder.layer.0.{name}.bias"] = arrays[f"l0.{ln}.b"]

    class Tok:  # word pieces are given directly
        def no_padding(self) -> None: ...
        def enable_truncation(self, max_length: int) -> None: ...

    ids = np.array([[1, 5, 9, 2], [3, 4, 0, 0]])
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=np.float32)
    base = Encoder(w, Tok(), cfg, MINILM)
    beside = base._forward(ids, mask, prepare_adapter(arrays))
    into = Encoder(merged, Tok(), cfg, MINILM)._forward(ids, mask)
    assert beside.shape == (1, *into.shape)  # one member
    assert np.allclose(beside[0], into, atol=1e-5)
    assert not np.allclose(beside[0], base._forward(ids, mask), atol=1e-2)  # the adapter matters
    # An ensemble: two members stacked run in one pass, each as it would alone.
    other = {k: (v * 0.5 if k.endswith((".a", ".b")) else v[::-1]) for k, v in arrays.items()}
    stacked = {k: np.stack([arrays[k], other[k]]) for k in arrays}
    both = base._forward(ids, mask, prepare_adapter(stacked))
    assert both.shape == (2, *into.shape)
    assert np.allclose(both[0], beside[0], atol=1e-5)
    assert np.allclose(both[1], base._forward(ids, mask, prepare_adapter(other))[0], atol=1e-5)
    assert not np.allclose(both[0], both[1], atol=1e-2)


@needs_ml
def test_cascade_uses_the_head_only_in_the_band() -> None:
    from clearpost.detectors.base import PostView
    from clearpost.detectors.conduct import offensive
    from clearpost.model import Post
    from clearpost.policy.loader import default_policy

    head, linear = context_model(), get_model("offensive")
    assert head is not None and linear is not None
    assert 0.0 <= head.band_lo <= linear.threshold < head.band_hi
    score = linear.score(IN_BAND)
    assert head.in_band(score)
    ctx = context_offensive(IN_BAND, score)
    assert ctx is not None and 0.0 <= ctx <= 1.0
    view = PostView(Post(text=IN_BAND), default_policy())
    assert offensive(view) == (ctx >= head.threshold, ctx)
    assert offensive(view, context=False) == (score >= linear.threshold, score)
    clear = "Congratulations to the team on the new research grant"
    assert not head.in_band(linear.score(clear)) and context_offensive(clear, linear.score(clear)) is None


def test_without_the_extra_the_linear_model_decides() -> None:
    """tokenizers hidden (as without the extra): no head, no encoder, same verdicts from the
    linear model."""
    code = (
        "import sys\n"
        "from clearpost.detectors.base import PostView\n"
        "from clearpost.detectors.conduct import offensive\n"
        "from clearpost.detectors.models import context_model, get_model\n"
        "from clearpost.model import Post\n"
        "from clearpost.policy.loader import default_policy\n"
        "from clearpost.text.encoder import load_encoder\n"
        "assert context_model() is None and load_encoder() is None\n"
        f"t = {IN_BAND!r}; m = get_model('offensive'); s = m.score(t)\n"
        "assert offensive(PostView(Post(text=t), default_policy())) == (s >= m.threshold, s)\n"
        "assert 'torch' not in sys.modules and 'numpy' in sys.modules\n"
        "print('ok')\n")
    run_python(code, without_conduct_ml=True)


@needs_ml
def test_running_the_head_never_imports_torch() -> None:
    code = ("import sys; from clearpost.detectors.models import context_offensive, get_model\n"
            f"t = {IN_BAND!r}; assert context_offensive(t, get_model('offensive').score(t)) is not None\n"
            "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
            "print('ok')\n")
    run_python(code)


@needs_ml
def test_warm_up_loads_the_encoder_models_once() -> None:
    """What a server does at start-up (clearpost.engine.warm_up): afterwards the shared base
    encoder is in memory, and a second call loads nothing new."""
    from clearpost.detectors import models
    from clearpost.engine import warm_up

    assert warm_up() is True
    model = context_model()
    assert model is not None
    encoder = models._ENCODERS.get(model.base)
    assert encoder is not None
    assert warm_up() is True and models._ENCODERS[model.base] is encoder


def test_an_ensemble_scores_the_mean_of_its_members_probabilities() -> None:
    """Each member's head reads that member's pooled states; the score is the mean of the
    members' probabilities (a single fine-tune is the one-member case)."""
    import math

    import numpy as np

    from clearpost.detectors.models import ContextModel

    pooled = np.array([[1.0, 0.0], [0.0, 2.0]], dtype=np.float32)  # (members, hidden)
    model = ContextModel(base="all-mpnet-base-v2", adapter=[],
                         head_w=np.array([[2.0, 5.0], [7.0, -1.0]], dtype=np.float32),
                         head_b=np.array([0.5, 1.0], dtype=np.float32),
                         threshold=0.5, band_lo=0.2, band_hi=0.8)
    sigmoid = [1 / (1 + math.exp(-z)) for z in (2.0 + 0.5, -2.0 + 1.0)]
    assert math.isclose(model.score(pooled), sum(sigmoid) / 2, rel_tol=1e-6)
    one = ContextModel(base="all-mpnet-base-v2", adapter=[], head_w=model.head_w[:1],
                       head_b=model.head_b[:1], threshold=0.5, band_lo=0.2, band_hi=0.8)
    assert math.isclose(one.score(pooled[:1]), sigmoid[0], rel_tol=1e-6)


def test_promotion_model_is_documented_and_separates_promotion_from_mention() -> None:
    """promotion.npz (train/endorsement_learned.py): the undisclosed-endorsement stage."""
    from clearpost.detectors.endorsement import PROMOTION_MODEL

    model = get_model(PROMOTION_MODEL)
    assert model is not None and not model.chars
    assert (models_dir() / f"{PROMOTION_MODEL}.npz").stat().st_size < 1_000_000
    recipe = (models_dir() / "RECIPE.md").read_text(encoding="utf-8")
    assert f"({PROMOTION_MODEL}.npz)" in recipe and "org_mentions.jsonl sha256" in recipe
    promo = "if your kid gets a sarcoma diagnosis, get a consult at MSK before anything else"
    mention = "the shuttle to MSK was 25 minutes late again this morning"
    assert model.score(promo) >= model.threshold > model.score(mention)


def test_disclosure_models_are_documented_and_order_leaks_above_chatter() -> None:
    """confidential.npz and not_yet_public.npz (train/disclosure_learned.py)."""
    from clearpost.detectors.confidential import CONFIDENTIAL_MODEL, NOT_YET_PUBLIC_MODEL

    recipe = (models_dir() / "RECIPE.md").read_text(encoding="utf-8")
    assert "disclosure_talk.jsonl sha256" in recipe
    for name in (CONFIDENTIAL_MODEL, NOT_YET_PUBLIC_MODEL):
        model = get_model(name)
        assert model is not None and not model.chars
        assert (models_dir() / f"{name}.npz").stat().st_size < 1_000_000
        assert f"{name}.npz" in recipe
    chatter = "our unit potluck is friday, sign-up sheet is by the nurses station"
    for name, leak in ((CONFIDENTIAL_MODEL, "our interim readout came in today, 9 of 12 responded, "
                                            "abstract isn't even submitted"),
                       (NOT_YET_PUBLIC_MODEL, "so our CEO is apparently stepping down at the end "
                                              "of the year?? nobody's said it officially")):
        model = get_model(name)
        assert model is not None
        assert model.score(leak) >= model.threshold > model.score(chatter)


def test_linear_scores_scale_by_distinct_features_as_in_training() -> None:
    """train/conduct.py scales a row by 1/sqrt(#distinct features); a repeated word must not
    change the scale at run time."""
    import math

    from clearpost.detectors.models import LinearModel

    model = LinearModel(name="t", weight_of={"w:a": 1.0}, bias=0.0, threshold=0.5, chars=False)
    expected = 1 / (1 + math.exp(-1.0 / math.sqrt(3)))  # features w:a, w:b, b:a b
    assert math.isclose(model.score("a b"), expected)
    assert math.isclose(model.score("", ["w:a", "w:b", "b:a b", "w:a"]), expected)
