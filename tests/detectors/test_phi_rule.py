"""The phi rule: identifiers tied to care, the exclusions, evidence, fix and redaction."""

from __future__ import annotations

import pytest

from clearpost.engine import check
from tests.detectors.helpers import fired


def phi(text: str, **post: object):
    res = check({"text": text, **post}, rules=["phi"])
    found = [f for f in res.findings if f.rule == "phi"]
    return (found[0] if found else None), res


@pytest.mark.parametrize("text", [
    "Mrs. Abernathy in bed 7 finally walked after her colectomy",          # titled name + room
    "pt K.D. coded twice overnight, family flying in",                     # initials
    "Our 94 y/o on the step-down unit is refusing her insulin",            # age over 89
    "Anyone have the path report for MRN 55120934?",                       # record number
    "Please call the pt's daughter at 646-555-0199 about hospice",         # phone
    "@runner_jo your biopsy came back clean, see you at follow-up",        # reply: work knowledge
    "@runner_jo if anything changes, call before your next visit; your scans looked stable",
    "Admitted an ex-Marine, 60, from Pelham last night with sepsis",        # a former job
    "tonight's list:\n801 Vasquez - NPO for IR\n802 Liang - C1D1 chemo",  # a pasted census
    "Got a card today signed by Ruth Abernathy, 3 weeks after her colectomy on our unit",  # "by"
    "Hi Dana, sorry your root canal hurt, we'll fix the crown Monday",     # addressed care
    "Admitted a 52yo school bus driver from Pelham last night with sepsis",  # quasi-identifiers
    "the firefighter from the Route 9 crash is still intubated",           # unique descriptor
    "Garcia in 7B finally extubated!!",                                    # name in a room
    "The famous linebacker was in our ER last night with a hand injury",   # public figure at work
    "Only patient I've ever had with Castleman disease, diagnosed Tuesday",  # rare + date
])
def test_fires(text: str) -> None:
    finding, _ = phi(text, author={"role": "nurse"})
    assert finding is not None, text
    assert finding.level == "block"


@pytest.mark.parametrize("text", [
    "Three years since my own mastectomy and I'm running again",           # own health
    "Congrats to Dr. Halvorsen on her promotion!",                         # colleague
    "Welcome Tanya Brooks, our new nurse manager, to the team!",           # colleague
    "Flu shots are free Friday, call 212-555-0100 for times",              # public health
    "The senator's office announced his prostate surgery went well",       # public news
    "Grey's Anatomy had a patient in room 412 with sepsis, so unrealistic",  # TV
    "In my novel, Mrs. Vance in bed 3 dies of sepsis",                     # fiction
    "A patient made me laugh so hard today",                               # generic story
    "Grand rounds on sepsis in room 412 at noon",                          # near miss: no person
    "Our new clinic at 450 Lexington Ave has free parking for patients",   # org address
    "Colon cancer is rising in people under 50",                           # public health
    # A screening message to any reader, not knowledge of one patient's care.
    "Screening CT is for smokers over 50. If that's you, bring it up at your next visit",
    "Got your pathology report and no idea what it means? Ask your oncologist to walk you through it",
    # An author named with their work; the words of a copied headline.
    "Reading Lena Hart's new memoir about her residency, the chapter on chemo wards wrecked me",
    "Night Float, written by Lena Hart, has the truest chapter on chemo wards I've read",
    "From the editorial: 'Financial Toxicity Is a Treatment Side Effect - clinicians rarely ask'",
    # "ex-" before a partner is family, not a former job.
    "Had a patient blame his cancer on his ex-wife's bad energy today",
    "happy birthday to my work wife Tasha, who makes a 3am rapid response feel survivable",
    "A patient spent 20 minutes teaching me how to prune tomatoes. best consult of the week",
    "The pathologist inks the edge of the tumor so the margins can be read",
    # The author's own vital signs, with a date and a place nearby.
    "The Yankees bullpen should be arrested for what they did to my blood pressure last "
    "night, filing a complaint with the Bronx",
])
def test_does_not_fire(text: str) -> None:
    finding, _ = phi(text, author={"role": "nurse"})
    assert finding is None, (text, finding and finding.explain)


def test_evidence_kinds_fix_and_redaction() -> None:
    text = "Mrs. Abernathy in bed 7 finally walked after her colectomy"
    finding, res = phi(text)
    assert finding is not None
    by_kind = {e.kind: e.text for e in finding.evidence}
    assert by_kind["name"] == "Mrs. Abernathy"
    assert by_kind["location"] == "bed 7"
    assert by_kind["care"] == "colectomy"
    for e in finding.evidence:
        assert text[e.start:e.end] == e.text
    assert '"Mrs. Abernathy"' in finding.fix and '"bed 7"' in finding.fix
    assert "Abernathy" not in res.redacted and "[NAME]" in res.redacted
    assert "[LOCATION]" in res.redacted


@pytest.mark.parametrize(("text", "hidden"), [
    ("M r s . K o w a l s k i in bed 9 refused her insulin again", "K o w a l s k i"),
    ("p@tient in r00m 412 coded at 0300", "r00m 412"),
    ("pt in rm 4one2 coded at 0300, family on the way", "4one2"),
    ("Gar🌸cia in 7B finally extubated!!", "Gar🌸cia"),
])
def test_evasion_is_caught_and_redacted_in_the_original(text: str, hidden: str) -> None:
    finding, res = phi(text)
    assert finding is not None, text
    assert hidden not in res.redacted
    for e in finding.evidence:
        assert text[e.start:e.end] == e.text


def test_screen_skips_posts_without_care_or_identifiers() -> None:
    from clearpost.detectors import phi as phi_mod
    from clearpost.detectors.base import PostView
    from clearpost.model import Post
    from clearpost.policy.loader import default_policy

    view = PostView(Post(text="Beautiful sunset from the pier tonight"), default_policy())
    assert phi_mod.detect(view) == []
    assert phi_mod._screen(view) == {name: [] for name in phi_mod._SCREEN_LEXICONS}


def test_quote_attribution_and_own_site_are_not_patient_details() -> None:
    quote = ('"To cure sometimes, to relieve often, to comfort always." — Edward Trudeau. '
             "Still the job, every patient, every day.")
    assert not any(f.rule == "phi" for f in check(quote).findings)
    site = ("Long read on the cell therapy lab in a research tower on York Avenue, where "
            "engineered T cells wait in freezers for their patients")
    assert not any(f.rule == "phi" for f in check(site).findings)


def test_a_citation_names_authors_not_patients() -> None:
    text = ("'Resistance lives in the clones we never biopsied.' (Lindqvist et al., Nat Rev Cancer "
            "2021;21:330-341). journal club tomorrow, patient cases after")
    assert not any(f.rule == "phi" for f in check(text).findings)


def test_bylines_links_and_insult_idioms_are_not_patient_details() -> None:
    byline = ("The Atlantic paywalled this so here it is:\n\n'THE LONG NIGHT\nBy Mara Olsen\n\nAt 3 a.m. "
              "the unit is a different country, and the patients sleep in shifts…'")
    assert not any(f.rule == "phi" for f in check(byline).findings)
    link = ("MSK announced today free rides for patients coming in for treatment in Brooklyn, details: "
            "https://www.mskcc.org/news/patient-rides")
    assert not any(f.rule == "phi" for f in check(link).findings)
    idiom = "Ben Harlow in supply is a waste of oxygen, third time he lost my order"
    assert not any(f.rule == "phi" for f in check(idiom).findings)


def test_an_offer_to_any_reader_names_no_patient() -> None:
    """"your pathology report" in an offer to whoever replies is no one's care (round 41);
    the offer itself is medical-advice."""
    text = ("Reply with your pathology report (blank out your name) and I'll tell you whether "
            "you actually need chemo")
    assert not fired(text, "phi")
    assert fired(text, "medical-advice")


def test_round42_forms() -> None:
    """A reply that declines to discuss the reader's meds names no one's care; a colleague
    introduced by role and a book's author are not patients; a visit the author saw and a
    tumour-marker trend are chart knowledge (round 42)."""
    assert not fired("@ray_b so sorry you're dealing with this. I can't comment on your meds "
                     "online, please call your own care team today", "phi")
    assert not fired("the new NP on our unit, Colin Mayhew, keeps skipping handoff. someone talk "
                     "to him", "phi")
    assert not fired("Copying chapter two of Night Rounds by Helen Abernethy for book club, the "
                     "ward scenes are so real. Copyright © 2021 by Helen Abernethy", "phi")
    assert fired("@dee.r saw you at your follow up tuesday 👋 your CA-125 is creeping up again, "
                 "hang in there", "phi")


def test_round43_forms() -> None:
    """An addressee mentioned by name ("@Gail Porter") and advised about what she shared is
    medical-advice, not phi; a visit the author saw still is phi (round 43)."""
    assert not fired("@Nora Blake so sorry the letrozole is wrecking your joints!! in your shoes "
                     "I'd ask about switching, it helps a lot of people", "phi")
    assert fired("@Gary Pruitt good to see you at your port flush Friday!! hang in there",
                 "phi")


def test_a_poems_author_and_copyright_holder_are_no_patients() -> None:
    text = ("this poem wrecked me so here's the whole thing\n\n'Ward Lights' by Helen Marchetti\n\n"
            "the hallway hums its one long note,\nwe chart the dark in careful ink\n\n"
            "Copyright © 2019 Helen Marchetti. All rights reserved.")
    assert not fired(text, "phi")
    assert fired("Helen Marchetti on 12 finally got her chart reviewed before chemo", "phi")


def test_a_greeted_reader_given_advice_is_no_patient() -> None:
    text = "Hi Doreen, pharmacist here 💊 if the lorazepam isn't working you can just take 2 of them"
    assert not fired(text, "phi") and fired(text, "medical-advice")
    assert not fired("MSK scientists for Rafael Ortega! a champion for cancer research", "phi")
