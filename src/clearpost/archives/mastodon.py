"""Mastodon archive: outbox.json (ActivityPub OrderedCollection), actor.json, media files.

Only `Create` activities carry the person's own words; `Announce` (a boost) points at
someone else's post by URL and has no text to check, so it is counted, not audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from clearpost.archives.base import ArchiveError, ArchivePost, from_iso
from clearpost.archives.container import Container
from clearpost.archives.jsonstream import items

NAME = "mastodon"
_BLOCKS = {"p", "div", "blockquote", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}


def detect(c: Container) -> bool:
    return bool(c.find("outbox.json"))


def html_to_text(markup: str) -> str:
    """Mastodon's status HTML as the reader sees it: paragraphs, line breaks, full links."""
    if "<" not in markup:
        return markup
    root = HTMLParser(markup).body
    if root is None:
        return ""
    parts: list[str] = []
    _walk(root, parts)
    text = "".join(parts)
    lines = [ln.rstrip() for ln in text.split("\n")]
    out = "\n".join(lines)
    while "\n\n\n" in out:
        out = out.replace("\n\n\n", "\n\n")
    return out.strip()


def _walk(node: Node, out: list[str]) -> None:
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
        elif tag == "br":
            out.append("\n")
        elif tag in _BLOCKS:
            out.append("\n\n")
            _walk(child, out)
            out.append("\n\n")
        elif tag not in ("script", "style"):
            _walk(child, out)
        child = child.next


def _actor(c: Container) -> str:
    for name in c.find("actor.json"):
        try:
            with c.open(name, limit=5_000_000) as f:
                data = json.load(f)
        except (ValueError, ArchiveError):
            return ""
        if isinstance(data, dict):
            user, url = data.get("preferredUsername"), str(data.get("url") or "")
            host = url.split("/")[2] if url.count("/") >= 3 else ""
            if user:
                return f"@{user}@{host}" if host else f"@{user}"
    return ""


def _media(c: Container, note: dict[str, Any]) -> tuple[str, ...]:
    out = []
    for att in note.get("attachment") or []:
        if isinstance(att, dict) and att.get("url"):
            url = str(att["url"])
            out.append(c.resolve(url) or url)
    return tuple(out)


def read(c: Container, problems: list[str]) -> Iterator[ArchivePost]:
    person = _actor(c) or c.label
    for name in c.find("outbox.json"):
        where = c.where(name)
        with c.open(name) as f:
            for n, activity in enumerate(items(f, "orderedItems.item", where), 1):
                if not isinstance(activity, dict):
                    problems.append(f"{where}: item {n} is not an activity")
                    continue
                if activity.get("type") != "Create":
                    continue
                note = activity.get("object")
                if not isinstance(note, dict) or not note.get("id"):
                    problems.append(f"{where}: item {n} has no object")
                    continue
                text = html_to_text(str(note.get("content") or ""))
                if note.get("summary"):  # a content warning is the person's words too
                    text = f"{note['summary']}\n\n{text}"
                reply_to = note.get("inReplyTo") or None
                yield ArchivePost(
                    id=f"mastodon:{note['id']}", platform="mastodon", text=text,
                    date=from_iso(note.get("published") or activity.get("published")),
                    permalink=str(note.get("url") or note["id"]), media=_media(c, note),
                    source=str(c.path), person=person, kind="reply" if reply_to else "post",
                    in_reply_to=str(reply_to) if reply_to else None,
                )
