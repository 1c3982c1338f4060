"""Malformed input: a clear one-line error (exit >= 3 from the CLI), and nothing half written."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from clearpost.archives import base
from clearpost.archives.base import ArchiveError
from clearpost.archives.container import Container
from clearpost.archives.detect import discover, read_archive
from tests.conftest import decode, run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "archives"


def read_all(path: Path) -> list[object]:
    out: list[object] = []
    for archive in discover([path]):
        with archive.open() as c:
            out.extend(read_archive(archive, c, []))
    return out


def assert_clean_failure(tmp_path: Path, archive: Path, expect: str) -> None:
    """The CLI fails with one line naming the problem, and leaves no report or temp file."""
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    proc = run_cli("audit", str(archive), "-o", str(out_dir / "r.html"), "-o", str(out_dir / "r.json"),
                   "--workers", "1")
    _stdout, stderr = decode(proc)
    assert proc.returncode >= 3, stderr
    lines = stderr.strip().splitlines()
    assert lines[-1].startswith("clearpost: error:") and expect in lines[-1], stderr
    assert "Traceback" not in stderr
    assert list(out_dir.iterdir()) == []  # no report, no temp file, no checkpoint


def test_truncated_zip(tmp_path: Path) -> None:
    data = (FIXTURES / "twitter.zip").read_bytes()
    bad = tmp_path / "twitter.zip"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match="truncated zip"):
        read_all(bad)
    assert_clean_failure(tmp_path, bad, "truncated zip")


def test_zip_with_a_corrupted_member(tmp_path: Path) -> None:
    src = FIXTURES / "mastodon" / "outbox.json"
    bad = tmp_path / "mastodon.zip"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(src, "outbox.json")
    raw = bytearray(bad.read_bytes())
    start = raw.index(b"outbox.json") + len("outbox.json") + 40  # inside the compressed data
    raw[start:start + 64] = b"\x00" * 64
    bad.write_bytes(bytes(raw))
    with pytest.raises(ArchiveError):
        read_all(bad)


def test_zip_bomb_is_refused_before_decompressing(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("outbox.json", b"\x20" * (50 * 1024 * 1024))  # 50 MB of spaces -> ~50 KB
    assert bomb.stat().st_size < 200_000
    with pytest.raises(ArchiveError, match="zip bomb"):
        Container(bomb)
    assert_clean_failure(tmp_path, bomb, "zip bomb")


def test_zip_whose_total_size_is_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "MAX_ZIP_TOTAL_BYTES", 10_000)
    z = tmp_path / "big.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("outbox.json", b"x" * 20_000)
    with pytest.raises(ArchiveError, match="expands to 20,000 bytes"):
        Container(z)


@pytest.mark.parametrize("name", ["../evil/outbox.json", "/etc/outbox.json", "C:/x/outbox.json"])
def test_zip_slip_paths_are_refused(tmp_path: Path, name: str) -> None:
    z = tmp_path / "slip.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name), b'{"orderedItems": []}')
    with pytest.raises(ArchiveError, match="unsafe path"):
        Container(z)
    assert_clean_failure(tmp_path, z, "unsafe path")


def test_wrong_format_zip_and_file(tmp_path: Path) -> None:
    z = tmp_path / "photos.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("holiday/notes.txt", "nothing to see")
    with pytest.raises(ArchiveError, match="not a recognised social media export"):
        discover([z])
    assert_clean_failure(tmp_path, z, "not a recognised social media export")
    txt = tmp_path / "notes.txt"
    txt.write_text("hello")
    assert_clean_failure(tmp_path, txt, "not a recognised social media export")


def test_data_file_with_the_right_name_but_not_json(tmp_path: Path) -> None:
    d = tmp_path / "export"
    d.mkdir()
    (d / "outbox.json").write_text("this is not JSON at all")
    with pytest.raises(ArchiveError, match="invalid or truncated JSON"):
        read_all(d)
    assert_clean_failure(tmp_path, d, "invalid or truncated JSON")


def test_truncated_json(tmp_path: Path) -> None:
    d = tmp_path / "export"
    shutil.copytree(FIXTURES / "mastodon", d)
    text = (d / "outbox.json").read_bytes()
    (d / "outbox.json").write_bytes(text[: len(text) // 2])
    assert_clean_failure(tmp_path, d, "invalid or truncated JSON")


def test_x_file_without_its_wrapper(tmp_path: Path) -> None:
    d = tmp_path / "x" / "data"
    d.mkdir(parents=True)
    (d / "tweets.js").write_text('[{"tweet": {"id_str": "1", "full_text": "hi"}}]')
    with pytest.raises(ArchiveError, match=r"window\.YTD"):
        read_all(tmp_path / "x")


def test_bad_encoding_in_json(tmp_path: Path) -> None:
    d = tmp_path / "export"
    d.mkdir()
    (d / "outbox.json").write_bytes('{"orderedItems": [{"type": "Create", "object": {"id": "1", "content": "caf\xe9"}}]}'
                                     .encode("latin-1"))
    with pytest.raises(ArchiveError, match="not UTF-8"):
        read_all(d)
    assert_clean_failure(tmp_path, d, "not UTF-8")


def test_bad_encoding_in_csv(tmp_path: Path) -> None:
    d = tmp_path / "export"
    d.mkdir()
    (d / "Shares.csv").write_bytes("Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
                                   "2023-01-01 00:00:00,x,caf\xe9 au lait,,,MEMBER_NETWORK\n".encode("latin-1"))
    with pytest.raises(ArchiveError, match=r"Shares\.csv: not UTF-8 text"):
        read_all(d)
    assert_clean_failure(tmp_path, d, "not UTF-8")


def test_error_messages_never_quote_the_post(tmp_path: Path) -> None:
    d = tmp_path / "export"
    d.mkdir()
    (d / "outbox.json").write_bytes(b'{"orderedItems": [{"type": "Create", "object": {"content": "SECRET-WORDS \xff"}}]}')
    with pytest.raises(ArchiveError) as err:
        read_all(d)
    assert "SECRET" not in str(err.value)


def test_file_of_several_gigabytes_is_refused_without_reading_it(tmp_path: Path) -> None:
    d = tmp_path / "export"
    d.mkdir()
    huge = d / "outbox.json"
    with huge.open("wb") as f:  # sparse: 3 GiB on paper, nothing on disk
        f.truncate(3 * 1024**3)
    assert huge.stat().st_size == 3 * 1024**3 > base.MAX_FILE_BYTES
    with pytest.raises(ArchiveError, match="over the limit"):
        read_all(d)
    assert_clean_failure(tmp_path, d, "over the limit")


def test_oversized_car_is_refused(tmp_path: Path) -> None:
    car = tmp_path / "repo.car"
    with car.open("wb") as f:
        f.truncate(base.MAX_CAR_BYTES + 1)
    with pytest.raises(ArchiveError, match="over the limit"):
        read_all(car)


def test_garbage_car(tmp_path: Path) -> None:
    car = tmp_path / "repo.car"
    car.write_bytes(os.urandom(2048))
    with pytest.raises(ArchiveError, match="CAR"):
        read_all(car)


def test_truncated_car(tmp_path: Path) -> None:
    data = (FIXTURES / "bluesky" / "repo.car").read_bytes()
    car = tmp_path / "repo.car"
    car.write_bytes(data[: len(data) - 100])
    with pytest.raises(ArchiveError, match="CAR"):
        read_all(car)


def test_missing_path(tmp_path: Path) -> None:
    assert_clean_failure(tmp_path, tmp_path / "nope.zip", "not found")
