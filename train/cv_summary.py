"""Compare fine-tuning recipes by cross-validation: read the fold runs that
`conduct_finetune.py --fold K` wrote to train/cv/ and print, per recipe, each fold's validation
cascade macro-F1, the mean, and the paired difference against the first recipe.

    .venv/bin/python train/cv_summary.py [--dir train/cv]

The decision rule (declared in docs/conduct.md before any fold was run): once every fold of
both recipes is in, the recipe with the higher mean cascade macro-F1 over the folds is the one
trained on the standard split and shipped. Nothing here reads OLID's held-out rows.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(directory: Path) -> dict[str, dict[int, dict[str, object]]]:
    """recipe (with its seeds) -> fold -> the fold run's record."""
    runs: dict[str, dict[int, dict[str, object]]] = defaultdict(dict)
    for path in sorted(directory.glob("*-fold*.json")):
        rec = json.loads(path.read_text())
        key = f"{rec['recipe']} (seeds {'+'.join(map(str, rec['seeds']))})"
        runs[key][int(rec["fold"])] = rec
    return dict(runs)


def table(runs: dict[str, dict[int, dict[str, object]]], folds: int) -> list[str]:
    lines = ["| recipe | " + " | ".join(f"fold {k}" for k in range(folds)) + " | mean |",
             "|---|" + "---|" * (folds + 1)]
    means: dict[str, float] = {}
    for recipe, by_fold in sorted(runs.items()):
        cells = []
        for k in range(folds):
            rec = by_fold.get(k)
            cells.append(f"{rec['cascade_macro_f1']:.4f}" if rec else "–")
        done = [float(by_fold[k]["cascade_macro_f1"]) for k in range(folds) if k in by_fold]  # type: ignore[arg-type]
        mean = sum(done) / len(done) if done else float("nan")
        if len(done) == folds:
            means[recipe] = mean
        note = "" if len(done) == folds else f" ({len(done)} of {folds} folds)"
        lines.append(f"| {recipe} | " + " | ".join(cells) + f" | {mean:.4f}{note} |")
    recipes = sorted(runs)
    if len(recipes) >= 2:
        base = runs[recipes[0]]
        for other in recipes[1:]:
            shared = [k for k in range(folds) if k in base and k in runs[other]]
            diffs = [float(runs[other][k]["cascade_macro_f1"])  # type: ignore[arg-type]
                     - float(base[k]["cascade_macro_f1"]) for k in shared]  # type: ignore[arg-type]
            if diffs:
                lines.append(f"\n{other} minus {recipes[0]}, paired over folds {shared}: "
                             + ", ".join(f"{d:+.4f}" for d in diffs)
                             + f"; mean {sum(diffs) / len(diffs):+.4f}")
    if len(means) >= 2 and len(means) == len(runs):
        best = max(means, key=lambda r: means[r])
        lines.append(f"\ndecision (every fold in): {best}")
    else:
        lines.append("\nno decision yet: not every fold of every recipe has run")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", type=Path, default=ROOT / "train" / "cv")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    runs = load(args.dir)
    if not runs:
        print(f"no fold runs in {args.dir}", file=sys.stderr)
        return 1
    print("\n".join(table(runs, args.folds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
