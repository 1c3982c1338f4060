"""harassment and professionalism: rules, the models' band, quoted and mild uses."""

from __future__ import annotations

import pytest

from clearpost.detectors.models import context_model, learned_model
from tests.detectors.helpers import finding, fired, run_python

HARASSING = [
    "That podcaster is a pathetic liar and a fraud",  # targeted insult (outsider)
    "Refugees are parasites who should all be sent back",  # group hate
    "Honestly old people shouldn't be allowed to vote",  # group hate, slur-free
    "those people are animals, every one of them",  # slur-free, no group word: model band
    "I'll stab him if he shows up at my door again",  # threat
    "Our department chair has been embezzling grant money for years",  # accusation
    "@mike_r you're a worthless waste of space",  # second person insult
    "Maybe ask your CNO why she lies to our faces at every staff meeting",  # accusation
    "Dale Prentice, who owns the laundromat, has been pocketing deposits. Belongs in a cell.",
    "That 'wellness doctor' selling cleanses is a murderer and belongs behind bars",
    "a certain charge nurse gets every weekend off since she started 'staying late' in the director's office",
    "half the techs in our lab still can't work the new system. retire already, grandpa",
    "Dr. Vance threw a retractor at me today. next time I'll be waiting by his car, and it won't be to chat",
    "Fire Gail, the 14th floor nurse manager, a lying bully who has run off every decent nurse",
    "bay 3: 50s guy calls my tech a slur the second she walks in. enjoy your neutropenia, you "
    "absolute garbage human.",
    "not sorry: being trans is a mental illness and those people should stay away from kids",
]
NOT_HARASSING = [
    "what a stupid day, the train broke down twice",
    "I felt like a garbage human after sleeping through my alarm",
    "Being trans is not a mental illness, and the science on that is clear.",
    "being old is a disease and I have it, pass the reading glasses",
    "that movie was a waste of space on my hard drive",
    "A visitor called me a slur today; security walked him out.",
    'He yelled "go back to your country" at our interpreter and I am still shaking.',
    "Women are underrepresented in oncology leadership; this needs to change.",
    "The podcast about mass murderers was too grim for my commute",
    "Staying late again tonight to finish the grant, send coffee",
    "She didn't like being called out so now she's trying to make them bully me",
    "He took to the bully pulpit again last night about the budget",
    "Immigrants have been the heart of our nursing workforce for decades.",
    "I'm an idiot, left my lunch on the train again",
    "The former hospital CEO was convicted of fraud in 2019, according to court records.",
    "We killed it at the charity run this morning!",
    "Most women should start mammograms at 40.",  # a group in a health message
    "Black patients are more likely to be diagnosed late; screening outreach helps.",
]


@pytest.mark.parametrize("text", HARASSING)
def test_harassment_fires(text: str) -> None:
    assert fired(text, "harassment"), text


@pytest.mark.parametrize("text", NOT_HARASSING)
def test_harassment_near_misses_pass(text: str) -> None:
    assert not fired(text, "harassment"), text


def test_harassment_names_the_kind_of_signal() -> None:
    f = finding("All immigrants are criminals and rapists", "harassment")
    assert f is not None and "group-hate" in f.explain["signals"]
    assert any(e.kind == "hate" for e in f.evidence)
    f = finding("if he does that again I'll punch him", "harassment")
    assert f is not None and "threat" in f.explain["signals"]


def test_reclaimed_self_reference_passes() -> None:
    assert not fired("as a proud dyke I'm marching with our hospital's Pride group", "harassment")


PROFESSIONALISM = [
    "this fucking shift will never end",
    "sick of management pretending short staffing is fine",
    "so hungover on the unit today, send help",
    "had a few drinks before my shift, don't tell anyone",
    "my coworker is a useless moron and I'm done",
    "pts who argue about their diet all day. lord give me strength",
    "Leadership sent a $5 coffee card after we worked short all winter. Never felt more disposable",
    "tiny confession: had a gummy before I clocked in tonight 🌈",
    "4 of us for 30 patients again last night. Staff the floors, MSK.",
    # a threat at a colleague named by department: harassment, and unprofessional with it
    "Gary from central supply, I know it's you taking my lunch. next time I'm breaking every "
    "finger on that thieving hand",
]
NOT_PROFESSIONALISM = [
    "damn good bagel this morning",
    "Drinks with old friends on Saturday, can't wait",
    "Grateful for my colleagues after a tough week",
    "Proud of how our unit handled the snowstorm",
    "Our unit finally got the new disposable gowns, management came through!",
    "We need more disposable gowns on 12, management please",
    "had a gummy before bed and slept like a baby, back on the unit tomorrow",
    # after the shift is off duty, unlike "before my shift"
    "downed three beers after my shift, zero regrets",
    # mild words at traffic, not at work or people
    "FDR is a parking lot AGAIN. 50 min to go 3 miles. damn you, whoever invented traffic",
]


@pytest.mark.parametrize("text", PROFESSIONALISM)
def test_professionalism_fires(text: str) -> None:
    assert fired(text, "professionalism"), text


@pytest.mark.parametrize("text", NOT_PROFESSIONALISM)
def test_professionalism_near_misses_pass(text: str) -> None:
    assert not fired(text, "professionalism"), text


def test_insulting_a_coworker_is_both() -> None:
    text = "the charge nurse on nights is a lazy idiot"
    assert fired(text, "harassment") and fired(text, "professionalism")


def test_insulting_an_outsider_is_harassment_only() -> None:
    text = "that senator is a corrupt liar"
    assert fired(text, "harassment") and not fired(text, "professionalism")


def test_offensive_signal_for_the_benchmark() -> None:
    from clearpost.detectors.base import PostView
    from clearpost.detectors.conduct import offensive
    from clearpost.model import Post
    from clearpost.policy.loader import default_policy

    pol = default_policy()
    assert offensive(PostView(Post(text="@USER you are a disgusting pig"), pol))[0]
    assert not offensive(PostView(Post(text="Lovely sunny day at the beach with the kids"), pol))[0]


# --- the MiniLM head in the harassment rule (conduct-ml extra) ----------------------------------
# Insults in words no pattern or lexicon knows, aimed at an identifiable role or name. The
# rules and the linear models miss them; the MiniLM head catches them when installed.
NEW_WORDING = [
    "whoever trained the float nurse on 6 should be embarrassed, she is dumber than the IV pole",
    "our unit manager is a spineless little weasel who sells us out every single time",
    "Dr. Hale operates like a butcher and treats nurses like dirt, absolute disgrace of a surgeon",
]
NEW_WORDING_CLEAN = [
    "the new night supervisor brought donuts for the whole floor, what a legend",
    "our unit manager fought for us to get the new lift equipment, so grateful",
    "that resident asked the smartest question on rounds today, future star",
    "Mr. Sato in room 1015 finally ate a full breakfast after his last round of chemo",
]


needs_context = pytest.mark.skipif(context_model() is None,
                                   reason="the conduct-ml extra is not installed")
needs_learned = pytest.mark.skipif(learned_model() is None,
                                   reason="the conduct-ml extra is not installed")


@needs_context
@pytest.mark.parametrize("text", NEW_WORDING)
def test_context_model_catches_new_wording(text: str) -> None:
    f = finding(text, "harassment")
    assert f is not None and f.explain["signals"] == ["insult"]
    assert fired(text, "professionalism")


@pytest.mark.parametrize("text", NEW_WORDING_CLEAN)
def test_context_model_leaves_kind_words_about_people_alone(text: str) -> None:
    assert not fired(text, "harassment")
    assert not fired(text, "professionalism")


# --- the learned hospital-conduct stage (conduct_learned.npz, conduct-ml extra) ---------------
# Fresh posts, never in the corpus it was trained on: an insinuation no pattern knows, and
# near misses that pass the gate (a target and a hostile cue) but are kind or about family.
LEARNED_NEW = "funny how the night tech on 5 only ever loses the narcotic keys when he's working alone. just saying 🤔"
LEARNED_NEAR_MISSES = [
    "shoutout to our charge nurse for staying late to help me with an admission, legend 🙃",
    "gentle reminder to whoever took my lunch from the break room: I hope it was delicious, enjoy 😂",
    "funny how our charge nurse always remembers everyone's birthday, she is the glue of this unit 🙃",
]


@needs_learned
def test_learned_stage_catches_an_insinuation_no_rule_knows() -> None:
    """No rule fires; the learned stage does. (Which rule it raises is the model's call: its
    harassment score sits near the 0.90 threshold, 0.88-0.92 as the corpus grew, and
    professionalism follows harassment of a colleague or comes from its own model.)"""
    harassment = finding(LEARNED_NEW, "harassment")
    professionalism = finding(LEARNED_NEW, "professionalism")
    assert harassment is not None or professionalism is not None
    if harassment is not None:
        assert harassment.explain["signals"] == ["learned"]
    if professionalism is not None:
        assert set(professionalism.explain["reasons"]) <= {
            "harassment of a coworker, patient or the employer",
            "a tone like posts labelled unprofessional (a learned model)"}


@pytest.mark.parametrize("text", LEARNED_NEAR_MISSES)
def test_learned_stage_leaves_near_misses_alone(text: str) -> None:
    from clearpost.detectors.base import PostView
    from clearpost.detectors.conduct import learned_gate
    from clearpost.model import Post
    from clearpost.policy.loader import default_policy

    assert learned_gate(PostView(Post(text=text), default_policy())) is not None  # it is asked
    assert not fired(text, "harassment")
    assert not fired(text, "professionalism")


@pytest.mark.parametrize("text", [
    "Congrats to the whole team on the grant, well deserved!",
    "what a stupid day, the printer jammed twice",
    "they said the shuttle would be late again 🙄",  # reports someone else's words
    "40th attempt at this Elden Ring boss, he is a menace 🙄",  # a game
])
def test_learned_gate_or_guard_keeps_ordinary_posts_off_the_encoder(text: str) -> None:
    import clearpost.detectors.models as models
    from clearpost.engine import check

    calls: list[str] = []
    real = models.learned_conduct

    def counting(t: str) -> dict[str, bool] | None:
        calls.append(t)
        return real(t)

    models.learned_conduct = counting  # the real model still runs; only the calls are counted
    try:
        check(text)
    finally:
        models.learned_conduct = real
    assert calls == []


@pytest.mark.parametrize("text", [NEW_WORDING[0], LEARNED_NEW])
def test_without_the_extra_the_encoder_stages_are_skipped_not_crashed(text: str) -> None:
    """The fallback: without the extra the encoder never runs and the rules decide."""
    run_python("from clearpost.engine import check\n"
               f"r = check({text!r})\n"
               "assert not any(f.rule == 'harassment' for f in r.findings), r\n"
               "print('ok')\n", without_conduct_ml=True)


@needs_learned
def test_learned_stage_is_not_asked_about_the_authors_family(monkeypatch: pytest.MonkeyPatch) -> None:
    """Banter about one's own family passes the gate (a cue word and "her"), but the model,
    trained on hospital posts, is not asked: the rules alone decide. A post about a colleague
    that passes the same gate is asked."""
    import clearpost.detectors.models as models

    family = "My mother be on some trash man 😂 I ask her every day if she needs money, she says naw"
    calls: list[str] = []
    original = models.learned_conduct

    def counting(text: str) -> dict[str, bool] | None:
        calls.append(text)
        return original(text)

    monkeypatch.setattr(models, "learned_conduct", counting)
    assert not fired(family, "harassment")
    assert calls == []
    fired(LEARNED_NEW, "harassment")
    assert calls == [LEARNED_NEW]


# --- the word gate and the screen in front of the learned model ----------------------------
# Fresh posts with no cue word a list holds; hostile or unprofessional in their wording.
WORDED_HOSTILE = [
    "half the people on nights are so lazy they should not be nurses, sorry not sorry",
    "honestly our charge nurse is a walking HR complaint, no clue how she still has a job",
]
#: Scored 0.652 by the gate retrained after rounds 40-41 (threshold 0.66: the lowest passing
#: at most 1 % of the phi corpus); the gate is a cost filter, so only the verdict is asserted.
GATE_BORDERLINE_HOSTILE = "the residents this year are clueless and lazy, cannot wait for July"
WORDED_ORDINARY = [
    "Lunch with Sam and Nadia from the lab, tacos never disappoint",
    "Our unit's food drive collected 400 cans this week, thank you all",
    "Finished my first half marathon this morning, legs are jelly",
]


def _view(text: str):  # type: ignore[no-untyped-def]
    from clearpost.detectors.base import PostView
    from clearpost.model import Post
    from clearpost.policy.loader import default_policy

    return PostView(Post(text=text), default_policy())


def test_borderline_hostile_wording_still_fires() -> None:
    assert fired(GATE_BORDERLINE_HOSTILE, "professionalism")


@needs_learned
@pytest.mark.parametrize("text", WORDED_HOSTILE)
def test_word_gate_passes_hostile_wording_without_a_cue(text: str) -> None:
    from clearpost.detectors.conduct import cue_gate, worded_like_misconduct

    view = _view(text)
    assert cue_gate(view) is None  # no cue word: before the word gate, never asked
    span = worded_like_misconduct(view)
    assert span is not None
    assert (span.start, span.end) == (0, len(text))  # the model judges the post as a whole


@needs_learned
@pytest.mark.parametrize("text", WORDED_ORDINARY)
def test_word_gate_leaves_ordinary_posts_alone(text: str) -> None:
    from clearpost.detectors.conduct import learned_gate

    assert learned_gate(_view(text)) is None


@needs_learned
def test_screen_separates_hostile_from_ordinary() -> None:
    from clearpost.detectors.models import screen_model, screened_in

    if screen_model() is None:
        pytest.skip("all-MiniLM-L6-v2 is not installed")
    assert all(screened_in(t) for t in WORDED_HOSTILE)
    assert not any(screened_in(t) for t in WORDED_ORDINARY[1:])  # (the lunch post: 0.76)


# Round 36 forms, each with its near misses.
@pytest.mark.parametrize("text", [
    "@wellness_dana keep telling people sunscreen causes cancer. I know which gym you go to 🙂",
    "Everyone should know Tomasz, the super at our building, is stealing packages and he keyed my car",
    "every time we get a turban in triage I already know it's going to be a whole family reunion 🙄",
])
def test_harassment_round36_forms(text: str) -> None:
    assert fired(text, "harassment")


@pytest.mark.parametrize("text", [
    "I know which gym you go to, it's the one with the good sauna 😂 see you there Saturday",
    "a guy on the bus told my coworker \"go back where you came from\". Speak up when you hear it.",
    "every time I see a sari in a shop window I want to buy one for my mom",
])
def test_harassment_round36_near_misses(text: str) -> None:
    assert not fired(text, "harassment")


def test_mocking_a_patient_to_their_face_is_unprofessional() -> None:
    assert fired("when your patient asks if radiation makes you glow and you try so hard not to "
                 "laugh 💀", "professionalism")
    assert not fired("my toddler asked if the moon is cheese and I tried so hard not to laugh",
                     "professionalism")


def test_ugh_about_the_day_with_a_kind_patient_is_not_venting() -> None:
    assert not fired("ugh, long shift. sore feet, no lunch, and one sweet patient who made it "
                     "all worth it", "professionalism")
    assert fired("ugh. the patient in 12 has called 40 times tonight for ice chips", "professionalism")


# Rounds 38-39 forms, each with near misses.
@pytest.mark.parametrize("text", [
    "if the guy from valet dings my car ONE more time i'm waiting by his car after my shift. consider this his warning",
    "honestly you can't trust a Hasidic landlord with a security deposit, it's in their nature",
    "the Amish families on 4 again. demanding, ungrateful. that whole community is exhausting",
    "Commissioner Ortega voted to close the shelter. Someone should pay her a visit and remind her what happens next",
    "saw my ex @kayla.rn at the gym, still the same fake trashy skank she always was",
])
def test_harassment_round38_39_forms(text: str) -> None:
    assert fired(text, "harassment")


@pytest.mark.parametrize("text", [
    "I'll be waiting by your car after the concert so we can grab tacos 🌮",
    "consider this a warning: the cafeteria is out of oat milk again",
    "I trust my Amish neighbors with my spare key more than anyone",
    "my aunt paid us a visit at home this weekend and brought pie 🥧",
])
def test_harassment_round38_39_near_misses(text: str) -> None:
    assert not fired(text, "harassment")


def test_round38_39_professionalism_forms() -> None:
    assert fired("me and the charge nurse split a bottle of champagne in the med room at midnight 🥂",
                 "professionalism")
    assert not fired("me and my sister split a bottle of champagne at midnight 🥂", "professionalism")
    assert fired("@tay sh*t, stop sending me your labs on my day off 🖕", "professionalism")
    assert not fired("@devon your fantasy team is a dumpster fire, see you at the draft 😂",
                     "professionalism")


# --- round 42 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "our new scheduler (yes you Marisol) is only here bc leadership needed to hit a diversity "
    "quota. can't even book a room",
    "shoutout to Gary in billing, the dumbest most useless man I've ever had to work with",
])
def test_round42_harassment_fires(text: str) -> None:
    # the rule forms, not the learned stage (which caught the second before the form existed)
    hit = finding(text, "harassment")
    assert hit is not None and "learned" not in {e.kind for e in hit.evidence}, text


@pytest.mark.parametrize("text", [
    # the author's "this X" about themselves, reclaimed
    "this dyke is riding in the parade with her roller derby team saturday, come find us!!",
    # names someone was called, in quotation marks, reported to criticise them
    "old psych textbooks call patients 'idiots' and 'morons' without blinking. glad we moved on",
    "A commenter called one of our fellows a 'diversity hire' today. Unacceptable, and wrong.",
    "i am the laziest person alive on my days off",
])
def test_round42_harassment_near_misses(text: str) -> None:
    assert not fired(text, "harassment"), text


def test_using_before_a_work_event_is_at_work() -> None:
    hit = finding("took an edible before the two-hour safety training and honestly? peak learning",
                  "professionalism")
    # the intoxication form, not the learned tone model (which caught it before the form)
    assert hit is not None and {e.kind for e in hit.evidence} == {"intoxication"}


# --- round 43 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "whoever keeps stealing my yogurt from the unit fridge: tomorrow's has a laxative surprise in it 🙂",
    "our new female fellow is proof women don't belong in cardiothoracic",
])
def test_round43_harassment_fires(text: str) -> None:
    assert fired(text, "harassment"), text


@pytest.mark.parametrize("text", [
    "anyone who says women don't belong in surgery is wrong, full stop",
    "a guy in my replies informed me that 'women don't belong in medicine.' blocked.",
    'Someone called my coworker a "lazy immigrant who stole a job" in the comments. Deleted. '
    "That's bigotry.",
])
def test_round43_harassment_near_misses(text: str) -> None:
    assert not fired(text, "harassment"), text


def test_an_outsider_insulted_is_harassment_only() -> None:
    """The learned professionalism model does not add itself to harassment of an outsider
    (the labelling convention: a work target makes both rules, an outsider harassment only)."""
    text = ("read your column on vaccines @ljames_writes. the dumbest thing I've read all year, "
            "you're a brain-dead hack who should never write about science again")
    assert fired(text, "harassment")
    assert not fired(text, "professionalism")


def test_champagne_tonight_is_off_duty() -> None:
    assert not fired("grant got funded!! years of work. champagne tonight 🥂", "professionalism")


def test_round44_forms() -> None:
    assert fired("the visitor in 14 yelled at me all night. deport his sorry self back to wherever "
                 "he came from", "harassment")
    text = ("On the train a guy shouted 'go home you ch*nk' at a woman near me. We told him to "
            "stop. That word is vile.")
    assert not fired(text, "harassment") and not fired(text, "professionalism")
    assert not fired(text, "not-yet-public")


# --- round 45 ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "kind"), [
    ("@quackwatch_fan you gr1fting cl0wn, selling detox drips to sick people", "insult"),
    ("@kev you st*pid cl0wn, nobody asked", "insult"),
    ("keep it up and someone's gonna make sure you never open that clinic again", "threat"),
    ("friendly reminder that I know exactly where Brenda from scheduling parks 🙂", "threat"),
    ("2nd family of Somalis on my street this year 🐀🐀 there goes the neighborhood", "hate"),
    ("heads up Bayside: Walt Kerrigan waters down the kids' antibiotics to pocket the difference",
     "accusation"),
])
def test_round45_harassment_forms(text: str, kind: str) -> None:
    hit = finding(text, "harassment")
    assert hit is not None and kind in {e.kind for e in hit.evidence}, text


@pytest.mark.parametrize("text", [
    "took the kids to see the clowns at the circus, they loved it",
    "thank you clown college for the memories",
    "I'm gonna make sure you never forget this birthday 🎂",
    "a family of Pakistanis moved in downstairs and brought us biryani, best neighbors ever",
    "the recipe says to water down the sauce if it gets too thick",
])
def test_round45_harassment_near_misses(text: str) -> None:
    assert not fired(text, "harassment"), text


def test_drinking_before_a_shift_named_by_its_hour() -> None:
    hit = finding("2 white claws in the parking lot before a 7p is self care actually 🥴",
                  "professionalism")
    assert hit is not None and "white claws" in {e.text for e in hit.evidence}
    assert not fired("2 white claws at the beach on my day off 🥴", "professionalism")


# --- round 46 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "if Dwayne from dietary blocks my cart ONE more time im putting him thru the wall. not playin",
    "@kara.pacu_rn park in my spot again and your side mirrors are gonna have a very bad day 🙂",
    "saw a man in a turban at the DMV, didn't know they let them drive now 😂",
    "congrats to our chief on the award, quite a feat for someone with the bedside manner of a "
    "parking ticket",
])
def test_round46_harassment_forms(text: str) -> None:
    hit = finding(text, "harassment")
    assert hit is not None and "learned" not in {e.kind for e in hit.evidence}, text


@pytest.mark.parametrize("text", [
    "the movers are putting the couch through the door sideways, wish us luck",
    "a woman in a hijab helped me carry my groceries up the stairs today, made my week",
    "my grandma has the bedside manner of a saint, miss her every day",
])
def test_round46_harassment_near_misses(text: str) -> None:
    assert not fired(text, "harassment"), text


def test_round46_professionalism_forms() -> None:
    hit = finding("shots in the locker room before the unit party bc we earned it 🥃", "professionalism")
    assert hit is not None and {e.kind for e in hit.evidence} == {"intoxication"}
    hit = finding("family member asks if his dad's port can charge his phone. the gene pool is a "
                  "puddle 💀", "professionalism")
    assert hit is not None and "venting" in {e.kind for e in hit.evidence}
    # a colleague's handle is a work target: the threat is unprofessional too
    assert fired("@kara.pacu_rn park in my spot again and your side mirrors are gonna have a very "
                 "bad day 🙂", "professionalism")
    assert not fired("shots at the bar for Jess's birthday saturday 🥃", "professionalism")


# --- round 47 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Marco from pharmacy: I know which grey Corolla is yours. touch my yogurt again and find out 🙂",
    "to whoever keeps stealing my parking spot: I know exactly what time you clock out 🙂",
    "the guy upstairs with the leaf blower at 6am, I know exactly how much insulin it takes. "
    "sleep tight 🙂",
    "Dana Whitlock, who runs the corner pharmacy, waters down the cough syrups to save money",
    "funny how Dr. Patel's lab supplies keep going conveniently 'missing' right before his trips",
    "so proud of our new fellow, amazing how far a DEI quota can carry someone 🙂",
    "the new tech is so articulate for a Nigerian woman honestly",
    '"religion of peace" my foot, name one 🙄',
])
def test_round47_harassment_forms(text: str) -> None:
    hit = finding(text, "harassment")
    assert hit is not None and "learned" not in {e.kind for e in hit.evidence}, text


@pytest.mark.parametrize("text", [
    "I know which car is yours, I'll save you a spot next to it at the reunion!",
    "I know exactly what time you clock out, so dinner is at 8 😊",
    "nurses: I know exactly how much coffee it takes to survive a night shift 🙂",
    "our clinic's supplies keep mysteriously running low in flu season, order early",
    "the new hire is so articulate, the families loved her presentation",
    "the admissions office has no diversity quota, and it should say so clearly",
    "interfaith panel tonight on how every religion of peace handles grief",
])
def test_round47_harassment_near_misses(text: str) -> None:
    assert not fired(text, "harassment"), text


def test_round47_professionalism_forms() -> None:
    hit = finding("some attendings treat the residents like furniture, love that for us", "professionalism")
    assert hit is not None and "venting" in {e.kind for e in hit.evidence}
    hit = finding("leadership thanked us with a pizza party again after the staffing cuts. so "
                  "generous 🙃", "professionalism")
    assert hit is not None and "venting" in {e.kind for e in hit.evidence}
    hit = finding("on call this weekend and the merlot is already open 🍷", "professionalism")
    assert hit is not None and {e.kind for e in hit.evidence} == {"intoxication"}
    hit = finding("merit raise didn't cover the parking hike, this job can kiss my a$$",
                  "professionalism")
    assert hit is not None and "profanity" in {e.kind for e in hit.evidence}
    # an outsider in the author's building is no colleague: harassment only
    assert not fired("to the guy on the 4th floor of my building: I know which car is yours 🙂",
                     "professionalism")


@pytest.mark.parametrize("text", [
    "our nurses treat patients like family, it shows in every survey",
    "leadership thanked us with a pizza party for the Magnet win, honestly it was lovely",
    "a glass of merlot after my shift, feet up 🍷",
    "not on call this weekend so the pinot is open 🍷",
])
def test_round47_professionalism_near_misses(text: str) -> None:
    assert not fired(text, "professionalism"), text


# --- round 48 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "to whoever in billing keeps eating my leftovers: blue Civic, spot 22, leaves at 5 sharp. "
    "I notice things too 🙂 one more time",
    "the new PCA on our floor is cute, might 'accidentally' get locked in the linen room with her "
    "tonight 👀",
    "just asking questions but how is Darren Pike from pharmacy driving a new Tesla right after "
    "the unit's petty cash went missing 🤔",
    "saw the driver before I saw the car. Asian guy lol. some stereotypes exist for a reason",
    "Marta from registration, touch my charger again and I'm breaking every finger you have",
])
def test_round48_harassment_forms(text: str) -> None:
    hit = finding(text, "harassment")
    assert hit is not None and "learned" not in {e.kind for e in hit.evidence}, text


@pytest.mark.parametrize("text", [
    "@mike_t you owe me a coffee from that bet, you absolute clown 🤡 pay up",
    "I notice things like when the light hits the river at 6am, grateful for this commute 🙂",
    "we'll 'accidentally' get stuck with the good donuts again, sorry not sorry",
    "I'm breaking every bone in my body at this spin class, send help 😂",
    "research shows stereotypes exist for a reason people assume, and it is usually not a good one: "
    "come to our bias workshop",
])
def test_round48_harassment_near_misses(text: str) -> None:
    assert not fired(text, "harassment"), text


def test_round48_outsider_and_professionalism() -> None:
    # an outside columnist insulted: harassment only, though the post defends nurses
    post = ("Tom Reyes called nurses 'glorified waitresses' in his column today. Tom, you are a "
            "worthless little leech")
    assert fired(post, "harassment") and not fired(post, "professionalism")
    hit = finding("calling out tomorrow with a sudden case of the don't wannas 😎", "professionalism")
    assert hit is not None and "dishonesty" in {e.kind for e in hit.evidence}
    # praise is not venting: "like a spa" about the care, not about patients
    assert not fired("the infusion suite in Harrison is like a spa and the nurses are angels",
                     "professionalism")
    assert fired("half the families treat the place like a spa and us like the help, MSK staff "
                 "deserve better", "professionalism")


# --- round 49 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    # a vehicle described, then harm wished on "it"
    "@citytow_nyc took my car again. that white Silverado of yours lives on 5th Ave overnight, "
    "right? be a real shame if something happened to it 🙂",
    # an audit called for, with an insinuating cue
    "funny how Dr. Varga's blots are always spotless 🤔 somebody should pull his raw files before "
    "the grant renewal. just saying",
    # the lonely way home next to a dare
    "Marcus in transport, ignore one more of my calls, I dare you. it's a long dark walk to the "
    "garage after 11 🙂",
    # a shouted accusing verb after a first name
    "not me learning Dana straight up LIED on my evaluation so they'd write me up 🙃",
    # a whole group, any noun, one contempt
    "every Nigerian driver on this app is a scammer, stop pretending otherwise",
])
def test_round49_harassment_forms(text: str) -> None:
    hit = finding(text, "harassment")
    assert hit is not None and "learned" not in {e.kind for e in hit.evidence}, text


@pytest.mark.parametrize("text", [
    "it would be a shame if something happened to the funding for this program, call your reps",
    "Dr. Okafor says someone should pull her raw files for the meta-analysis, the dataset is gold",
    "it's a long dark walk to the subway after night shift, stay safe everyone 🙂",
    "every Haitian restaurant in Flatbush is a gem, fight me",
    "all the Filipino nurses on my floor are legends, fight me",  # a group praised
    "my patient admitted he lied on the intake form about smoking, bless him",
])
def test_round49_harassment_near_misses(text: str) -> None:
    assert not fired(text, "harassment"), text


def test_round49_professionalism() -> None:
    # a colleague's role only the lexicon knew after this round, and an abbreviation
    assert fired("the new postdoc keeps 'borrowing' my pipettes and leaving them filthy, "
                 "what a useless excuse for a scientist", "professionalism")
    assert fired("Patient asked if the MRI could read his horoscope. Told him only on the premium "
                 "plan 😂 you honestly can't make these people up", "professionalism")
    assert not fired("this season of the show is wild, you can't make these plots up",
                     "professionalism")


def test_phrases_match_across_emoji_between_their_words() -> None:
    hit = finding("so done 😤 with my manager and her mandatory fun huddles", "professionalism")
    assert hit is not None and any("😤" in e.text for e in hit.evidence)
    assert not fired("so done 😤 with this heat wave, give me fall already", "professionalism")
