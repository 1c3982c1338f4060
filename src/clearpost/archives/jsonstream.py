"""Streaming JSON (ijson, C backend) with every failure turned into one ArchiveError line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import ijson

from clearpost.archives.base import ArchiveError


class _Prefixed:
    """A stream whose first bytes were already read: hand them back, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n < 0:
                out, self._head = self._head + self._rest.read(), b""
                return out
            out, self._head = self._head[:n], self._head[n:]
            return out
        return self._rest.read(n)


def skip_js_assignment(stream: IO[bytes], where: str) -> _Prefixed:
    """Drop an X archive's `window.YTD.tweets.part0 = ` prefix, keep the JSON after it."""
    head = stream.read(512)
    eq = head.find(b"=")
    bracket = head.find(b"[")
    if eq < 0 or (0 <= bracket < eq):
        raise ArchiveError(f"{where}: not an X archive data file (no 'window.YTD... =' prefix)")
    return _Prefixed(head[eq + 1:], stream)


def items(stream: Any, prefix: str, where: str) -> Iterator[Any]:
    """Yield each item at `prefix` ('item' for a top-level list) without loading the file."""
    try:
        yield from ijson.items(stream, prefix, use_float=True)
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{where}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    except ijson.JSONError as exc:
        # Only the parser's first line: the lines after it quote the file (post text).
        raw = exc.args[0] if exc.args else ""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        msg = (text.strip().splitlines() or ["incomplete or invalid JSON"])[0][:100]
        if "utf" in msg.lower() or "byte" in msg.lower():
            raise ArchiveError(f"{where}: not UTF-8 text ({msg})") from None
        raise ArchiveError(f"{where}: invalid or truncated JSON ({msg})") from None
