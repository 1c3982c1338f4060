"""The numpy sentence encoders (clearpost.text.encoder), for each base model: the same
embeddings as sentence-transformers, deterministic, batched and single calls agree. Needs the
base model's packages (the `conduct-ml` extra installs the one the shipped model uses; skipped
without); the comparison with sentence-transformers also needs torch (`train` extra)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from clearpost.text.encoder import (
    MINILM,
    MPNET,
    Base,
    Encoder,
    _Pieces,
    base_installed,
    load_encoder,
    minilm_dir,
    mpnet_parts,
    relative_position_buckets,
)

TEXTS = [
    "hello",
    "The charge nurse is an absolute clown and everyone knows it.",
    "@USER you are so stupid lol #MAGA URL",
    "Reminder: flu shots are free at most pharmacies this month. Get yours 💉",
    "Long shift today but my team is the best. Feet hurt, heart full " * 4,
]

#: Reference values (sentence-transformers 6.2.0, torch 2.13.0 CPU): the first four dimensions
#: of the normalised embeddings of TEXTS[:2], their cosine, and the word pieces of "hello".
GOLDEN = {
    MINILM.name: (np.array([[-0.0627718, 0.0549588, 0.0521648, 0.0857901],
                            [-0.0477419, 0.0302981, -0.0741954, -0.0023839]]),
                  0.0768990, [101, 7592, 102], 384),
    MPNET.name: (np.array([[0.0306398, -0.0062301, -0.0021216, 0.0138792],
                           [0.0124213, 0.0255782, 0.0048083, -0.0152944]]),
                 0.0899763, [0, 7596, 2], 768),
}

_ENCODERS: dict[str, Encoder] = {}


@pytest.fixture(params=[MINILM, MPNET], ids=lambda b: b.name)
def base(request: pytest.FixtureRequest) -> Base:
    b: Base = request.param
    if not base_installed(b):
        pytest.skip(f"{b.name}'s package is not installed")
    return b


@pytest.fixture
def enc(base: Base) -> Encoder:
    if base.name not in _ENCODERS:  # loading MPNet takes seconds: once per session
        encoder = load_encoder(base)
        assert encoder is not None
        _ENCODERS[base.name] = encoder
    return _ENCODERS[base.name]


def test_golden_values(enc: Encoder, base: Base) -> None:
    """A change of weights, tokenizer or forward pass shows here without torch installed."""
    golden, cos, hello_ids, dim = GOLDEN[base.name]
    assert enc.token_ids(["hello"])[0] == hello_ids
    e = enc.embed(TEXTS[:2])
    assert e.shape == (2, dim)
    assert np.allclose(e[:, :4], golden, atol=1e-5)
    assert float(e[0] @ e[1]) == pytest.approx(cos, abs=1e-5)


def test_deterministic_and_batch_independent(enc: Encoder) -> None:
    batch = enc.embed(TEXTS)
    again = enc.embed(TEXTS)
    single = np.stack([enc.embed([t])[0] for t in TEXTS])
    assert np.array_equal(batch, again)
    assert float(np.abs(batch - single).max()) < 1e-5
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)


def test_matches_sentence_transformers(enc: Encoder, base: Base, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    st = pytest.importorskip("sentence_transformers")
    if base is MINILM:
        folder = minilm_dir()
    else:
        parts = mpnet_parts()
        assert parts is not None
        with _Pieces(parts) as raw, zipfile.ZipFile(io.BufferedReader(raw)) as zf:
            zf.extractall(tmp_path)
        folder = tmp_path / "all-mpnet-base-v2"
    reference = st.SentenceTransformer(str(folder), device="cpu").encode(
        TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    assert float(np.abs(enc.embed(TEXTS) - reference).max()) < 2e-5


def test_relative_position_buckets() -> None:
    """T5/MPNet buckets: exact below 8 positions, log-spaced to 128, one side per half."""
    b = relative_position_buckets(300)
    assert b[0, 0] == 0 and b[5, 0] == 5 and b[0, 5] == 16 + 5  # key before / after the query
    assert b[0, 8] == 16 + 8 and b[0, 60] < b[0, 128] == b[0, 299] == 31
    assert b[299, 0] == 15 and set(np.unique(b)) == set(range(32)) - {16}  # 16: offset -0
    assert b.shape == (300, 300) and b.dtype == np.int64


def test_pieces_read_as_one_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40
    paths = []
    for i, cut in enumerate([(0, 1000), (1000, 1001), (1001, 7000), (7000, len(data))]):
        path = tmp_path / f"p{i}"
        path.write_bytes(data[cut[0]:cut[1]])
        paths.append(path)
    with _Pieces(paths) as f:
        assert f.read() == data
        f.seek(995)
        assert f.read(10) == data[995:1005]
        f.seek(-3, io.SEEK_END)
        assert f.read() == data[-3:] and f.tell() == len(data)
