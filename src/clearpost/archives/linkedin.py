"""LinkedIn export: Shares.csv (your posts) and Comments.csv (your comments).

LinkedIn escapes quotes inside Comments.csv fields with a backslash (\\"), and writes a
multi-line ShareCommentary with every line wrapped in doubled quotes, so after CSV decoding
each inner line still starts and ends with a stray `"` (unwrap_lines() removes them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import PurePosixPath

from clearpost.archives.base import ArchiveError, ArchivePost
from clearpost.archives.container import Container

NAME = "linkedin"
MAX_FIELD_CHARS = 1_000_000


def _named(c: Container, filename: str) -> list[str]:
    return sorted(n for n in c.names() if PurePosixPath(n).name.lower() == filename.lower())


def detect(c: Container) -> bool:
    return bool(_named(c, "Shares.csv") or _named(c, "Comments.csv"))


def unwrap_lines(text: str) -> str:
    """Undo the per-line quoting of a multi-line ShareCommentary."""
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    inner_ok = all(ln.startswith('"') for ln in lines[1:]) and all(ln.endswith('"') for ln in lines[:-1])
    if not inner_ok:
        return text
    fixed = [ln[1:] if i > 0 else ln for i, ln in enumerate(lines)]
    fixed = [ln[:-1] if i < len(lines) - 1 else ln for i, ln in enumerate(fixed)]
    return "\n".join(fixed)


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
    except ValueError:
        return None


def _rows(c: Container, name: str) -> Iterator[tuple[int, list[str]]]:
    where = c.where(name)
    csv.field_size_limit(MAX_FIELD_CHARS)
    with c.open(name) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, escapechar="\\")  # Comments.csv escapes quotes as \"
        start = 1
        try:
            for row in reader:
                if row:
                    yield start, row  # the line the record starts on (it may span several)
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise ArchiveError(f"{where}: not UTF-8 text near line {reader.line_num + 1} "
                               f"(invalid byte {exc.object[exc.start]:#04x})") from None
        except csv.Error as exc:
            raise ArchiveError(f"{where}: line {reader.line_num}: bad CSV ({exc})") from None


def _person(c: Container) -> str:
    for name in _named(c, "Profile.csv"):
        try:
            for _, row in _rows(c, name):
                if row[:2] != ["First Name", "Last Name"] and len(row) >= 2:
                    return f"{row[0]} {row[1]}".strip()
        except (ArchiveError, IndexError):
            break
    return c.label


def read(c: Container, problems: list[str]) -> Iterator[ArchivePost]:
    person = _person(c)
    for name in _named(c, "Shares.csv"):
        header: list[str] | None = None
        for line, row in _rows(c, name):
            if header is None:
                header = row
                if "ShareCommentary" not in header:
                    raise ArchiveError(f"{c.where(name)}: no ShareCommentary column; not a "
                                       "LinkedIn Shares.csv")
                continue
            rec = dict(zip(header, row, strict=False))
            link = rec.get("ShareLink") or ""
            yield ArchivePost(
                id=f"linkedin:share:{line}:{link.rsplit('%3A', 1)[-1]}", platform="linkedin",
                text=unwrap_lines(rec.get("ShareCommentary", "")), date=_date(rec.get("Date", "")),
                permalink=link or None, media=(rec["MediaUrl"],) if rec.get("MediaUrl") else (),
                source=str(c.path), person=person, kind="share",
                extra={"shared_url": rec.get("SharedUrl") or ""},
            )
    for name in _named(c, "Comments.csv"):
        header = None
        for line, row in _rows(c, name):
            if header is None:
                header = row
                if "Message" not in header:
                    raise ArchiveError(f"{c.where(name)}: no Message column; not a LinkedIn "
                                       "Comments.csv")
                continue
            i = header.index("Message")
            if len(row) <= i:
                problems.append(f"{c.where(name)}: line {line} has no message")
                continue
            rec = dict(zip(header, row, strict=False))
            message = ",".join(row[i:])  # a stray unquoted comma would split the message
            yield ArchivePost(
                id=f"linkedin:comment:{line}:{rec.get('Date', '')}", platform="linkedin",
                text=message, date=_date(rec.get("Date", "")),
                permalink=rec.get("Link") or None, source=str(c.path), person=person,
                kind="comment", in_reply_to=rec.get("Link") or None,
            )
