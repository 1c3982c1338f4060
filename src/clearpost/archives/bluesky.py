"""Bluesky: the repository export (a CAR file, as from Settings > Export my data).

libipld decodes the CAR and its DAG-CBOR blocks. The commit block points at a Merkle Search
Tree whose keys are `<collection>/<record key>`; walking it in key order gives every
record with its path, so each post gets its permalink. Blobs (images, videos) are not in
the CAR: when the export folder also holds them, named by their CID, they are checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

import libipld

from clearpost.archives import base
from clearpost.archives.base import ArchiveError, ArchivePost, from_iso
from clearpost.archives.container import Container

NAME = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"


def detect(c: Container) -> bool:
    return bool(c.find(".car"))


def _walk_mst(blocks: dict[bytes, Any], root: bytes, problems: list[str],
              where: str) -> Iterator[tuple[str, Any]]:
    """(key, record) for every entry of the tree, in key order (iterative: no recursion)."""
    stack: list[tuple[str, Any]] = [("node", root)]
    while stack:
        what, value = stack.pop()
        if what == "leaf":
            yield value
            continue
        node = blocks.get(value) if isinstance(value, bytes) else None
        if not isinstance(node, dict) or not isinstance(node.get("e"), list):
            problems.append(f"{where}: a tree node is missing from the CAR")
            continue
        todo: list[tuple[str, Any]] = []
        if node.get("l"):
            todo.append(("node", node["l"]))
        key = b""
        for entry in node["e"]:
            prefix, suffix = (entry.get("p", 0), entry.get("k", b"")) if isinstance(entry, dict) \
                else (None, None)
            if not isinstance(prefix, int) or not isinstance(suffix, bytes) or prefix < 0:
                problems.append(f"{where}: a malformed tree entry was skipped")
                continue
            key = key[:prefix] + suffix
            todo.append(("leaf", (key.decode("utf-8", "replace"), entry.get("v"))))
            if entry.get("t"):
                todo.append(("node", entry["t"]))
        stack.extend(reversed(todo))


def _blob_cids(embed: Any) -> list[tuple[str, str]]:
    """(cid, kind) of every image or video blob in an embed (also inside recordWithMedia)."""
    out: list[tuple[str, str]] = []
    if not isinstance(embed, dict):
        return out
    images = embed.get("images")
    for img in images if isinstance(images, list) else []:
        image = img.get("image") if isinstance(img, dict) else None
        ref = image.get("ref") if isinstance(image, dict) else None
        if isinstance(ref, bytes):
            out.append((libipld.encode_cid(ref), "image"))
    video = embed.get("video")
    if isinstance(video, dict) and isinstance(video.get("ref"), bytes):
        out.append((libipld.encode_cid(video["ref"]), "video"))
    if isinstance(embed.get("media"), dict):
        out.extend(_blob_cids(embed["media"]))
    return out


def read(c: Container, problems: list[str]) -> Iterator[ArchivePost]:
    by_stem = {PurePosixPath(n).stem: n for n in c.names() if not n.lower().endswith(".car")}
    for name in c.find(".car"):
        where = c.where(name)
        with c.open(name, limit=base.MAX_CAR_BYTES) as f:
            raw = f.read()
        try:
            header, blocks = libipld.decode_car(raw)
        except (ValueError, TypeError, KeyError) as exc:
            raise ArchiveError(f"{where}: not a readable CAR file ({str(exc)[:80]})") from None
        del raw
        roots = header.get("roots") if isinstance(header, dict) else None
        first = roots[0] if isinstance(roots, list) and roots else None
        commit = blocks.get(first) if isinstance(first, bytes) and isinstance(blocks, dict) else None
        if not isinstance(commit, dict) or "data" not in commit or "did" not in commit:
            raise ArchiveError(f"{where}: a CAR, but not an AT Protocol repository export")
        did = str(commit["did"])
        for key, cid in _walk_mst(blocks, commit["data"], problems, where):
            collection, _, rkey = key.partition("/")
            if collection != POST_COLLECTION:
                continue
            record = blocks.get(cid) if isinstance(cid, bytes) else None
            if not isinstance(record, dict):
                problems.append(f"{where}: record {key} is missing from the CAR")
                continue
            media = tuple(by_stem.get(cid_, f"blob:{cid_}") for cid_, _ in _blob_cids(record.get("embed")))
            reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
            parent_ref = reply.get("parent") if reply else None
            parent = parent_ref.get("uri") if isinstance(parent_ref, dict) else None
            yield ArchivePost(
                id=f"at://{did}/{key}", platform="bluesky", text=str(record.get("text") or ""),
                date=from_iso(record.get("createdAt")),
                permalink=f"https://bsky.app/profile/{did}/post/{rkey}", media=media,
                source=str(c.path), person=did, kind="reply" if parent else "post",
                in_reply_to=str(parent) if parent else None,
            )
