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


def test_state_offices_count_as_politics() -> None:
    assert fired("Vote for Dana Ortiz for State Assembly! — an MSK researcher who cares",
                 "name-logo-endorsement")
    assert not fired("Vote for Dana Ortiz for State Assembly!", "name-logo-endorsement")


# The learned stage (promotion.npz, train/endorsement_learned.py): named, undisclosed posts
# that no praise word explains. Wording here is new (not in its training rows).
@pytest.mark.parametrize("text", [
    "if someone you love gets a sarcoma diagnosis, get them a consult at Sloan Kettering before "
    "anything else",
])
def test_learned_promotion_fires(text: str) -> None:
    assert fired(text, "undisclosed-endorsement")


@pytest.mark.parametrize("text", [
    "the crosstown bus to MSK took 40 minutes today, walking tomorrow",
    "does anyone know if the MSK cafeteria is open on Thanksgiving?",
    "my dad has his first appointment at Sloan Kettering on Monday, nervous",
])
def test_learned_promotion_near_misses(text: str) -> None:
    assert not fired(text, "undisclosed-endorsement")


def test_learned_promotion_respects_disclosure() -> None:
    text = "thinking about a heme/onc fellowship? the one at MSK will stretch you, the mentorship is unreal"
    assert not fired(text, "undisclosed-endorsement", account={"discloses_affiliation": True})
    assert not fired("I work at MSK (views my own). " + text, "undisclosed-endorsement")


# Round 37: a hashtag with the name in it, a ballot question, selling merchandise, the
# organization's own fundraising, and "as someone who works there" as a disclosure.
def test_round37_name_logo_forms() -> None:
    assert fired("vote NO on Question 2 🗳️ #SloanKetteringNurses", "name-logo-endorsement")
    assert fired("hand-painted mugs with the MSK logo, $18 each, DM me to order ☕",
                 "name-logo-endorsement")
    assert not fired("vote NO on Question 2 🗳️ #nursesvote", "name-logo-endorsement")


def test_own_campaign_fundraising_is_not_name_logo() -> None:
    ask = ("Riding in Cycle for Survival again as an MSK nurse 🚴 every dollar goes to rare "
           "cancer research, donate link in bio")
    assert not fired(ask, "name-logo-endorsement")
    sell = "Cycle for Survival riders: as an MSK nurse I swear by these gloves, buy with my link in bio"
    assert fired(sell, "name-logo-endorsement")


def test_someone_who_works_there_discloses() -> None:
    text = "MSK's pediatric unit is the best in the city. As someone who works there, I see it daily."
    assert not fired(text, "undisclosed-endorsement")
    assert fired("MSK's pediatric unit is the best in the city.", "undisclosed-endorsement")


def test_caring_for_someone_there_discloses() -> None:
    """"It was a privilege to care for … at MSK" says the author works there."""
    text = ("Coach Delgado got his treatment at MSK. The best cancer care team in the world "
            "showed up for him every day.")
    assert fired(text, "undisclosed-endorsement")
    assert not fired("It was an honor to care for Coach Delgado at MSK. The best cancer care "
                     "team in the world showed up for him every day.", "undisclosed-endorsement")
    assert not fired("It was a privilege to care for Coach Delgado at MSK. The best cancer care "
                     "team in the world showed up for him every day.", "undisclosed-endorsement")
    assert not fired("I treated so many brave kids at Sloan Kettering; the best nurses anywhere.",
                     "undisclosed-endorsement")


def test_charity_walk_with_the_name_is_name_logo() -> None:
    assert fired("Team MSK Nursing is walking for Happy Tails Rescue Sunday, our logo is on the "
                 "shirts! donate here: gofund.me/tails-walk", "name-logo-endorsement")
    assert not fired("Walking for Happy Tails Rescue Sunday! donate here: gofund.me/tails-walk",
                     "name-logo-endorsement")


def test_a_discount_code_is_a_code_in_capitals_or_digits() -> None:
    """"code below:" in a programming question is no discount (the code's letters were
    matched case-blind before round 40)."""
    assert fired("use code SAVE20 for 20% off MSK mugs", "name-logo-endorsement")
    assert not fired("getting a 403 from the mskcc.org API, code below: import requests",
                     "name-logo-endorsement")


def test_round42_causes_products_and_team_pride() -> None:
    """The name taken to a cause's march, a product recommended with one's role there, and
    "proud to be part of the team" with the organization named as disclosure (round 42)."""
    assert fired("Bringing my MSK lanyard to the Save the Hudson Marsh rally tomorrow, MSK "
                 "nurses say no to the landfill!", "name-logo-endorsement")
    assert fired("As an MSK pharmacist, this is the only one I'd recommend for your gut. Link in "
                 "comments", "name-logo-endorsement")
    assert not fired("Marching with my book club at the Pride march Sunday!", "name-logo-endorsement")
    assert not fired("Proud to be part of the team that pulled this off 💙 #MSK",
                     "undisclosed-endorsement", **PERSONAL)


def test_round43_outside_causes_and_events() -> None:
    assert fired("As an MSK nurse, I'm asking everyone to give to Harbor Cats Rescue this Giving "
                 "Tuesday, every dollar matched!", "name-logo-endorsement")
    assert fired("MSK RADIOLOGY TECHS FALL PARTY 🎉 $30 covers food, tickets via venmo @tk-events",
                 "name-logo-endorsement")
    assert not fired("As an MSK nurse I donate to MSK every year", "name-logo-endorsement")
    assert not fired("As an MSK researcher I give blood every 8 weeks", "name-logo-endorsement")


def test_round44_crypto_with_the_role() -> None:
    assert fired("Sloan Kettering scientist here 🧬 $GENE token is the future, get in before it "
                 "moons 🚀 #crypto", "name-logo-endorsement")
    assert not fired("Sloan Kettering scientist here, reading about crypto scams targeting "
                     "patients. Be careful out there", "name-logo-endorsement")


def test_round45_role_products_candidates_and_the_logo() -> None:
    assert fired("As a surgeon at Memorial Sloan Kettering, NoteNest is the app I tell my residents "
                 "to get. Use my referral link for 3 months free", "name-logo-endorsement")
    assert fired("everything in my Sloan Kettering work bag, all linked in my Amazon storefront "
                 "(I earn from qualifying purchases)", "name-logo-endorsement")
    assert fired("MSK docs for Rafael Ortega! 🗳️ see you Saturday", "name-logo-endorsement")
    assert fired("made a flyer for our block's animal-rescue fundraiser and slapped the MSK logo "
                 "on it lol", "name-logo-endorsement")
    assert not fired("made a flyer for the unit potluck and put the MSK logo on it",
                     "name-logo-endorsement")
    assert not fired("As a nurse at MSK, I've learned to sit with families in the hard moments",
                     "name-logo-endorsement")


def test_round46_campaign_slogans() -> None:
    assert fired("Memorial Sloan Kettering scientists for Rafael Ortega! Support Rafael in the June "
                 "primary", "name-logo-endorsement")
    assert not fired("MSK nurses for better primary care access: our new clinic opens Monday",
                     "name-logo-endorsement")


def test_round48_club_night_with_a_sponsor() -> None:
    assert fired("MSK NIGHT at Club Nova Sat 10pm, sponsored by @zapfuel energy, free cans for the "
                 "first 50, show your MSK badge at the door", "name-logo-endorsement")
    assert not fired("MSK night at the ballpark Saturday, see you in section 112!",
                     "name-logo-endorsement")
