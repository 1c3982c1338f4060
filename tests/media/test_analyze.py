"""End to end through the engine: pictures in a post -> findings with image evidence."""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path

import pytest

from clearpost.engine import check
from clearpost.media.loader import load_image
from clearpost.media.logos import find_logos, policy_refs
from clearpost.media.ocr import read_text
from tests.conftest import decode, run_cli
from tests.fixtures import media_gen


def _rules(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.rule for f in result.findings}


def test_wristband_photo(policy, wristband_photo: Path) -> None:  # type: ignore[no-untyped-def]
    res = check({"text": "Today", "images": [str(wristband_photo)]}, policy)
    rules = _rules(res)
    assert {"phi", "faces", "onsite-photo", "media-approval"} <= rules
    assert res.verdict == "block"
    phi = next(f for f in res.findings if f.rule == "phi")
    kinds = {e.kind for e in phi.evidence}
    assert {"id-number", "date"} <= kinds
    for ev in phi.evidence:
        assert ev.source == f"image:{wristband_photo}" and ev.start is None
        assert ev.box is not None and ev.box[2] > 0 and ev.box[3] > 0
    faces = next(f for f in res.findings if f.rule == "faces")
    assert faces.explain["count"] == 1 and faces.evidence[0].box is not None


def test_neutral_sign_outside_sites_passes(policy, neutral_sign: Path) -> None:  # type: ignore[no-untyped-def]
    res = check({"text": "Today", "images": [str(neutral_sign)]}, policy)
    assert res.verdict == "pass", res.findings


def test_approval_id_lifts_media_approval_not_onsite(policy, wristband_photo: Path) -> None:  # type: ignore[no-untyped-def]
    res = check({"text": "Today", "images": [str(wristband_photo)],
                 "account": {"approval_id": "MC-2026-0001"}}, policy)
    assert "media-approval" not in _rules(res)
    assert "onsite-photo" in _rules(res)


def test_department_account_photo_needs_approval(policy, neutral_sign: Path) -> None:  # type: ignore[no-untyped-def]
    res = check({"text": "Today", "images": [str(neutral_sign)],
                 "account": {"kind": "department"}}, policy)
    assert "media-approval" in _rules(res)


def test_whiteboard_names_go_through_the_text_rules(policy, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    img, _ = media_gen.whiteboard(random.Random(4), 1)
    path = media_dir / "board.jpg"
    media_gen.save(img, path)
    res = check({"text": "Today", "images": [str(path)]}, policy)
    phi = next(f for f in res.findings if f.rule == "phi")
    assert any(e.kind == "name" for e in phi.evidence)
    assert all(e.source == f"image:{path}" for e in phi.evidence)


@pytest.mark.parametrize("size", [160, 260, 420])
def test_logo_found_at_any_scale(policy, media_dir: Path, size: int) -> None:  # type: ignore[no-untyped-def]
    img = media_gen.background(random.Random(size), (1400, 1000))
    img.paste(media_gen.logo_image().resize((size, size)), (500, 300))
    found = find_logos(img, policy_refs(policy))
    assert found and found[0].name == "emblem"
    x, _y, w, _h = found[0].box
    assert abs(x - 500) < size * 0.2 and abs(w - size) < size * 0.25


def test_no_logo_in_plain_scene(policy) -> None:  # type: ignore[no-untyped-def]
    for seed in range(4):
        img = media_gen.background(random.Random(seed), (1400, 1000))
        assert find_logos(img, policy_refs(policy)) == []


def test_logo_next_to_politics(policy, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    img, _ = media_gen.logo_poster(random.Random(8), ["Vote for Paul Grant", "for governor"])
    path = media_dir / "poster.jpg"
    media_gen.save(img, path)
    res = check({"text": "Today", "images": [str(path)]}, policy)
    finding = next(f for f in res.findings if f.rule == "name-logo-endorsement")
    assert finding.evidence[0].kind == "logo" and finding.evidence[0].box is not None
    plain, _ = media_gen.logo_poster(random.Random(9), [])
    media_gen.save(plain, media_dir / "plain-poster.jpg")
    res2 = check({"text": "Today", "images": [str(media_dir / "plain-poster.jpg")]}, policy)
    assert "name-logo-endorsement" not in _rules(res2)
    assert "media-approval" in _rules(res2)


def test_ocr_shared_engine_is_thread_safe(wristband_photo: Path) -> None:
    image = load_image(wristband_photo).image
    expected = [ln.text for ln in read_text(image)]
    got: list[list[str]] = []
    threads = [threading.Thread(target=lambda: got.append([ln.text for ln in read_text(image)]))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [expected] * 3


def test_cli_check_image_json(wristband_photo: Path) -> None:
    proc = run_cli("check", "Today", "--image", str(wristband_photo), "--json")
    out, err = decode(proc)
    assert proc.returncode == 2, err
    result = json.loads(out)
    phi = next(f for f in result["findings"] if f["rule"] == "phi")
    ev = phi["evidence"][0]
    assert ev["source"] == f"image:{wristband_photo}" and "start" not in ev and len(ev["box"]) == 4
