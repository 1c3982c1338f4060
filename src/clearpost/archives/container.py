"""One view over the three shapes an export comes in: a zip, a folder, or a single file.

Names are POSIX paths relative to the archive root. The zip checks run when the archive is
opened, before anything is decompressed: unsafe paths (zip-slip), too many members, a total
or a ratio that betrays a zip bomb, and a truncated file all raise ArchiveError.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from clearpost.archives import base
from clearpost.archives.base import ArchiveError

MAX_FOLDER_FILES = 500_000


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return not (p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]))


def _looks_like_zip(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"PK\x03\x04" or path.suffix.lower() == ".zip"
    except OSError:
        return False


class Container:
    """Files of one export. Use as a context manager (it may hold a zip and a temp dir)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = path.name
        self._zip: zipfile.ZipFile | None = None
        self._sizes: dict[str, int] = {}
        self._tmp: str | None = None
        if path.is_dir():
            self._index_folder(path)
        elif zipfile.is_zipfile(path):
            self._open_zip(path)
            self.label = path.stem
        elif path.is_file() and _looks_like_zip(path):
            raise ArchiveError(f"{path}: damaged or truncated zip (no central directory)")
        elif path.is_file():
            self._sizes = {path.name: path.stat().st_size}
            self._root = path.parent
        elif not path.exists():
            raise ArchiveError(f"{path}: not found")
        else:
            raise ArchiveError(f"{path}: not a file, folder or zip")

    # -- construction ---------------------------------------------------------------------
    def _index_folder(self, root: Path) -> None:
        self._root = root
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for fn in filenames:
                full = Path(dirpath) / fn
                rel = full.relative_to(root).as_posix()
                try:
                    self._sizes[rel] = full.stat().st_size
                except OSError:
                    continue
                if len(self._sizes) > MAX_FOLDER_FILES:
                    raise ArchiveError(f"{root}: more than {MAX_FOLDER_FILES:,} files; "
                                       "point at the export folder itself")

    def _open_zip(self, path: Path) -> None:
        try:
            zf = zipfile.ZipFile(path)
            infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveError(f"{path}: damaged or truncated zip ({exc})") from None
        if len(infos) > base.MAX_ZIP_MEMBERS:
            raise ArchiveError(f"{path}: {len(infos):,} files in the zip (limit "
                               f"{base.MAX_ZIP_MEMBERS:,})")
        total = 0
        for info in infos:
            if not _safe_name(info.filename):
                raise ArchiveError(f"{path}: unsafe path in zip ({info.filename!r}); refusing it")
            total += info.file_size
            if (info.file_size > base.ZIP_RATIO_FLOOR_BYTES
                    and info.file_size > base.MAX_ZIP_RATIO * max(info.compress_size, 1)):
                raise ArchiveError(
                    f"{path}: {info.filename} expands {info.file_size // max(info.compress_size, 1):,}"
                    f" times (limit {base.MAX_ZIP_RATIO}); looks like a zip bomb")
            if not info.is_dir():
                self._sizes[info.filename] = info.file_size
        if total > base.MAX_ZIP_TOTAL_BYTES:
            raise ArchiveError(f"{path}: expands to {total:,} bytes (limit "
                               f"{base.MAX_ZIP_TOTAL_BYTES:,}); looks like a zip bomb")
        self._zip = zf

    # -- access ---------------------------------------------------------------------------
    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    def names(self) -> list[str]:
        return list(self._sizes)

    def size(self, name: str) -> int:
        return self._sizes[name]

    def where(self, name: str) -> str:
        return f"{self.path}:{name}" if self.path.is_dir() or self.is_zip else str(self.path)

    @contextmanager
    def open(self, name: str, limit: int | None = None) -> Iterator[IO[bytes]]:
        """A binary stream of one file, refused beforehand when larger than `limit`."""
        limit = base.MAX_FILE_BYTES if limit is None else limit
        size = self._sizes[name]
        if size > limit:
            raise ArchiveError(f"{self.where(name)}: {size:,} bytes is over the limit of "
                               f"{limit:,} for one export file")
        if self._zip is not None:
            try:
                stream: IO[bytes] = self._zip.open(name)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ArchiveError(f"{self.where(name)}: damaged zip member ({exc})") from None
        else:
            stream = (self._root / name).open("rb")
        try:
            yield stream
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise ArchiveError(f"{self.where(name)}: damaged or truncated zip ({exc})") from None
        except OSError as exc:
            raise ArchiveError(f"{self.where(name)}: cannot read ({exc.strerror or exc})") from None
        finally:
            stream.close()

    def find(self, *suffixes: str) -> list[str]:
        """Names ending with one of the suffixes (case-insensitive), in sorted order."""
        low = tuple(s.lower() for s in suffixes)
        return sorted(n for n in self._sizes if n.lower().endswith(low))

    def resolve(self, name: str) -> str | None:
        """The archive name of a media reference, trying the export's usual prefixes."""
        name = name.lstrip("/").replace("\\", "/")
        if name in self._sizes:
            return name
        for anchor in ("media_attachments/", "media/", "tweets_media/", "posts/", "photos_and_videos/"):
            i = name.find(anchor)
            if i > 0 and name[i:] in self._sizes:
                return name[i:]
        for n in self._sizes:  # an export nested one folder down
            if n.endswith("/" + name):
                return n
        return None

    def media_file(self, name: str) -> str | None:
        """A local path to a media file (a zip member is extracted to a temp dir), or None."""
        if name not in self._sizes or self._sizes[name] > base.MAX_MEDIA_BYTES:
            return None
        if self._zip is None:
            return str(self._root / name)
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix="clearpost-media-")
        target = Path(self._tmp) / f"{abs(hash(name)):x}-{PurePosixPath(name).name}"
        if not target.exists():
            part = target.with_name(target.name + ".part")
            with self._zip.open(name) as src, part.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
            part.replace(target)
        return str(target)
