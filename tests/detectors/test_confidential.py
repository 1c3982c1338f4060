"""confidential and not-yet-public, including fuzzy embargo terms and the published corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearpost.policy.loader import Policy, default_policy
from tests.conftest import run_cli
from tests.detectors.helpers import finding, fired

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def with_embargo(*terms: str) -> Policy:
    pol = default_policy()
    org = pol.pack.organization.model_copy(update={"embargo_terms": list(terms)})
    return Policy(root=pol.root, pack=pol.pack.model_copy(update={"organization": org}),
                  rules=pol.rules, lexicons=pol.lexicons)


@pytest.mark.parametrize("text", [
    "badge door code for the 3rd floor lab is 8842#",
    "the slides are at https://intranet.mskcc.org/research/retreat/slides",
    "file is on \\\\labshare01\\flow\\runs\\batch7.fcs",
    "token for the cluster: ghp_abcdefghijklmnopqrstuvwxyz0123456789ABCD",
    "CONFIDENTIAL draft of the new staffing plan attached, don't forward",
    "posting the nursing assignment sheet here so I don't lose it",
    "tomorrow's chair schedule: 0800 Lindqvist C1D1 FOLFOX, 0830 Amadi pembro, 0900 Hart port",
    "can't share the slides yet but the interim numbers on our combo look great, you didn't see that",
    "so I stop losing it:\n801 Vasquez - NPO for IR\n802 Liang - PCA, q2 neuro",
    "someone left the salary spreadsheet open in the break room, our director makes HOW much",
    "saw the bonus list someone left open on the shared drive and wow",
])
def test_confidential_fires(text: str) -> None:
    assert fired(text, "confidential"), text


@pytest.mark.parametrize("text", [
    "had to reset my password twice today, IT why",
    "Great novel about confidential informants and the 1970s mob",
    "Our paper is out in Nature today! https://doi.org/10.1038/s41586-025-00001-1",
    "cars I've owned:\n2009 Honda - great\n2014 Subaru - also great",
    "My daughter finished her history assignment before dinner",
    "tonight's assignment for my 4th grader is a diorama of the solar system",
    "Carla! spotted your name on the infusion schedule this morning, sending love",
    "Our comp sheet for the softball league is up, sign up by Friday",
    "I saved the flyer on the shared drive if anyone wants to print it",
])
def test_confidential_near_misses_pass(text: str) -> None:
    assert not fired(text, "confidential"), text


def test_embargo_terms_match_fuzzily() -> None:
    pol = with_embargo("Bluebird")
    assert fired("another long day on Project Blubird, coffee please", "confidential", pol)
    assert fired("bluebirrd sync ran late", "confidential", pol)
    assert not fired("saw a blue jay outside the lab window", "confidential", pol)


def test_unpublished_results_are_confidential_and_not_yet_public() -> None:
    text = "Interim analysis: our vaccine arm doubled survival. Not published yet!"
    assert fired(text, "confidential") and fired(text, "not-yet-public")


@pytest.mark.parametrize("text", [
    "Big announcement from our department next week, can't say more 🤫",
    "You didn't hear it from me but MSK is buying a hospital in Connecticut",
    "Leadership is consolidating the two Westchester clinics next spring",
    "not supposed to say anything yet but our Long Island site is adding a proton center 🤐",
    "can't show the survival curve until it's presented, but our phase 2 arm looks amazing",
])
def test_not_yet_public_fires(text: str) -> None:
    assert fired(text, "not-yet-public"), text


@pytest.mark.parametrize("text", [
    "Stay tuned for photos from our family trip to Maine!",
    "Can't say more, but my brother just got engaged 💍",
    "MSK is hiring nurses for the new residency cohort, apply!",
    "MSK just announced its new partnership: https://www.mskcc.org/news/partnership",
    "I'll bring the cake, just not supposed to say anything to the birthday girl",
    "not supposed to say this but the cafeteria tacos are fire today",
])
def test_not_yet_public_near_misses_pass(text: str) -> None:
    assert not fired(text, "not-yet-public"), text


def test_published_claim_becomes_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "You heard it here first: we're opening a proton therapy center in Brooklyn"
    f = finding(text, "not-yet-public")
    assert f is not None and f.level == "review"
    monkeypatch.setenv("CLEARPOST_CORPUS_DIR", str(FIXTURES / "published"))
    f = finding(text, "not-yet-public")
    assert f is not None and f.level == "warn"
    assert "Already public: https://www.example.org/news/proton-center-brooklyn" in f.message
    # A claim the corpus does not contain stays a review.
    f = finding("You heard it here first: we're opening a proton center in Manhattan",
                "not-yet-public")
    assert f is not None and f.level == "review"


def test_corpus_add_cli(tmp_path: Path) -> None:
    index = tmp_path / "index"
    item = tmp_path / "release.md"
    item.write_text("source: https://example.org/news/garden\nMSK opens a rooftop healing "
                    "garden for patients and families at the main hospital.\n", encoding="utf-8")
    proc = run_cli("corpus", "add", str(item), "--index", str(index))
    assert proc.returncode == 0, proc.stderr
    assert (index / "release.md").is_file()
    proc = run_cli("check", "Big news soon: our hospital is opening a rooftop healing garden "
                   "for patients and families!", "--json",
                   env={"CLEARPOST_CORPUS_DIR": str(index)})
    assert b"Already public: https://example.org/news/garden" in proc.stdout
    assert proc.returncode == 0  # warn
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe\x00binary")
    proc = run_cli("corpus", "add", str(item), str(bad), "--index", str(tmp_path / "other"))
    assert proc.returncode >= 3 and b"bad.md" in proc.stderr and b"Traceback" not in proc.stderr
    assert not (tmp_path / "other").exists() or not any((tmp_path / "other").iterdir())


def test_bm25_matching_set() -> None:
    """The matching set behind MIN_COVERAGE: BM25 gets >= 85% of claims right."""
    import json

    from clearpost.detectors.confidential import MIN_COVERAGE
    from clearpost.policy.corpus import org_name_words, read_items
    from clearpost.policy.loader import default_policy
    from clearpost.text.bm25 import BM25Index

    items = read_items(FIXTURES / "published")
    names = {i.source: p.name for i, p in zip(items, sorted((FIXTURES / "published").glob("*.md")),
                                               strict=True)}
    index = BM25Index(((i.source, i.text) for i in items),
                      extra_stop=org_name_words(default_policy()))
    rows = [json.loads(line) for line in (FIXTURES / "corpus_matching.jsonl").read_text().splitlines()]
    right = 0
    for row in rows:
        found = index.match(row["text"], MIN_COVERAGE)
        got = names[found.source] if found else None
        right += got == row["match"]
    assert right / len(rows) >= 0.85


# Round 36: results stated as unpublished (an early look with an outcome count, a paper not
# yet written, a dated draft release) are both confidential and not yet public.
@pytest.mark.parametrize("text", [
    "first peek at our phase 1 arm: 7 of 9 with partial responses already, wild",
    "the abstract isn't even written yet but our ORR is sitting at 62% 🤯",
    "found this on the copier: 'HOLD FOR RELEASE APRIL 9 — MSK names new chief of surgery'",
    "we haven't published it yet but the knockout mice just don't get tumors",
])
def test_unpublished_results_fire_both_rules(text: str) -> None:
    assert fired(text, "confidential") and fired(text, "not-yet-public")


@pytest.mark.parametrize("text", [
    "a quick interim look at my marathon plan: 3 of 5 long runs done",
    "first look at the new lobby art, 10 of 10 would recommend",
    "the election results aren't out yet and I'm refreshing every 5 minutes",
    "my novel isn't even drafted yet and I already picked the cover",
    "for release into the wild: 3 of 4 of our foster kittens are ready for adoption",
])
def test_unpublished_result_near_misses_pass(text: str) -> None:
    assert not fired(text, "confidential") and not fired(text, "not-yet-public")


@pytest.mark.parametrize("text", [
    "word is a surgeon from Hopkins is coming over to lead our thoracic service 👀",
    "let's just say shovels in the ground in Queens by spring for a new MSK outpatient site 😏",
])
def test_not_yet_public_round36_forms(text: str) -> None:
    assert fired(text, "not-yet-public")


@pytest.mark.parametrize("text", [
    "let's just say my kitchen renovation is NOT going to plan 😂",
    "my brother is coming to run the half marathon with me next spring",
])
def test_not_yet_public_round36_near_misses(text: str) -> None:
    assert not fired(text, "not-yet-public")


# Round 37 forms and their near misses.
@pytest.mark.parametrize(("text", "rules"), [
    ("legal told us this morning they're settling the Ruiz discrimination suit for $900k",
     {"confidential", "not-yet-public"}),
    ("the new vendor login went out to everyone by mistake: temporary credential Qx7#pharm22",
     {"confidential"}),
    ("monthly ops numbers, internal metrics only: 38% no-show rate at the satellite clinic",
     {"confidential"}),
    ("MSK and a certain Boston biotech 🤝 ink dried yesterday. that's all i'm allowed to say",
     {"not-yet-public"}),
    ("the unit is merging with 5 North and staff won't be told until January 🫠",
     {"not-yet-public"}),
])
def test_round37_forms_fire(text: str, rules: set[str]) -> None:
    assert all(fired(text, rule) for rule in rules)


@pytest.mark.parametrize(("text", "rule"), [
    ("my home wifi password is literally password123 and I refuse to change it", "confidential"),
    ("the ink is finally dry on my mortgage papers 🏠", "not-yet-public"),
    ("the court case about my parking ticket settled itself, no fine!", "confidential"),
    ("watching the Knicks tonight, keep it between us that I cried", "not-yet-public"),
])
def test_round37_near_misses_pass(text: str, rule: str) -> None:
    assert not fired(text, rule)


@pytest.mark.parametrize(("text", "rules"), [
    ("saw the org chart on my director's monitor: the whole evening EVS crew goes to a contractor in May",
     {"confidential"}),
    ("the camera by the pharmacy door has been dark since Friday and the reader opens for any badge",
     {"confidential"}),
    ("our CAR-T arm shrank tumors in 7 of 9 mice, nothing's written up yet 🤫", {"confidential", "not-yet-public"}),
    ("hearing our CMO search is basically over, she's coming over from Penn in March 👀", {"not-yet-public"}),
    ("pretty sure MSK is rolling out the new app to patients next month, heard it straight from IT",
     {"not-yet-public"}),
])
def test_round38_39_forms_fire(text: str, rules: set[str]) -> None:
    assert all(fired(text, rule) for rule in rules)


@pytest.mark.parametrize(("text", "rule"), [
    ("saw the new Dune trailer on my brother's laptop and I'm obsessed", "confidential"),
    ("Our new VP of nursing, Dana Ruiz, is a breath of fresh air", "not-yet-public"),
    ("© 2024 Kai Brennan. All rights reserved. Do not forward or republish.", "confidential"),
])
def test_round38_39_near_misses_pass(text: str, rule: str) -> None:
    assert not fired(text, rule)


# Round 40: codes written with separators, tokens pasted in code, hosts inside the network,
# an invention filed, deals "done", a new unit's opening date, a named unit closing; and what
# makes news public (an embargo lifted, a journal, a careers site), while a press release
# still to come does not.
@pytest.mark.parametrize(("text", "rules"), [
    ("the supply room keypad is 4-4-1-9, you're welcome nights", {"confidential"}),
    ("headers = {'Authorization': 'Bearer tk_live_93ab7c1e5d20f4aa'}", {"confidential"}),
    ("why does https://labdash.int.mskcc.org/runs keep timing out", {"confidential"}),
    ("api_key = 'Zq81mNc02kLp77xw'", {"confidential"}),
    ("We filed the provisional patent on our new linker chemistry this morning",
     {"confidential", "not-yet-public"}),
    ("new 30-bed unit on 12 opens in march and they're hiring nurses for it", {"not-yet-public"}),
    ("our partnership with Orbis Labs is a done deal, contracts signed yesterday",
     {"not-yet-public"}),
    ("email from our VP: the infusion unit at the Westside pavilion will close on 9/30",
     {"not-yet-public"}),
    ("press release goes out next week but MSK is buying the Westchester practice",
     {"not-yet-public"}),
])
def test_round40_forms_fire(text: str, rules: set[str]) -> None:
    assert all(fired(text, rule) for rule in rules), text


@pytest.mark.parametrize(("text", "rule"), [
    ("the keypad on my apartment building is broken again, took 3 tries", "confidential"),
    ("bearer of bad news: 12 people out sick on our unit today", "confidential"),
    ("see https://www.mskcc.org/news/int-2024 for the details", "confidential"),
    ("copy the code below: print('hello') and tell me why it fails", "confidential"),
    ("our patent on the linker was granted last year and is public now", "confidential"),
    ("I filed my taxes this morning finally", "not-yet-public"),
    ("embargo lifted at noon: our phase 3 is out today in JCO 🎉", "not-yet-public"),
    ("saw MSK posted a research nurse opening on their careers site, anyone applying?",
     "not-yet-public"),
    ("Happy Nurses Week to the best unit in the building! 💙", "not-yet-public"),
])
def test_round40_near_misses_pass(text: str, rule: str) -> None:
    assert not fired(text, rule), text


# --- The learned stage (confidential.npz, not_yet_public.npz; train/disclosure_learned.py) ---
# Posts about the workplace in words no pattern of the rule knows. The wording here is new
# (in none of the training rows).
@pytest.mark.parametrize(("text", "rule"), [
    ("our organoid screen found the resistance gene, nobody outside the lab has seen the figure yet",
     "confidential"),
    ("so our CEO is apparently stepping down at the end of the year?? nobody's said it officially",
     "not-yet-public"),
    ("a huge name in leukemia research is moving here in the fall, contract done, announcement later",
     "not-yet-public"),
])
def test_learned_stage_fires_on_new_wording(text: str, rule: str) -> None:
    found = finding(text, rule)
    assert found is not None and any(k.endswith("_model") for k in found.explain), found


@pytest.mark.parametrize(("text", "rule"), [
    ("we're going to the beach next week, can't wait", "not-yet-public"),
    ("our wedding is next month, cannot wait 💍", "not-yet-public"),
    ("PSA: IT will never call you to ask for your password. If someone does, hang up and report it",
     "confidential"),
    ("our lab meeting got moved to Thursday, bring snacks", "confidential"),
])
def test_learned_stage_near_misses_pass(text: str, rule: str) -> None:
    assert not fired(text, rule), text


def test_learned_stage_skips_what_cites_a_public_source() -> None:
    leak = "so our CEO is apparently stepping down at the end of the year?? nobody's said it officially"
    assert fired(leak, "not-yet-public")
    assert not fired(leak + " (just announced in the press release)", "not-yet-public")


def test_learned_stage_leaves_a_patient_to_phi() -> None:
    """A hint about who is on the floor is about a patient, not the organization's news."""
    text = "guess who's on our BMT floor rn 👀 let's just say he used to play shortstop for the Mets 🤐"
    assert fired(text, "phi")
    assert not fired(text, "not-yet-public")


def test_learned_stage_is_silent_without_its_models(monkeypatch: pytest.MonkeyPatch) -> None:
    from clearpost.detectors import models

    leak = "so our CEO is apparently stepping down at the end of the year?? nobody's said it officially"
    monkeypatch.setitem(models._CACHE, "not_yet_public", None)
    assert not fired(leak, "not-yet-public")


# Round 41: a plan under the organization's short alias ("Sloan is about to take over …"), and
# a site named by its place alone ("changes coming to Commack"), from the pack's sites.
@pytest.mark.parametrize("text", [
    "Sloan is about to take over running the cancer program at a hospital out in Suffolk 👀",
    "big changes coming to Commack 👀🤐 can't say anything yet but stay tuned",
])
def test_round41_forms_fire(text: str) -> None:
    assert fired(text, "not-yet-public"), text


@pytest.mark.parametrize("text", [
    "Sloan is about to be my second home for three days of CME lol",
    "big changes coming to my kitchen 👀🤐 can't say anything yet but stay tuned",
])
def test_round41_near_misses_pass(text: str) -> None:
    assert not fired(text, "not-yet-public"), text


def test_a_household_plan_is_not_the_organizations() -> None:
    """With "we" as the only sign of work, moving or buying is the author's household's;
    an organizational verb, or a unit as the object, stays news (round 42 session)."""
    assert not fired("we're moving to Denver next month, so excited for the yard", "not-yet-public")
    assert not fired("we are buying a house!!", "not-yet-public")
    assert fired("we're merging with NYU next year, keep it quiet", "not-yet-public")


def test_round43_forms() -> None:
    assert fired("they changed the keypad on the 4 South supply room again, it's 3-1-4-1 now",
                 "confidential")
    assert not fired("the keypad on my new fridge is so loud", "confidential")
    assert not fired("Not a rumor: the cafeteria's pizza night is every Thursday now",
                     "not-yet-public")


def test_a_network_name_is_no_secret() -> None:
    """The learned stage scored "join the Staff-5G network" 0.85: with "wifi" and "password"
    unweighted it had put the weight on "network" and "guest". Those are access words too
    now; the network's password is the patterns' business."""
    assert not fired("don't bother with the guest wifi, join the Staff-5G network instead",
                     "confidential")
    assert fired("the staff wifi password is Tulip2024! don't share", "confidential")


def test_a_password_given_a_sentence_later() -> None:
    hit = finding("who put the wifi password for the staff network on a post-it in the break "
                  "room. it's Maple!Door42 btw", "confidential")
    # the credential itself is the evidence, not the learned stage's whole sentence
    assert hit is not None and [e.text for e in hit.evidence] == ["Maple!Door42"]


def test_round45_results_held_for_a_meeting() -> None:
    text = ("Can't say a word till the plenary but... remember our trial everyone laughed at? "
            "the OS curves don't lie 🍾")
    assert fired(text, "confidential") and fired(text, "not-yet-public")
    assert not fired("can't wait till the plenary tomorrow, Dr. Okafor's talk on our trial will "
                     "be great", "confidential")


def test_round45_soft_hints() -> None:
    assert fired("Sloan's got something coming to Poughkeepsie 🏥 can't say more yet but think: "
                 "no more driving to the city for infusions", "not-yet-public")
    # after praise, "watch this space" points at nothing to come
    assert not fired("Few places do what Memorial Sloan Kettering does in early drug development. "
                     "The pace of their first-in-human program is remarkable. Watch this space.",
                     "not-yet-public")
    assert fired("Memorial Sloan Kettering's Nassau site is getting bigger. Watch this space 👀",
                 "not-yet-public")


def test_round48_login_pair_and_little_bird() -> None:
    f = finding("whoever taped the downtime login under the keyboard at the 9th fl station "
                "(DT_RAD3 / Spring#2026) pls memorize it", "confidential")
    assert f is not None and any(e.text == "Spring#2026" for e in f.evidence)
    assert not fired("the login page for the conference (see the program / schedule) is up",
                     "confidential")
    assert fired("a little bird 🐦 told me a very famous CAR-T researcher is joining Sloan this "
                 "spring 👀", "not-yet-public")
    assert not fired("a little bird 🐦 built a nest outside the 8th floor window, we named it "
                     "Sloan", "not-yet-public")
