"""Bad input never crashes or hangs: each case is one MediaInputError with a clear message."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image

from clearpost.media.loader import MAX_IMAGE_SIDE, MediaInputError, check_video_file, load_image
from tests.conftest import decode, run_cli
from tests.fixtures import media_gen


def _jpeg(path: Path) -> Path:
    img, _ = media_gen.sign(random.Random(1), ["Exit"])
    img.save(path, format="JPEG", quality=90)
    return path


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    # 9,500 x 9,500 one-bit pixels: a ~10 KB file that decodes to 90 megapixels
    path = tmp_path / "bomb.png"
    Image.new("1", (9500, 9500)).save(path)
    assert path.stat().st_size < 200_000
    with pytest.raises(MediaInputError, match=r"exceed the limit|decompression bomb"):
        load_image(path)


def test_huge_dimensions_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "strip.png"
    Image.new("L", (MAX_IMAGE_SIDE + 1, 2)).save(path)
    with pytest.raises(MediaInputError, match="dimensions"):
        load_image(path)


def test_truncated_jpeg(tmp_path: Path) -> None:
    src = _jpeg(tmp_path / "full.jpg")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    with pytest.raises(MediaInputError, match="truncated"):
        load_image(cut)


def test_corrupt_png(tmp_path: Path) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50)
    with pytest.raises(MediaInputError, match=r"corrupt|truncated"):
        load_image(path)


def test_text_file_with_image_extension(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a photo\n")
    with pytest.raises(MediaInputError, match="not an image"):
        load_image(path)


def test_png_named_jpg_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "really-a-png.jpg"
    Image.new("RGB", (40, 30), "red").save(path, format="PNG")
    loaded = load_image(path)
    assert loaded.format == "png" and loaded.size == (40, 30)


def test_video_named_as_photo(tmp_path: Path) -> None:
    path = tmp_path / "clip.jpg"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    with pytest.raises(MediaInputError, match="video"):
        load_image(path)


def test_photo_given_as_video(tmp_path: Path) -> None:
    with pytest.raises(MediaInputError, match="not a video"):
        check_video_file(_jpeg(tmp_path / "x.mp4"))


def test_empty_and_missing(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(MediaInputError, match="empty"):
        load_image(tmp_path / "empty.jpg")
    with pytest.raises(MediaInputError, match="not found"):
        load_image(tmp_path / "nope.jpg")


def test_jpeg_decoded_reduced_keeps_scale(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 3000), "white").save(path, quality=80)
    loaded = load_image(path, max_side=1600)
    assert max(loaded.size) >= 1600 and loaded.scale == pytest.approx(4000 / loaded.size[0])


@pytest.mark.parametrize("payload", [b"hello, I am text", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_cli_bad_image_is_one_line_input_error(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(payload)
    proc = run_cli("check", "Today", "--image", str(path))
    _out, err = decode(proc)
    assert proc.returncode == 4, err
    assert err.startswith("clearpost: error:") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_heic_opens_when_pillow_heif_is_installed(tmp_path: Path) -> None:
    heif = pytest.importorskip("pillow_heif")
    heif.register_heif_opener()
    path = tmp_path / "phone.heic"
    Image.new("RGB", (64, 48), "blue").save(path)
    loaded = load_image(path)
    assert loaded.format == "heic" and loaded.size == (64, 48)


def test_webp_opens(tmp_path: Path) -> None:
    path = tmp_path / "x.webp"
    Image.new("RGB", (50, 20), "green").save(path)
    assert load_image(path).format == "webp"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "TIFF"])
def test_damaged_files_fail_cleanly(tmp_path: Path, fmt: str) -> None:
    """Flipped bytes and cut tails: either it still decodes, or one MediaInputError."""
    img, _ = media_gen.sign(random.Random(2), ["Exit"])
    src = tmp_path / f"ok.{fmt.lower()}"
    img.resize((200, 130)).save(src, format=fmt)
    good = src.read_bytes()
    rng = random.Random(fmt)
    for k in range(25):
        data = bytearray(good)
        for _ in range(rng.randint(1, 12)):
            pos = rng.randrange(8, len(data))
            data[pos] = rng.randrange(256)
        if k % 3 == 0:
            data = data[: rng.randrange(16, len(data))]
        bad = tmp_path / f"bad{k}.{fmt.lower()}"
        bad.write_bytes(bytes(data))
        try:
            loaded = load_image(bad)
        except MediaInputError:
            continue
        assert loaded.image.mode == "RGB"
