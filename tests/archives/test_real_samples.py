"""Every real export sample in ../shared/data/exports parses with zero errors and yields the
number of posts counted here independently from the files (and pinned as a literal).

The samples are real people's posts: this test reads them in place and asserts counts only;
none of their content is copied into the project.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from clearpost.archives.detect import discover, read_archive

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT.parent / "shared" / "data" / "exports"

pytestmark = pytest.mark.skipif(not EXPORTS.is_dir(),
                                reason=f"real export samples absent ({EXPORTS})")

# folder -> (format, posts). Counted by the independent functions below; see each for why.
EXPECTED = {
    "twitter_tweetaudits_fixture": ("x", 5),
    "mastodon_dealingwith": ("mastodon", 1260),       # Create activities; 326 boosts skipped
    "bluesky_bskyapp": ("bluesky", 494),              # app.bsky.feed.post records
    "facebook_hunterhillis": ("facebook", 59),        # entries with words or media of their own
    "instagram_sr4136": ("instagram", 1057),          # every entry (all have media)
    "linkedin_sanand0": ("linkedin", 202 + 323),      # shares + comments (\" escapes honoured)
}


def _count_x(d: Path) -> int:
    text = (d / "tweets.js").read_text(encoding="utf-8")
    return len(json.loads(text[text.index("=") + 1:]))


def _count_mastodon(d: Path) -> int:
    items = json.loads((d / "outbox.json").read_text(encoding="utf-8"))["orderedItems"]
    return sum(1 for i in items if i["type"] == "Create")


def _count_bluesky(d: Path) -> int:
    # The sample ships the CAR decoded by another, independent parser (bski).
    records = json.loads((d / "bsky-app.parsed.json").read_text(encoding="utf-8"))
    return sum(1 for r in records if r.get("$type") == "app.bsky.feed.post")


def _count_facebook(d: Path) -> int:
    entries = json.loads((d / "your_posts_1.json").read_text(encoding="utf-8"))
    def own(e: dict) -> bool:  # type: ignore[type-arg]
        words = any(x.get("post") for x in e.get("data", []))
        att = [x for a in e.get("attachments", []) for x in a.get("data", [])]
        return words or any(x.get("text") or x.get("media") for x in att)
    return sum(1 for e in entries if own(e))


def _count_instagram(d: Path) -> int:
    return len(json.loads((d / "posts_1.json").read_text(encoding="utf-8")))


def _count_linkedin(d: Path) -> int:
    def rows(name: str) -> int:
        with (d / name).open(encoding="utf-8-sig", newline="") as f:
            return sum(1 for r in csv.reader(f, escapechar="\\") if r) - 1
    return rows("Shares.csv") + rows("Comments.csv")


COUNTERS = {"x": _count_x, "mastodon": _count_mastodon, "bluesky": _count_bluesky,
            "facebook": _count_facebook, "instagram": _count_instagram, "linkedin": _count_linkedin}


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_real_sample_parses_completely(folder: str) -> None:
    fmt, expected = EXPECTED[folder]
    (archive,) = discover([EXPORTS / folder])
    assert archive.format.name == fmt
    problems: list[str] = []
    with archive.open() as c:
        posts = list(read_archive(archive, c, problems))
    assert problems == []
    assert COUNTERS[fmt](EXPORTS / folder) == expected
    assert len(posts) == expected
    assert len({p.id for p in posts}) == expected  # ids are unique: resume relies on order, reports on ids
    assert all(p.date is not None for p in posts)
    if fmt in ("x", "mastodon", "bluesky", "linkedin"):
        assert all(p.permalink for p in posts)


def test_the_exports_folder_is_a_folder_of_archives() -> None:
    found = discover([EXPORTS])
    assert sorted(a.path.name for a in found) == sorted(EXPECTED)


def test_mastodon_html_becomes_plain_text() -> None:
    (archive,) = discover([EXPORTS / "mastodon_dealingwith"])
    with archive.open() as c:
        posts = list(read_archive(archive, c, []))
    assert not any("<p>" in p.text or "</a>" in p.text or "&amp;" in p.text for p in posts)
    assert sum(1 for p in posts if p.media) == 159  # notes with attachments


def test_facebook_mojibake_is_repaired() -> None:
    (archive,) = discover([EXPORTS / "facebook_hunterhillis"])
    with archive.open() as c:
        posts = list(read_archive(archive, c, []))
    # Mis-encoded UTF-8 shows as "Ã" or "â" followed by a C1 control or symbol byte.
    assert not any("â\x80" in p.text or "Ã©" in p.text or "ð\x9f" in p.text for p in posts)
