"""Offensive-vs-not: clearpost versus alt-profanity-check and hatesonar, in one run.

    scripts/bootstrap.sh test,train,bench,conduct-ml && .venv/bin/python bench/conduct.py [--limit N]

Held-out rows only (train/conduct_data.py: the same stable hash split the models were NOT
trained on). Reports macro-F1 and posts/s per system on the OLID split (offensive vs not), on
Davidson (offensive or hate vs neither) and HatEval (hate vs not), and false-positive rates
on Davidson's "neither" tweets per dialect, with a crude lexical proxy for African-American
English (AAE): a tweet with at least one AAE marker word counts as AAE.
Peers are optional `bench` extras, never run-time dependencies; a missing peer is skipped.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train"))
import conduct_data as data  # noqa: E402

Predict = Callable[[Sequence[str]], list[bool]]

# Lexical AAE markers (after Blodgett et al. 2016 and Davidson et al. 2019's discussion):
# a proxy only; no demographic model is available offline.
_AAE = re.compile(
    r"\b(?:finna|tryna|ion|dat|dis|dem|wit|bruh|ain't|aint|y'all|yall|ya'll|talmbout|boutta|"
    r"gon|nun|thang|lil|shawty|bae|fam|homie|hella|bout|cuz|naw|nah|chile|sis|deadass|"
    r"lowkey|finsta|periodt|iont|wya|smh|ima|imma|ova|ova|dawg|mane|thot|turnt|nigga|niggas)\b",
    re.IGNORECASE)


def is_aae(text: str) -> bool:
    return len(_AAE.findall(text)) >= 1


def clearpost_predict(context: bool = True) -> Predict:
    from clearpost.detectors.base import PostView
    from clearpost.detectors.conduct import offensive
    from clearpost.model import Post
    from clearpost.policy.loader import default_policy

    policy = default_policy()

    def run(texts: Sequence[str]) -> list[bool]:
        return [offensive(PostView(Post(text=t[:20_000] or " "), policy), context=context)[0]
                for t in texts]

    return run


def profanity_check_predict() -> Predict | None:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None

    def run(texts: Sequence[str]) -> list[bool]:
        return [bool(p >= 0.5) for p in predict_prob(list(texts))]

    return run


def hatesonar_predict() -> Predict | None:
    """hatesonar's ONNX model asks for the en_US.UTF-8 locale; point it at C.UTF-8 instead."""
    try:
        import hatesonar
        import onnx
        import onnxruntime as ort
    except ImportError:
        return None
    model = onnx.load(str(Path(hatesonar.__file__).parent / "model" / "model.onnx"))
    for node in model.graph.node:
        if node.op_type == "StringNormalizer" and not any(a.name == "locale" for a in node.attribute):
            node.attribute.append(onnx.helper.make_attribute("locale", "C.UTF-8"))
    sonar = hatesonar.Sonar.__new__(hatesonar.Sonar)
    sonar.sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    sonar.mapping = {0: "hate_speech", 1: "offensive_language", 2: "neither"}

    def run(texts: Sequence[str]) -> list[bool]:
        return [sonar.ping(t)["top_class"] != "neither" for t in texts]

    return run


def macro_f1(y: Sequence[bool], p: Sequence[bool]) -> float:
    def f1(pos: bool) -> float:
        tp = sum(1 for a, b in zip(y, p, strict=True) if a == pos and b == pos)
        fp = sum(1 for a, b in zip(y, p, strict=True) if a != pos and b == pos)
        fn = sum(1 for a, b in zip(y, p, strict=True) if a == pos and b != pos)
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    return (f1(True) + f1(False)) / 2


def held_out(rows: list[data.Row], label: str, limit: int) -> tuple[list[str], list[bool]]:
    keep = [r for r in rows if data.part(r.source, r.id) == "test" and getattr(r, label) is not None]
    keep = keep[:limit] if limit else keep
    return [r.text for r in keep], [bool(getattr(r, label)) for r in keep]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="At most N rows per data set (0: all).")
    args = ap.parse_args(argv)
    from clearpost.detectors.models import context_model

    systems: dict[str, Predict] = {"clearpost": clearpost_predict()}
    if context_model() is not None:  # the same cascade without its encoder stage, for comparison
        systems["clearpost (linear only)"] = clearpost_predict(context=False)
    else:
        print("(the conduct-ml extra is not installed: clearpost runs without its encoder stage)")
    for name, make in (("alt-profanity-check", profanity_check_predict),
                       ("hatesonar", hatesonar_predict)):
        made = make()
        if made is None:
            print(f"({name} is not installed: skipped; install the `bench` extra)")
        else:
            systems[name] = made
    dav = list(data.davidson())
    sets = {
        "OLID (offensive vs not)": held_out(list(data.olid()), "offensive", args.limit),
        "Davidson (offensive or hate vs neither)": held_out(dav, "offensive", args.limit),
        "HatEval (hate vs not)": held_out(list(data.hateval()), "hate", args.limit),
    }
    print("| data set | rows | system | macro-F1 | posts/s |")
    print("|---|---|---|---|---|")
    preds: dict[tuple[str, str], list[bool]] = {}
    for set_name, (texts, y) in sets.items():
        for sys_name, predict in systems.items():
            predict(texts[:20])  # warm up: load models outside the timing
            t0 = time.perf_counter()
            p = predict(texts)
            rate = len(texts) / (time.perf_counter() - t0)
            preds[(set_name, sys_name)] = p
            print(f"| {set_name} | {len(texts):,} | {sys_name} | {macro_f1(y, p):.3f} | "
                  f"{rate:,.0f} |")
    texts, y = sets["Davidson (offensive or hate vs neither)"]
    print("\nFalse-positive rate on Davidson held-out 'neither' tweets, by dialect proxy:\n")
    print("| system | AAE-marked (n) | FPR | other (n) | FPR |")
    print("|---|---|---|---|---|")
    for sys_name in systems:
        p = preds[("Davidson (offensive or hate vs neither)", sys_name)]
        groups: dict[bool, list[bool]] = {True: [], False: []}
        for text, label, pred in zip(texts, y, p, strict=True):
            if not label:
                groups[is_aae(text)].append(pred)
        a, o = groups[True], groups[False]
        print(f"| {sys_name} | {len(a)} | {sum(a) / max(1, len(a)):.3f} | {len(o)} | "
              f"{sum(o) / max(1, len(o)):.3f} |")
    print("\nNote: hatesonar was trained on Davidson et al.'s tweets, so its Davidson figures are "
          "not held-out for it.")
    rule_level_dialect(texts, y)


def rule_level_dialect(texts: Sequence[str], y: Sequence[bool]) -> None:
    """What employees see: how often `clearpost check` fires harassment or professionalism on
    Davidson's held-out 'neither' tweets, by the dialect proxy."""
    from clearpost.engine import check

    counts = {rule: {True: 0, False: 0} for rule in ("harassment", "professionalism")}
    n = {True: 0, False: 0}
    for text, label in zip(texts, y, strict=True):
        if label:
            continue
        aae = is_aae(text)
        n[aae] += 1
        fired = {f.rule for f in check(text[:5000] or " ").findings}
        for rule, by in counts.items():
            by[aae] += rule in fired
    print("\nWhat employees see: `clearpost check` on the same 'neither' tweets:\n")
    print("| rule | AAE-marked (n) | fired | other (n) | fired |")
    print("|---|---|---|---|---|")
    for rule, by in counts.items():
        print(f"| {rule} | {n[True]} | {by[True]} ({by[True] / max(1, n[True]):.1%}) | "
              f"{n[False]} | {by[False]} ({by[False] / max(1, n[False]):.1%}) |")


if __name__ == "__main__":
    main()
