"""Text in images with RapidOCR (its ONNX models ship inside the wheel; nothing downloads).

The engine loads once per process, lazily, behind a lock; inference is serialised by the same
lock because one ONNX session per model is shared. Large photos are downscaled first: text a
person can read on a phone screen survives 1600 px on the long side, and it is 3-5x faster.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

#: Long side, in pixels, at which photos are read.
OCR_MAX_SIDE = 1600
DET_MAX_SIDE = 960
MIN_SCORE = 0.5

_lock = threading.Lock()
_engine: list[Any] = []


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[int, int, int, int]  # x, y, w, h in the original image's pixels
    score: float


def _get_engine() -> Any:
    if not _engine:
        from rapidocr import RapidOCR

        # Text detection at DET_MAX_SIDE (the slow model), recognition on crops of the
        # OCR_MAX_SIDE image: small print stays readable with a third less CPU time
        # (bench/media.py: character accuracy 0.995 at 1280, 0.993 at 960).
        eng = RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                               "Global.max_side_len": OCR_MAX_SIDE,
                               "Det.limit_side_len": DET_MAX_SIDE, "Det.limit_type": "max"})
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        _engine.append(eng)
    return _engine[0]


def scaled(image: Image.Image, max_side: int) -> tuple[Image.Image, float]:
    """The image shrunk so its long side is at most max_side, and the factor used."""
    w, h = image.size
    f = min(1.0, max_side / max(w, h))
    if f >= 1.0:
        return image, 1.0
    return image.resize((max(1, round(w * f)), max(1, round(h * f))), Image.Resampling.BILINEAR), f


def read_text(image: Image.Image) -> list[OcrLine]:
    """Lines of text found in an RGB image, with boxes in the image's own coordinates."""
    small, f = scaled(image, OCR_MAX_SIDE)
    arr = np.asarray(small)[:, :, ::-1]  # RGB -> BGR, as OpenCV-based RapidOCR expects
    with _lock:
        engine = _get_engine()
        out = engine(np.ascontiguousarray(arr))
    boxes, txts, scores = out.boxes, out.txts, out.scores
    if boxes is None or txts is None:
        return []
    lines = []
    for quad, text, score in zip(boxes, txts, scores or [1.0] * len(txts), strict=False):
        if not text or not text.strip() or score < MIN_SCORE:
            continue
        q = np.asarray(quad, dtype=float) / f
        x0, y0 = q.min(axis=0)
        x1, y1 = q.max(axis=0)
        lines.append(OcrLine(text=text.strip(), score=float(score),
                             box=(int(x0), int(y0), round(x1 - x0), round(y1 - y0))))
    return reading_order(lines)


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Top to bottom, then left to right within a row (boxes whose centres are within half
    a line height of each other share a row)."""
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda ln: ln.box[1] + ln.box[3] / 2):
        cy = ln.box[1] + ln.box[3] / 2
        if rows:
            last = rows[-1][-1]
            if abs(cy - (last.box[1] + last.box[3] / 2)) < max(ln.box[3], last.box[3]) / 2:
                rows[-1].append(ln)
                continue
        rows.append([ln])
    return [ln for row in rows for ln in sorted(row, key=lambda ln: ln.box[0])]
