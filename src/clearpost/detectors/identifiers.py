"""Recognisers for the HIPAA Safe Harbor identifiers as they appear in social posts.

Each recogniser reads the normalised text and returns `Ident`s: a span, the evidence kind of
the contract (name, date, age, location, contact, id-number, descriptor), and whether the
identifier singles a person out on its own ("direct": a name, a room, a record number) or
only in combination with others ("quasi": an age under 90, a town, a job, a date).

Validation follows the standards: SSN area/group/serial ranges, phone numbers through
phonenumbers, ages over 89 are direct identifiers (Safe Harbor's rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from clearpost.detectors.base import PostView


@dataclass(frozen=True, slots=True)
class Ident:
    start: int
    end: int
    kind: str  # contract evidence kind
    label: str  # what exactly: "titled-name", "room", "mrn", "age>89", ...
    direct: bool


# --- names -----------------------------------------------------------------------------
_PATIENT_TITLES = (r"Mr|Mrs|Ms|Miss|Mx|Mister|Ambassador|Senator|Judge|Coach|Officer|Pastor|"
                   r"Father|Sister|Rev|Reverend|Prof|Professor|Gov|Governor|Mayor|Rabbi|Sgt|"
                   r"Capt|Captain|Grandma|Grandpa|Auntie|Uncle|Baby")
_TITLED = re.compile(
    rf"\b(?:{_PATIENT_TITLES})\.?\s+(?:[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?|[A-Z]\b\.?)"
)
_CAP_WORD = re.compile(r"\b[A-Z][a-z]+(?:['\-][A-Za-z]+)?\b")
_DOCTOR = re.compile(r"\b(?:Dr|Doctor|Nurse|NP|PA|RN)\.?\s+$")
_VOCATIVE = re.compile(r"(?:^|[.!?,\n]\s*)(?:hi|hey|hello|dear|thanks|thank you|congrats|to)\s+$",
                       re.IGNORECASE)

# Words that are capitalised at a sentence start or as names of things, never people.
_NOT_NAMES = frozenset(["the", "a", "an", "and", "or", "but", "if", "so", "my", "our", "your", "his", "her", "their", "its", "this", "that", "these", "those", "i", "we", "you", "he", "she", "they", "it", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "have", "has", "had", "will", "would", "can", "could", "should", "may", "might", "must", "shall", "today", "tonight", "tomorrow", "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "christmas", "easter", "thanksgiving", "happy", "new", "good", "great", "best", "thanks", "thank", "hello", "hi", "hey", "dear", "congrats", "congratulations", "just", "so", "very", "really", "honestly", "anyone", "someone", "everyone", "nobody", "lord", "god", "jesus", "oh", "omg", "lol", "ok", "okay", "yes", "no", "not", "never", "always", "also", "still", "even", "only", "first", "last", "next", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "room", "bed", "floor", "unit", "pt", "patient", "nurse", "doctor", "dr", "mr", "mrs", "ms", "team", "hospital", "cancer", "center", "institute", "school", "department", "health", "care", "reminder", "update", "psa", "fun", "fact", "note", "please", "call", "vote", "join", "register", "apply", "wild", "long", "lost", "saw", "heartbroken", "shoutout", "shout", "out", "to", "my", "from", "with", "in", "on", "at", "by", "for", "of", "about", "after", "before"])


def _name_sets(view: PostView) -> tuple[frozenset[str], frozenset[str]]:
    def build() -> tuple[frozenset[str], frozenset[str]]:
        first = frozenset(n.lower() for n in view.policy.lexicon("first_names"))
        last = frozenset(n.lower() for n in view.policy.lexicon("surnames"))
        return first, last

    result: tuple[frozenset[str], frozenset[str]] = view.policy.memo("name-sets", build)
    return result


def find_names(view: PostView) -> list[Ident]:
    """Person names: titled ("Mrs. Garcia", "Ms. K"), full ("Jim Kowalczyk"), and first names
    in a patient or greeting position ("my patient Danielle", "Hi Robert")."""
    text = view.text
    out: list[Ident] = []
    for m in _TITLED.finditer(text):
        out.append(Ident(m.start(), m.end(), "name", "titled-name", True))
    first_names, surnames = _name_sets(view)
    caps = list(_CAP_WORD.finditer(text))
    taken = [(i.start, i.end) for i in out]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for i, m in enumerate(caps):
        word = m.group().lower()
        if word in _NOT_NAMES or not free(m.start(), m.end()):
            continue
        before = text[max(0, m.start() - 12):m.start()]
        if _DOCTOR.search(before):
            continue  # clinicians are named in their work role, not as patients
        nxt = caps[i + 1] if i + 1 < len(caps) else None
        adjacent = nxt is not None and text[m.end():nxt.start()] in (" ", "  ")
        if word in first_names and adjacent and nxt is not None:
            last = nxt.group().lower()
            if last not in _NOT_NAMES and (last in surnames or last not in first_names
                                           or len(last) > 3):
                out.append(Ident(m.start(), nxt.end(), "name", "full-name", True))
                taken.append((m.start(), nxt.end()))
                continue
        if word in first_names:
            lead = text[max(0, m.start() - 30):m.start()].lower()
            if re.search(r"(?:patient|pt|kiddo|lady|guy|neighbou?r|friend|mom|dad|husband|wife|"
                         r"son|daughter|named|name is|call(?:ed)?|i'll call)\s*['\"]?$", lead) \
                    or _VOCATIVE.search(text[max(0, m.start() - 14):m.start()]):
                out.append(Ident(m.start(), m.end(), "name", "first-name", True))
                taken.append((m.start(), m.end()))
                continue
            if re.match(r"\s+if you see this", text[m.end():m.end() + 20], re.IGNORECASE):
                out.append(Ident(m.start(), m.end(), "name", "first-name", True))
                taken.append((m.start(), m.end()))
    return out


def find_surname_with_procedure(view: PostView, care_spans: list[tuple[int, int]]) -> list[Ident]:
    """A bare surname right before a procedure, as on a theatre board: "Osei Whipple"."""
    _, surnames = _name_sets(view)
    out = []
    for m in _CAP_WORD.finditer(view.text):
        if m.group().lower() not in surnames or m.group().lower() in _NOT_NAMES:
            continue
        after = m.end() + 1
        if any(s == after or (s > m.end() and s - m.end() <= 2) for s, _ in care_spans):
            out.append(Ident(m.start(), m.end(), "name", "surname+procedure", True))
    return out


# --- handles addressed in a reply ----------------------------------------------------------
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}[A-Za-z0-9_]")
_WORK_KNOWLEDGE = re.compile(
    r"\b(?:(?:saw|seen|pulled|checked|looked at|read|reviewed|got)\s+your\s+(?:labs?|chart|"
    r"results?|scans?|file|records?|bloodwork|path|report|bill)|remember you from|"
    r"from (?:the )?(?:clinic|infusion|your (?:\d+/\d+ )?visit|your appointment|your appt)|"
    r"your \d{1,2}/\d{1,2} visit|when you were (?:here|admitted|in (?:the|our))|"
    r"thanks? (?:you )?for (?:visiting|coming (?:in|to))|at your (?:last )?(?:visit|appointment))",
    re.IGNORECASE,
)


def find_addressed_patient(view: PostView) -> list[Ident]:
    """A reply to someone that shows the author knows their care from work."""
    know = _WORK_KNOWLEDGE.search(view.text)
    if not know:
        return []
    out = [Ident(know.start(), know.end(), "descriptor", "work-knowledge", True)]
    for m in _HANDLE.finditer(view.text):
        out.append(Ident(m.start(), m.end(), "contact", "handle", True))
    return out


# --- ages ------------------------------------------------------------------------------
_AGE = re.compile(
    r"\b(\d{1,3})\s*(?:y/?o\b|yo\b|yrs?\.? old|years?[ -]old|years? young|-year-old|year old|"
    r"yr-old|(?=\s*(?:M|F)\b(?= with| w/| presents| hx)))"
    r"|\baged? (\d{1,3})\b"
    r"|\b(?:she|he|they)(?:'s| is| are| was) (\d{2,3})\b(?![:%.,]?\d)(?!\s*(?:min|hour|hr|day|week|month|%|lbs|kg|mg))"
    r"|\b(\d{2,3})(?:M|F)\b",
    re.IGNORECASE,
)


def find_ages(view: PostView) -> list[Ident]:
    out = []
    for m in _AGE.finditer(view.text):
        value = int(next(g for g in m.groups() if g))
        if value > 125:
            continue
        if value > 89:
            out.append(Ident(m.start(), m.end(), "age", "age>89", True))
        else:
            out.append(Ident(m.start(), m.end(), "age", "age", False))
    return out


# --- rooms, beds, units ------------------------------------------------------------------
_ROOM = re.compile(
    r"\b(?:room|rm|bed|bay|suite|stretcher)\.?\s*#?\s*(?:\d{1,4}[A-Za-z]?|[A-Z]\d{1,3})\b",
    re.IGNORECASE,
)
_PERSON_IN_ROOM = re.compile(
    r"\b(?:pt|patient|lady|guy|man|woman|gentleman|gent|kid|kiddo|girl|boy|family|mr\.? \w+|"
    r"mrs\.? \w+|ms\.? \w+)\s+(?:in|on|from)\s+(?:bed\s+)?(\d{1,4}[A-Za-z]?|[A-Z]\d{1,3})\b",
    re.IGNORECASE,
)
_ROOM_PERSON = re.compile(r"\b(?:rm|room|bed)\s*\d{1,4}[A-Za-z]?\s+(?:lady|guy|man|woman|pt|patient)",
                          re.IGNORECASE)
_UNIT = re.compile(
    r"\b(?:on|to|from|at)\s+(?:(?:unit|floor)\s+)?([A-Z]\d{1,2}|\d{1,2}\s?(?:West|East|North|South|"
    r"[A-Z])\b|\d{1,2}(?=\s|$|[,.!?]))"
    r"|\b(?:our|the)\s+(?:bmt|icu|micu|sicu|picu|nicu|peds|oncology|onc|surgical|medical|"
    r"leukemia|lymphoma|transplant|step-?down)\s+(?:floor|unit|ward)\b",
    re.IGNORECASE,
)


def find_rooms(view: PostView) -> list[Ident]:
    out = []
    for pat in (_ROOM, _ROOM_PERSON):
        for m in pat.finditer(view.text):
            out.append(Ident(m.start(), m.end(), "location", "room", True))
    for m in _PERSON_IN_ROOM.finditer(view.text):
        out.append(Ident(m.start(1), m.end(1), "location", "room", True))
    return out


def find_units(view: PostView) -> list[Ident]:
    out = []
    for m in _UNIT.finditer(view.text):
        g = m.group(1)
        if g is not None:
            tail = view.text[m.end():m.end() + 12].lower()
            if g.isdigit() and (re.match(r"\s*(?:hours?|hrs?|days?|weeks?|months?|years?|min|am|pm|"
                                         r"%|x|times|of|out|and|or|cases|patients|beds)", tail)
                                or int(g) > 40):
                continue
            out.append(Ident(m.start(1), m.end(1), "location", "unit", False))
        else:
            out.append(Ident(m.start(), m.end(), "location", "unit", False))
    return out


# --- dates ------------------------------------------------------------------------------
_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE = re.compile(
    rf"\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b|\b{_MONTHS}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)? of {_MONTHS}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    r"|\b(?:last |this past |on |this )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s)?\b"
    r"|\b(?:christmas(?: eve| day)?|new year'?s(?: eve| day)?|thanksgiving|easter|halloween|"
    r"valentine'?s day|july 4th|fourth of july|memorial day|labor day|her birthday|his birthday)\b",
    re.IGNORECASE,
)
_CARE_EVENT = re.compile(
    r"\b(?:admit\w*|discharg\w*|surgery|operat\w*|visit|appt|appointment|clinic|died|passed|"
    r"diagnos\w*|biops\w*|scan|chemo|infusion|transfusion|procedure|labs?|came in|coded|born|"
    r"delivered|transplant\w*|spent)\b",
    re.IGNORECASE,
)


def find_dates(view: PostView) -> list[Ident]:
    """Dates in the same sentence as a care event (admission, surgery, visit, death)."""
    out = []
    for m in _DATE.finditer(view.text):
        sent = _sentence(view.text, m.start())
        if _CARE_EVENT.search(sent):
            out.append(Ident(m.start(), m.end(), "date", "care-date", False))
    return out


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind(c, 0, pos) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, pos) for c in ".!?\n") if i != -1]
    return text[start:min(ends) if ends else len(text)]


# --- contact and numbers --------------------------------------------------------------------
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
_URL = re.compile(r"\bhttps?://[^\s<>\"']+|\bwww\.[^\s<>\"']+", re.IGNORECASE)
_IP = re.compile(r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b")
_SSN = re.compile(r"\b(\d{3})[- ](\d{2})[- ](\d{4})\b")
_MRN = re.compile(
    r"\b(?:mrn|mr#|medical record(?: number| no\.?| #)?|chart(?: number| no\.?| #)|"
    r"patient id|pt id|member id|policy(?: number| no\.?| #)|account(?: number| no\.?| #)|"
    r"acct(?: #| no\.?)?|health plan(?: id| number)?|insurance id|claim(?: number| #)|"
    r"license(?: number| #)|licence(?: number| #)|device(?: serial)?(?: number| #)|"
    r"serial(?: number| #)|plate(?: number)?|vin)\s*[:#]?\s*([A-Z0-9][A-Z0-9\-]{3,16})\b",
    re.IGNORECASE,
)
_STREET = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\.?\s){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|"
    r"Boulevard|Blvd|Court|Ct|Place|Pl|Terrace|Ter|Way|Parkway|Pkwy|Highway|Hwy|Circle|Cir)\b\.?"
)
_ZIP = re.compile(r"\b(?:NY|NJ|CT|PA|MA|[A-Z]{2}),?\s+(\d{5})(?:-\d{4})?\b|\bzip(?: code)?\s*(\d{5})\b",
                  re.IGNORECASE)


def _valid_ssn(area: str, group: str, serial: str) -> bool:
    a = int(area)
    return a != 0 and a != 666 and a < 900 and int(group) != 0 and int(serial) != 0


def find_contacts_and_numbers(view: PostView) -> list[Ident]:
    text = view.text
    out: list[Ident] = []
    for m in _EMAIL.finditer(text):
        out.append(Ident(m.start(), m.end(), "contact", "email", True))
    for m in _URL.finditer(text):
        out.append(Ident(m.start(), m.end(), "contact", "url", False))
    for m in _IP.finditer(text):
        out.append(Ident(m.start(), m.end(), "contact", "ip", True))
    for m in _SSN.finditer(text):
        if _valid_ssn(*m.groups()) and "-" in m.group():
            out.append(Ident(m.start(), m.end(), "id-number", "ssn", True))
    for m in _MRN.finditer(text):
        if any(c.isdigit() for c in m.group(1)):
            out.append(Ident(m.start(), m.end(), "id-number", "record-number", True))
    if sum(c.isdigit() for c in text) >= 7:
        taken = [(i.start, i.end) for i in out]
        for pm in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID):
            if all(pm.end <= a or pm.start >= b for a, b in taken):
                out.append(Ident(pm.start, pm.end, "contact", "phone", True))
    for m in _STREET.finditer(text):
        out.append(Ident(m.start(), m.end(), "location", "street-address", True))
    for m in _ZIP.finditer(text):
        out.append(Ident(m.start(), m.end(), "location", "zip", True))
    return out


# --- quasi-identifiers: places, jobs, family, celebrity ----------------------------------------
_TOWN_PHRASE = re.compile(r"\b(?:tiny|small|little|only)\s+(?:town|village|hamlet)\b[^.!?\n]{0,30}"
                          r"|\blives? (?:in|at|on) [A-Z0-9][^.!?,\n]{2,40}", re.IGNORECASE)
_ONLY_ONE = re.compile(r"\bthe only [a-z]+(?: [a-z]+)? (?:in|at|on|of)\b", re.IGNORECASE)


def find_descriptors(view: PostView) -> list[Ident]:
    out = [Ident(m.start, m.end, "location", "place", False) for m in view.find("places")]
    out += [Ident(m.start(), m.end(), "location", "place", False)
            for m in _TOWN_PHRASE.finditer(view.text)]
    out += [Ident(m.start(), m.end(), "descriptor", "unique", False)
            for m in _ONLY_ONE.finditer(view.text)]
    for lexicon, label in (("occupations", "occupation"), ("family_cues", "family"),
                           ("celebrity_cues", "celebrity")):
        out += [Ident(m.start, m.end, "descriptor", label, False) for m in view.find(lexicon)]
    return out
