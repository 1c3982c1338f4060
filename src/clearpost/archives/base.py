"""What every reader shares: the post it yields, its errors, and the size limits.

An archive is read as a stream: readers never hold a whole export in memory (except a
Bluesky CAR, which is bounded by MAX_CAR_BYTES), and every file is measured before it is
opened, so a file of several gigabytes is refused without being read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from clearpost.model import MAX_MEDIA_FILES, MAX_TEXT_CHARS, Platform


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


#: Largest single file of an export that is parsed (tweets.js, outbox.json, Shares.csv...).
MAX_FILE_BYTES = _env_int("CLEARPOST_ARCHIVE_MAX_FILE_BYTES", 2 * 1024**3)
#: A CAR is decoded in memory (libipld), so its bound is lower.
MAX_CAR_BYTES = _env_int("CLEARPOST_ARCHIVE_MAX_CAR_BYTES", 512 * 1024**2)
#: Zip limits: total declared uncompressed size, members, and compression ratio (bombs).
MAX_ZIP_TOTAL_BYTES = _env_int("CLEARPOST_ARCHIVE_MAX_ZIP_BYTES", 64 * 1024**3)
MAX_ZIP_MEMBERS = 500_000
MAX_ZIP_RATIO = 200
#: Below this size a high ratio is harmless (a run of spaces compresses 1000:1).
ZIP_RATIO_FLOOR_BYTES = 4 * 1024**2
#: A media file larger than this is not extracted for checking.
MAX_MEDIA_BYTES = 200 * 1024**2


class ArchiveError(ValueError):
    """The archive cannot be read at all: one line, naming the file and the reason."""


@dataclass(frozen=True)
class ArchivePost:
    """One post (or comment, reply, repost) found in an export."""

    id: str
    platform: Platform
    text: str
    date: datetime | None
    permalink: str | None = None
    #: Media as named by the export (a path inside the archive, or a blob id).
    media: tuple[str, ...] = ()
    #: Where the archive lives and whose it is (handle, DID, name, or the archive's name).
    source: str = ""
    person: str = ""
    kind: str = "post"  # post, reply, comment, share, repost
    in_reply_to: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_post(self, images: tuple[str, ...] = (), videos: tuple[str, ...] = (),
                role: str = "employee") -> dict[str, Any]:
        """The contract's post object (section 1) for this archive post."""
        return {
            "id": self.id,
            "text": self.text[:MAX_TEXT_CHARS],
            "author": {"role": role},
            "account": {"kind": "personal", "platform": self.platform,
                        "handle": self.person or None},
            "venue": "own",
            "images": list(images[:MAX_MEDIA_FILES]),
            "videos": list(videos[:MAX_MEDIA_FILES]),
        }

    def as_contract_post(self, **kw: Any) -> Any:
        from clearpost.model import parse_post

        return parse_post(self.to_post(**kw), where=self.id)


def from_unix(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def from_iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv", ".gif")


def is_video(name: str) -> bool:
    return name.lower().endswith(VIDEO_SUFFIXES)
