"""The organization's published material: posts and press releases that are already public.

A corpus is a directory of .txt / .md files, one item each. An optional first line
``source: <url or name>`` says where the item was published; otherwise the file name is the
source. Two places are read: the pack's own corpus (``published_corpus`` in pack.yaml,
relative to the pack) and a local index directory (``CLEARPOST_CORPUS_DIR``), which is where
``clearpost corpus add`` writes when the pack itself should stay untouched.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_ITEM_BYTES = 1_000_000
MAX_ITEMS = 50_000
SUFFIXES = (".txt", ".md")
ENV_DIR = "CLEARPOST_CORPUS_DIR"
_SOURCE_LINE = re.compile(r"^\s*source:\s*(\S.*?)\s*$", re.IGNORECASE)


class CorpusError(ValueError):
    """A file that cannot be added; the message names it."""


@dataclass(frozen=True)
class Item:
    source: str
    text: str


def corpus_dirs(policy: Any) -> list[Path]:
    """Where published items live for this policy, pack corpus first."""
    dirs = []
    rel = policy.org.published_corpus
    if rel:
        dirs.append((policy.root / rel).resolve())
    local = os.environ.get(ENV_DIR)
    if local:
        dirs.append(Path(local).expanduser().resolve())
    return list(dict.fromkeys(dirs))


def parse_item(path: Path, raw: str) -> Item:
    lines = raw.splitlines()
    if lines and (m := _SOURCE_LINE.match(lines[0])):
        return Item(source=m.group(1), text="\n".join(lines[1:]))
    return Item(source=path.name, text=raw)


def read_items(directory: Path) -> list[Item]:
    if not directory.is_dir():
        return []
    items = []
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in SUFFIXES or path.name.upper().startswith("README"):
            continue
        try:
            if path.stat().st_size > MAX_ITEM_BYTES:
                continue
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # an unreadable item is skipped; `corpus add` never writes one
        items.append(parse_item(path, raw))
        if len(items) >= MAX_ITEMS:
            break
    return items


def load_items(policy: Any) -> list[Item]:
    return [item for d in corpus_dirs(policy) for item in read_items(d)]


def _check_file(path: Path) -> str:
    if not path.is_file():
        raise CorpusError(f"not a file: {path}")
    if path.suffix.lower() not in SUFFIXES:
        raise CorpusError(f"{path}: only .txt and .md files can be added")
    size = path.stat().st_size
    if size > MAX_ITEM_BYTES:
        raise CorpusError(f"{path}: too large ({size:,} bytes; limit {MAX_ITEM_BYTES:,})")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise CorpusError(f"{path}: binary data, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    if not text.strip():
        raise CorpusError(f"{path}: empty")
    return text


def add_files(files: list[Path], target: Path) -> list[Path]:
    """Copy published items into `target` (each written to a temp file, then renamed).

    Every file is checked before any is written, so a bad file adds nothing.
    """
    texts = [(f, _check_file(f)) for f in files]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for f, text in texts:
        dest = target / f.name
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target, delete=False,
                                         suffix=".part") as tmp:
            tmp.write(text)
        Path(tmp.name).replace(dest)
        written.append(dest)
    return written


def org_name_words(policy: Any) -> frozenset[str]:
    """The words of the organization's own names: every published item says them, so a
    corpus match must not rest on them (passed to BM25 as extra stop words)."""
    org = policy.org
    names = [org.name, *org.aliases, *org.weak_aliases, *org.institutes, *org.schools,
             *org.official_handles, *org.hashtags]
    return frozenset(w for n in names for w in re.findall(r"[a-z0-9]+", n.lower()) if len(w) > 1)
