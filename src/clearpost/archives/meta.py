"""Facebook and Instagram exports (Meta's "Download your information", JSON format).

Both write UTF-8 bytes as \\u00XX escapes, one per byte, so "é" arrives as "Ã©"
(latin-1 mojibake). fix_mojibake() turns the text back into what the person wrote.
Neither export carries a post URL, so permalinks are not derivable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from clearpost.archives.base import ArchiveError, ArchivePost, from_unix
from clearpost.archives.container import Container
from clearpost.archives.jsonstream import items

_FB_FILE = re.compile(r"^your_posts.*\.json$", re.IGNORECASE)
_IG_FILE = re.compile(r"^posts_\d+\.json$", re.IGNORECASE)


def fix_mojibake(text: str) -> str:
    """Undo Meta's byte-per-char escaping; leave text that was not mis-encoded unchanged."""
    if not text or text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _files(c: Container, pattern: re.Pattern[str]) -> list[str]:
    def part(n: str) -> tuple[int, str]:
        m = re.search(r"(\d+)\.json$", n)
        return (int(m.group(1)) if m else 0, n)

    return sorted((n for n in c.names() if pattern.match(PurePosixPath(n).name)), key=part)


def facebook_files(c: Container) -> list[str]:
    return _files(c, _FB_FILE)


def instagram_files(c: Container) -> list[str]:
    return _files(c, _IG_FILE)


def _media_uris(c: Container, attachments: Any) -> tuple[str, ...]:
    out = []
    for att in attachments or []:
        for d in (att.get("data") or []) if isinstance(att, dict) else []:
            media = d.get("media") if isinstance(d, dict) else None
            if isinstance(media, dict) and media.get("uri"):
                uri = str(media["uri"])
                out.append(c.resolve(uri) or uri)
    return tuple(out)


def _profile_name(c: Container, filename: str) -> str:
    """The account's name from the export's profile file, if there is one (best effort)."""
    for name in sorted(n for n in c.names() if PurePosixPath(n).name == filename):
        try:
            with c.open(name, limit=5_000_000) as f:
                data = json.load(f)
        except (ValueError, ArchiveError):
            return ""
        if not isinstance(data, dict):
            return ""
        if isinstance(data.get("profile_v2"), dict):  # Facebook
            full = (data["profile_v2"].get("name") or {}).get("full_name")
            return fix_mojibake(str(full)) if full else ""
        for user in data.get("profile_user") or []:  # Instagram
            fields = user.get("string_map_data", {}) if isinstance(user, dict) else {}
            handle = (fields.get("Username") or {}).get("value")
            if handle:
                return "@" + fix_mojibake(str(handle))
    return ""


def read_facebook(c: Container, problems: list[str]) -> Iterator[ArchivePost]:
    """One post per entry with words or media; check-ins with only a generated title skip."""
    person = _profile_name(c, "profile_information.json") or c.label
    for name in facebook_files(c):
        where = c.where(name)
        with c.open(name) as f:
            for n, entry in enumerate(items(f, "item", where), 1):
                if not isinstance(entry, dict):
                    problems.append(f"{where}: item {n} is not a post")
                    continue
                texts = [fix_mojibake(str(d["post"])) for d in entry.get("data") or []
                         if isinstance(d, dict) and d.get("post")]
                texts += [fix_mojibake(str(d["text"])) for a in entry.get("attachments") or []
                          if isinstance(a, dict) for d in a.get("data") or []
                          if isinstance(d, dict) and isinstance(d.get("text"), str) and d["text"]]
                media = _media_uris(c, entry.get("attachments"))
                if not texts and not media:
                    continue
                ts = entry.get("timestamp")
                yield ArchivePost(
                    id=f"facebook:{PurePosixPath(name).stem}:{n}:{ts}", platform="facebook",
                    text="\n\n".join(texts), date=from_unix(ts), permalink=None, media=media,
                    source=str(c.path), person=person,
                    extra={"title": fix_mojibake(str(entry.get("title") or ""))},
                )


def read_instagram(c: Container, problems: list[str]) -> Iterator[ArchivePost]:
    """One post per entry: its caption (entry title, else the first media title) and media."""
    person = _profile_name(c, "personal_information.json") or c.label
    for name in instagram_files(c):
        where = c.where(name)
        with c.open(name) as f:
            for n, entry in enumerate(items(f, "item", where), 1):
                media = entry.get("media") if isinstance(entry, dict) else None
                if not isinstance(media, list):
                    problems.append(f"{where}: item {n} is not a post")
                    continue
                media = [m for m in media if isinstance(m, dict)]
                caption = entry.get("title") or next((m["title"] for m in media if m.get("title")), "")
                ts = entry.get("creation_timestamp") or next(
                    (m["creation_timestamp"] for m in media if m.get("creation_timestamp")), None)
                uris = tuple(c.resolve(str(m["uri"])) or str(m["uri"]) for m in media if m.get("uri"))
                first = PurePosixPath(uris[0]).stem if uris else str(n)
                yield ArchivePost(
                    id=f"instagram:{ts}:{first}", platform="instagram",
                    text=fix_mojibake(str(caption)), date=from_unix(ts), permalink=None,
                    media=uris, source=str(c.path), person=person,
                )
