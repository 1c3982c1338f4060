"""Open a photo safely: size, dimension and decompression-bomb limits, truncated or corrupt
files, and extensions that lie all become one clear `MediaInputError`, never a crash or a hang.

The format is decided by the file's first bytes (its magic number), not by its name, so a
PNG named .jpg still opens, and a text file named .jpg is refused with a clear message.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageFile, ImageOps

from clearpost.model import PostInputError

#: Largest photo file read, in bytes (a 48-megapixel phone JPEG is ~25 MB; HEIC less).
MAX_IMAGE_BYTES = 50_000_000
#: Largest decoded picture, in pixels (just under Pillow's own bomb threshold). Past it we refuse
#: rather than decode: a small file can decode to gigabytes (a decompression bomb).
MAX_IMAGE_PIXELS = 89_000_000
#: Largest side, in pixels: odd shapes (1 x 90,000,000) are bombs too.
MAX_IMAGE_SIDE = 20_000
#: Largest video file read.
MAX_VIDEO_BYTES = 2_000_000_000

_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "HEIF": "heic", "GIF": "gif",
            "BMP": "bmp", "TIFF": "tiff", "MPO": "jpeg"}


class MediaInputError(PostInputError):
    """A photo or video that cannot be checked; the message says which file and why."""


@dataclass(frozen=True)
class LoadedImage:
    """A decoded photo: RGB pixels upright (EXIF orientation applied) plus its raw metadata."""

    path: str
    format: str  # jpeg, png, webp, heic, ...
    image: Image.Image  # RGB, orientation applied
    exif: Image.Exif
    info: dict[str, Any]  # Pillow's info: xmp, icc_profile, comment, ...
    scale: float = 1.0  # original pixels per pixel of `image` (> 1 when decoded reduced)

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


def sniff(head: bytes) -> str | None:
    """The image or video format from the first bytes, or None when it is neither."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc", b"avif"):
            return "heic"
        if brand == b"qt  ":
            return "mov"
        return "mp4"
    return None


_heif_lock = threading.Lock()
_heif_state: dict[str, bool] = {}


def _register_heif() -> bool:
    """HEIC support through pillow-heif when it is installed (it is optional)."""
    with _heif_lock:
        if "ok" not in _heif_state:
            try:
                from pillow_heif import register_heif_opener

                register_heif_opener()
                _heif_state["ok"] = True
            except ImportError:
                _heif_state["ok"] = False
        return _heif_state["ok"]


def _stat(path: Path, limit: int, what: str) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise MediaInputError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise MediaInputError(f"{path}: cannot read {what} ({exc.strerror})") from None
    if path.is_dir():
        raise MediaInputError(f"{path}: is a directory, not a {what}")
    if size == 0:
        raise MediaInputError(f"{path}: empty file")
    if size > limit:
        raise MediaInputError(f"{path}: {what} too large ({size:,} bytes; limit {limit:,})")
    return size


def read_head(path: Path | str, n: int = 32) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def load_image(path: Path | str, max_side: int | None = None) -> LoadedImage:
    """Open, check and decode a photo; raise MediaInputError with one clear line otherwise.

    With `max_side`, a JPEG is decoded at a reduced scale (the decoder's DCT scaling, 2-8x
    faster) as long as its long side stays at least `max_side`; `scale` records the factor.
    """
    p = Path(path)
    _stat(p, MAX_IMAGE_BYTES, "image")
    kind = sniff(read_head(p))
    if kind is None:
        raise MediaInputError(f"{p}: not an image (unknown format; JPEG, PNG, WebP or HEIC "
                              "expected)")
    if kind in ("mp4", "mov"):
        raise MediaInputError(f"{p}: this is a video, not a photo (use --video)")
    if kind == "heic" and not _register_heif():
        raise MediaInputError(f"{p}: HEIC photo, but HEIC support (pillow-heif) is not "
                              "installed; convert it to JPEG")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(p)
            w, h = img.size
            if w <= 0 or h <= 0 or w > MAX_IMAGE_SIDE or h > MAX_IMAGE_SIDE or w * h > MAX_IMAGE_PIXELS:
                raise MediaInputError(f"{p}: image dimensions {w}x{h} exceed the limit "
                                      f"({MAX_IMAGE_SIDE} px a side, {MAX_IMAGE_PIXELS:,} pixels)")
            fmt = _FORMATS.get(img.format or "", (img.format or kind).lower())
            if getattr(img, "n_frames", 1) > 1:
                img.seek(0)  # animated GIF/WebP: the first frame stands for the picture
            exif = img.getexif()
            info = {str(k): v for k, v in img.info.items()}
            if max_side and img.format == "JPEG" and max(w, h) > 2 * max_side:
                f = max_side / max(w, h)
                img.draft("RGB", (max(1, int(w * f)), max(1, int(h * f))))
            scale = w / img.size[0]
            # Decode now, inside the guard: a truncated file must fail here, not later.
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            img.load()
            upright = ImageOps.exif_transpose(img) or img
            rgb = upright.convert("RGB")
    except MediaInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaInputError(f"{p}: image is too large when decoded (decompression bomb "
                              "protection)") from None
    except Image.UnidentifiedImageError:
        raise MediaInputError(f"{p}: corrupt or unsupported image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        msg = str(exc).lower()
        why = "truncated" if "truncated" in msg or "eof" in msg or isinstance(exc, EOFError) \
            else "corrupt"
        raise MediaInputError(f"{p}: {why} image file") from None
    except MemoryError:
        raise MediaInputError(f"{p}: image is too large to decode") from None
    return LoadedImage(path=str(path), format=fmt, image=rgb, exif=exif, info=info,
                       scale=scale)


def check_video_file(path: Path | str) -> str:
    """Check a video's size and container; return 'mp4' or 'mov'."""
    p = Path(path)
    _stat(p, MAX_VIDEO_BYTES, "video")
    kind = sniff(read_head(p))
    if kind not in ("mp4", "mov"):
        what = "an image, not a video" if kind else "not a video (MP4 or MOV expected)"
        raise MediaInputError(f"{p}: {what}")
    return kind

