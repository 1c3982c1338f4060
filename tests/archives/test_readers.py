"""Each reader on its synthetic fixture (tests/fixtures/archives/, made by make_fixtures.py),
as a folder and as a zip: the same posts, with dates, permalinks, media and clean text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from clearpost.archives.base import ArchivePost
from clearpost.archives.container import Container
from clearpost.archives.detect import discover, read_archive
from clearpost.archives.linkedin import unwrap_lines
from clearpost.archives.mastodon import html_to_text
from clearpost.archives.meta import fix_mojibake
from clearpost.model import parse_post

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "archives"


def read(path: Path) -> tuple[str, list[ArchivePost], list[str]]:
    (archive,) = discover([path])
    problems: list[str] = []
    with archive.open() as c:
        posts = list(read_archive(archive, c, problems))
    return archive.format.name, posts, problems


@pytest.fixture(params=["", ".zip"], ids=["folder", "zip"])
def shape(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_x_archive(shape: str) -> None:
    fmt, posts, problems = read(FIXTURES / f"twitter{shape}")
    assert fmt == "x" and problems == []
    assert [p.id for p in posts] == [f"x:170000000000000000{i}" for i in range(1, 6)]  # part0, then part1
    first, linked, reply, repost, _ = posts
    assert first.text == "Sunrise run along the river before my shift & feeling great"  # &amp; unescaped
    assert first.date == datetime(2023, 1, 2, 6, 15, tzinfo=UTC)
    assert first.permalink == "https://x.com/jo_synthetic/status/1700000000000000001"
    assert first.person == "@jo_synthetic"
    # t.co links expanded from entities.urls; the media link dropped; the photo found on disk
    assert linked.text == "Read this on rota planning https://intranet.example-health.org/rota"
    assert linked.media == ("data/tweets_media/1700000000000000002-FsYnThEtIc1.png",)
    assert (reply.kind, reply.in_reply_to) == ("reply", "1690000000000000000")
    assert repost.kind == "repost"


def test_mastodon_archive(shape: str) -> None:
    fmt, posts, problems = read(FIXTURES / f"mastodon{shape}")
    assert fmt == "mastodon" and problems == []
    assert len(posts) == 4  # the Announce (a boost of someone else's post) is not audited
    hello, bake, reply, cw = posts
    assert hello.person == "@jo@social.example"
    assert hello.permalink == "https://social.example/@jo/111000000000000001"
    assert bake.text == "Tonight's bake: rye & caraway\nrecipe below\n\nhttps://example.org/rye"
    assert bake.media == ("media_attachments/files/111/000/000/000/000/001/original/a1b2c3.png",)
    assert reply.kind == "reply" and reply.text.startswith("@sam Mr. Quennell")
    assert cw.text == "venting\n\nLong week. Glad it is over."  # the content warning is kept
    assert cw.date == datetime(2023, 4, 21, 17, 0, tzinfo=UTC)


def test_bluesky_car() -> None:
    fmt, posts, problems = read(FIXTURES / "bluesky")
    assert fmt == "bluesky" and problems == []
    did = "did:plc:synthetic0000000000000001"
    assert [p.id for p in posts] == [f"at://{did}/app.bsky.feed.post/3kaaaaaaaaa2{k}" for k in "bcd"]
    assert posts[0].permalink == f"https://bsky.app/profile/{did}/post/3kaaaaaaaaa2b"
    assert posts[0].date == datetime(2023, 6, 2, 9, 0, tzinfo=UTC)
    # the image blob is in the export folder, named by its CID
    assert len(posts[1].media) == 1 and posts[1].media[0].startswith("bafkrei")
    assert (FIXTURES / "bluesky" / posts[1].media[0]).is_file()
    assert posts[2].kind == "reply" and posts[2].in_reply_to == "at://did:plc:other/app.bsky.feed.post/9"
    assert all(p.person == did for p in posts)


def test_bluesky_car_given_as_a_file() -> None:
    fmt, posts, _ = read(FIXTURES / "bluesky" / "repo.car")
    assert fmt == "bluesky" and len(posts) == 3


def test_facebook_posts(shape: str) -> None:
    fmt, posts, problems = read(FIXTURES / f"facebook{shape}")
    assert fmt == "facebook" and problems == []
    # a check-in and a shared link with no words of the person's own are not posts to check
    assert [p.text for p in posts] == [
        "Café con leche before the night shift ☕ très bien",  # mojibake repaired
        "Our team at the spring fair",
        "Honestly my manager is a useless clown, can't wait to quit 😤",
    ]
    assert posts[1].media == ("your_activity_across_facebook/posts/media/Mobileuploads_1/p1.png",)
    assert posts[0].date == datetime(2023, 1, 1, 8, 0, tzinfo=UTC)
    assert all(p.permalink is None for p in posts)


def test_instagram_posts(shape: str) -> None:
    fmt, posts, problems = read(FIXTURES / f"instagram{shape}")
    assert fmt == "instagram" and problems == []
    assert [p.text for p in posts] == ["Weekend hike ⛰️ with the crew",
                                       "Lobby selfie on my first day at the hospital!", ""]
    assert posts[1].media == ("media/posts/202302/17900000000000002.png",
                              "media/posts/202302/17900000000000003.png")
    assert posts[2].date == datetime.fromtimestamp(1678000000, tz=UTC)
    assert all(p.person == "@jo.synthetic" for p in posts)  # from personal_information.json


def test_person_falls_back_to_the_archive_name() -> None:
    _, posts, _ = read(FIXTURES / "facebook.zip")  # no profile_information.json in this one
    assert {p.person for p in posts} == {"facebook"}


def test_zip_media_are_extracted_for_checking_and_removed_after() -> None:
    with Container(FIXTURES / "instagram.zip") as c:
        local = c.media_file("media/posts/202301/17900000000000001.png")
        assert local is not None
        assert Path(local).read_bytes() == (FIXTURES / "instagram/media/posts/202301/17900000000000001.png").read_bytes()
        assert c.media_file("media/posts/nothing.png") is None
    assert not Path(local).exists()


def test_linkedin_shares_and_comments(shape: str) -> None:
    fmt, posts, problems = read(FIXTURES / f"linkedin{shape}")
    assert fmt == "linkedin" and problems == []
    assert [p.kind for p in posts] == ["share"] * 3 + ["comment"] * 3
    assert posts[0].text == ('Three things I learnt this year:\n\n1. Ask for help early\n'
                             '2. Sleep matters\n3. Say "thanks" often')
    assert posts[0].permalink.endswith("share%3A7000000000000000001")  # type: ignore[union-attr]
    assert posts[0].id == "linkedin:share:2:7000000000000000001"
    assert posts[4].text == 'Agree with the "less meetings" idea, and more walking 1:1s'
    assert posts[5].text == "Line one\n\nline two"
    assert posts[0].person == "Jo Synthetic"  # from Profile.csv


def test_every_fixture_post_converts_to_a_contract_post() -> None:
    for archive in discover([FIXTURES]):
        with archive.open() as c:
            for post in read_archive(archive, c, []):
                p = parse_post(post.to_post(), where=post.id)
                assert p.id == post.id and p.text == post.text
                assert p.account.platform == archive.format.name


def test_folder_of_archives_finds_each_export() -> None:
    found = discover([FIXTURES])
    assert sorted((a.path.name, a.format.name) for a in found) == sorted(
        [("bluesky", "bluesky")]
        + [(f"{n}{s}", f) for n, f in [("twitter", "x"), ("mastodon", "mastodon"),
                                       ("facebook", "facebook"), ("instagram", "instagram"),
                                       ("linkedin", "linkedin")] for s in ("", ".zip")])


def test_extracted_x_archive_is_one_export_not_a_folder_of_them() -> None:
    (archive,) = discover([FIXTURES / "twitter"])
    assert archive.path == FIXTURES / "twitter"


@pytest.mark.parametrize(("raw", "fixed"), [
    ("CafÃ© â\x98\x95", "Café ☕"),
    ("plain ascii", "plain ascii"),
    ("already right: é ☕", "already right: é ☕"),  # not mojibake: left alone
])
def test_fix_mojibake(raw: str, fixed: str) -> None:
    assert fix_mojibake(raw) == fixed


def test_unwrap_lines_keeps_real_quotes() -> None:
    assert unwrap_lines('a"\n"b') == "a\nb"
    assert unwrap_lines('He said "hi"\nthen left') == 'He said "hi"\nthen left'


def test_html_to_text_blocks_and_breaks() -> None:
    assert html_to_text("<p>a<br/>b</p><blockquote><p>c</p></blockquote><p>d &lt;3</p>") == "a\nb\n\nc\n\nd <3"


def test_container_resolves_media_under_a_prefix() -> None:
    with Container(FIXTURES / "mastodon") as c:
        assert c.resolve("/any-bucket/media_attachments/files/111/000/000/000/000/001/original/a1b2c3.png")
        assert c.resolve("/nothing/here.png") is None
