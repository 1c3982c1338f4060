"""Loaders and the fixed train/held-out split of the public conduct data sets.

Shared by train/conduct.py (which trains on the "train" part) and bench/conduct.py (which
scores on the "test" part), so the benchmark never sees a training example. The split is by a
stable hash of (data set, row id): it does not depend on file order or on a random generator.
"""

from __future__ import annotations

import csv
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OWN = ROOT / "train" / "data"
TEST_SHARE = 5  # one row in five is held out
SEED = "clearpost-conduct-2026"

FILES = {
    "olid": DATA / "olid_offenseval2019" / "olid-training-v1.0.tsv",
    "davidson": DATA / "davidson2017" / "labeled_data.csv",
    "hateval": DATA / "hateval2019" / "train_en.tsv",
    "ethos": DATA / "ethos_hate" / "Ethos_Dataset_Binary.csv",
    "advice_askparents": DATA / "advice_reddit_emnlp2020" / "askparents_train.tsv",
    "advice_needadvice": DATA / "advice_reddit_emnlp2020" / "needadvice_train.tsv",
    "advice_askparents_dev": DATA / "advice_reddit_emnlp2020" / "askparents_dev.tsv",
    "advice_needadvice_dev": DATA / "advice_reddit_emnlp2020" / "needadvice_dev.tsv",
    "hospital": OWN / "hospital_conduct.jsonl",
}


@dataclass(frozen=True)
class Row:
    source: str
    id: str
    text: str
    offensive: int | None = None  # 1 offensive, 0 not, None unknown
    targeted: int | None = None  # 1 targeted insult/threat, 0 untargeted profanity
    hate: int | None = None  # 1 hate against a group for who they are
    advice: int | None = None  # 1 the sentence gives advice


def part(source: str, row_id: str) -> str:
    """"test" for one row in TEST_SHARE (stable), else "train"."""
    h = zlib.crc32(f"{SEED}:{source}:{row_id}".encode())
    return "test" if h % TEST_SHARE == 0 else "train"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def olid() -> Iterator[Row]:
    with FILES["olid"].open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            off = int(rec["subtask_a"] == "OFF")
            tgt = {"TIN": 1, "UNT": 0}.get(rec["subtask_b"])
            yield Row("olid", rec["id"], rec["tweet"], offensive=off, targeted=tgt)


def davidson() -> Iterator[Row]:
    with FILES["davidson"].open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            cls = int(rec["class"])
            yield Row("davidson", rec[""], rec["tweet"], offensive=int(cls in (0, 1)),
                      hate=int(cls == 0) if cls in (0, 2) else None)


def hateval() -> Iterator[Row]:
    with FILES["hateval"].open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield Row("hateval", rec["id"], rec["text"], hate=int(rec["HS"] == "1"))


def ethos() -> Iterator[Row]:
    with FILES["ethos"].open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        for i, rec in enumerate(reader):
            if len(rec) < 2:
                continue
            text, share = ";".join(rec[:-1]), float(rec[-1])
            yield Row("ethos", str(i), text, hate=int(share >= 0.5),
                      offensive=1 if share >= 0.5 else None)


def hospital() -> Iterator[Row]:
    with FILES["hospital"].open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            rec = json.loads(line)
            yield Row("hospital", str(i), rec["text"], offensive=rec.get("offensive"),
                      targeted=rec.get("targeted"), hate=rec.get("hate"))


def advice(split: str) -> Iterator[Row]:
    """split "train" (the train files) or "dev" (the released dev files, our held-out)."""
    keys = ("advice_askparents", "advice_needadvice")
    for key in keys:
        path = FILES[key if split == "train" else f"{key}_dev"]
        with path.open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                yield Row(key, rec["ID"], rec["Sentence"], advice=int(rec["Majority_label"]))
