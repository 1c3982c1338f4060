"""The safe copy: no metadata, no face the detector can find, no patient text OCR can read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from clearpost.engine import check
from clearpost.media.faces import find_faces
from clearpost.media.fields import find_fields
from clearpost.media.loader import MediaInputError, load_image
from clearpost.media.ocr import read_text
from clearpost.media.redact import redact_image
from tests.conftest import decode, run_cli


@pytest.fixture(scope="module")
def safe_copy(wristband_photo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("safe") / "safe.jpg"
    proc = run_cli("redact", str(wristband_photo), "-o", str(out), "--json")
    out_s, err = decode(proc)
    assert proc.returncode == 0, err
    report = json.loads(out_s)
    assert report["faces_blurred"] >= 1 and report["text_boxes_blacked_out"] >= 2
    return out


def test_original_has_what_must_go(wristband_photo: Path) -> None:
    # the fixture really carries metadata, a face and patient text, so the checks below bite
    with Image.open(wristband_photo) as im:
        assert im.getexif() and "icc_profile" in im.info and "xmp" in im.info
        assert "comment" in im.info
    image = load_image(wristband_photo).image
    assert find_faces(image)
    assert find_fields("\n".join(ln.text for ln in read_text(image)))


def test_no_metadata_left(safe_copy: Path) -> None:
    raw = safe_copy.read_bytes()
    with Image.open(safe_copy) as im:
        assert len(im.getexif()) == 0
        for key in ("exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp"):
            assert key not in im.info, key
    for marker in (b"Exif\x00", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"synthetic comment",
                   b"Synthetic", b"TestCam"):
        assert marker not in raw


def test_no_face_left(safe_copy: Path) -> None:
    assert find_faces(load_image(safe_copy).image) == []


def test_no_patient_text_left(policy, safe_copy: Path) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(ln.text for ln in read_text(load_image(safe_copy).image))
    assert find_fields(text) == []
    res = check({"text": "Today", "images": [str(safe_copy)]}, policy)
    assert res.verdict == "pass", res.findings


def test_no_temp_files_left(safe_copy: Path) -> None:
    assert sorted(p.name for p in safe_copy.parent.iterdir()) == ["safe.jpg"]


def test_bad_output_and_bad_input(policy, tmp_path: Path, wristband_photo: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MediaInputError, match="output must end"):
        redact_image(wristband_photo, tmp_path / "x.gif", policy)
    bad = tmp_path / "bad.jpg"
    bad.write_text("nope")
    proc = run_cli("redact", str(bad), "-o", str(tmp_path / "out.jpg"))
    _, err = decode(proc)
    assert proc.returncode == 4 and "not an image" in err and "Traceback" not in err
    assert not (tmp_path / "out.jpg").exists()
