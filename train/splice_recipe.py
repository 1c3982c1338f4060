"""Splice retrained sections into src/clearpost/models/RECIPE.md from a training log.

The learned stages' scripts (conduct_learned.py, endorsement_learned.py,
disclosure_learned.py) print their recipe sections ("## Title" and what follows); after a
retrain, each section of RECIPE.md with the same title is replaced by the log's:

    for t in conduct_learned endorsement_learned disclosure_learned; do
        .venv/bin/python train/$t.py; done > retrain.log 2>&1
    .venv/bin/python train/splice_recipe.py retrain.log

Lines that are not part of a recipe (warnings, "wrote PATH", progress) are dropped, and NaN
(a round with no positive post) is written as "–".
"""

from __future__ import annotations

import sys
from pathlib import Path

RECIPE = Path(__file__).resolve().parents[1] / "src" / "clearpost" / "models" / "RECIPE.md"


def sections(log_text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current: str | None = None
    for line in log_text.splitlines():
        if line.startswith("=== ") or line.startswith(("wrote ", "/")) or "Warning" in line:
            if not line.startswith("/") and not line.startswith("wrote "):
                current = None
            continue
        if line.startswith("## "):
            current = line
            out[current] = []
        if current is not None and not line.startswith("  "):
            out[current].append(line.replace("nan", "–"))
    return out


def splice(recipe: str, new: dict[str, list[str]]) -> str:
    lines, out, i = recipe.split("\n"), [], 0
    pending = dict(new)
    while i < len(lines):
        if lines[i] in pending:
            out += [*pending.pop(lines[i]), ""]
            i += 1
            while i < len(lines) and not lines[i].startswith("## "):
                i += 1
            continue
        out.append(lines[i])
        i += 1
    if pending:
        raise SystemExit(f"splice_recipe: no section in RECIPE.md for {sorted(pending)}")
    return "\n".join(out).rstrip("\n") + "\n"


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: splice_recipe.py TRAINING_LOG")
    new = sections(Path(sys.argv[1]).read_text(encoding="utf-8"))
    RECIPE.write_text(splice(RECIPE.read_text(encoding="utf-8"), new), encoding="utf-8")


if __name__ == "__main__":
    main()
