from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from clearpost.engine import check
from clearpost.media.loader import MediaInputError
from clearpost.media.video import read_location, sample_frames
from tests.fixtures import media_gen


@pytest.fixture(scope="module")
def clip(media_dir: Path, need_faces: Path) -> Path:
    """Four seconds at 10 fps: two seconds of a plain scene, then a cut to a face."""
    import cv2

    rng = random.Random(21)
    a = media_gen.background(rng, (640, 480))
    b = media_gen.background(rng, (640, 480))
    media_gen.paste_face(b, rng, 0.45)
    path = media_dir / "clip.mp4"
    wr = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (640, 480))
    for k in range(40):
        wr.write(np.asarray(a if k < 20 else b)[:, :, ::-1].copy())
    wr.release()
    return path


def test_sampling_finds_the_cut(clip: Path) -> None:
    frames = list(sample_frames(clip))
    times = [t for t, _, _ in frames]
    assert 4 <= len(frames) <= 8
    assert any(scene and 1.9 <= t <= 2.3 for t, _, scene in frames), times


def test_video_faces_through_the_engine(policy, clip: Path) -> None:  # type: ignore[no-untyped-def]
    res = check({"text": "Today", "videos": [str(clip)]}, policy)
    faces = next(f for f in res.findings if f.rule == "faces")
    ev = faces.evidence[0]
    assert ev.source == f"video:{clip}" and ev.model_extra and ev.model_extra["time_s"] >= 1.9


def test_location_atom(tmp_path: Path) -> None:
    path = tmp_path / "loc.mov"
    path.write_bytes(b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 64
                     + b"\xa9xyz\x00\x12\x15\xc7+40.7645-073.9561/" + b"\x00" * 32)
    assert read_location(path) == pytest.approx((40.7645, -73.9561))


def test_corrupt_video(policy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(random.Random(1).randbytes(5000)))
    with pytest.raises(MediaInputError):
        check({"text": "Today", "videos": [str(path)]}, policy)
