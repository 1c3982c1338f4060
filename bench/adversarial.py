"""Recall of blocking rules on evasive variants versus the plain originals.

    .venv/bin/python bench/adversarial.py [--json]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "adversarial.jsonl"


def score(path: Path = FIXTURE) -> dict[str, Any]:
    from clearpost.engine import check

    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        fired = {f.rule for f in check(row).findings}
        ok = set(row["expect"]) <= fired
        hits[row["trick"]][0] += ok
        hits[row["trick"]][1] += 1
        if not ok:
            misses.append(f"{row['id']}: {row['text']!r}")
    recall = {k: v[0] / v[1] for k, v in hits.items()}
    variants = [v for k, v in hits.items() if k != "original"]
    return {
        "original_recall": recall["original"],
        "variant_recall": sum(v[0] for v in variants) / sum(v[1] for v in variants),
        "variants": sum(v[1] for v in variants),
        "by_trick": recall,
        "misses": misses,
    }


if __name__ == "__main__":
    s = score()
    if "--json" in sys.argv:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        raise SystemExit(0)
    print("| trick | recall |\n|---|---|")
    for k, v in sorted(s["by_trick"].items()):
        print(f"| {k} | {v:.2f} |")
    print(f"\noriginals {s['original_recall']:.3f}, {s['variants']} variants {s['variant_recall']:.3f}")
    for m in s["misses"]:
        print("  miss", m)
