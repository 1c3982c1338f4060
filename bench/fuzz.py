"""Coverage-guided fuzzing (atheris) of everything that reads untrusted input.

    .venv/bin/python bench/fuzz.py --runs 100000            # every harness
    .venv/bin/python bench/fuzz.py --runs 2000 --harness check

A crash is any exception other than the documented input error of that reader
(PostInputError, PolicyError, and the archive/media input errors). Each harness runs in its
own process; crashing inputs are saved under artifacts/fuzz/. Figures go to
docs/reliability.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ROLES = ["employee", "physician", "nurse", "researcher", "manager", "marcomm"]
KINDS = ["personal", "department", "official"]
VENUES = ["own", "org-channel"]
SEED_PACK = b"""id: fuzz
version: "1"
title: t
organization:
  name: Example Health
  aliases: [EH]
  sites: [{name: a, latitude: 40.7, longitude: -73.9, radius_m: 100}]
contacts: {c: {name: C}}
sections: [{id: s, title: S, summary: x, contact: c}]
workflows: {expiry_days: 30}
"""


def _harness_check() -> tuple[Callable[[bytes], None], tuple[type[BaseException], ...]]:
    import atheris

    from clearpost.engine import check
    from clearpost.model import PostInputError, parse_post

    def run(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        mode = fdp.ConsumeIntInRange(0, 2)
        if mode == 0:  # raw JSON, as `check --post` reads it
            try:
                obj = json.loads(fdp.ConsumeBytes(fdp.remaining_bytes()))
            except (ValueError, RecursionError):
                return
            check(parse_post(obj))
            return
        post: dict[str, Any] = {
            "text": fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 600)),
            "author": {"role": ROLES[fdp.ConsumeIntInRange(0, len(ROLES) - 1)]},
            "account": {"kind": KINDS[fdp.ConsumeIntInRange(0, 2)],
                        "pseudonymous": fdp.ConsumeBool(),
                        "approval_id": "MC-1" if fdp.ConsumeBool() else None},
            "venue": VENUES[fdp.ConsumeIntInRange(0, 1)],
        }
        if mode == 2:
            post["profile"] = {"about": fdp.ConsumeUnicodeNoSurrogates(200),
                               "email": fdp.ConsumeUnicodeNoSurrogates(40),
                               "display_name": fdp.ConsumeUnicodeNoSurrogates(30)}
        check(parse_post(post))

    return run, (PostInputError,)


def _harness_policy() -> tuple[Callable[[bytes], None], tuple[type[BaseException], ...]]:
    import atheris

    from clearpost.policy.loader import PolicyError, parse_pack_file, parse_rule_file

    rule_seed = (ROOT / "src/clearpost/policy/packs/msk/rules/copyright.yaml").read_bytes()

    def run(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        which = fdp.ConsumeBool()
        seed = SEED_PACK if which else rule_seed
        # mutate the seed: splice fuzz bytes in at a fuzz-chosen place
        at = fdp.ConsumeIntInRange(0, len(seed))
        cut = fdp.ConsumeIntInRange(0, 40)
        raw = seed[:at] + fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 80)) + seed[at + cut:]
        (parse_pack_file if which else parse_rule_file)(raw)

    return run, (PolicyError,)


def _optional(module: str, attr: str) -> Callable[[], Any] | None:
    """Harnesses that live next to their reader (archives, media) when those exist."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    factory = getattr(mod, attr, None)
    return factory if callable(factory) else None


HARNESSES: dict[str, Callable[[], tuple[Callable[[bytes], None], tuple[type[BaseException], ...]]]] = {
    "check": _harness_check,
    "policy": _harness_policy,
}
for _name, (_module, _attr) in {
    "archives": ("clearpost.archives.fuzzing", "harness"),
    "image": ("clearpost.media.fuzzing", "harness"),
}.items():
    _factory = _optional(_module, _attr)
    if _factory is not None:
        HARNESSES[_name] = _factory


def child(name: str, runs: int) -> None:
    import atheris

    # Coverage guidance: instrument clearpost's own modules as the harness imports them.
    with atheris.instrument_imports(include=["clearpost"]):
        run, allowed = HARNESSES[name]()

    def one(data: bytes) -> None:
        with contextlib.suppress(allowed):
            run(data)

    out = ROOT / "artifacts" / "fuzz" / name
    out.mkdir(parents=True, exist_ok=True)
    atheris.Setup([sys.argv[0], f"-runs={runs}", f"-artifact_prefix={out}/", "-max_len=4096",
                   "-rss_limit_mb=2048", "-timeout=10"], one)
    atheris.Fuzz()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--harness", action="append")
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.runs)
        return
    names = args.harness or list(HARNESSES)
    rows = []
    for name in names:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--child", name, "--runs", str(args.runs)],
                              capture_output=True, text=True, check=False)
        secs = time.perf_counter() - t0
        crashed = proc.returncode != 0
        rows.append((name, args.runs, 1 if crashed else 0, secs))
        if crashed:
            print(proc.stderr[-3000:], file=sys.stderr)
    print("| harness | inputs | crashes | time | inputs/s |\n|---|---|---|---|---|")
    for name, runs, crashes, secs in rows:
        print(f"| {name} | {runs:,} | {crashes} | {secs:.0f} s | {runs / secs:,.0f} |")
    sys.exit(1 if any(r[2] for r in rows) else 0)


if __name__ == "__main__":
    main()
