"""The organization's logos in a photo: ORB features matched against the pack's logos/ files.

ORB keypoints are scale- and rotation-invariant; a match counts only when enough of them agree
on one homography (RANSAC), which rejects the chance matches any textured photo produces.
Reference logos are read once per policy and cached on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from clearpost.media.ocr import scaled

LOGO_SCENE_MAX_SIDE = 1200
MIN_INLIERS = 14
_EXTS = {".png", ".jpg", ".jpeg", ".webp"}
MAX_LOGO_FILES = 50


@dataclass(frozen=True)
class LogoMatch:
    name: str  # the logo file's stem
    box: tuple[int, int, int, int]
    inliers: int


@dataclass(frozen=True)
class _Ref:
    name: str
    keypoints: Any
    descriptors: Any
    size: tuple[int, int]


def _orb() -> Any:
    import cv2

    return cv2.ORB_create(nfeatures=1500, scaleFactor=1.2, nlevels=8,  # type: ignore[attr-defined]
                          fastThreshold=12)


def _gray(image: Image.Image) -> Any:
    import cv2

    return cv2.cvtColor(np.asarray(image.convert("RGB")), cv2.COLOR_RGB2GRAY)


def load_refs(logo_dir: Path) -> list[_Ref]:
    """Reference logos of a pack (an empty list when it has no logos/ directory)."""
    from clearpost.media.loader import MediaInputError, load_image

    refs: list[_Ref] = []
    if not logo_dir.is_dir():
        return refs
    files = sorted(p for p in logo_dir.iterdir() if p.suffix.lower() in _EXTS)[:MAX_LOGO_FILES]
    orb = _orb()
    for path in files:
        try:
            img = load_image(path).image
        except MediaInputError:
            continue
        img, _ = scaled(img, 600)
        kp, des = orb.detectAndCompute(_gray(img), None)
        if des is not None and len(kp) >= MIN_INLIERS:
            refs.append(_Ref(path.stem, kp, des, img.size))
    return refs


def policy_refs(policy: Any) -> list[_Ref]:
    refs: list[_Ref] = policy.memo("media:logo-refs", lambda: load_refs(Path(policy.root) / "logos"))
    return refs


def find_logos(image: Image.Image, refs: list[_Ref]) -> list[LogoMatch]:
    if not refs:
        return []
    import cv2

    small, f = scaled(image, LOGO_SCENE_MAX_SIDE)
    kp, des = _orb().detectAndCompute(_gray(small), None)
    if des is None or len(kp) < MIN_INLIERS:
        return []
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    found = []
    for ref in refs:
        pairs = matcher.knnMatch(ref.descriptors, des, k=2)
        good = [m for m, *rest in (p for p in pairs if p) if rest and m.distance < 0.75 * rest[0].distance]
        if len(good) < MIN_INLIERS:
            continue
        src = np.array([ref.keypoints[m.queryIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
        dst = np.array([kp[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
        H, mask = cv2.findHomography(src, dst, cv2.RANSAC, 5.0)
        if H is None or mask is None:
            continue
        inliers = int(mask.sum())
        if inliers < MIN_INLIERS:
            continue
        w, h = ref.size
        corners = cv2.perspectiveTransform(
            np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32).reshape(-1, 1, 2), H).reshape(-1, 2)
        x0, y0 = corners.min(axis=0)
        x1, y1 = corners.max(axis=0)
        bw, bh = x1 - x0, y1 - y0
        if bw < 8 or bh < 8 or not np.isfinite(corners).all() or not _convex(corners):
            continue
        found.append(LogoMatch(ref.name, (int(x0 / f), int(y0 / f), int(bw / f), int(bh / f)),
                               inliers))
    return found


def _convex(quad: Any) -> bool:
    """A plausible projection of a flat logo: the corners still form a convex quadrilateral."""
    signs = []
    for i in range(4):
        a, b, c = quad[i], quad[(i + 1) % 4], quad[(i + 2) % 4]
        signs.append(np.sign((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])))
    return all(s > 0 for s in signs) or all(s < 0 for s in signs)
