"""Media bench: accuracy per rule on the synthetic labelled set, OCR character accuracy, and
speed (12-megapixel photo check; 60-second 1080p video).

    .venv/bin/python bench/media.py            # everything
    .venv/bin/python bench/media.py --no-speed # accuracy only

The labelled set is written by tests/fixtures/media_gen.py (deterministic, 48 JPEGs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from tests.fixtures.media_gen import build_set, paste_face, screen, whiteboard  # noqa: E402

from clearpost.engine import check  # noqa: E402
from clearpost.media.loader import load_image  # noqa: E402
from clearpost.media.ocr import read_text  # noqa: E402
from clearpost.policy.loader import default_policy  # noqa: E402

RULES = ("onsite-photo", "faces", "media-approval", "phi", "name-logo-endorsement")


def accuracy(work: Path) -> dict[str, Any]:
    records = build_set(work)
    pol = default_policy()
    tally = {r: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for r in RULES}
    misses = []
    char_total, char_err = 0, 0
    for rec in records:
        path = work / rec["file"]
        res = check({"text": rec["caption"], "images": [str(path)]}, pol)
        fired = {f.rule for f in res.findings}
        for rule in RULES:
            want, got = rec["expect"][rule], rule in fired
            key = ("tp" if got else "fn") if want else ("fp" if got else "tn")
            tally[rule][key] += 1
            if key in ("fp", "fn"):
                misses.append(f"{rule} {key}: {rec['file']}")
        if rec["truth_text"]:
            truth = rec["truth_text"].replace("\n", " ")
            got_text = " ".join(ln.text for ln in read_text(load_image(path, 1600).image))
            char_total += len(truth)
            char_err += Levenshtein.distance(truth, got_text)
    scores = {}
    for rule, t in tally.items():
        p = t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else 1.0
        r = t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else 1.0
        scores[rule] = {"precision": round(p, 3), "recall": round(r, 3),
                        "positives": t["tp"] + t["fn"], "negatives": t["tn"] + t["fp"]}
    return {"images": len(records), "scores": scores, "misses": misses,
            "ocr_char_accuracy": round(1 - char_err / max(1, char_total), 4),
            "ocr_images": sum(1 for r in records if r["truth_text"])}


def speed_photo(work: Path, runs: int = 7) -> dict[str, Any]:
    import random

    rng = random.Random(3)
    img, _ = whiteboard(rng, 1)
    big = img.resize((4000, 3000), Image.Resampling.BICUBIC)
    paste_face(big, rng, 0.15)
    path = work / "photo-12mp.jpg"
    big.save(path, quality=90)
    pol = default_policy()
    check({"text": "Today", "images": [str(path)]}, pol)  # warm: models load once
    times, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        check({"text": "Today", "images": [str(path)]}, pol)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {"megapixels": 12.0, "median_s": round(statistics.median(times), 3),
            "max_s": round(max(times), 3), "median_cpu_s": round(statistics.median(cpu), 3),
            "runs": runs, "load_avg_1m": round(os.getloadavg()[0], 1)}


def speed_video(work: Path, seconds: int = 60) -> dict[str, Any]:
    import random

    import cv2
    import numpy as np

    rng = random.Random(5)
    path = work / "clip-1080p.mp4"
    scenes = []
    for i in range(6):
        img, _ = screen(rng, i) if i % 2 else whiteboard(rng, i)
        if i == 3:
            paste_face(img, rng, 0.2)
        scenes.append(np.asarray(img.resize((1920, 1080)))[:, :, ::-1].copy())
    fps = 30
    wr = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (1920, 1080))
    for k in range(seconds * fps):
        frame = scenes[(k // (fps * 10)) % len(scenes)]
        shift = (k % fps) * 2  # a slow pan, so frames differ
        wr.write(np.roll(frame, shift, axis=1))
    wr.release()
    pol = default_policy()
    t, c = time.perf_counter(), time.process_time()
    res = check({"text": "Today", "videos": [str(path)]}, pol)
    took, cpu = time.perf_counter() - t, time.process_time() - c
    return {"seconds": seconds, "resolution": "1920x1080", "check_s": round(took, 2),
            "cpu_s": round(cpu, 2), "load_avg_1m": round(os.getloadavg()[0], 1),
            "rules": sorted({f.rule for f in res.findings})}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        acc = accuracy(work / "set")
        print(f"labelled images: {acc['images']}")
        print(f"{'rule':24} {'precision':>9} {'recall':>7} {'pos':>4} {'neg':>4}")
        for rule, s in acc["scores"].items():
            print(f"{rule:24} {s['precision']:9.3f} {s['recall']:7.3f} {s['positives']:4d} "
                  f"{s['negatives']:4d}")
        print(f"OCR character accuracy: {acc['ocr_char_accuracy']:.4f} "
              f"(Levenshtein over the drawn text of {acc['ocr_images']} images)")
        for m in acc["misses"]:
            print("  miss:", m)
        if not args.no_speed:
            print("12 MP photo:", speed_photo(work))
            print("60 s 1080p video:", speed_video(work))


if __name__ == "__main__":
    main()
