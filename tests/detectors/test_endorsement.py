"""undisclosed-endorsement and name-logo-endorsement."""

from __future__ import annotations

import pytest

from tests.detectors.helpers import fired

PERSONAL = {"account": {"kind": "personal"}}


@pytest.mark.parametrize("text", [
    "MSK's breast surgeons are the best in the world, no contest",
    "Thinking about a PhD? Gerstner Sloan Kettering is hands down the best place to train",
    "If you get a cancer diagnosis go straight to Memorial Sloan Kettering, nowhere else",
    "Told there's nothing left to try? MSK runs more clinical trials than anywhere. Worth a look",
    "Memorial Sloan Kettering placed first again in the cancer rankings, everyone should see this",
    "MSK's phase 1 KRAS trial is enrolling right now. The kind of science that gives me chills",
    "If your mom needs a stem cell transplant, go to MSK. There's no better team anywhere.",
])
def test_undisclosed_praise_fires(text: str) -> None:
    assert fired(text, "undisclosed-endorsement", **PERSONAL), text


@pytest.mark.parametrize("text", [
    "I work at MSK and our surgeons are the best in the world (views my own)",
    "Proud to work at Memorial Sloan Kettering, the best colleagues anywhere",
    "#MSKemployee here: our infusion nurses are amazing",
    "Proud to be on the security team at MSK for 11 years. Happy Nurses Week to the best nurses!",
    "Been at Memorial Sloan Kettering for 20 years and the nurses are still the best anywhere",
    "The best pizza in Brooklyn is still at that little place on 5th Ave",
    "What on earth is going on with MSK parking this week",
    "MSK is no better than any other hospital at parking, honestly",
    "There is no better feeling than finishing a night shift and seeing the sunrise",
])
def test_disclosed_or_unrelated_praise_passes(text: str) -> None:
    assert not fired(text, "undisclosed-endorsement", **PERSONAL), text


def test_profile_disclosure_counts() -> None:
    post = {"account": {"kind": "personal", "discloses_affiliation": True}}
    assert not fired("MSK nurses are the best, period", "undisclosed-endorsement", **post)


@pytest.mark.parametrize("text", [
    "MSK nurse approved: my favourite scrubs brand, 20% off with code RNJO",
    "As a Memorial Sloan Kettering physician I endorse Ada Wong for State Assembly",
    "Sloan Kettering Institute scientists for Prop 4! #VoteYesOn4",
    "I run a cancer biology lab at MSK and this is the only water filter I use. discount code in bio",
    "MSK oncology nurses are all in for Councilmember Ana Ruiz, march with us Sunday",
])
def test_name_used_for_products_or_politics_fires(text: str) -> None:
    assert fired(text, "name-logo-endorsement"), text


@pytest.mark.parametrize("text", [
    "Go vote on Tuesday, whoever you support!",
    "Use code BAKE15 for 15% off at my cousin's bakery",
    "Proud of my MSK team today",
    "I run a cancer biology lab at MSK and we are hiring a postdoc",
    "MSK's campaign for hand hygiene starts Monday, grab a sanitizer in the lobby",
])
def test_name_logo_near_misses_pass(text: str) -> None:
    assert not fired(text, "name-logo-endorsement"), text
