"""medical-advice: advice form x medical content x addressed to the reader's own case."""

from __future__ import annotations

import pytest

from clearpost.engine import check
from tests.detectors.helpers import finding, fired

ADVICE = [
    "@lena_k stop the letrozole for two weeks and see if your joints calm down",
    "@pat99 you should double your metformin until your sugars settle",
    "Send me your MRI report and I'll tell you whether it's cancer",
    "@jules_t honestly I would hold off on the chemo until you get another opinion on your scan",
    "If anyone wants me to look at their lab results, DM me",
    # the reader's own medical content, named as theirs
    "@kim_r from what you describe that mole needs to come off, go to urgent care this week",
    "Carla! so good to see you. hydrate the day before your carboplatin and take the Zofran early",
    "Glen! Great catching up yesterday. Since the CT was clean you can stop the apixaban this week",
    "hot flashes ruining your life?? ask for venlafaxine 37.5 at bedtime and bump to 75 after a week",
    "@gina_r tell your dad he should just hold his capecitabine for a few days til his mouth heals",
    "Drop your latest A1c below and I'll tell you who's prediabetic",
]
NOT_ADVICE = [
    "Colon cancer screening starts at 45. Talk to your doctor about which test is right for you.",
    "Started my own letrozole this week. Joints are achy but manageable.",
    "You should stop doomscrolling and go outside, it's gorgeous",
    "Flu shots are available at every pharmacy this month.",
    "Get your flu shot this week, the pharmacies have plenty",
    "Reminder! flu shots are free this week, just take your badge to the pharmacy",
    "Maybe there wouldn't be 5 of these things a day if there was some sense in this country",
    "General info, not medical advice: ibuprofen can upset the stomach in some people.",
    "Give blood, give hope. Our blood donor room is open weekdays 8-4, book your appointment online",
]


@pytest.mark.parametrize("text", ADVICE)
def test_advice_fires(text: str) -> None:
    assert fired(text, "medical-advice"), text


@pytest.mark.parametrize("text", NOT_ADVICE)
def test_education_and_near_misses_pass(text: str) -> None:
    assert not fired(text, "medical-advice"), text


def test_learned_advice_form_decides_the_uncertain_band() -> None:
    # No advice pattern, but advice in form (model) about a medication, to a named reader.
    f = finding("@moe your best bet is to insist on an MRI instead of the CT", "medical-advice")
    assert f is not None and f.explain["advice_model"] is not None
    assert f.explain["advice_model"] >= 0.72


def test_physicians_escalate_to_review() -> None:
    text = "@ria_p skip the biopsy and recheck your PSA in a year"
    nurse = check({"text": text, "author": {"role": "nurse"}}, rules={"medical-advice"})
    doc = check({"text": text, "author": {"role": "physician"}}, rules={"medical-advice"})
    assert nurse.verdict == "warn" and doc.verdict == "review"


# Round 36: a drug named in "ask your doc for …", a greeting without a comma ("Karen you …"),
# and the author's own regimen held up for the reader ("… so should you").
@pytest.mark.parametrize("text", [
    "for the night sweats just ask your doc for venlafaxine and toss the evening primrose",
    "Priya you don't need to finish the whole course of that amoxicillin, stop once you feel ok",
    "I take 2 capsules of ashwagandha every night and so should you, total game changer for chemo fog",
])
def test_advice_round36_forms_fire(text: str) -> None:
    assert fired(text, "medical-advice")


@pytest.mark.parametrize("text", [
    "I run 3 miles every morning and so should you 🏃",
    "I get my flu shot every October and you should too, it protects your immune system",
    "ask your doctor whether a flu shot makes sense for you this year",
    "Karen you are a legend for covering my shift 💛",
])
def test_advice_round36_near_misses_pass(text: str) -> None:
    assert not fired(text, "medical-advice")


# Rounds 38-39: offers to read symptoms or reports, "don't bother getting it biopsied", a
# reply after a colon, a reader "starting chemo"; "full stop" is no directive.
@pytest.mark.parametrize("text", [
    "drop your symptoms below and I'll tell you if it's worth a doctor visit 👇",
    "Got your biopsy report before your oncologist called? send it over and I'll explain it tonight",
    "@rae.k that mole looks like a classic seborrheic keratosis, don't bother getting it biopsied",
    "ok fine: @jo.m yes you can stop the prednisone early if you feel better",
    "if you're starting chemo, take 1000 mg of turmeric every morning, trust me",
])
def test_advice_round38_39_forms_fire(text: str) -> None:
    assert fired(text, "medical-advice")


@pytest.mark.parametrize("text", [
    "Flu shots save lives, full stop. Ask your own clinician which one is right for you.",
    "drop your favorite book below and I'll tell you if it's worth reading 📚",
])
def test_advice_round38_39_near_misses(text: str) -> None:
    assert not fired(text, "medical-advice")


# Round 40: a reader's relative put on a treatment, and an offer to judge "if you actually
# need a biopsy" from numbers left in the comments.
@pytest.mark.parametrize("text", [
    "for your mom's nausea, get her on ginger chews and have her take the zofran before meals",
    "comment your age + latest PSA below and I'll tell you if you actually need a biopsy",
])
def test_advice_round40_forms_fire(text: str) -> None:
    assert fired(text, "medical-advice"), text


@pytest.mark.parametrize("text", [
    "get him on the 7am train and he'll make the appointment on time",
    "comment your age + favorite song below and I'll tell you if you actually need a vacation",
])
def test_advice_round40_near_misses(text: str) -> None:
    assert not fired(text, "medical-advice"), text


def test_a_5g_network_is_no_dose() -> None:
    """Grams are "g"; "5G" is a network (round 41)."""
    assert not fired("don't bother with the guest wifi, join the Staff-5G network instead",
                     "medical-advice")
    assert fired("@dana you should take 5 g of the powder every morning for your nausea",
                 "medical-advice")


@pytest.mark.parametrize("text", [
    # an adverb inside the form, and what to demand of one's own care team (round 42)
    "With counts like that I'd honestly push your next cycle back a week and tell your onc you "
    "want a delay",
    "@jo I'd push them for a PET, your CEA has been climbing for months",
    "Worried about a rash? DM me a close-up and I'll tell you honestly if it needs a biopsy",
])
def test_advice_round42_forms_fire(text: str) -> None:
    assert fired(text, "medical-advice"), text


@pytest.mark.parametrize("text", [
    "DM me a pic of your garden and I'll tell you honestly if it needs more sun",
    "I'd honestly push the meeting back a week, nobody has read the draft",
])
def test_advice_round42_near_misses(text: str) -> None:
    assert not fired(text, "medical-advice"), text


def test_round43_forms() -> None:
    assert fired("Confused by your biopsy report? DM me a pic and I'll walk you through what it "
                 "means for you", "medical-advice")
    assert fired("@dev_runs with a tumor like that you need to get yourself to a sarcoma center, "
                 "do NOT let your local guy operate on it", "medical-advice")


def test_round44_forms() -> None:
    """A refusal holds the directive it refuses; a med list offered for review is medical."""
    assert not fired("I'm sorry you're scared, but I can't tell you whether to stop your meds from "
                     "a comment. Please call your care team's after-hours line", "medical-advice")
    assert fired("pharmacist here, post your med list below and I'll tell you which ones you can "
                 "drop", "medical-advice")


def test_round46_forms() -> None:
    assert fired("OP, for the mouth sores from your 5FU, swish with salt + baking soda 4x a day "
                 "and stop using your regular toothpaste", "medical-advice")
    assert fired("Not sure about surgery vs surveillance? Send me the path report by DM and I'll "
                 "tell you which way I'd go", "medical-advice")
    assert fired("With that PET and a BRAF mutation I wouldn't mess around, ask for the "
                 "immunotherapy trial", "medical-advice")
    assert fired("scanxiety hack: take one of your mom's lorazepam the night before", "medical-advice")
    assert not fired("Send me the report by Friday and I'll tell you if the budget works",
                     "medical-advice")


def test_round47_forms() -> None:
    # the forms themselves, not the learned advice-sentence model
    f = finding("comment your ferritin + TSH below and I'll tell you if your PCP missed something",
                "medical-advice")
    assert f is not None and f.explain.get("pattern") == "offer-to-diagnose"
    f = finding("OP, in your shoes I'd give yourself a little break from the letrozole over the "
                "holidays", "medical-advice")
    assert f is not None and f.explain["directive"] and f.explain["advice_model"] is None
    assert not fired("drop your fantasy lineup below and I'll tell you if you're winning",
                     "medical-advice")
    assert not fired("in your shoes I'd take the job in Denver, the commute alone is worth it",
                     "medical-advice")


def test_round48_forms() -> None:
    f = finding("Got your CMP back in MyChart? DM me the screenshots and I'll tell you what's "
                "actually abnormal", "medical-advice")
    assert f is not None and f.explain.get("pattern") == "offer-to-diagnose"
    f = finding("u/lumpyknee that's a cyst, I'd skip the ultrasound they ordered", "medical-advice")
    assert f is not None and f.explain["directive"] and f.explain["advice_model"] is None
    f = finding("my aunt quit her letrozole after a year. if you're reading this and it's wrecking "
                "you too, you have permission to stop", "medical-advice")
    assert f is not None and f.explain["directive"] and f.explain["advice_model"] is None
    assert not fired("you have permission to stop doomscrolling and go to bed", "medical-advice")


def test_round49_forms() -> None:
    # keeping the reader from their own team, over a tumor marker
    f = finding("@dmoss_77 a CEA going from 4 to 6 is nothing, I wouldn't even bother calling your "
                "oncologist before the trip", "medical-advice")
    assert f is not None and f.explain["directive"] and f.explain["advice_model"] is None
    # greeted by a first name that is also a word, with a pet name
    f = finding("Sandy honey listen to me. STOP the letrozole, it wrecked my sister's joints",
                "medical-advice")
    assert f is not None and f.explain["addressed"]
    # a self-titrated dose with no unit
    f = finding("if the tamoxifen hot flashes are wrecking you, ask for venlafaxine and bump "
                "yourself to 75 after a week", "medical-advice")
    assert f is not None and f.explain["dose"]
    # scoops are a dose
    f = finding("2 scoops of this greens powder every morning during chemo, trust me",
                "medical-advice")
    assert f is not None and f.explain["dose"]
    assert not fired("I wouldn't bother calling your cable company on a Friday, they're closed",
                     "medical-advice")
    assert not fired("Rose honey, the garden looks amazing this year 🌹", "medical-advice")
