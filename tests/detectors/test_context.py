"""Context rules: who posts where (speaking-for-org, pseudonym) and media from captions."""

from __future__ import annotations

from typing import Any

import pytest

from clearpost.engine import check


def rules(post: dict[str, Any]) -> set[str]:
    return {f.rule for f in check(post).findings}


@pytest.mark.parametrize("kind", ["department", "official"])
def test_org_accounts_without_approval_speak_for_the_org(kind: str) -> None:
    post = {"text": "Happy Nurses Week to our amazing team!", "account": {"kind": kind}}
    assert "speaking-for-org" in rules(post)
    post["account"]["approval_id"] = "MC-2026-0001"  # type: ignore[index]
    assert "speaking-for-org" not in rules(post)


@pytest.mark.parametrize("text", [
    "We at MSK are sorry for the delays today.",
    "This is MSK Patient Relations, please send us a DM.",
    "On behalf of Memorial Sloan Kettering, thank you for your patience.",
])
def test_personal_account_speaking_as_the_org(text: str) -> None:
    assert "speaking-for-org" in rules({"text": text})


@pytest.mark.parametrize("text", [
    "MSK announced a new policy today, interesting read",
    "I'm proud of what we do at MSK (views my own)",
])
def test_reporting_what_the_org_said_is_not_speaking_for_it(text: str) -> None:
    assert "speaking-for-org" not in rules({"text": text})


def test_pseudonym_only_on_org_channels() -> None:
    acct = {"pseudonymous": True, "handle": "@owl"}
    assert "pseudonym" in rules({"text": "nice", "account": acct, "venue": "org-channel"})
    assert "pseudonym" not in rules({"text": "nice", "account": acct, "venue": "own"})
    assert "pseudonym" in rules({"text": "nice", "account": {"handle": "@anon_nurse"},
                                 "venue": "org-channel"})


def test_media_rules_from_the_caption() -> None:
    found = rules({"text": "selfie in the main lobby with the whole crew 📸"})
    assert {"onsite-photo", "faces", "media-approval"} <= found
    assert not rules({"text": "the lobby was busy this morning"}) & {"onsite-photo", "faces"}


def test_others_media_is_not_this_posts_media() -> None:
    found = rules({"text": "Maybe hire more staff before posting pretty pictures",
                   "venue": "org-channel"})
    assert "media-approval" not in found and "faces" not in found


def test_approved_media_still_fires_faces_but_not_approval() -> None:
    post = {"text": "Group photo of our unit at the awards 🏆",
            "account": {"kind": "department", "approval_id": "MC-1"}}
    found = rules(post)
    assert "faces" in found and "media-approval" not in found


def test_profile_rules_run_only_with_a_profile() -> None:
    assert not rules({"text": "hi"}) & {"profile-disclaimer", "work-email", "physician-notice"}
    found = rules({"text": "hi", "author": {"role": "physician"},
                   "profile": {"about": "Oncologist at MSK", "email": "dr.k@mskcc.org"}})
    assert {"profile-disclaimer", "work-email", "physician-notice"} <= found


def test_profile_evidence_has_a_source_and_no_offsets() -> None:
    result = check({"text": "hi", "profile": {"email": "a@mskcc.org"}})
    ev = next(f for f in result.findings if f.rule == "work-email").evidence[0]
    out = result.to_json_dict()["findings"][0]["evidence"][0]
    assert ev.source == "profile.email" and "start" not in out


def test_a_pov_caption_is_not_a_photo() -> None:
    """Writers label "POV:" captions as a joke format, not as media (rounds 30-36)."""
    result = check("POV: the night crew debating who gets the last donut 🍩 #nightshift")
    assert not any(f.rule in ("media-approval", "faces") for f in result.findings)


def test_a_physician_notice_in_other_words_counts() -> None:
    """"Nothing here is medical advice" says what "not medical advice" says (round 43)."""
    about = ("Oncologist. Nothing here is medical advice; please don't post your personal "
             "medical information in replies.")
    assert "physician-notice" not in rules({"text": "hi", "author": {"role": "physician"},
                                            "profile": {"about": about}})


def test_asking_for_a_picture_is_not_media() -> None:
    result = check("Got a biopsy report you can't read? DM me a pic and I'll walk you through it")
    assert not any(f.rule in ("media-approval", "faces") for f in result.findings)
