"""X/Twitter archive: data/tweets.js (older: tweet.js), split as tweets-part1.js, ...

Each file is `window.YTD.tweets.partN = [ {"tweet": {...}}, ... ]`. Text is HTML-escaped
(`&amp;`) with t.co links; entities.urls gives the real links, which we put back because an
internal link is itself a finding. Media live in data/tweets_media/<tweet id>-<file name>.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from clearpost.archives.base import ArchivePost
from clearpost.archives.container import Container
from clearpost.archives.jsonstream import items, skip_js_assignment

NAME = "x"
_DATA_FILE = re.compile(r"(^|/)(tweets?|tweet)(-part\d+)?\.js$", re.IGNORECASE)
_PART = re.compile(r"-part(\d+)\.js$", re.IGNORECASE)


def data_files(c: Container) -> list[str]:
    found = [n for n in c.names() if _DATA_FILE.search(n)]
    return sorted(found, key=lambda n: (int(m.group(1)) if (m := _PART.search(n)) else 0, n))


def detect(c: Container) -> bool:
    return bool(data_files(c))


def _username(c: Container) -> str:
    for name in c.find("account.js"):
        try:
            with c.open(name, limit=1_000_000) as f:
                for item in items(skip_js_assignment(f, c.where(name)), "item", c.where(name)):
                    acct = item.get("account", {}) if isinstance(item, dict) else {}
                    if acct.get("username"):
                        return str(acct["username"])
        except ValueError:
            return ""
    return ""


_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def _date(value: Any) -> datetime | None:
    """'Thu Nov 13 21:44:31 +0000 2024' (by hand: strptime is the reader's slowest step)."""
    try:
        _, mon, day, hms, tz, year = str(value).split()
        iso = f"{year}-{_MONTHS[mon]:02d}-{int(day):02d}T{hms}{tz[:3]}:{tz[3:]}"
        return datetime.fromisoformat(iso)
    except (ValueError, KeyError):
        return None


def _text(tweet: dict[str, Any]) -> str:
    text = str(tweet.get("full_text") or tweet.get("text") or "")
    for url in (tweet.get("entities") or {}).get("urls") or []:
        if isinstance(url, dict) and url.get("url") and url.get("expanded_url"):
            text = text.replace(str(url["url"]), str(url["expanded_url"]))
    for m in (tweet.get("entities") or {}).get("media") or []:  # the pic.twitter link
        if isinstance(m, dict) and m.get("url"):
            text = text.replace(str(m["url"]), "").rstrip()
    return html.unescape(text)


def _media(c: Container, tweet: dict[str, Any], tid: str) -> tuple[str, ...]:
    media = ((tweet.get("extended_entities") or {}).get("media")
             or (tweet.get("entities") or {}).get("media") or [])
    out = []
    for m in media:
        if not isinstance(m, dict):
            continue
        url = str(m.get("media_url_https") or m.get("media_url") or "")
        variants = [v for v in ((m.get("video_info") or {}).get("variants") or [])
                    if isinstance(v, dict) and v.get("content_type") == "video/mp4"]
        if variants:
            url = str(max(variants, key=lambda v: int(v.get("bitrate") or 0)).get("url", url))
        base = PurePosixPath(url.split("?")[0]).name
        if not base:
            continue
        local = c.resolve(f"data/tweets_media/{tid}-{base}") or c.resolve(f"tweets_media/{tid}-{base}")
        out.append(local or url)
    return tuple(dict.fromkeys(out))


def read(c: Container, problems: list[str]) -> Iterator[ArchivePost]:
    user = _username(c)
    person = f"@{user}" if user else c.label
    for name in data_files(c):
        where = c.where(name)
        with c.open(name) as f:
            for n, item in enumerate(items(skip_js_assignment(f, where), "item", where), 1):
                tweet = item.get("tweet", item) if isinstance(item, dict) else None
                if not isinstance(tweet, dict) or not (tweet.get("id_str") or tweet.get("id")):
                    problems.append(f"{where}: item {n} is not a tweet")
                    continue
                tid = str(tweet.get("id_str") or tweet.get("id"))
                text = _text(tweet)
                reply_to = tweet.get("in_reply_to_status_id_str") or None
                kind = ("repost" if text.startswith("RT @") else
                        "reply" if reply_to else "post")
                link = (f"https://x.com/{user}/status/{tid}" if user
                        else f"https://x.com/i/web/status/{tid}")
                yield ArchivePost(
                    id=f"x:{tid}", platform="x", text=text, date=_date(tweet.get("created_at")),
                    permalink=link, media=_media(c, tweet, tid), source=str(c.path),
                    person=person, kind=kind, in_reply_to=str(reply_to) if reply_to else None,
                )
