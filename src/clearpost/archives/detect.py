"""Which network an export comes from, told by the files it holds.

`discover(paths)` turns the command line into archives: each path is an export (a zip, a
folder, or one of the data files itself), or a folder whose entries are exports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from clearpost.archives import bluesky, linkedin, mastodon, meta, twitter
from clearpost.archives.base import ArchiveError, ArchivePost
from clearpost.archives.container import Container

Reader = Callable[[Container, list[str]], Iterator[ArchivePost]]


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    detect: Callable[[Container], bool]
    read: Reader


# Order matters only for exports holding several kinds of file; Meta's two are told apart
# by file name (your_posts_1.json vs posts_1.json).
FORMATS: tuple[Format, ...] = (
    Format("x", "X/Twitter", twitter.detect, twitter.read),
    Format("mastodon", "Mastodon", mastodon.detect, mastodon.read),
    Format("bluesky", "Bluesky", bluesky.detect, bluesky.read),
    Format("facebook", "Facebook", lambda c: bool(meta.facebook_files(c)), meta.read_facebook),
    Format("instagram", "Instagram", lambda c: bool(meta.instagram_files(c)), meta.read_instagram),
    Format("linkedin", "LinkedIn", linkedin.detect, linkedin.read),
)
EXPECTED = ("an X/Twitter archive (data/tweets.js), a Mastodon archive (outbox.json), a Bluesky "
            "CAR, Facebook your_posts_1.json, Instagram posts_1.json, or LinkedIn Shares.csv")


def detect_format(c: Container) -> Format | None:
    for fmt in FORMATS:
        if fmt.detect(c):
            return fmt
    return None


@dataclass(frozen=True)
class Archive:
    path: Path
    format: Format

    def open(self) -> Container:
        return Container(self.path)


def _probe(path: Path) -> Archive | None:
    with Container(path) as c:
        fmt = detect_format(c)
    return Archive(path, fmt) if fmt else None


def discover(paths: list[Path]) -> list[Archive]:
    """Every archive named, or found one level inside a folder of archives.

    A folder is one export unless two or more of its sub-folders or zips are exports
    themselves (an extracted X archive has one, data/; a folder of archives has several).
    """
    found: list[Archive] = []
    for path in paths:
        if not path.exists():
            raise ArchiveError(f"{path}: not found")
        if path.is_dir():
            inner = [a for child in sorted(path.iterdir())
                     if not child.name.startswith(".") and (child.is_dir() or child.suffix.lower() == ".zip")
                     and (a := _probe(child)) is not None]
            whole = _probe(path) if len(inner) < 2 else None
            if whole is not None:
                found.append(whole)
            elif inner:
                found.extend(inner)
            else:
                raise ArchiveError(f"{path}: not a recognised social media export (expected "
                                   f"{EXPECTED})")
            continue
        archive = _probe(path)
        if archive is None:
            raise ArchiveError(f"{path}: not a recognised social media export (expected {EXPECTED})")
        found.append(archive)
    return found


def read_archive(archive: Archive, c: Container, problems: list[str]) -> Iterator[ArchivePost]:
    yield from archive.format.read(c, problems)
