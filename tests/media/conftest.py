from __future__ import annotations

import random
from pathlib import Path

import pytest

pytest.importorskip("cv2", reason="the media extra is not installed")
pytest.importorskip("rapidocr", reason="the media extra is not installed")

from tests.fixtures import media_gen


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def need_faces() -> Path:
    path = media_gen.astronaut_path()
    if path is None:
        pytest.skip("scikit-image (the media-test extra) ships the face photo")
    return path


@pytest.fixture(scope="session")
def wristband_photo(media_dir: Path, need_faces: Path) -> Path:
    """A wristband (invented name, MRN, DOB) next to a face, GPS inside a pack site, with
    XMP, an ICC profile and a comment: everything `redact` must remove."""
    rng = random.Random(11)
    img, _ = media_gen.wristband(rng, 2)
    media_gen.paste_face(img, rng, 0.3)
    path = media_dir / "wristband.jpg"
    media_gen.save(img, path, media_gen.INSIDE, xmp=True)
    return path


@pytest.fixture(scope="session")
def neutral_sign(media_dir: Path) -> Path:
    img, _ = media_gen.sign(random.Random(12), ["Fresh bagels today"])
    path = media_dir / "sign.jpg"
    media_gen.save(img, path, media_gen.OUTSIDE[0])
    return path
