"""phi: could this post identify a patient, or a patient's health, care or payment details?

Two questions, both needed:
1. Is there a care context about someone other than the author? (clinical words, a care
   setting, a patient reference; not the author's own health, not a TV show)
2. Is there a HIPAA identifier tied to it? Either one direct identifier (a name, a room, a
   record number, a phone, an age over 89, a photo of a patient, a reply showing the author
   saw the person's chart) or at least two quasi-identifiers of different kinds (an age, a
   town, a job, a family detail, a date, a unit), which together make a story recognisable.

The cheap screen runs first: a post with no care word and no patient word is done in
microseconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clearpost.detectors.base import Hit, PostView, Span, sentence_of
from clearpost.detectors.identifiers import (
    Ident,
    find_addressed_patient,
    find_ages,
    find_contacts_and_numbers,
    find_dates,
    find_descriptors,
    find_names,
    find_rooms,
    find_surname_with_procedure,
    find_units,
)
from clearpost.text import Lexicon, Match
from clearpost.text.patterns import fast

_SETTING_CASED = fast(r"\b(?:OR|ER|ED|ICU|MICU|SICU|PICU|NICU|PACU|BMT|CCU|CVICU|TICU|NSICU|"
                            r"CSRU|L&D|PEDS|ONC|TELE)\b")
_PATIENT_AREA = fast(r"\b(?:waiting room|waiting area|infusion|chemo|bedside|patient room|"
                           r"exam room|recovery|icu|er)\b", re.IGNORECASE)
_THIRD_PERSON = fast(r"\b(?:she|he|her|his|him|they|their|patient|pt|lady|guy|woman|man|"
                           r"kid|kiddo|family|mom|dad|whose|gent|teen|baby|babies|twins|triplets|newborn|resident)\b",
                           re.IGNORECASE)
# The author saw this person at work: an insider's care setting ("our ER", "in clinic").
_INSIDER = fast(
    r"\b(?:(?:our|my|the) (?:er|ed|icu|micu|sicu|picu|nicu|floor|unit|clinic|ward|infusion suite|"
    r"chemo suite|or|burn unit|trauma bay|waiting room)|in clinic|on the unit|on our (?:floor|unit)|"
    r"came in|came into|brought in|rolled in|we admitted|i admitted|admitted (?:a|him|her)|"
    r"we got in|got in a|saw (?:him|her|them) in|in (?:our|the) er|in for (?:his|her|a|an)|"
    r"on (?:our|the) (?:floor|unit)|is on our|was in our|was on our|our (?:vip|celeb|celebrity|"
    r"famous|regular|frequent flyer)|(?:we|i) (?:treated|operated on|scoped|scanned|resuscitated|"
    r"intubated|delivered)|(?:we|i) took care of|(?:we|i) cared for)\b",
    re.IGNORECASE)
# "Kevin Durant visited the peds floor and signed jerseys for every kid"
_VISITOR = fast(r"^\s+(?:\w+\s+)?(?:visited|stopped by|dropped by|came by|surprised|"
                      r"dropped in|stopped in)\b", re.IGNORECASE)
_VISITOR_ACT = fast(r"\b(?:signed|autograph\w*|donated|handed out|gave out|brought gifts|"
                          r"performed|sang|read to|toys|for every (?:kid|child|patient)|"
                          r"for (?:the|all the|our) (?:kids|children|patients))\b", re.IGNORECASE)
_INSIDER_SCREEN = fast(_INSIDER.pattern)  # on lower-cased text: 5x faster than IGNORECASE
#: A name on a ballot or in someone else's job, not a patient: "vote for Nadia Ferrante for
#: State Assembly", "Gary Pettibone, sales manager at Route 9 Honda".
_CANDIDATE_BEFORE = fast(r"\b(?:vote|voting|voted|elect|re-?elect|endorse|endorsing|support|"
                               r"supporting) (?:for )?$"
                               # a campaign slogan: "MSK scientists for Rafael Ortega!"
                               r"|\b(?:nurses|doctors|docs|scientists|physicians|researchers|staff|"
                               r"employees|workers|moms|teachers|neighbors) for $", re.IGNORECASE)
_NOT_A_PATIENT_AFTER = fast(
    r"^\s+for (?:state |city |us |u\.s\. )?(?:assembly|senate|congress|mayor|governor|council|"
    r"president|school board|district attorney|da|judge|sheriff|comptroller|the house)\b"
    r"|^,?\s+(?:an? |the )?(?:[a-z]+\s+){0,2}(?:manager|director|owner|ceo|founder|agent|rep|"
    r"representative|salesman|saleswoman|associate|clerk|teacher|lawyer|attorney|influencer|coach)"
    r"\s+(?:at|of|for|with)\s+[A-Z0-9]", re.IGNORECASE)
_QUOTE = fast(r"^\s*(?:said|says|once said|used to say|wrote|taught us)\b", re.IGNORECASE)
#: The author of a work, named with it: "Lena Hart's new memoir", "Copyright © 2024 by ...".
_AUTHOR_AFTER = fast(
    r"^(?:'s)?\s+(?:new |latest |debut |first |second |last )?(?:memoir|book|novel|essay|op-?ed|"
    r"editorial|article|paper|podcast|poem|column|newsletter|substack|blog|talk|lecture|"
    r"documentary|film|album)\b", re.IGNORECASE)
_AUTHOR_BEFORE = fast(r"(?:\b(?:written|edited|authored|directed|narrated) by|(?:©|\bcopyright)"
                            r"(?:\s*©)?\s*(?:\d{4}\s+)?by|\b(?:author|novelist|writer|columnist|journalist|"
                            r"poet))\s+$|(?:^|\n)\s*by\s+$|(?:©|\(c\))\s*(?:\d{4}\s+)?$"
                            # an attribution after a quotation: '"…the patient." — William Osler'
                            r"|[\"”'’][.!?]?\s*(?:[—–~]|--?)\s*$", re.IGNORECASE)
_LINK = fast(r"https?://\S+")
_CITATION = fast(r"\bet al\b|\b(?:19|20)\d{2}\s*;\s*\d+|\bdoi:|\bpmid:?\s*\d", re.IGNORECASE)
_PUBLIC_HEALTH = fast(r"\b(?:screening|vaccin\w*|flu shot|mammogram|sunscreen|spf)\b",
                            re.IGNORECASE)

_RELATIONSHIP = frozenset({"patient", "patients", "pt", "pts", "my patient", "my pt",
                           "our patient"})

_KIND_WORDS = {
    "name": "the name", "date": "the date", "age": "the age", "location": "the place or room",
    "contact": "the handle, phone or e-mail", "id-number": "the record or account number",
    "descriptor": "the details that single the person out",
}


# One Aho-Corasick pass finds every screen word: clinical vocabulary, settings, patient words.
_SCREEN_LEXICONS = ("care_terms", "care_conditions", "drugs", "care_settings", "patient_refs",
                    "patient_cues", "care_weak")


def _screen_lexicon(view: PostView) -> Lexicon:
    def build() -> Lexicon:
        pol = view.policy
        return Lexicon([(p, name) for name in _SCREEN_LEXICONS for p in pol.lexicon(name)])

    result: Lexicon = view.policy.memo("phi-screen-lexicon", build)
    return result


def _screen(view: PostView) -> dict[str, list[Match]]:
    found: dict[str, list[Match]] = {name: [] for name in _SCREEN_LEXICONS}
    for m in _screen_lexicon(view).find_all(view.lower):
        found[m.label].append(m)
    return found


#: A condition word naming an institution or a cause, not a person's illness: "its cancer
#: center on Long Island", "the Lymphoma Research Foundation".
_INSTITUTION_AFTER = fast(r"\s+(?:center|centre|centers|institute|hospital|research|"
                                r"foundation|society|awareness|program|network|alliance)\b",
                                re.IGNORECASE)


def _conditions(view: PostView) -> list[Match]:
    """Condition words that are about a person, not an institution's name."""
    return [m for m in view.find("care_conditions")
            if not _INSTITUTION_AFTER.match(view.text, m.end)]


#: A care word in a job title ("I'm a radiation therapist", "our chemo nurses"): the author's or a
#: colleague's work, not a patient's care.
_JOB_AFTER = fast(r"\s+(?:therapists?|nurses?|techs?|technologists?|physicists?|oncologists?|"
                        r"pharmacists?|coordinators?|navigators?|specialists?|educators?|"
                        r"researchers?|scientists?)\b", re.IGNORECASE)


def _care_spans(view: PostView, found: dict[str, list[Match]]) -> list[tuple[int, int, str]]:
    spans = [(m.start, m.end, "care") for m in found["care_terms"] + _conditions(view)
             if not _JOB_AFTER.match(view.text, m.end)
             and not view.lower.endswith("waste of ", 0, m.start)]  # "a waste of oxygen": an insult
    spans += [(m.start, m.end, "care") for m in found["drugs"] if len(m.phrase) > 3]
    spans += [(m.start, m.end, "setting") for m in found["care_settings"]]
    spans += [(m.start(), m.end(), "setting") for m in _SETTING_CASED.finditer(view.text)]
    return sorted(spans)


def detect(view: PostView) -> list[Hit]:
    """The phi rule. Memoised per post: the learned confidential stage asks it too."""
    hits: list[Hit] = view.memo("phi", lambda: _detect(view))
    return hits


def _detect(view: PostView) -> list[Hit]:
    found = _screen(view)
    care = _care_spans(view, found)
    patients = found["patient_refs"] + found["patient_cues"]
    if patients and "://" in view.lower:  # "…/patient-transportation-program" is a page name
        links = [(m.start(), m.end()) for m in _LINK.finditer(view.lower)]
        patients = [m for m in patients if not any(s <= m.start < e for s, e in links)]
    weak = found["care_weak"]
    people_in_media = view.has_media and view.has("people_cues")
    # Cheap screen: nothing about care and nobody who could be a patient.
    if not (care or patients or weak or (people_in_media and _PATIENT_AREA.search(view.text))
            or _ROOM_HINT.search(view.lower) or _CARE_EVENT_SCREEN.search(view.lower)
            or _UNIT_HINT.search(view.lower) or _INSIDER_SCREEN.search(view.lower)
            or _TITLED_ROOM_HINT.search(view.lower)):
        return []
    if view.has("fiction_cues"):
        return []

    idents: list[Ident] = []
    idents += find_names(view)
    idents += find_surname_with_procedure(view, [(s, e) for s, e, k in care if k == "care"])
    idents += find_addressed_patient(view)
    idents += find_ages(view)
    idents += find_rooms(view)
    idents += find_units(view)
    idents += find_dates(view)
    idents += find_contacts_and_numbers(view)
    idents += find_descriptors(view)
    idents = _drop_not_patients(view, idents)

    # A photo that shows patients (people in a patient area, or a patient in a care moment).
    if people_in_media and (_PATIENT_AREA.search(view.text) or (patients and care)):
        cue = view.media_cues[0]
        idents.append(Ident(cue.start, cue.end, "descriptor", "photo-of-patient", True))

    insider = _INSIDER.search(view.text)
    # "my patient", "pt": the relationship itself is care context.
    relationship = any(m.phrase in _RELATIONSHIP for m in patients)
    named_in_room = any(i.label in ("name-in-room",) for i in idents) or (
        any(i.kind == "name" for i in idents) and any(i.label == "room" for i in idents))
    unit_or_room = any(i.label in ("unit", "room") for i in idents)
    care_event = _CARE_EVENT_WORDS.search(view.text)
    strong_care = (bool(care) or relationship or (bool(patients) and bool(weak)) or named_in_room
                   or bool(insider)
                   or (unit_or_room and bool(patients or care_event or third_person_ref(view))))
    addressed = _addressed_care(view, care)
    if addressed is not None:
        idents.append(addressed)
    has_direct_tie = any(i.label in ("work-knowledge", "photo-of-patient") for i in idents)
    # weak care words only count next to a direct identifier of a patient
    named = any(i.direct and (i.kind == "id-number" or i.label in _PATIENT_NAME_LABELS
                              or i.label == "age>89") for i in idents)
    if not strong_care and not has_direct_tie and not (weak and named):
        return []

    if _is_own_health(view, idents, patients):
        return []
    if view.has("public_news") and not insider and not relationship and not has_direct_tie:
        return []  # a public figure's health as already reported, not learnt at work

    one_patient = any(m.phrase not in ("patients", "pts") for m in patients)
    person = bool(patients) or third_person_ref(view) or any(i.kind == "name" for i in idents)
    direct = [i for i in idents if (i.direct and i.label not in ("url", "street-address", "room"))
              or (i.label == "street-address" and (one_patient or _HOME.search(view.text)))
              or (i.label == "room" and person)]
    quasi = [i for i in idents if not i.direct]
    quasi_kinds = {_QUASI_GROUP.get(i.label, i.label) for i in quasi}
    # "the firefighter", "a famous linebacker": a person (not "teaching", "teaches")
    third_person = bool(patients) or third_person_ref(view) or any(
        i.label in ("occupation", "celebrity")
        and not view.lower[i.start:i.end].endswith(("ing", "es")) for i in idents)
    specific = _specific_condition(view)
    if specific and quasi_kinds & {"location", "date", "age", "occupation"}:
        quasi_kinds.add("condition")  # a diagnosis with a where or when narrows it down

    decisive = bool(direct)
    if not decisive and (relationship or insider):
        # the one case an expensive model decides: an unknown capitalised word next to a
        # patient ("my patient Oluwaseun"), which the gazetteers cannot place
        ner_name = _ner_person(view, patients)
        if ner_name is not None:
            direct.append(ner_name)
            decisive = True
    if not decisive and third_person and len(quasi_kinds) >= 2:
        decisive = not (_PUBLIC_HEALTH.search(view.text) and len(quasi_kinds) < 3)
    if not decisive and relationship and one_patient and care and any(
            i.label in ("town", "place") for i in quasi):
        decisive = True  # one named-by-role patient and where they live: a Safe Harbor place
    if not decisive and (insider or (relationship and one_patient)) \
            and quasi_kinds & {"occupation", "celebrity"}:
        decisive = True  # a recognisable person seen in the author's care setting
    if not decisive and (one_patient or third_person_ref(view)) and (care or insider) and any(
            i.label == "incident-place" for i in quasi):
        decisive = True  # who was hurt where: "the lady from the Dunkin on Route 4"
    if not decisive:
        return []

    used = _outermost(direct + (quasi if not direct or len(quasi_kinds) >= 2 else []))
    evidence = _evidence(used, care)
    kinds = sorted({i.kind for i in used})
    details = ", ".join(f'"{view.norm.original_text(i.start, i.end)}"' for i in used[:4])
    care_words = [view.norm.original_text(s, e) for s, e, _ in care[:3]]
    message = f"Could identify a patient: {details}"
    if care_words:
        message += f" together with care details ({', '.join(care_words)})."
    else:
        message += " in a care context."
    fix = ("Remove " + _join([_KIND_WORDS[k] + f" ({_quote_all(view, used, k)})"
                              for k in kinds if k in _KIND_WORDS])
           + ", or share nothing about this patient. A story without who, where and when "
           "(\"a patient taught me something today\") is fine.")
    return [Hit(message=message, evidence=evidence, fix=fix,
                score=min(1.0, 0.6 + 0.1 * len(direct) + 0.1 * len(quasi_kinds)),
                explain={"direct": sorted({i.label for i in direct}),
                         "quasi": sorted(quasi_kinds),
                         "care": care_words})]


_CARE_EVENT_WORDS = fast(
    r"\b(?:passed|died|went home|going home|discharged|admitted|admission|coded|intubated|"
    r"extubated|withdraw\w*|delivered|born|in labor|post-?op|pre-?op|on the vent|restrained|"
    r"sedated|unresponsive|transferred)\b", re.IGNORECASE)
_CARE_EVENT_SCREEN = fast(_CARE_EVENT_WORDS.pattern)  # on lower-cased text: no flag
_ADDRESSEE = fast(r"(?:^|\n)\s*(?:@\w|reply|replying|re:|(?:hi|hey|hello|dear|thanks|thank you)"
                        r",?\s+(?:[A-Z]|mr|mrs|ms))|^\s*[A-Z][a-z]+,\s", re.IGNORECASE)


#: Advice to the addressee about their own treatment ("@kerry bump your metformin to 1000"):
#: a reply to what they shared, not the author's knowledge of them as a patient
#: (medical-advice covers it).
#: The post opens by greeting the name: "Hi Doreen, …".
_GREETED = fast(r"\s*(?:hi|hey|hello|dear)\s+", re.IGNORECASE)
_ADVICE_REPLY = fast(
    r"\b(?:bump|double|halve|cut|increase|decrease|lower|raise|stop|skip|switch|try|start|"
    r"up) (?:it|your|the|that|to|them|those)\b|\b(?:you should|i'd|i would|just take|you can take)\b"
    # an offer to any reader: "reply with your pathology report and I'll tell you whether …"
    r"|\b(?:reply with|comment|drop|send me|dm me|post) (?:your|ur)\b[^.!?\n]{0,60}\bi(?:'ll| will| can)\b")


#: A reply that declines to discuss the addressee's care names it without knowing it:
#: "I can't weigh in on your meds over social media".
_DECLINES = fast(r"\b(?:can't|cannot|can not|won't|shouldn't|am not able to|not able to)\s+"
                       r"(?:really\s+)?(?:weigh in|comment|advise|give (?:\w+ )?advice|speak|say "
                       r"(?:anything|much))\s+(?:on|about|regarding)\s+(?:your|ur)\s+(?:\w+\s+){0,2}$")


def _addressed_care(view: PostView, care: list[tuple[int, int, str]]) -> Ident | None:
    """A post addressed to someone that names *their* care ("Hi Tamsin, ... your gum graft"):
    the author knows this person's treatment, which confirms they are a patient."""
    if not care or not _ADDRESSEE.search(view.text) or _ADVICE_REPLY.search(view.lower):
        return None
    for s, e, _ in care:
        before = view.lower[max(0, s - 80):s]
        if re.search(r"\byour\s+(?:\w+\s+){0,2}$", before[-25:]) and not _DECLINES.search(before):
            return Ident(s, e, "descriptor", "work-knowledge", True)
    return None


# Names that only a patient gets in a post: a title, initials, a room, a theatre-board surname.
_PATIENT_NAME_LABELS = frozenset({"titled-name", "initials", "name-in-room", "surname+procedure"})
_TITLED_ROOM_HINT = fast(r"\b(?:mr|mrs|ms|miss)\.? \S+ (?:in|on) (?:room |rm |bed )?\d")
_UNIT_HINT = fast(r"\b(?:on|to|from) \d{1,2} ?(?:west|east|north|south|[a-d])\b")
_ROOM_HINT = fast(r"\b(?:room|rm|bed|bay)\s*#?\s*\d")
_HOME = fast(r"\b(?:home (?:health |care )?visit|lives (?:at|on)|pt'?s home|patient'?s home|"
                   r"her home|his home|their home|house call)\b", re.IGNORECASE)
_QUASI_GROUP = {"care-date": "date", "relative-date": "date", "unit": "location",
                "place": "location", "town": "location", "incident-place": "location",
                "zip": "location", "street-address": "location", "facility": "location"}
#: A colleague introduced by role before the name: "the new PA on our service, Derek Holloway".
_COLLEAGUE_BEFORE = fast(
    r"\b(?:the|our|my)\s+(?:new\s+)?(?:charge nurse|nurse manager|nurse|pa|np|rn|md|resident|"
    r"attending|fellow|intern|surgeon|doctor|tech|manager|director|supervisor|coworker|co-worker|"
    r"colleague|pharmacist|therapist|scheduler|coordinator)\s+(?:(?:on|in|from|at)\s+(?:our|the|my)"
    r"\s+\w+\s*)?,\s*$", re.IGNORECASE)
#: A work's author: "the first chapter of The Quiet Ward by Margaret Ellison", "'Ward
#: Lights' by Helen Marchetti".
_TITLE_BY = fast(r"(?:(?:\b[A-Z]\w+\s+){2,}|['‘\"“][^'’\"”\n]{1,60}['’\"”]\s*)by\s+$")
_COLLEAGUE_ROLE = fast(r"^,?\s*(?:our|the|my)?\s*(?:new\s+)?(?:nurse manager|charge nurse|"
                             r"manager|director|chief|colleague|coworker|co-worker|fellow|intern|"
                             r"np|pa|rn|md|resident physician|attending|surgeon)\b", re.IGNORECASE)


_UNKNOWN_CAP = fast(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}(?:[ \-][A-Z][a-z]+)?\b")


def _ner_person(view: PostView, patients: list[Match]) -> Ident | None:
    """Ask spaCy (the `phi` extra, loaded once) about capitalised words near a patient word
    that no recogniser explained. Without the model: None."""
    from clearpost.detectors import ner
    from clearpost.detectors.identifiers import is_plain_word

    near = []
    for m in _UNKNOWN_CAP.finditer(view.text):
        if is_plain_word(view.policy, m.group()) \
                or _AUTHOR_BEFORE.search(view.text[max(0, m.start() - 12):m.start()]):
            continue
        if any(abs(m.start() - p.end) <= 25 or abs(p.start - m.end()) <= 25 for p in patients):
            near.append(m)
    if not near or not ner.available():
        return None
    start, end = sentence_of(view, near[0].start())
    for s, e, label in ner.entities(view.text[start:end]):
        if label == "PERSON" and any(start + s <= m.start() < start + e for m in near):
            return Ident(start + s, start + e, "name", "ner-person", True)
    return None


def third_person_ref(view: PostView) -> bool:
    return bool(_THIRD_PERSON.search(view.text))


def _drop_not_patients(view: PostView, idents: list[Ident]) -> list[Ident]:
    """Names that are not patients: colleagues greeted or praised, people quoted, authors
    named with their work, candidates."""
    colleague_frame = view.has("colleague_frames")
    out = []
    for i in idents:
        if i.kind == "name":
            after = view.text[i.end:i.end + 40]
            if _CITATION.search(view.text, max(0, i.start - 40), i.end + 40):
                continue  # "(Okafor et al., Nat Rev Cancer 2022;22:501)": authors, a journal
            if _QUOTE.match(after) or _COLLEAGUE_ROLE.match(after) \
                    or _NOT_A_PATIENT_AFTER.match(after) or _AUTHOR_AFTER.match(after) \
                    or _AUTHOR_BEFORE.search(view.text[max(0, i.start - 12):i.start]) \
                    or _CANDIDATE_BEFORE.search(view.text[max(0, i.start - 20):i.start]) \
                    or _COLLEAGUE_BEFORE.search(view.text[max(0, i.start - 50):i.start]) \
                    or _TITLE_BY.search(view.text[max(0, i.start - 60):i.start]):
                continue
            if (view.text[max(0, i.start - 1):i.start] == "@" or _GREETED.fullmatch(view.text, 0, i.start)) \
                    and _ADVICE_REPLY.search(view.lower):
                continue  # "@Gail Porter … I'd ask for …", "Hi Doreen, … you can just take 2":
                # advice to the addressee (medical-advice)
            if _VISITOR.match(after) and _VISITOR_ACT.search(view.text):
                continue  # a guest who came to cheer patients up, not a patient
            if colleague_frame and i.label in ("full-name", "first-name") and not (
                    view.has("patient_refs") or view.has("patient_cues")):
                continue
        out.append(i)
    return out


def _specific_condition(view: PostView) -> bool:
    """A named diagnosis (not just "sick"): from the ICD-10-CM lexicon or the clinical one."""
    return bool(_conditions(view)) or any(
        not _INSTITUTION_AFTER.match(view.text, m.end()) for m in _DIAGNOSIS.finditer(view.text))


_DIAGNOSIS = fast(r"\b\w+(?:oma|itis|emia|osis|pathy)\b|\b(?:als|aml|cll|dka|copd|chf|"
                        r"ms|pe|gi bleed|stroke|sepsis|cancer)\b"
                        # an eponym names one disease: "Wilms tumor", "Ewing's sarcoma"
                        r"|\b(?-i:[A-Z][a-z]+)(?:'s)? (?:tumou?r|disease|syndrome|sarcoma|palsy)\b",
                        re.IGNORECASE)


def _outermost(idents: list[Ident]) -> list[Ident]:
    """Each identifier once: "Abernathy" inside "Mrs. Abernathy" is the same detail."""
    kept: list[Ident] = []
    for i in sorted(idents, key=lambda i: (-(i.end - i.start), i.start)):
        if not any(k.start <= i.start and i.end <= k.end for k in kept):
            kept.append(i)
    return sorted(kept, key=lambda i: i.start)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _quote_all(view: PostView, idents: list[Ident], kind: str) -> str:
    seen: list[str] = []
    for i in idents:
        if i.kind == kind:
            t = view.norm.original_text(i.start, i.end)
            if t not in seen:
                seen.append(t)
    return ", ".join(f'"{t}"' for t in seen[:4])


def _is_own_health(view: PostView, idents: list[Ident], patients: Sequence[object]) -> bool:
    """The author shares their own health, and nobody else's."""
    if not view.has("self_refs"):
        return False
    others = [i for i in idents if i.kind == "name" or i.label in ("room", "work-knowledge")]
    return not others and not patients


def _evidence(idents: list[Ident], care: list[tuple[int, int, str]]) -> tuple[Span, ...]:
    spans: list[Span] = []
    seen: list[tuple[int, int]] = []
    for i in sorted(idents, key=lambda i: (i.start, -(i.end - i.start))):
        if any(i.start < e and i.end > s for s, e in seen):
            continue
        spans.append(Span(i.start, i.end, i.kind))
        seen.append((i.start, i.end))
    for s, e, _ in care[:4]:
        if not any(s < b and e > a for a, b in seen):
            spans.append(Span(s, e, "care"))
            seen.append((s, e))
    return tuple(sorted(spans, key=lambda sp: sp.start))
