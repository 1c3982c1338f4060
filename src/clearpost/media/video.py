"""Videos (MP4, MOV): sample frames with OpenCV and run the picture checks on them.

Sampling: one frame a second, plus the first frame after each scene change (a jump in the
colour histogram of a small copy). Faces are checked on every sampled frame; text (OCR,
the slow part) and logos on the first frame, each scene change, and every OCR_EVERY_S
seconds, which keeps a one-minute 1080p clip well under 30 s on two cores. Location metadata
(the ISO 6709 `©xyz` atom phones write) is read from the container.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PIL import Image

from clearpost.media.loader import MediaInputError, check_video_file

SAMPLE_EVERY_S = 1.0
OCR_EVERY_S = 10.0
#: Frames are checked at this long side (1080p -> 1280x720); faces at FACE_SIDE.
FRAME_MAX_SIDE = 1280
FACE_SIDE = 720
#: A frame this close (histogram distance) to the last one read adds no new text.
SAME_TEXT_DISTANCE = 0.08
SCENE_CHECK_EVERY_S = 0.25
SCENE_THRESHOLD = 0.45  # Bhattacharyya distance between histograms of consecutive checks
MAX_DURATION_S = 30 * 60
MAX_SAMPLED_FRAMES = 600

#: Set by the CLI to show progress: called as (path, seconds done, total seconds).
PROGRESS: contextvars.ContextVar[Callable[[str, float, float], None] | None] = \
    contextvars.ContextVar("clearpost_video_progress", default=None)

_XYZ = re.compile(rb"\xa9xyz.{4}([+-]\d{1,3}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)", re.DOTALL)
_ISO6709 = re.compile(rb"([+-]\d{2}(?:\.\d+)?)([+-]\d{3}(?:\.\d+)?)(?:[+-]\d+(?:\.\d+)?)?/")
_SCAN_BYTES = 4_000_000


def read_location(path: Path | str) -> tuple[float, float] | None:
    """Latitude and longitude from an MP4/MOV's metadata (start and end of the file)."""
    p = Path(path)
    size = p.stat().st_size
    with p.open("rb") as fh:
        chunks = [fh.read(_SCAN_BYTES)]
        if size > _SCAN_BYTES:
            fh.seek(max(_SCAN_BYTES, size - _SCAN_BYTES))
            chunks.append(fh.read(_SCAN_BYTES))
    for chunk in chunks:
        for pat in (_XYZ, _ISO6709):
            m = pat.search(chunk)
            if m:
                lat, lon = float(m.group(1)), float(m.group(2))
                if -90 <= lat <= 90 and -180 <= lon <= 180:
                    return lat, lon
    return None


def _hist(frame: Any) -> Any:
    import cv2

    step = max(1, min(frame.shape[:2]) // 72)  # a strided view: no copy of the full frame
    hsv = cv2.cvtColor(frame[::step, ::step], cv2.COLOR_BGR2HSV)
    h = cv2.calcHist([hsv], [0, 1], None, [16, 8], [0, 180, 0, 256])
    return cv2.normalize(h, h).flatten()


def sample_frames(path: Path | str) -> Iterator[tuple[float, Any, bool]]:
    """(time in seconds, BGR frame, scene change) for the frames to check."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise MediaInputError(f"{path}: cannot read this video (corrupt or unsupported codec)")
    try:
        fps = cap.get(cv2.CAP_PROP_FPS) or 0.0
        if not (0 < fps < 1000):
            fps = 30.0
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        if total / fps > MAX_DURATION_S:
            raise MediaInputError(f"{path}: video too long ({total / fps:.0f} s; limit "
                                  f"{MAX_DURATION_S} s)")
        sample_step = max(1, round(fps * SAMPLE_EVERY_S))
        scene_step = max(1, round(fps * SCENE_CHECK_EVERY_S))
        prev_hist = None
        idx, emitted, last_emit = -1, 0, -sample_step
        while emitted < MAX_SAMPLED_FRAMES:
            if not cap.grab():
                break
            idx += 1
            due = idx - last_emit >= sample_step
            if not due and idx % scene_step:
                continue
            ok, frame = cap.retrieve()
            if not ok or frame is None:
                break
            hist = _hist(frame)
            scene = False
            if prev_hist is not None:
                scene = _distance(prev_hist, hist) > SCENE_THRESHOLD
            prev_hist = hist
            if due or scene:
                yield idx / fps, frame, scene or idx == 0
                emitted += 1
                last_emit = idx
        if idx < 0:
            raise MediaInputError(f"{path}: no frames could be decoded (corrupt or truncated "
                                  "video)")
    finally:
        cap.release()


def _distance(a: Any, b: Any) -> float:
    import cv2

    return float(cv2.compareHist(a, b, cv2.HISTCMP_BHATTACHARYYA))


def _frame_rgb(frame: Any) -> tuple[Image.Image, float]:
    """A BGR frame as an RGB image at most FRAME_MAX_SIDE long (OpenCV resizes fastest)."""
    import cv2

    h, w = frame.shape[:2]
    f = min(1.0, FRAME_MAX_SIDE / max(w, h))
    if f < 1.0:
        frame = cv2.resize(frame, (max(1, round(w * f)), max(1, round(h * f))),
                           interpolation=cv2.INTER_AREA)
    return Image.fromarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)), 1.0 / f


def duration_s(path: Path | str) -> float:
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        return float(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0) / fps
    finally:
        cap.release()


def analyze_video(path: Path | str, policy: Any) -> list[Any]:
    """One report per sampled frame that shows something, plus the location from metadata."""
    from clearpost.media.analyze import ImageReport, analyze_picture
    from clearpost.media.exif import PhotoMeta, site_at

    check_video_file(path)
    source = f"video:{path}"
    progress = PROGRESS.get()
    total = duration_s(path) if progress else 0.0
    reports: list[ImageReport] = []
    seen_text: set[str] = set()
    last_ocr, last_ocr_hist = -OCR_EVERY_S, None
    for t, frame, scene in sample_frames(path):
        hist = _hist(frame)
        do_ocr = scene or t - last_ocr >= OCR_EVERY_S
        if do_ocr and last_ocr_hist is not None and not scene:
            do_ocr = _distance(last_ocr_hist, hist) > SAME_TEXT_DISTANCE
        if do_ocr:
            last_ocr, last_ocr_hist = t, hist
        rgb, scale = _frame_rgb(frame)
        rep = analyze_picture(rgb, policy, source, ocr=do_ocr, logos=do_ocr, time_s=round(t, 2),
                              scale=scale, face_max_side=FACE_SIDE)
        if rep.lines:
            key = rep.text
            if key in seen_text:
                rep.lines = []
            seen_text.add(key)
        if rep.lines or rep.faces or rep.logos:
            reports.append(rep)
        if progress:
            progress(str(path), t, total)
    loc = read_location(path)
    if loc:
        site = site_at(loc[0], loc[1], policy.org.sites)
        rep = ImageReport(source=source, size=(0, 0),
                          meta=PhotoMeta(latitude=loc[0], longitude=loc[1]))
        if site:
            rep.site = (site[0].name, round(site[1], 1))
        reports.append(rep)
    if progress:
        progress(str(path), total, total)
    return reports
