"""Faces, with OpenCV's Haar cascades (the XML models ship in opencv-python-headless < 5).

Frontal faces only, which is what identifies a person in a photo. The detector runs on a
copy at most 1000 px on the long side (a face smaller than ~2% of that is not identifiable
anyway); boxes come back in the original image's coordinates. A cascade object is not safe
to share across threads, so each thread gets its own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from clearpost.media.ocr import scaled

FACE_MAX_SIDE = 1000
#: Smallest face reported, as a share of the detection image's short side.
MIN_FACE_SHARE = 0.04

_local = threading.local()


@dataclass(frozen=True)
class Face:
    box: tuple[int, int, int, int]  # x, y, w, h in original pixels
    share: float  # face area / image area


def _cascade() -> object:
    cascade = getattr(_local, "cascade", None)
    if cascade is None:
        import cv2

        cascades = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]
        path = cascades / "haarcascade_frontalface_alt2.xml"
        cascade = cv2.CascadeClassifier(str(path))
        if cascade.empty():  # pragma: no cover - a broken OpenCV install
            raise RuntimeError(f"cannot load the face model {path}")
        _local.cascade = cascade
    return cascade


def find_faces(image: Image.Image, max_side: int = FACE_MAX_SIDE) -> list[Face]:
    import cv2

    small, f = scaled(image, max_side)
    gray = cv2.cvtColor(np.asarray(small), cv2.COLOR_RGB2GRAY)
    gray = cv2.equalizeHist(gray)
    side = max(24, int(min(gray.shape) * MIN_FACE_SHARE))
    found = _cascade().detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5,  # type: ignore[attr-defined]
                                        minSize=(side, side))
    W, H = image.size
    faces = []
    for x, y, w, h in (found if len(found) else []):
        box = (int(x / f), int(y / f), int(w / f), int(h / f))
        faces.append(Face(box=box, share=round((box[2] * box[3]) / (W * H), 4)))
    faces.sort(key=lambda fc: -fc.share)
    return faces
