"""`clearpost redact`: a safe copy of a photo.

Faces are blurred (a strong Gaussian blur over a padded box, then pixelated, so no detector
or person recovers them), text lines that carry patient information are blacked out, and the
copy is written from raw pixels only, so no EXIF, GPS, XMP, ICC profile or comment survives.
The file is written to a temporary name beside the target and renamed into place.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter

from clearpost.detectors import DETECTORS
from clearpost.detectors.base import PostView, Span
from clearpost.media.faces import find_faces
from clearpost.media.fields import find_fields
from clearpost.media.loader import MediaInputError, load_image
from clearpost.media.ocr import OcrLine, read_text
from clearpost.model import Post

_OUT_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
#: Text rules whose evidence in a picture is patient information to black out.
_TEXT_RULES = ("phi",)


@dataclass
class RedactReport:
    faces: int = 0
    text_boxes: int = 0
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)


def patient_lines(lines: list[OcrLine], policy: Any) -> list[OcrLine]:
    """OCR lines that carry patient information (labelled fields, or phi evidence)."""
    if not lines:
        return []
    text, spans, pos = [], [], 0
    for ln in lines:
        text.append(ln.text)
        spans.append((pos, pos + len(ln.text), ln))
        pos += len(ln.text) + 1
    joined = "\n".join(text)
    hits: list[tuple[int, int]] = [(f.start, f.end) for f in find_fields(joined)]
    view = PostView(Post(text=joined), policy)
    for rule in _TEXT_RULES:
        for hit in DETECTORS[rule](view):
            for ev in hit.evidence:
                if isinstance(ev, Span):
                    e = view.evidence(ev.start, ev.end, ev.kind)
                    assert e.start is not None and e.end is not None
                    hits.append((e.start, e.end))
    if hits:  # a sheet that names a patient: the lines around the fields go too
        hits += [(s, e) for s, e, ln in spans if _looks_like_name(ln.text)]
    return [ln for s, e, ln in spans if any(a < e and s < b for a, b in hits)]


def _looks_like_name(text: str) -> bool:
    words = text.replace(",", " ").split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() and w.replace("-", "").replace("'", "")
                                        .isalpha() for w in words)


def blur_box(img: Image.Image, box: tuple[int, int, int, int], pad: float = 0.25) -> None:
    x, y, w, h = box
    px, py = int(w * pad), int(h * pad)
    x0, y0 = max(0, x - px), max(0, y - py)
    x1, y1 = min(img.width, x + w + px), min(img.height, y + h + py)
    if x1 <= x0 or y1 <= y0:
        return
    region = img.crop((x0, y0, x1, y1))
    small = region.resize((max(1, (x1 - x0) // 16), max(1, (y1 - y0) // 16)),
                          Image.Resampling.BILINEAR)
    region = small.resize(region.size, Image.Resampling.NEAREST)
    region = region.filter(ImageFilter.GaussianBlur(radius=max(4, (x1 - x0) // 12)))
    img.paste(region, (x0, y0))


def redact_image(src: Path | str, dst: Path | str, policy: Any) -> RedactReport:
    """Write a safe copy of src to dst; raise MediaInputError for unreadable input."""
    out = Path(dst)
    fmt = _OUT_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise MediaInputError(f"{out}: output must end in .jpg, .jpeg, .png or .webp")
    if out.exists() and out.resolve() == Path(src).resolve():
        raise MediaInputError(f"{out}: the output must not overwrite the input")
    loaded = load_image(src)
    # From raw pixels: a new image carries none of the original's metadata.
    img = Image.frombytes("RGB", loaded.image.size, loaded.image.tobytes())
    report = RedactReport()
    for face in find_faces(img):
        blur_box(img, face.box)
        report.faces += 1
        report.boxes.append(face.box)
    # Blurring first, then a second look: faces the first pass half-caught are blurred too.
    for face in find_faces(img):
        blur_box(img, face.box, pad=0.4)
        report.boxes.append(face.box)
    draw = ImageDraw.Draw(img)
    for ln in patient_lines(read_text(img), policy):
        x, y, w, h = ln.box
        pad = max(2, h // 6)
        draw.rectangle([x - pad, y - pad, x + w + pad, y + h + pad], fill="black")
        report.text_boxes += 1
        report.boxes.append(ln.box)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            img.save(fh, format=fmt, **({"quality": 92} if fmt in ("JPEG", "WEBP") else {}))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report
