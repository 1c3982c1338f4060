"""Firing diff: which rules fire on each of ~17,800 posts, with the encoders switched off, so
that a rule change can be compared with a baseline tree (docs/conduct.md, every "Round" section).

    .venv/bin/python bench/firing_diff.py snapshot OUT.json [--src WORKTREE/src]
    .venv/bin/python bench/firing_diff.py diff BEFORE.json AFTER.json

Inputs: the conduct, everyday and phi corpora, the examples, the frozen set, the first 6,000
OLID and 6,000 Davidson tweets and 3,000 bench posts. `--src` imports clearpost from another
checkout (a `git worktree` of the baseline commit) instead of this one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FILES = ("tests/fixtures/conduct_corpus.jsonl", "tests/fixtures/everyday_posts.jsonl",
         "tests/fixtures/phi_corpus.jsonl", "../shared/examples/posts.jsonl",
         "bench/holdout/round32.jsonl")
NOT_POST = ("expect", "note", "id", "spans", "label", "labels")


def inputs() -> list[tuple[str, dict[str, Any]]]:
    sys.path[:0] = [str(ROOT / "train"), str(ROOT / "bench")]
    import conduct_data as data
    import posts as bench_posts

    out: list[tuple[str, dict[str, Any]]] = []
    for name in FILES:
        path = ROOT / name
        if not path.is_file():
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                rec = json.loads(line)
                out.append((f"{name}:{rec.get('id', i)}",
                            {k: v for k, v in rec.items() if k not in NOT_POST}))
    if data.FILES["olid"].is_file():
        out += [(f"olid:{r.id}", {"text": r.text}) for r in list(data.olid())[:6000]]
    if data.FILES["davidson"].is_file():
        out += [(f"davidson:{r.id}", {"text": r.text}) for r in list(data.davidson())[:6000]]
    out += [(f"bench:{i}", p) for i, p in enumerate(bench_posts.posts(3000))]
    return out


def snapshot(out: Path) -> None:
    from clearpost.detectors import models
    from clearpost.engine import check

    # The encoder stages are what the diff leaves out: they are slow, and the rules are the subject.
    models._encoder_model = lambda *a, **k: None
    models.base_encoder = lambda *a, **k: None
    result = {}
    for key, post in inputs():
        fired = sorted({f.rule for f in check(post).findings})
        result[key] = [fired, str(post.get("text", ""))[:300]]
    out.write_text(json.dumps(result), encoding="utf-8")
    print(f"{len(result)} posts -> {out}")


def diff(before: Path, after: Path) -> None:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    changed = [k for k in a if k in b and a[k][0] != b[k][0]]
    for k in changed:
        print(f"{k}: {a[k][0]} -> {b[k][0]} | {b[k][1][:220]!r}")
    print(f"changed: {len(changed)} of {len(a)}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("out", type=Path)
    snap.add_argument("--src", type=Path, help="import clearpost from this src directory")
    d = sub.add_parser("diff")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "snapshot":
        if args.src:
            sys.path.insert(0, str(args.src))
        snapshot(args.out)
    else:
        diff(args.before, args.after)


if __name__ == "__main__":
    main()
