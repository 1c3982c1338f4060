"""Recognisers for the HIPAA Safe Harbor identifiers as they appear in social posts.

Each recogniser reads the normalised text and returns `Ident`s: a span, the evidence kind of
the contract (name, date, age, location, contact, id-number, descriptor), and whether the
identifier singles a person out on its own ("direct": a name, a room, a record number) or
only in combination with others ("quasi": an age under 90, a town, a job, a date).

Two users:
- the `phi` detector (clearpost.detectors.phi) calls the recognisers on a `PostView` and
  ties what they find to a care context;
- `extract_identifiers(text)` runs every recogniser with no care context at all, for
  de-identification and for span-level benchmarks (bench/phi.py).

Validation follows the standards: SSN area/group/serial ranges, phone numbers through
phonenumbers, Luhn-free record numbers need a label, ages over 89 are direct identifiers
(Safe Harbor's rule).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import phonenumbers

from clearpost.detectors.base import PostView, sentence_of
from clearpost.model import Post
from clearpost.text import normalize
from clearpost.text.patterns import fast

if TYPE_CHECKING:
    from clearpost.policy.loader import Policy


@dataclass(frozen=True, slots=True)
class Ident:
    start: int
    end: int
    kind: str  # contract evidence kind
    label: str  # what exactly: "titled-name", "room", "mrn", "age>89", ...
    direct: bool


@dataclass(frozen=True, slots=True)
class IdentifierSpan:
    """An identifier found by `extract_identifiers`, in offsets of the ORIGINAL text."""

    start: int
    end: int
    kind: str
    label: str
    text: str


# --- names -----------------------------------------------------------------------------
_PATIENT_TITLES = (r"Mr|Mrs|Ms|Miss|Mx|Mister|Ambassador|Senator|Judge|Coach|Officer|Pastor|"
                   r"Father|Sister|Rev|Reverend|Prof|Professor|Gov|Governor|Mayor|Rabbi|Sgt|"
                   r"Capt|Captain|Grandma|Grandpa|Auntie|Uncle|Baby")
_TITLED = fast(
    rf"\b(?P<title>{_PATIENT_TITLES})(?P<dot>\.?)\s+(?:[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?|"
    r"[A-Z]\b\.?)"
)
#: Only abbreviated titles take a full stop: after "for Mayor." a new sentence begins.
_ABBREVIATED_TITLES = frozenset({"Mr", "Mrs", "Ms", "Mx", "Rev", "Prof", "Gov", "Sgt", "Capt"})
_TITLED_INITIAL = fast(r"\b(?i:mr|mrs|ms)\.?[ \t]+[A-Za-z]\.(?![A-Za-z])")
# "mrs k in 7", "Mr. D in bed 4": a titled name or initial placed in a room
_TITLED_IN_ROOM = fast(r"\b((?i:mr|mrs|ms|miss)\.?[ \t]+[A-Za-z][\w'\-]*)[ \t]+(?i:in|on)[ \t]+"
                             r"(?i:room[ \t]+|rm[ \t]+|bed[ \t]+)?\d{1,4}[A-Za-z]?\b")
# Clinical notes and quick posts drop the case: "mrs cohen", "MR DEXTER".
_TITLED_ANYCASE = fast(r"\b((?i:mr|mrs|ms|miss|rabbi|pastor|reverend|rev|chaplain))"
                             r"(?:\.[ \t]*|[ \t]+)([A-Za-z][A-Za-z'\-]{1,})\b")
_CAP_WORD = fast(r"\b[A-Z][a-z]+(?:['\-][A-Za-z]+)?\b")
_CAP_TOKEN = fast(r"(?<![\w@#])[A-Z][^\W\d_]*(?:['\-][^\W\d_]+)?(?![\w@])")
_DOCTOR = fast(r"\b(?:Dr|Doctor|Nurse|NP|PA|RN)\.?\s+$")
_VOCATIVE = fast(r"(?:^|[.!?,\n]\s*)(?:hi|hey|hello|dear|thanks|thank you|congrats|to)\s+$",
                       re.IGNORECASE)
# Initials tied to care: "pt J.R.", "patient JR", "Mrs. G" (the titled pattern takes that one).
_INITIALS = fast(
    r"\b(?i:pt|patient|my patient|our patient|resident|client|kiddo|baby|infant)\s+"
    r"([A-Z]\.\s?[A-Z]\.?(?:\s?[A-Z]\.)?|[A-Z]{2,3}\b(?!\s*(?:scan|team|unit|room|floor)))"
)
# A relative named next to the relation: "son Rob", "wife, rose,", "DAUGHTER VERONICA".
_RELATION = (r"sons?|daughters?|wife|husband|mother|father|mom|dad|brothers?|sisters?|niece|"
             r"nephew|aunt|uncle|grandsons?|granddaughters?|grandaughter|grandmother|grandfather|"
             r"grandma|grandpa|fianc[eé]e?|boyfriend|girlfriend|partner|proxy|guardian|cousin|"
             r"spouse|stepson|stepdaughter|dtr|dau|dgtr|hus|hsb|sis|bro|neice|gdtr|gson|"
             r"significant other|s\.o\.|friend|caregiver|hcp|health care proxy|poa")
_WORK_RELATION = fast(r"\bwork\s+$", re.IGNORECASE)  # "my work wife": a colleague
_REL_NAME = fast(
    rf"\b(?i:{_RELATION})\b(?=[ \t]*[,:\-]*[ \t]*(?:(?i:is|named|called)[ \t]+)?[\"']?"
    r"([A-Za-z][A-Za-z'\-]+)(?:[ \t]+([A-Z][A-Za-z'\-]+))?)"
)
# A name with the relation after it: "URSLA MORETTI (DAUGHTER)", "Charlie (significant other)".
_NAME_REL = fast(
    r"(?<![\w'])([A-Za-z][A-Za-z'\-]+(?:[ \t]+[A-Za-z][A-Za-z'\-]+)?)[ \t]*"
    rf"\((?i:{_RELATION}|s\.?o\.?)\)"
)
_FUNCTION_WORDS = frozenset(["the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "is",
                            "was", "has", "had", "will", "for", "with", "by", "as"])
# Given names that are also everyday words: names only right after a title or a relation.
_WORDLIKE_NAMES = frozenset({"bill", "rob", "rose", "pat", "nick", "frank", "mark", "will",
                             "drew", "dean", "hank", "ed", "art", "sue", "ray", "don", "ben",
                             "wil", "jack", "chase", "dawn", "joy", "hope", "faith", "grace",
                             "june", "may", "april", "gene", "norm", "peggy", "rusty", "sandy",
                             "smokey", "buddy", "penny", "ruby", "lee", "dale", "glen"})

# Words that are capitalised at a sentence start or as names of things, never people.
_NOT_NAMES = frozenset(["every", "each", "another", "whole", "such", "the", "a", "an", "and", "or", "but", "if", "so", "my", "our", "your", "his", "her", "their", "its", "this", "that", "these", "those", "i", "we", "you", "he", "she", "they", "it", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "have", "has", "had", "will", "would", "can", "could", "should", "may", "might", "must", "shall", "today", "tonight", "tomorrow", "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "christmas", "easter", "thanksgiving", "happy", "new", "good", "great", "best", "thanks", "thank", "hello", "hi", "hey", "dear", "congrats", "congratulations", "just", "so", "very", "really", "honestly", "anyone", "someone", "everyone", "nobody", "lord", "god", "jesus", "oh", "omg", "lol", "ok", "okay", "yes", "no", "not", "never", "always", "also", "still", "even", "only", "first", "last", "next", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "room", "bed", "floor", "unit", "pt", "patient", "nurse", "doctor", "dr", "mr", "mrs", "ms", "team", "hospital", "cancer", "center", "institute", "school", "department", "health", "care", "reminder", "update", "psa", "fun", "fact", "note", "please", "call", "vote", "join", "register", "apply", "wild", "long", "lost", "saw", "heartbroken", "shoutout", "shout", "out", "to", "my", "from", "with", "in", "on", "at", "by", "for", "of", "about", "after", "before", "who", "what", "when", "where", "why", "how", "which", "here", "there", "then", "now", "all", "any", "some", "more", "most", "much", "many", "well", "back", "home", "work", "shift", "day", "night", "week", "month", "year", "time", "love", "life", "family", "mom", "dad", "son", "daughter", "wife", "husband", "aware", "updated", "called", "visited", "states", "said", "in", "at", "bedside", "present", "notified", "pt's", "plan", "social", "general", "memorial", "medical", "university", "college", "street", "avenue", "road", "times", "post", "news", "journal", "press", "county", "city", "state", "north", "south", "east", "west", "saint", "st", "mount", "mt", "lake", "river", "park", "beach", "hill", "valley", "heights", "bank", "group", "inc", "llc", "corp", "foundation", "society", "association", "club", "church", "cathedral", "clinic", "pharmacy", "services", "system", "systems", "office", "board", "council", "ward", "unit", "hall", "house", "tower", "building", "station", "airport", "mall", "store", "market", "cafe", "restaurant", "bar", "grill", "hotel", "inn", "theater", "theatre", "museum", "library", "gallery", "studio", "league", "cup", "award", "awards", "prize", "day", "show", "series", "season", "episode", "chapter", "book", "album", "song", "film", "movie", "game", "games", "world", "national", "international", "american", "english", "british", "french", "german", "spanish", "italian", "chinese", "indian", "african", "european", "asian", "latin", "royal", "grand", "little", "big", "old", "young", "dear", "sir", "madam", "miss", "baby", "angel", "mercy", "hope", "grace", "faith", "york", "jersey", "la", "le", "de", "del", "da", "di", "von", "van", "el", "los", "las", "san", "santa", "via", "rue", "apt", "suite"])


def _name_sets(policy: Policy) -> tuple[frozenset[str], frozenset[str]]:
    def build() -> tuple[frozenset[str], frozenset[str]]:
        # the gazetteers hold "Tomás"; detectors read normalised text ("Tomas")
        first = frozenset(normalize(n).lower for n in policy.lexicon("first_names"))
        last = frozenset(normalize(n).lower for n in policy.lexicon("surnames"))
        return first, last

    result: tuple[frozenset[str], frozenset[str]] = policy.memo("name-sets", build)
    return result


def _is_name_token(tok: str, first: frozenset[str], last: frozenset[str], *,
                   allow_wordlike: bool, allow_unknown_cap: bool) -> bool:
    low = tok.lower()
    if allow_wordlike and low in _WORDLIKE_NAMES and tok.istitle():
        return True  # "daughter Grace" (but "her son will call"): a capitalised name
    if low in _NOT_NAMES or len(low) < 2:
        return False
    if low in first or low in last:
        return True
    if allow_wordlike and low in _WORDLIKE_NAMES:
        return True
    return allow_unknown_cap and tok[0].isupper() and not tok.isupper() and len(tok) > 2


def find_names(view: PostView) -> list[Ident]:
    """Person names: titled ("Mrs. Garcia", "Ms. K"), full ("Jim Kowalczyk"), initials tied to
    care ("pt J.R."), relatives ("her son Rob"), and first names in a patient or greeting
    position ("my patient Danielle", "Hi Robert")."""
    text = view.text
    out: list[Ident] = []
    first_names, surnames = _name_sets(view.policy)
    for m in _TITLED.finditer(text):
        if not m.group("dot") or m.group("title") in _ABBREVIATED_TITLES:
            out.append(Ident(m.start(), m.end(), "name", "titled-name", True))
    for m in _TITLED_INITIAL.finditer(text):  # "MS S. CARE", "mrs k."
        out.append(Ident(m.start(), m.end(), "name", "titled-name", True))
    for m in _TITLED_IN_ROOM.finditer(text):  # the name only: the room is found on its own
        out.append(Ident(m.start(1), m.end(1), "name", "name-in-room", True))
    # a pasted patient list: "801 Vasquez - NPO", entry after entry
    out += [Ident(s, e, "name", "name-in-room", True) for _, _, s, e in roster_entries(text)]
    taken = [(i.start, i.end) for i in out]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(s: int, e: int, label: str) -> None:
        if free(s, e):
            out.append(Ident(s, e, "name", label, True))
            taken.append((s, e))

    for m in _TITLED_ANYCASE.finditer(text):
        tok = m.group(2)
        # "MR LOMISH", "mrs cohen": any case after Mr/Mrs ("MS" is also "mental status")
        title = m.group(1).lower()
        proper = tok.istitle() or (title not in ("ms", "miss") and len(tok) > 2
                                   and tok.lower() not in _NOT_PLACE)
        if title in ("mr", "mrs") and tok.istitle() and tok.lower() not in _FUNCTION_WORDS:
            add(m.start(), m.end(), "titled-name")  # "mrs. Park": a capitalised word is a name
            continue
        if title in ("ms", "miss") and len(tok) > 4 and _unknown_word(view.policy, tok):
            proper = True  # "MS SANTANGELO" (but "MS CHANGES": mental status)
        if tok.lower() in _clinical_words(view.policy) and not tok.istitle():
            continue  # "Mr. Foley", "Mrs. Burns" are people; "MS lethargic" is a finding
        if _is_name_token(tok, first_names, surnames, allow_wordlike=True,
                          allow_unknown_cap=proper) or (proper and not tok.istitle()
                                                        and tok.lower() not in _NOT_NAMES
                                                        and not is_common_word(view.policy, tok)):
            end = m.end()
            nxt = re.match(r"[ \t]+([A-Za-z][A-Za-z'\-]+)", text[end:])
            if nxt and tok.lower() in first_names and nxt.group(1).lower() not in _NOT_NAMES \
                    and nxt.group(1).lower() not in _clinical_words(view.policy) \
                    and (nxt.group(1).lower() in surnames or nxt.group(1)[0].isupper()):
                end += nxt.end()  # "MR. EDWIN PRZYBYLO": the surname too
            add(m.start(), end, "titled-name")
    for m in _INITIALS.finditer(text):
        window = text[max(0, m.start() - 30):m.end() + 30]
        if "." in m.group(1) or any(c.islower() for c in window):
            add(m.start(1), m.end(1), "initials")
    for m in _REL_NAME.finditer(text):
        tok = m.group(1)
        if _WORK_RELATION.search(text, max(0, m.start() - 12), m.start()):
            continue  # "my work wife Tasha" is a colleague
        if _is_name_token(tok, first_names, surnames, allow_wordlike=True,
                          allow_unknown_cap=not text.isupper()):
            end = m.end(2) if m.group(2) and m.group(2).lower() not in _NOT_NAMES else m.end(1)
            add(m.start(1), end, "relative-name")
            more = re.match(r"(?:,? (?:and|&) |, )([A-Za-z][a-z'\-]+|[A-Z][A-Z'\-]+)\b", text[end:])
            if more and _is_name_token(more.group(1), first_names, surnames, allow_wordlike=True,
                                       allow_unknown_cap=False):
                add(end + more.start(1), end + more.end(1), "relative-name")
    for m in (_NAME_REL.finditer(text) if "(" in text else ()):
        toks = m.group(1).split()
        # the last word is always the name's; a first word must be a name too ("SISTER &
        # CHARLIE (S.O.)" keeps only CHARLIE)
        if toks[0].lower() in _NOT_NAMES or (is_common_word(view.policy, toks[0])
                                             and toks[0].lower() not in first_names):
            toks = toks[1:]
        if toks and all(_is_name_token(t, first_names, surnames, allow_wordlike=True,
                                       allow_unknown_cap=not text.isupper())
                        or (not is_common_word(view.policy, t) and t.lower() not in _NOT_NAMES)
                        for t in toks):
            add(m.end(1) - len(" ".join(toks)) if len(toks) == 1 else m.start(1), m.end(1),
                "relative-name")

    caps = list(_CAP_WORD.finditer(text))
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
                                           or len(last) > 3) \
                    and not _in_quoted_headline(text, m.start(), nxt.end()):
                add(m.start(), nxt.end(), "full-name")
                continue
        if word in first_names:
            lead = text[max(0, m.start() - 30):m.start()].lower()
            if re.search(r"(?:patient|pt|kiddo|lady|guy|neighbou?r|friend|mom|dad|husband|wife|"
                         r"son|daughter|named|name is|call(?:ed)?|i'll call)[,:]?\s*['\"]?$", lead) \
                    or _VOCATIVE.search(text[max(0, m.start() - 14):m.start()]):
                add(m.start(), m.end(), "first-name")
                continue
            if re.match(r"\s+if you see this", text[m.end():m.end() + 20], re.IGNORECASE):
                add(m.start(), m.end(), "first-name")
    return out


_HEADLINE_EDGE = fast(r"[.!?:;—–\n\"“”‘(]|\s-\s|(?<!\w)'|'(?!\w)")  # normalised "—" is "-"
_COPIED_CUE = fast(r"\b(?:editorial|article|headline|op-?ed|column|chapter|excerpt|essay|"
                         r"paper|abstract|press release)\b", re.IGNORECASE)


def _in_quoted_headline(text: str, start: int, end: int) -> bool:
    """Two capitalised words inside a Title Case headline of a copied article ("... Is a
    Treatment Side Effect"): a title's words, not a person's name. Only when the post says it
    copies a piece of writing, so a Title Case post about a patient still counts."""
    if text.isupper() or not _COPIED_CUE.search(text):
        return False
    left = max((m.end() for m in _HEADLINE_EDGE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _HEADLINE_EDGE.finditer(text, end)), len(text))
    words = text[left:right].split()
    return len(words) >= 5 and sum(w[:1].isupper() for w in words) >= 0.6 * len(words)


def _clinical_words(policy: Policy) -> frozenset[str]:
    """Single clinical words (drugs, devices, conditions) that name gazetteers also hold
    ("Neo", "Foley", "Lasix"): never read as a person's name."""
    def build() -> frozenset[str]:
        words: set[str] = set()
        for lex in ("drugs", "care_terms", "care_conditions", "care_weak"):
            words |= {w.lower().rstrip("*") for w in policy.lexicon(lex) if " " not in w}
        return frozenset(words)

    result: frozenset[str] = policy.memo("phi-clinical-words", build)
    return result


def _common_words(policy: Policy) -> frozenset[str]:
    result: frozenset[str] = policy.memo(
        "common-words", lambda: frozenset(policy.lexicon("common_words")))
    return result


def is_common_word(policy: Policy, word: str) -> bool:
    """An everyday English word (from public English text; see train/build_phi_lexicons.py)."""
    return word.lower() in _common_words(policy)


def is_plain_word(policy: Policy, word: str) -> bool:
    """A capitalised word that is not an unknown name: a common, clinical or known-name word
    (known names are found by the gazetteer recognisers already)."""
    first, last = _name_sets(policy)
    low = word.lower()
    return (low in _NOT_NAMES or low in _clinical_words(policy) or low in first or low in last
            or low in _ORG_WORDS or low in _BODY_WORDS)


def find_loose_names(text: str, policy: Policy, taken: list[tuple[int, int]]) -> list[Ident]:
    """Names anywhere, with no care context (extract mode): capitalised tokens from the name
    gazetteers, alone or in runs ("Faina D. Yefremova"), not at a sentence start unless the
    run has two or more parts."""
    first_names, surnames = _name_sets(policy)
    out: list[Ident] = []
    clinical = _clinical_words(policy)
    # a known given name, any case, in a contact frame: "PER DAVID", "spoke with suzette",
    # "bob visited", "CONTACT PERSON CAROLE HAYES"
    for m in _CONTACT_NAME.finditer(text):
        for g in (1, 2):
            tok = m.group(g)
            if not tok:
                continue
            low = tok.lower()
            if (low in first_names or low in _WORDLIKE_NAMES) and low not in _NOT_NAMES \
                    and low not in clinical and all(m.end(g) <= a or m.start(g) >= b
                                                    for a, b in taken):
                end = m.end(g)
                after = re.match(r"[ \t]+([A-Za-z][A-Za-z'\-]+)", text[end:])
                if after and after.group(1).lower() in surnames \
                        and after.group(1).lower() not in _NOT_NAMES:
                    end += after.end()
                out.append(Ident(m.start(g), end, "name", "contact-name", True))
                taken = [*taken, (m.start(g), end)]
    toks = list(_CAP_TOKEN.finditer(text))
    i = 0
    while i < len(toks):
        m = toks[i]
        tok = m.group()
        if text.isupper() or (tok.isupper() and len(tok) > 1):
            i += 1
            continue
        run = [m]
        j = i + 1
        while j < len(toks):
            gap = text[run[-1].end():toks[j].start()]
            nxt = toks[j].group()
            if not re.fullmatch(r" |\. ?| [A-Z]\. ", gap) or nxt.lower() in _NOT_NAMES \
                    or (nxt.isupper() and len(nxt) > 1):
                break
            run.append(toks[j])
            j += 1
        words = [r.group() for r in run if len(r.group()) > 1]
        clinical = _clinical_words(policy)
        if any(w.lower().split("'")[0] in clinical for w in words):
            i = j
            continue
        known = [w for w in words if w.lower() in first_names or w.lower() in surnames]
        at_start = _sentence_start(text, m.start())
        ok = bool(known) and all(w.lower() not in _NOT_NAMES for w in words) and (
            len(words) >= 2 or not at_start or _name_cue(text, m.start()))
        if not ok and len(words) == 1 and not at_start and words[0].lower() not in _NOT_NAMES:
            ok = _name_cue(text, m.start())
        if not ok and len(words) >= 2 and len(words) <= 4 and not text.islower():
            # name-shaped: two to four capitalised words, none a common or clinical word,
            # at least one outside the pattern of a title ("Szabina J Gelencser")
            ok = (all(w.lower() not in _NOT_NAMES and w.lower() not in _ORG_WORDS
                      and w[1:].islower() and len(w) > 2 for w in words)
                  and not _ORG_AFTER.match(text[run[-1].end():])
                  and (not at_start or bool(known)))
        if not ok and len(words) == 1 and at_start and words[0].lower() in first_names:
            # "Enrico shouted ...": a known given name opening a sentence, then a verb
            ok = bool(re.match(r"\s+(?:[a-z]+(?:s|ed)|is|was|has|had|and|said|says)\b",
                               text[run[-1].end():]))
        if ok:
            s, e = run[0].start(), run[-1].end()
            if all(e <= a or s >= b for a, b in taken):
                out.append(Ident(s, e, "name", "name", True))
        i = j
    return out


_ORG_WORDS = frozenset(["inc", "corp", "co", "ltd", "llc", "plc", "group", "partners", "bank", "university", "college", "institute", "school", "hospital", "center", "centre", "clinic", "foundation", "times", "post", "journal", "news", "press", "company", "airlines", "airways", "records", "studios", "pictures", "entertainment", "media", "network", "systems", "solutions", "technologies", "labs", "services", "street", "avenue", "road", "park", "lake", "river", "mountain", "county", "city", "republic", "kingdom", "states", "united", "north", "south", "east", "west", "new", "york", "jersey", "san", "santa", "los", "las", "el", "club", "society", "association", "church", "cathedral", "museum", "gallery", "library", "theatre", "theater", "festival", "orchestra", "band", "trio", "quartet", "league", "cup", "tour", "show", "awards"])
_CONTACT_NAME = fast(
    r"\b(?i:per|contact(?: person)?|spoke (?:with|to)|talked (?:with|to)|reach(?:ed)?|"
    r"call(?:ed)? from|update[ds]?|told|informed)[ \t]+([A-Za-z][a-z]+|[A-Z]+)\b"
    r"|\b([A-Za-z][a-z]+|[A-Z]+)[ \t]+(?i:called|visited|states|stated|is here|was here|"
    r"at bedside|in to visit|came in)\b")
_ORG_AFTER = fast(r"\s+(?:Inc|Corp|Co|Ltd|LLC|Group|Partners|&)\b|'s\s+[A-Z]")
_NAME_CUE = fast(r"(?i:name(?:'s| is|:)|i'm|i am|called|named|by|with|to|from|and|"
                       r"mr\.?|mrs\.?|ms\.?|dear|hi|hello|thanks?|met|meet|ask|tell|told)\s+$")


def _name_cue(text: str, pos: int) -> bool:
    return bool(_NAME_CUE.search(text[max(0, pos - 12):pos]))


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?\n:"


def find_surname_with_procedure(view: PostView, care_spans: list[tuple[int, int]]) -> list[Ident]:
    """A bare surname right before a procedure, as on a theatre board: "Osei Whipple"."""
    _, surnames = _name_sets(view.policy)
    clinical = _clinical_words(view.policy)
    out = []
    for m in _CAP_WORD.finditer(view.text):
        low = m.group().lower()
        if low in _NOT_NAMES or low in clinical or low in _BODY_WORDS \
                or low.endswith(("ic", "al", "ary", "ous", "ive", "ing", "ed")):
            continue
        nxt = _PROCEDURE_AFTER.match(view.text, m.end())
        if nxt and (low in surnames or (low not in _name_sets(view.policy)[0] and len(low) > 3)):
            out.append(Ident(m.start(), m.end(), "name", "surname+procedure", True))
    return out


_BODY_WORDS = frozenset(["colon", "breast", "lung", "brain", "liver", "bone", "skin", "heart", "kidney", "prostate", "ovary", "ovarian", "throat", "blood", "head", "neck", "spine", "spinal", "knee", "hip", "back", "chest", "stomach", "bladder", "uterus", "cervix", "thyroid", "pancreas", "skull", "eye", "ear", "nose", "mouth"])
_PROCEDURE_AFTER = fast(
    r"[ \t]+(?i:whipple|mastectomy|lumpectomy|colectomy|craniotomy|cabg|thyroidectomy|"
    r"prostatectomy|nephrectomy|hysterectomy|appendectomy|lap chole|biopsy|bmt|transplant|"
    r"amputation|c-section|debridement|ex lap|hip replacement|knee replacement)\b")


#: An entry of a pasted patient list: a room or bed number, a surname, then a separator and
#: the care ("801 Vasquez - NPO for IR"); or a 24-hour clock time and a surname ("0800
#: Lindqvist C1D1 FOLFOX"). Two or more make a list. The view's text has its line breaks
#: folded into spaces, so entries are found by their shape, not by line starts; years
#: ("2019 Honda - great car") are neither rooms nor times.
ROSTER_LINE = fast(
    r"(?<![\w/.,:])(?:(?:(?i:rm|room|bed)\.?[ \t]*)?(?!(?:19|20)\d\d\b)(\d{1,4}[A-Za-z]?)"
    r"(?:[ \t]*[-:.)])?[ \t]+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)[ \t]*[-:(,][ \t]"
    r"|(?!(?:19|20)\d\d\b)((?:[01]\d|2[0-3])[0-5]\d)[ \t]+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)[ \t]+(?=\S))")


_ROSTER_HINT = fast(r"\d[ \t]*[-:.)]?[ \t]+[A-Z][a-z]")


_NUMBERED_PART = fast(r"\b(?:panel|step|slide|part|chapter|figure|fig|scene|act|page|tip|"
                            r"rule|day|week|lesson|question|q)\.?[ \t]*$", re.IGNORECASE)


@functools.lru_cache(maxsize=64)  # phi and confidential both ask, for the same text
def roster_entries(text: str) -> tuple[tuple[int, int, int, int], ...]:
    """(number start, number end, surname start, surname end) of each entry, when the text
    holds two or more; otherwise none."""
    if len(_ROSTER_HINT.findall(text)) < 2:  # cheap: most posts have no such pair at all
        return ()
    out = []
    for m in ROSTER_LINE.finditer(text):
        if _NUMBERED_PART.search(text, max(0, m.start() - 12), m.start()):
            continue  # "Panel 1 — Nurse:", "Step 2 - Call:": parts of a work, not beds
        g = 1 if m.group(1) else 3
        out.append((m.start(g), m.end(g), m.start(g + 1), m.end(g + 1)))
    return tuple(out) if len(out) >= 2 else ()


# --- handles addressed in a reply ----------------------------------------------------------
_HANDLE = fast(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}[A-Za-z0-9_]")
_WORK_KNOWLEDGE = fast(
    r"\b(?:(?:saw|seen|pulled|checked|looked at|read|reviewed|got|have)\s+your\s+(?:labs?|chart|"
    r"results?|scans?|file|records?|bloodwork|path|report|bill|biopsy|x-?rays?|mri|ct|"
    r"prescription|referral|claim)|remember (?:you|treating you|seeing you) from|"
    r"from (?:the )?(?:clinic|infusion|your (?:\d+/\d+ )?visit|your appointment|your appt|"
    r"your (?:procedure|surgery|stay|treatment|exam|cleaning|session))|"
    r"your \d{1,2}/\d{1,2} visit|when you were (?:here|admitted|in (?:the|our))|"
    r"thanks? (?:you )?for (?:visiting|coming (?:in|to)|choosing (?:our|us)|trusting us with)|"
    r"at your (?:last |next )?(?:visit|appointment|appt|procedure|surgery|exam|scan|infusion|"
    r"chemo|treatment|check[- ]?up|follow[- ]?up|consult|biopsy|mammogram|colonoscopy)|"
    r"(?:our|my) records show|according to (?:our|your) (?:records|chart)|"
    # "good to see you at your port flush Friday"
    r"(?:see|saw|seeing) (?:you|u) (?:at|in|during) (?:your|ur) (?:[\w-]+ )?(?:flush|visit|appointment|"
    r"appt|infusion|scan|chemo|treatment|check-?up|follow[- ]?up|consult|biopsy|procedure|surgery|"
    r"session|transfusion|radiation|injection)|"
    r"your (?:treatment|procedure|surgery|root canal|crown|implant|therapy|session)s? (?:with|at|here)|"
    r"(?:hope|glad) (?:your|the) (?:recovery|procedure|surgery|treatment)|"
    r"(?:you|your (?:mom|dad|son|daughter|wife|husband)) (?:were|was) (?:seen|treated|admitted) "
    r"(?:here|by us|in our|at our)|we (?:treated|saw|see) you|"
    r"(?<!if )your (?:labs?|mri|scans?|results?|biopsy|pathology|path|bloodwork|ct|x-?rays?|tests?|"
    r"mammogram|pap|culture|levels?|cea|psa|a1c|ca-?\s?\d{2,3}|counts?|tumou?r markers?) "
    r"(?:came back|look|looks|looked|were|was|is|are|showed?)|"
    r"(?:glad|hope|happy) (?:that )?your (?:[a-z]+ ){1,2}(?:went|is going|goes|healed|is healing|"
    r"was a success|keeps improving|is improving|feels better|is feeling better|recovery)|"
    r"your (?:\w+'s )?(?:stay|visit|admission|treatment|care|surgery|procedure|appointment|"
    r"time) (?:on|in|at|with) (?:our|us)\b|"
    r"(?:thanks?|thank you)[^.!?\n]{0,40}\b(?:yelp|google|facebook|healthgrades|zocdoc) review|(?:during|after|before|for) your (?:[a-z]+ ){1,2}(?:with us|here|at our)|"
    r"your (?:[a-z]+ ){1,2}with us\b|(?:reply(?:ing)? to|response to|re:) (?:your |the )?"
    r"(?:google |yelp |facebook )?review)",
    re.IGNORECASE,
)


#: Words of a sentence meant for any reader: a conditional or a call to the audience.
_ANY_READER = fast(r"\b(?:if|whether|anyone|anybody|everyone|folks|y'?all|friends)\b",
                         re.IGNORECASE)


def _to_any_reader(view: PostView, start: int) -> bool:
    """The phrase speaks to whoever reads, not to one person the author knows: no handle is
    addressed and its sentence is a question or a conditional ("If that's you, bring it up at
    your next visit"; "Got your pathology report and no idea what it means?")."""
    if _HANDLE.search(view.text):
        return False
    s, e = sentence_of(view, start)
    sentence = view.text[s:e].rstrip()
    return sentence.endswith("?") or bool(_ANY_READER.search(sentence))


def find_addressed_patient(view: PostView) -> list[Ident]:
    """A reply to someone that shows the author knows their care from work."""
    know = _WORK_KNOWLEDGE.search(view.text)
    if not know or _to_any_reader(view, know.start()):
        return []
    out = [Ident(know.start(), know.end(), "descriptor", "work-knowledge", True)]
    for m in _HANDLE.finditer(view.text):
        out.append(Ident(m.start(), m.end(), "contact", "handle", True))
    return out


# --- ages ------------------------------------------------------------------------------
_AGE = fast(
    r"\b(\d{1,3})\s*(?:y/?o\b|yo\b|y\.o\.|yrs?\.? old|years?[ -]old|years? young|-year-old|"
    r"year old|yr-old|yr old|-yo\b|"
    r"(?=\s*(?:M|F)\b(?= with| w/| presents| hx)))"
    r"|\baged? (?:of )?(\d{1,3})\b"
    r"|\b(?:turn(?:ed|s|ing)?|just turned) (\d{2,3})\b"
    r"|\b(\d{2,3})(?:st|nd|rd|th) birthday\b"
    r"|\b(?:she|he|they)(?:'s| is| are| was) (\d{2,3})\b(?![:%.,]?\d)(?!\s*(?:min|hour|hr|day|week|month|%|lbs|kg|mg|percent|pounds|cm|inches|ft))"
    r"|\b(\d{2,3})(?:M|F)\b"
    r"|\b(?:resident|patient|pt|lady|gent|gentleman|man|woman|grandma|grandpa),?\s+(\d{2,3})\b"
    r"(?![:.]\d|\s*(?:mg|%|lbs|kg|min|hours?|days?|am|pm|units?))"
    r"|\b(\d{2})ish\b",
    re.IGNORECASE,
)
# Loose: "when he was 22", "I am 45" (extract mode only).
_AGE_LOOSE = fast(r"\b(?:(?:i|he|she|they|who) (?:was|am|is|were)|i'm|age|aged?|ages)\s+(\d{1,3})\b(?!\s*(?:%|am|pm|:|"
                        r"minutes|hours|days|times|dollars|\$|[.,]\d))", re.IGNORECASE)


def find_ages(view: PostView) -> list[Ident]:
    return _ages(view.text)


def _ages(text: str, loose: bool = False) -> list[Ident]:
    out = []
    for m in _AGE.finditer(text):
        value = int(next(g for g in m.groups() if g))
        if value > 125:
            continue
        if value > 89:
            out.append(Ident(m.start(), m.end(), "age", "age>89", True))
        else:
            out.append(Ident(m.start(), m.end(), "age", "age", False))
    if loose:
        taken = [(i.start, i.end) for i in out]
        for m in _AGE_LOOSE.finditer(text):
            value = int(m.group(1))
            if 1 < value <= 120 and all(m.end(1) <= a or m.start(1) >= b for a, b in taken):
                out.append(Ident(m.start(1), m.end(1), "age", "age>89" if value > 89 else "age",
                                 value > 89))
    return out


# --- rooms, beds, units ------------------------------------------------------------------
_ROOM = fast(
    r"\b(?:room|rm|bed|bay|suite|stretcher|cubicle|pod|isolette|crib)\.?\s*#?\s*(?:\d{1,4}[A-Za-z]?|[A-Z]\d{1,3})\b",
    re.IGNORECASE,
)
_PERSON_IN_ROOM = fast(
    r"\b(?:pt|patient|lady|guy|man|woman|gentleman|gent|kid|kiddo|girl|boy|family|mr\.? \w+|"
    r"mrs\.? \w+|ms\.? \w+|\d{1,3} ?(?:yo|y/o|yr old|year old|year-old))\s+(?:in|on|from)\s+"
    r"(?:bed\s+)?(\d{1,4}[A-Za-z]?|[A-Z]\d{1,3})\b(?![:.]\d|\s*(?:am|pm|mg|min|hours?|days?|%))",
    re.IGNORECASE,
)
_ALNUM_ROOM = fast(r"\b(?:in|on|from)\s+(\d{1,3}[A-Z])\b")
_PATIENTISH = fast(r"\b(?:pt|patient|lady|guy|man|woman|gent|kid|kiddo|girl|boy|family|"
                         r"she|he|her|his|him|mr|mrs|ms)\b", re.IGNORECASE)
# A capitalised name in a room: "Garcia in 7B", "Petrov in 14".
_NAME_IN_ROOM = fast(r"\b([A-Z][a-z][A-Za-z'\-]+)\s+(?:in|on)\s+(?:room\s+|rm\s+|bed\s+)?"
                           r"(\d{1,4}[A-Z]?|[A-Z]\d{1,3})\b(?![:.]\d|\s*(?:am|pm|%))")
_ROOM_PERSON = fast(r"\b(?:rm|room|bed)\s*\d{1,4}[A-Za-z]?\s+(?:lady|guy|man|woman|pt|patient)",
                          re.IGNORECASE)
_UNIT = fast(
    r"\b(?:on|to|from|at)\s+(?:(?:unit|floor)\s+)?([A-Z]\d{1,2}|\d{1,2}\s?(?:West|East|North|South|"
    r"[A-Z])\b|\d{1,2}(?=\s|$|[,.!?]))"
    r"|\b(?:our|the)\s+(?:bmt|icu|micu|sicu|picu|nicu|peds|oncology|onc|surgical|medical|"
    r"leukemia|lymphoma|transplant|step-?down|cardiac|neuro|burn|trauma|ortho|l&d|labor and delivery|"
    r"psych|maternity|rehab|hospice|dialysis)\s+(?:floor|unit|ward|wing)\b",
    re.IGNORECASE,
)


def find_rooms(view: PostView) -> list[Ident]:
    out = _rooms(view.text)
    for m in _ALNUM_ROOM.finditer(view.text):
        if _PATIENTISH.search(_sentence(view.text, m.start())):
            out.append(Ident(m.start(1), m.end(1), "location", "room", True))
    first, last = _name_sets(view.policy)
    for m in _NAME_IN_ROOM.finditer(view.text):
        low = m.group(1).lower()
        if (low in first or low in last) and low not in _NOT_NAMES:
            out.append(Ident(m.start(1), m.end(1), "name", "name-in-room", True))
            out.append(Ident(m.start(2), m.end(2), "location", "room", True))
    return out


def _rooms(text: str) -> list[Ident]:
    out = []
    for pat in (_ROOM, _ROOM_PERSON):
        for m in pat.finditer(text):
            out.append(Ident(m.start(), m.end(), "location", "room", True))
    for m in _PERSON_IN_ROOM.finditer(text):
        out.append(Ident(m.start(1), m.end(1), "location", "room", True))
    return out


def find_units(view: PostView) -> list[Ident]:
    out = []
    for m in _UNIT.finditer(view.text):
        g = m.group(1)
        if g is not None:
            tail = view.text[m.end():m.end() + 12].lower()
            if g.isdigit() and (re.match(r"\s*(?:hours?|hrs?|days?|weeks?|months?|years?|min|am|pm|"
                                         r"%|x|times|of|out|and|or|cases|patients|beds|people|"
                                         r"nurses|docs|doctors|staff)", tail)
                                or int(g) > 40):
                continue
            out.append(Ident(m.start(1), m.end(1), "location", "unit", False))
        else:
            out.append(Ident(m.start(), m.end(), "location", "unit", False))
    return out


# --- dates ------------------------------------------------------------------------------
_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_WEEKDAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thurs?|fri|sat|sun)"
_DATE = fast(
    rf"\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b|\b{_MONTHS}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTHS}\b(?:,? \d{{4}})?|\b\d{{4}}-\d{{2}}-\d{{2}}(?:[ T]\d{{2}}:\d{{2}}(?::\d{{2}})?)?\b"
    rf"|\b(?:last |this past |on |this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s)?(?: (?:morning|night|evening|afternoon))?\b"
    r"|\b(?:christmas(?: eve| day)?|new year'?s(?: eve| day)?|thanksgiving|easter|halloween|"
    r"valentine'?s day|july 4th|fourth of july|memorial day|labor day|her birthday|his birthday)\b"
    # relative dates tie an event to a day: "yesterday", "last night", "3 days ago"
    r"|\b(?:yesterday|last night|this morning|this afternoon|this evening|earlier today|tonight|"
    r"the other day|overnight|"
    r"(?:\d{1,2}|two|three|four|five|six|a few|couple of) (?:days|weeks|hours) ago|last week(?:end)?)\b",
    re.IGNORECASE,
)
# Years and month-years, extract mode: "in 1993", "'92", "March 2019".
_YEAR = fast(rf"(?<![\w/.\-])(?:{_MONTHS}\.? )?(?:19[0-9]{{2}}|20[0-4][0-9])(?![\w/\-]|\.\d)"
                   r"|(?<![\w'])'[0-9]{2}\b", re.IGNORECASE)
_RELATIVE = fast(r"^(?:yesterday|last night|this morning|this afternoon|this evening|earlier today|tonight|the other day|"
                       r"overnight|\S+ (?:days|weeks|hours) ago|a few|couple|last week)", re.IGNORECASE)
_CARE_EVENT = fast(
    r"\b(?:admit\w*|discharg\w*|surgery|operat\w*|visit|appt|appointment|clinic|died|passed|"
    r"diagnos\w*|biops\w*|scan|chemo|infusion|transfusion|procedure|labs?|came in|coded|born|"
    r"delivered|transplant\w*|spent|brought in|rolled in|intubat\w*|extubat\w*|arrested|"
    r"resus\w*|code blue|stroke|seizure|overdos\w*|od'd|crash|accident|ambulance|er|icu|"
    r"got in|came in|brought in|rolled in|injur\w*|fracture|triaged|"
    r"trauma|shot|stabbed|burned|fell|fall)\b",
    re.IGNORECASE,
)


# Extract mode, past history in clinical shorthand: "CABG '92", "CVA 74'", "MI 81,", "AVR 8/88".
_HISTORY_YEAR = fast(
    r"\b(?i:cabg|mi|ami|nqwmi|imi|cva|tia|ptca|pci|avr|mvr|dvt|pe|chf|aaa(?: repair)?|ca|stent|"
    r"repair|resection|surgery|dx|diagnosed|hx|s/p|redo cabg)[ \t]*(?:(?i:in)[ \t]+|x\d[ \t]+)?"
    r"('?\d{2}'?)(?=[ \t]*(?:[,.;)\n]|(?i:and)\b|$))"
)
# Month and two-digit year where the year cannot be a day: "echo 8/87", "s/p mastectomies 11/92".
# "on the 11th", "it's the 3rd": a day of the month (extract mode)
_ORDINAL_DAY = fast(r"\b(?i:the|on)[ \t]+((?:[12]?\d|3[01])(?i:st|nd|rd|th))\b(?![ \t]+(?i:floor|grade|percentile|time|day|week|dose|cycle|round))")
_MONTH_YEAR = fast(r"(?<![\d/.])(?:0?[1-9]|1[0-2])/(?:3[2-9]|[4-9]\d)(?![/%\d]|\.\d)")
_APOSTROPHE_YEAR = fast(r"(?<=[A-Za-z])'\d{2}\b(?!')|(?<![\w'/.])\d{2}'(?=[\s.,;:)]|$)")


def _history_years(text: str) -> list[Ident]:
    out = [Ident(m.start(1), m.end(1), "date", "year", False) for m in _HISTORY_YEAR.finditer(text)]
    out += [Ident(m.start(1), m.end(1), "date", "date", False) for m in _ORDINAL_DAY.finditer(text)]
    out += [Ident(m.start(), m.end(), "date", "date", False) for m in _MONTH_YEAR.finditer(text)]
    out += [Ident(m.start(), m.end(), "date", "year", False)
            for m in _APOSTROPHE_YEAR.finditer(text)]
    return out


_DASHED_DATE = fast(r"(?<![\w\-])(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])-(?:\d{2}|\d{4})(?![\w\-])")


# "PS 10/5", "pain 6/10", "1/2 NS": a setting, a score or a fraction, not a date (extract mode)
_SETTING_BEFORE = fast(r"\b(?i:ps|psv|peep|cpap|bipap|ips|simv|imv|ac|vent|fio2|ratio|ci|"
                             r"co/ci|bp|pain|crackles|rales|strength|mask|ventilation|support)"
                             r"[\s:=]*(?:at|of|to)?[\s:=]*$")
_SETTING_AFTER = fast(r"[\s]*(?i:ns\b|%|peep|ips|way|hours?\b|hr\b|amp|strength|tabs?\b|"
                            r"up\b|bilat|cp\b|pain)")


def _is_setting(text: str, start: int, end: int) -> bool:
    if not re.fullmatch(r"\d{1,2}/\d{1,2}", text[start:end]):
        return False
    return bool(_SETTING_BEFORE.search(text[max(0, start - 24):start])
                or _SETTING_AFTER.match(text, end))


def _is_calendar_date(s: str) -> bool:
    """A date on the calendar, not "yesterday" (no identifier on its own) nor "5/5" strength."""
    if _RELATIVE.match(s):
        return False
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/\d{2,4})?", s)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        has_year = s.count("/") == 2
        # "5/5" is a strength score far more often than a date
        return 1 <= month <= 12 and 1 <= day <= 31 and (has_year or not (
            month == day and month <= 5))
    return True


def find_dates(view: PostView) -> list[Ident]:
    """Dates in the same sentence as a care event (admission, surgery, visit, death)."""
    out = []
    for m in _DATE.finditer(view.text):
        sent = _sentence(view.text, m.start())
        if _CARE_EVENT.search(sent):
            label = "relative-date" if _RELATIVE.match(m.group()) else "care-date"
            out.append(Ident(m.start(), m.end(), "date", label, False))
    return out


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind(c, 0, pos) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, pos) for c in ".!?\n") if i != -1]
    return text[start:min(ends) if ends else len(text)]


# --- contact and numbers --------------------------------------------------------------------
_EMAIL = fast(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
_URL = fast(r"\bhttps?://[^\s<>\"']+|\bwww\.[^\s<>\"']+", re.IGNORECASE)
_IP = fast(r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b"
                 r"|\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b")
_SSN = fast(r"\b(\d{3})([- ]?)(\d{2})\2(\d{4})\b")
_SSN_CUE = fast(r"(?i:ssn|social security|social sec|ss#|soc sec)[^\n]{0,20}$")
_MRN = fast(
    r"\b(?:mrn|mr#|medical record(?: number| no\.?| #)?|chart(?: number| no\.?| #)|"
    r"patient id|pt id|member id|member #|subscriber id|group (?:number|no\.?|#)|"
    r"policy(?: number| no\.?| #)|account(?: number| no\.?| #)|"
    r"acct(?: #| no\.?)?|health plan(?: id| number)?|insurance(?: id| number| #)|medicaid(?: id| #)?|"
    r"medicare(?: id| #| number)?|claim(?: number| #)|"
    r"(?:driver'?s )?licen[cs]e(?: number| no\.?| #)?|dl ?#|"
    r"device(?: serial)?(?: number| #| id)|serial(?: number| no\.?| #)|implant (?:id|serial)|"
    r"pacemaker (?:serial|id)|(?:license )?plate(?: number| #)?|vin|"
    r"certificate(?: number| #)|cert(?: number| #)|npi|dea(?: number| #)?|bed tag|wristband)"
    r"\s*[:#]?\s*(?:is\s+)?([A-Z0-9][A-Z0-9\-]{3,16})\b",
    re.IGNORECASE,
)
_STREET_TYPES = (r"Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|"
                 r"Pl|Terrace|Ter|Way|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Trl|Square|Sq|"
                 r"Plaza|Row|Alley|Crescent|Close|Walk|Turnpike|Tpke|Pike|Loop|Run|Path|Point|"
                 r"Ridge|Heights|Hts|Crossing|Xing")
_STREET = fast(
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w'.\-]*\s){{1,4}}(?:{_STREET_TYPES})\b\.?"
    r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*#?\s*\w{1,6})?"
    r"|\b(?:[A-Z][a-z]+\s){1,3}(?:" + _STREET_TYPES + r")\.?\s+(?:and|&)\s+(?:[A-Z][a-z]+\s){0,2}"
    r"[A-Z][a-z]+\b"  # a corner: "Elm Street and 5th"
    r"|\b(?:corner of|on the corner of|lives on|lived on|house on|apartment on)\s+"
    r"(?:[A-Z0-9][\w'.\-]*\s){0,3}(?:" + _STREET_TYPES + r")\b"
)
# Addresses written the European way, after a street word ("Via Roma 131", "Rua Diadema 1903").
_STREET_EU = fast(
    r"\b(?:Via|Rua|Calle|Rue|Avenida|Av\.|Viale|Piazza|Strasse|Straße|Ulica|ul\.|Plac|Gasse|"
    r"Weg|Laan|Straat|Vej|Gatan|Katu|Utca|Ulice)\s+[A-ZÀ-Ýa-z][\w'À-ÿ.\- ]{1,30}?\s\d{1,5}[A-Za-z]?\b"
    r"|\b\d{1,5}\s+(?i:rue|avenue|boulevard|chemin|allée|impasse|place)\s+[\w'À-ÿ\- ]{2,30}"
    r"|\b[A-ZÀ-Ý][\w'À-ÿ\-]+(?:strasse|straße|gasse|weg|vej|gatan|katu|utca|laan|straat)\s+\d{1,5}\b"
    r"|\b(?:PSC|Unit|USNS|USS|USCGC)\s+\d{3,5},?\s+Box\s+\d{2,5}(?:\s+(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5})?"
    r"|\b(?i:p\.?\s?o\.?\s+box)\s+\d{1,6}\b"
    r"|\b(?i:apt\.?|apartment|suite|ste\.?)\s*#?\s*\d{1,5}[A-Za-z]?\b"
)
_ZIP = fast(r"\b(?:NY|NJ|CT|PA|MA|[A-Z]{2}),?\s+(\d{5})(?:-\d{4})?\b|\bzip(?: code)?\s*(\d{5})\b",
                  re.IGNORECASE)
# An address given after a cue, taken to the end of the clause ("my new address is ...").
_ADDRESS_CUE = fast(
    r"(?i:address(?: is|:| to| with| linked to my [\w ]{2,20} to)?|(?:i |we |he |she |they )?(?:now )?"
    r"li(?:ve|ves|ved) (?:at|on)|located at|meet (?:me|us) at|sent to|send (?:it |them )?to|"
    r"deliver(?:ed)? to|moved to|ship(?:ped)? to|taxi to|reside(?:s)? at)\s+"
)
_ADDRESS_END = fast(r"(?:[?!;]|\.(?:\s|$)(?![A-Z]{2}\b)|\s(?:and|for|after|before|but|"
                          r"please|when|because|so|if|it)\s)")
_PHONE_CUE = fast(r"(?i:phone|cell|mobile|tel|telephone|call|text|fax|pager|reach|"
                        r"number|no\.|#|contact|whatsapp|sms|dial|line)[^\n\d]{0,25}$")
_PHONE_LOOSE = fast(r"(?<![\w/.\-])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,5}\)[\s.\-]?)?"
                          r"\d{2,5}(?:[\s.\-]\d{2,8}){1,4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w/\-])"
                          r"|(?<![\w/.\-])\+?\d{4,13}(?![\w/\-])"
                          r"|(?<![\w/.\-])\d{3}/\d{3}/\d{4}(?![\w/\-])")
_TIME_RANGE = fast(r"[0-2]\d[0-5]\d\s?-\s?[0-2]\d[0-5]\d")


_CONTACT_HINT = fast(r"[0-9@]|www\.|://")


def _valid_ssn(area: str, group: str, serial: str) -> bool:
    a = int(area)
    return a != 0 and a != 666 and a < 900 and int(group) != 0 and int(serial) != 0


def find_contacts_and_numbers(view: PostView) -> list[Ident]:
    found = _contacts(view.text, loose=False)
    own = tuple(d.lower() for d in view.policy.org.web_domains)
    # a link to the organization's own site is its published page, not a patient's
    return [i for i in found if not (i.label == "url" and own
                                     and any(d in view.lower[i.start:i.end] for d in own))]


def _contacts(text: str, loose: bool) -> list[Ident]:
    out: list[Ident] = []
    if not _CONTACT_HINT.search(text):
        return out  # no digit, "@" or "www": no contact, number or address to find
    for m in _EMAIL.finditer(text):
        out.append(Ident(m.start(), m.end(), "contact", "email", True))
    for m in _URL.finditer(text):
        out.append(Ident(m.start(), m.end(), "contact", "url", False))
    for m in _IP.finditer(text):
        out.append(Ident(m.start(), m.end(), "contact", "ip", True))
    for m in _SSN.finditer(text):
        area, sep, group, serial = m.groups()
        if not _valid_ssn(area, group, serial):
            continue
        if sep == "-" or _SSN_CUE.search(text[max(0, m.start() - 30):m.start()]):
            out.append(Ident(m.start(), m.end(), "id-number", "ssn", True))
    for m in _MRN.finditer(text):
        if sum(c.isdigit() for c in m.group(1)) >= 3:
            out.append(Ident(m.start(), m.end(), "id-number", "record-number", True))
    taken = [(i.start, i.end) for i in out]
    n_digits = sum(map(str.isdigit, text))
    if n_digits >= 7:
        for pm in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID):
            if "/" in text[max(0, pm.start - 1):pm.end + 1] or _TIME_RANGE.fullmatch(pm.raw_string):
                continue
            if all(pm.end <= a or pm.start >= b for a, b in taken):
                out.append(Ident(pm.start, pm.end, "contact", "phone", True))
                taken.append((pm.start, pm.end))
    if n_digits >= 5:
        # Numbers a phone cue points at ("pager 83554", "tel 201/324/1423"), any country's format.
        for m in _PHONE_LOOSE.finditer(text):
            digits = sum(c.isdigit() for c in m.group())
            if _TIME_RANGE.fullmatch(m.group()):
                continue
            cue = _PHONE_CUE.search(text[max(0, m.start() - 30):m.start()])
            if not (digits >= 7 and (cue or (loose and _phone_shaped(m.group())))) \
                    and not (cue and digits >= 4 and re.search(r"(?i)pager|beeper|ext", cue.group())):
                continue
            if all(m.end() <= a or m.start() >= b for a, b in taken):
                out.append(Ident(m.start(), m.end(), "contact", "phone", True))
                taken.append((m.start(), m.end()))
    for m in _STREET.finditer(text):
        out.append(Ident(m.start(), m.end(), "location", "street-address", True))
    for m in _ZIP.finditer(text):
        out.append(Ident(m.start(), m.end(), "location", "zip", True))
    if loose:
        for pat in (_STREET_EU, _STREET_NUM_NAME_NUM):
            for m in pat.finditer(text):
                out.append(Ident(m.start(), m.end(), "location", "street-address", True))
        if any(i.label == "street-address" for i in out) and not text.isupper():
            # the rest of an address block: postcodes and house numbers on address lines
            for m in _ADDRESS_NUMBER.finditer(text):
                out.append(Ident(m.start(), m.end(), "location", "postcode", True))
    return out


_STREET_NUM_NAME_NUM = fast(
    r"\b\d{1,6}[ \t]+(?:ul\.[ \t]+)?[A-ZÀ-Ý][a-zà-ÿ][\w'.À-ÿ\-]{2,}(?:[ \t]+[\w'.À-ÿ\-]+){0,3}[ \t]+\d{1,5}[A-Za-z]?\b")
_ADDRESS_NUMBER = fast(r"(?:(?<=\n)|(?<=> )|(?<=>)|(?<=, ))\s*\d{2,6}\b"
                             r"|\b[A-Z][\w'À-ÿ\-]+[ \t]+\d{4,6}(?=\s*$|\s*\n|\s*>)")


def _phone_shaped(s: str) -> bool:
    """Grouped digits that read as a phone number, not a date, sum or id."""
    groups = re.findall(r"\d+", s)
    return (len(groups) >= 2 and 7 <= sum(map(len, groups)) <= 15
            and not re.fullmatch(r"\d{4}[\-.]\d{2}[\-.]\d{2}", s))


def find_cued_addresses(text: str) -> list[Ident]:
    """An address after a cue ("my address is ..."), to the end of the clause; it must hold a
    number (a house number or a postcode)."""
    out = []
    for m in _ADDRESS_CUE.finditer(text):
        start = m.end()
        end_m = _ADDRESS_END.search(text, start)
        end = end_m.start() if end_m else len(text)
        end = min(end, start + 120)
        chunk = text[start:end].rstrip(" ,.\n")
        if re.match(r"(?i)(?:the )?(?:room|rm|bed|bay|unit|floor|icu|hospice|rehab)\b", chunk):
            continue
        if chunk and any(c.isdigit() for c in chunk) and not re.match(r"\s*\d{1,2}(?::\d\d)?\s*(?:am|pm)\b",
                                                                     chunk, re.IGNORECASE):
            out.append(Ident(start, start + len(chunk), "location", "street-address", True))
    return out


# --- places ------------------------------------------------------------------------------------
_TOWN_PHRASE = fast(r"\b(?:tiny|small|little|only)\s+(?:town|village|hamlet)\b[^.!?\n]{0,30}"
                          r"|\blives? (?:in|at|on) (?-i:[A-Z0-9])[^.!?,\n]{2,40}", re.IGNORECASE)
_ONLY_ONE = fast(r"\bthe only [a-z]+(?: [a-z]+)? (?:in|at|on|of)\b"
                       r"|\bonly (?:patient|pt|case|person|one|kid|child)\b[^.!?\n]{0,30}"
                       r"\b(?:ever|i've|i have|in \d+ years|we've|this year)"
                       r"|\b(?:first|only) (?:case|patient) (?:of|in|we've|i've)\b"
                       r"|\brare\b|\b1 in a million\b|\bone in a million\b|\bnever seen (?:one|this)",
                       re.IGNORECASE)
# Where an incident happened: "from the Shoprite parking lot", "the Route 9 crash".
_INCIDENT_PLACE = fast(
    r"\b(?:from|at|in|on) the (?:[A-Z][\w']+ )*(?:parking lot|highway|interstate|subway|train station|"
    r"warehouse|factory|plant|construction site|mall|gym|stadium|arena|school|church|bar|club|"
    r"restaurant|park|pool|beach|bridge|expressway|turnpike|parkway)\b"
    r"|\b(?:Route|Rt\.?|I-|Highway|Hwy) ?\d{1,3}\b[^.!?\n]{0,20}\b(?:crash|wreck|accident|pileup)"
    r"|\b[A-Z][\w']+(?: [A-Z][\w']+)* (?:crash|fire|shooting|explosion|collapse)\b"
    r"|\b(?:Channel|Engine|Ladder|Station) \d{1,3}\b"
    # one event: "last week's bus crash", "Friday's warehouse fire", "the subway shooting"
    r"|\b(?:\w+'s|the) (?:bus|car|motorcycle|moped|train|subway|bike|boat|plane|helicopter|truck|"
    r"building|house|apartment|warehouse|highway|school) (?:crash|wreck|accident|fire|collapse|"
    r"explosion|shooting|stabbing|pileup)\b"
    r"|\b(?:on|at|near|off) (?:Route|Rt\.?|I-|Highway|Hwy|Interstate) ?\d{1,3}\b"
    r"|\b(?:on|at|near|off) (?:[A-Z][\w']+ ){1,2}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|"
    r"Highway|Hwy|Parkway|Pkwy|Expressway|Turnpike|Bridge|Tunnel)\b"
    r"|\b(?:the|a) (?:Target|Walmart|Costco|Home Depot|Starbucks|McDonald's|Shoprite|Kroger|"
    r"Whole Foods|Trader Joe's|CVS|Walgreens|Wegmans|Publix|Dunkin|Dunkin'|Wawa|7-Eleven|"
    r"Burger King|Wendy's|Chipotle|Applebee's|Best Buy|Macy's|Lowe's|Aldi|Safeway|Stop & Shop)\b")
# A birth date or birth moment is a Safe Harbor date on its own.
_BIRTH = fast(r"\b(?:born|dob|d\.o\.b\.?|date of birth|birthday)\b[:\s]+(?:on |at |in )?"
                    r"(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2} weeks|[A-Za-z]+ \d{1,2}(?:, \d{4})?|"
                    r"christmas(?: eve| day)?|new year'?s(?: eve| day)?|thanksgiving|easter|"
                    r"halloween|valentine'?s day|(?:last |this )?\w+day)", re.IGNORECASE)
_PLACE_PREP = fast(r"(?:\b(?:from|in|of|near|outside|to|at|around)|@)\s+$", re.IGNORECASE)
_ANY_WORD = fast(r"(?<![\w@#])[A-Za-z][\w'\-.]*")
# Where a patient came from or went: "transferred to Sacred Heart", "brought to GH ER".
_MOVE = fast(
    r"\b(?i:transfer\w*|trans|txf'?d|sent|brought|went|taken|discharged|d/c'?d|"
    r"admitted|med ?flight\w*|flown|flighted|transported|referred|returned|came|arrived|"
    r"followed|lives|lived|living|resides|moved|retired|seen|consult|presented|adm|go|going|"
    r"goes|dc'?d|return|flew|fly|flying|drove|driving)\b"
    r"(?:[ \t]+(?i:back|over|out|in|here|via|by|him|her|them|pt|patient|amb|ambulance|"
    r"helicopter|ems|home|\w+ly))*[ \t]+(?i:to|into|from|at|in|by)[ \t]+(?i:the[ \t]+)?"
    r"([A-Za-z][\w'\-]*(?:[ \t]+[A-Za-z][\w'\-]*){0,3})"
)
# A ward or building with a number after a move: "to Quartermain 6", "from Osler 4".
_WARD = fast(r"\b(?i:to|from|on|at|in)[ \t]+([A-Za-z][a-z]{3,}|[A-Z]{4,})[ \t]?\d{1,2}\b(?![:./\d])")
_FACILITY = fast(
    r"\b([A-Za-z][\w'\-.]*(?:[ \t]+[A-Za-z][\w'\-.]*){0,2}(?:[ \t]+(?i:hospital|hosp|memorial|"
    r"medical center|med ctr|medical ctr|med center|general|rehab|rehabilitation|nursing home|vamc|"
    r"va|health center|healthcare|manor|assisted living|hospice|county jail|correctional|campus))+)\b"
    r"|\b((?i:university|univ|u) (?i:of) [A-Za-z]+|U\.? [A-Z][a-z]{3,}|(?:St\.?|ST\.) [A-Z][a-zA-Z]+(?:'s)?)"
)
# Words that end a place name or are not one ("transferred to the floor").
_NOT_PLACE = frozenset(["the", "a", "an", "floor", "unit", "icu", "micu", "sicu", "ccu", "csru", "picu", "nicu", "pacu", "or", "er", "ed", "ew", "room", "rm", "bed", "home", "house", "rehab", "hospital", "hosp", "facility", "nursing", "for", "with", "and", "but", "after", "before", "via", "on", "at", "in", "of", "to", "by", "his", "her", "their", "him", "them", "pt", "patient", "me", "us", "you", "it", "this", "that", "from", "cath", "lab", "ct", "mri", "ir", "radiology", "xray", "x-ray", "surgery", "dialysis", "or", "bathroom", "bath", "chair", "commode", "sleep", "bedside", "stepdown", "step-down", "tele", "telemetry", "ward", "service", "team", "care", "level", "bay", "trauma", "her", "morning", "night", "day", "today", "tomorrow", "tonight", "am", "pm", "be", "see", "sit", "stay", "work", "school", "church", "family", "daughter", "son", "wife", "husband", "friends", "shower", "scan", "scans", "ultrasound", "echo", "endoscopy", "ep", "eeg", "ekg", "gi", "pt's", "ot", "pt/ot", "pcp", "md", "rn", "np", "monitor", "monitoring", "meds", "dinner", "lunch", "breakfast", "sit", "walk", "car", "wheelchair", "stretcher", "ambulance", "amb", "ems", "helicopter", "hand", "touch", "place", "places", "time", "times", "help", "him", "her", "them", "again", "back", "up", "down", "off", "over", "out", "general", "memorial", "medical", "center", "medicine", "clinic", "office", "skilled", "long", "term", "acute", "hospice", "morgue", "spouse", "mother", "father", "daughters", "sons", "husband's", "wife's", "girl", "boy", "baby", "home's", "court", "jail", "prison", "first", "second", "third", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "all", "any", "some", "each", "every", "own", "same", "other", "another", "new", "old", "his/her", "s/p", "w/", "c/o", "d/c", "f/u", "b/l", "r/o", "h/o", "pmh", "hx", "dx", "tx", "rx", "sx", "a&ox3", "well", "mouth", "tube", "line", "ng", "og", "peg", "picc", "port", "gtt", "drip", "iv", "po", "pr", "sq", "im", "kg", "mg", "mcg", "ml", "cc",
    "if", "she", "he", "needs", "need", "will", "may", "can", "should", "would", "could", "possible", "try", "eval", "evaluate", "ask", "questions", "area", "fellow", "skin", "renal", "vascular", "thoracic", "ortho", "per"])


# Extract mode: an unknown short acronym where a place goes ("sent to GH", "at GBMC").
_ACRONYM_PLACE = fast(
    r"(?:\b(?i:to|at|from|into|in)[ \t]+(?i:the[ \t]+)?|@[ \t]*)([A-Za-z]{2,5})\b(?![/&'\-]\w)")
_ACRONYM_BEFORE = fast(
    r"\b(?i:transfer\w*|trans|tx'?d?|txf'?d|sent|brought|taken|went|go|going|come|came|arriv\w*|"
    r"admit\w*|adm|return\w*|enroute|en route|presented|present|seen|followed|leave|left|"
    r"i'm|i am|is|was|had|has|she had|he had|far|so far|pt|patient|transport\w*|ems|amb|"
    r"ambulance|w/u|by|care|team|arrival|->)(?:\W+(?i:to|at)\W+(?i:the\W+)?(?i:ed|er|ew))?"
    r"\W*(?i:to|at|from|into|in|by)?\W*(?i:the\W*)?$"
)
_ACRONYM_AFTER = fast(
    r"[ \t]+(?i:er|ew|ed|cath|hospital|hosp|clinic|attorneys?|for (?:further|follow|eval))\b")
# An employer ("works for Vista Health", "CEO OF ACMECO"): its name says where a person is.
_EMPLOYER = fast(r"\b(?i:works?|worked|working|employed|ceo|owner|owns|business)[ \t]+"
                       r"(?i:for|at|of|with)?[ \t]*(?i:the[ \t]+)?([A-Za-z][\w'&\-]*)")
# Town-name endings ("Lansdowne", "Randallstown", "rockport") after a place preposition.
_PLACE_SUFFIX = fast(
    r"[a-z]{3,}(?:town|ville|burg|burgh|port|mere|owne|field|wood|ford|dale|boro|borough|ton|"
    r"mont|ham|shire|haven|ridge|brook|hurst|wick|chester|bury|stead|more|mouth|crest|"
    r"land|ington)$"
)
_REGIONS = (
    "al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj "
    "nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc usa us uk alabama alaska "
    "arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho "
    "illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan "
    "minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania "
    "tennessee texas utah vermont virginia washington wisconsin wyoming england ireland "
    "scotland finland poland iceland greenland netherlands switzerland")
# states and countries: above the level of geography that identifies anyone
_US_STATES = frozenset(_REGIONS.split())


def _unknown_word(policy: Policy, word: str) -> bool:
    """Not an everyday, clinical or state word: "GH", "Kernan", "Quartermain"."""
    low = word.lower()
    return not (low in _NOT_PLACE or low in _NOT_NAMES or low in _US_STATES
                or is_common_word(policy, low) or low in _place_stop_words(policy))


def _place_stop_words(policy: Policy) -> frozenset[str]:
    """Clinical words and shorthand: never the name of a place ("returned to NSR")."""
    result: frozenset[str] = policy.memo(
        "place-stop-words", lambda: _clinical_words(policy) | _clinical_abbreviations(policy))
    return result


def _clinical_abbreviations(policy: Policy) -> frozenset[str]:
    result: frozenset[str] = policy.memo(
        "clinical-abbreviations", lambda: frozenset(policy.lexicon("clinical_abbreviations")))
    return result


def find_unknown_places(text: str, policy: Policy) -> list[Ident]:
    """Extract mode: places known only by their position. An acronym after "to/at/from" that
    is no word or clinical shorthand ("to GH", "at GBMC"), and a word with a town's ending
    after a place preposition ("in Lansdowne", "of Reisterstown")."""
    out = []
    mixed = not (text.isupper() or text.islower())
    for m in _EMPLOYER.finditer(text):
        words = m.group(1).split()
        if _unknown_word(policy, words[0]) and (words[0][0].isupper() or not mixed):
            out.append(Ident(m.start(1), m.start(1) + len(words[0]), "location", "employer", False))
    for m in _ACRONYM_PLACE.finditer(text):
        tok = m.group(1)
        if not ((tok.isupper() or not mixed) and len(tok) <= 4 and _unknown_word(policy, tok)):
            continue
        # clinical shorthand is everywhere ("changed to PS", "sent clot to BB"): only where a
        # person is moved, is, or is cared for, or where a unit of the place follows
        if _ACRONYM_BEFORE.search(text[max(0, m.start() - 28):m.start()]) \
                or _ACRONYM_AFTER.match(text, m.end(1)):
            out.append(Ident(m.start(1), m.end(1), "location", "acronym-place", False))
    for m in _ANY_WORD.finditer(text):
        word = m.group().rstrip(".'")
        if len(word) < 6 or not _PLACE_SUFFIX.search(word.lower()):
            continue
        if not (word[0].isupper() or not mixed):
            continue
        if _PLACE_PREP.search(text[max(0, m.start() - 9):m.start()]) \
                and _unknown_word(policy, word):
            out.append(Ident(m.start(), m.start() + len(word), "location", "town-shape", False))
    return out


def propagate(text: str, found: list[Ident], policy: Policy) -> list[Ident]:
    """A name or place found once marks every other mention of it in the same text ("PER
    DAVID ... DAVID IS SPEAKING", "to Quartermain 6 ... QUARTERMAIN 2 WHEN BED AVAIL"), as
    de-identification tools do. Only unknown words of four or more letters travel."""
    # the recognisers that read a context ("MR ...", "DAUGHTER ...", "to ... 6"), not the
    # loose name-shape guesses, which would spread their mistakes
    labels = {"titled-name", "full-name", "relative-name", "first-name", "contact-name", "ward",
              "town", "acronym-place", "town-shape", "employer"}
    words: dict[str, tuple[str, str]] = {}
    for i in found:
        if i.label not in labels:
            continue
        for w in re.findall(r"[A-Za-z][A-Za-z'\-]{2,}", text[i.start:i.end]):
            low = w.lower()
            if (len(low) >= 4 or i.label == "acronym-place") and _unknown_word(policy, low) \
                    and not re.fullmatch(_PATIENT_TITLES, w, re.IGNORECASE):
                words[low] = (i.kind, i.label)
    if not words:
        return []
    pattern = re.compile(r"(?<![A-Za-z])(" + "|".join(map(re.escape, words)) + r")(?![A-Za-z])",
                         re.IGNORECASE)
    return [Ident(m.start(), m.end(), words[m.group().lower()][0], "propagated",
                  words[m.group().lower()][0] == "name") for m in pattern.finditer(text)]


def find_places(text: str, policy: Policy, loose: bool) -> list[Ident]:
    """Geography below state level: known towns after a place preposition ("from Yonkers"),
    and in extract mode the place a patient was moved to or from ("transferred to Kernan")."""
    towns, stop = _towns(policy), _place_stop_words(policy)
    out: list[Ident] = []
    # in extract mode a town may be written lower-case ("lives in rockport")
    for m in (_ANY_WORD if loose else _CAP_TOKEN).finditer(text):
        # a town of one to three words, capitalised, after "from/in/near ..."
        if not _PLACE_PREP.search(text[max(0, m.start() - 9):m.start()]):
            continue
        words = re.match(r"[A-Za-z][\w'\-.]*(?:\s[A-Za-z][\w'\-.]*){0,2}" if loose
                         else r"[A-Z][\w'\-.]*(?:\s[A-Z][\w'\-.]*){0,2}", text[m.start():])
        if not words:
            continue
        parts = words.group().rstrip(".").split()
        for n in range(len(parts), 0, -1):
            cand = " ".join(parts[:n])
            if cand.lower() in towns and cand.lower() not in stop:
                out.append(Ident(m.start(), m.start() + len(cand), "location", "town", False))
                break
    if loose:
        for m in _WARD.finditer(text):
            w = m.group(1).lower()
            if w not in _NOT_PLACE and w not in _NOT_NAMES and w not in stop \
                    and w not in _WARD_NOT:
                out.append(Ident(m.start(1), m.end(1), "location", "ward", False))
        for pat in (_MOVE, _FACILITY):
            for m in pat.finditer(text):
                if pat is _FACILITY and m.group(2):
                    out.append(Ident(m.start(2), m.end(2), "location", "facility", False))
                    continue
                s, e = _place_words(m.start(1), m.group(1), stop, facility=pat is _FACILITY)
                if e > s:
                    out.append(Ident(s, e, "location", "facility", False))
    return out


_WARD_NOT = frozenset(["rate", "dose", "pain", "level", "levels", "grade", "stage", "step", "week", "weeks", "month", "months", "hour", "hours", "days", "page", "line", "lines", "site", "sites", "times", "time", "size", "bottle", "bag", "bags", "unit", "units", "liter", "liters", "drops", "scale", "score", "number", "zone", "lead", "leads", "vial", "vials", "tabs", "amps", "rounds", "round", "tier", "sats", "fio2", "peep", "mode", "setting", "settings", "pressure", "pressures", "volume", "volumes", "cycle", "cycles", "trial", "value", "class", "type", "phase", "part", "ratio", "ration", "bolus", "boluses", "total", "x", "high", "higher", "upper", "lower", "goal", "receive", "received", "least", "around", "about", "under", "over", "near", "than", "with", "within", "from"])


_FACILITY_TAIL = frozenset(["hospital", "hosp", "memorial", "medical", "med", "center", "ctr",
                            "centre", "general", "rehab", "rehabilitation", "nursing", "home",
                            "vamc", "va", "health", "healthcare", "manor", "assisted", "living",
                            "hospice", "county", "jail", "correctional", "campus"])
_GENERIC_FACILITY = frozenset(["hospital", "hosp", "medical", "med", "center", "ctr", "centre",
                               "rehab", "rehabilitation", "nursing", "home", "health",
                               "healthcare", "assisted", "living", "hospice", "campus", "va"])
_FACILITY_NAME_WORDS = frozenset(["memorial", "general", "st", "saint", "mount", "mt", "holy",
                                  "sacred", "heart", "cross", "university", "univ", "u", "of",
                                  "community", "regional", "children's", "childrens", "county",
                                  "mercy", "good", "samaritan", "shepherd", "presbyterian",
                                  "methodist", "baptist", "lutheran", "veterans", "state"])


def _place_words(start: int, chunk: str, stop: frozenset[str], facility: bool) -> tuple[int, int]:
    toks = list(re.finditer(r"[\w'\-.]+", chunk))
    if facility:
        # the facility words ("medical center"), then the words of its name before them;
        # "Memorial", "General", "St", "Holy" name a hospital here, not a ward
        keep = []
        i = len(toks) - 1
        while i >= 0 and toks[i].group().lower().strip(".") in _FACILITY_TAIL:
            keep.append(toks[i])
            i -= 1
        named = False
        while i >= 0:
            t = toks[i]
            w = t.group().lower().strip(".")
            if w not in _FACILITY_NAME_WORDS and w not in _US_STATES and (
                    w in _NOT_PLACE or w in _NOT_NAMES or w[0].isdigit() or (t.group().islower() and (
                        w.endswith(("ed", "ing", "ly", "ion", "ity", "s")) or len(w) > 12))):
                break
            keep.append(t)
            named = True
            i -= 1
        named = named or any(t.group().lower() not in _GENERIC_FACILITY for t in keep)
        keep.reverse()
        if not named:
            return start, start
    else:
        keep = []
        for t in toks:
            w = t.group().lower().strip(".")
            if w in _NOT_PLACE or w in stop or w[0].isdigit() or (t.group().islower() and (
                    w.endswith(("ed", "ing", "ly", "ion", "ity")) or len(w) > 12)):
                break
            keep.append(t)
    if not keep or all(len(t.group()) < 2 for t in keep):
        return start, start
    return start + keep[0].start(), start + keep[-1].end()


# --- quasi-identifiers: places, jobs, family, celebrity ----------------------------------------
def find_descriptors(view: PostView) -> list[Ident]:
    out = [Ident(m.start, m.end, "location", "place", False) for m in view.find("places")]
    out += [i for i in find_places(view.text, view.policy, loose=False)
            if not any(i.start < o.end and o.start < i.end for o in out)]
    out += [Ident(m.start(), m.end(), "location", "place", False)
            for m in _TOWN_PHRASE.finditer(view.text)]
    out += [Ident(m.start(), m.end(), "descriptor", "unique", False)
            for m in _ONLY_ONE.finditer(view.text)]
    out += [Ident(m.start(), m.end(), "location", "incident-place", False)
            for m in _INCIDENT_PLACE.finditer(view.text)]
    out += [Ident(m.start(), m.end(), "date", "birth-date", True) for m in _BIRTH.finditer(view.text)]
    for lexicon, label in (("occupations", "occupation"), ("occupations_general", "occupation"),
                           ("family_cues", "family"), ("celebrity_cues", "celebrity"),
                           ("recognisable_cues", "celebrity")):
        out += [Ident(m.start, m.end, "descriptor", label, False) for m in view.find(lexicon)
                if not (m.phrase == "ex-" and _EX_PARTNER.match(view.lower, m.end))
                and not (m.phrase.startswith("teach") and _TAUGHT.match(view.lower, m.end))]
    own = _own_site_phrases(view.policy)
    return [i for i in out if not (i.kind == "location"
                                   and any(p in view.lower[i.start:i.end] for p in own))]


def _own_site_phrases(policy: Policy) -> tuple[str, ...]:
    """The organization's own sites ("York Avenue" from "Memorial Hospital (York Avenue)"):
    where care happens, not where a patient lives."""
    def build() -> tuple[str, ...]:
        out: list[str] = []
        for site in policy.org.sites:
            name = site.name.lower()
            out += re.findall(r"\(([^)]+)\)", name)
            out.append(re.sub(r"\s*\([^)]*\)", "", name).strip())
        return tuple(p for p in out if len(p) > 3)
    phrases: tuple[str, ...] = policy.memo("own-site-phrases", build)
    return phrases


#: "teaching me to prune tomatoes" is what someone did, not their job ("she teaches 3rd grade").
_TAUGHT = fast(r"\s+(?:me|us|you|him|her|them|my|our|everyone|everybody)\b")


#: "ex-" marks a former job ("an ex-Marine"); before a partner it is family, not work.
_EX_PARTNER = fast(r"(?:wife|husband|boyfriend|girlfriend|partner|spouse|fianc\w*|bf|gf)\b")


def _is_prose(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return bool(letters) and 0 < upper < 0.35 * len(letters)


def _ner_idents(text: str, policy: Policy, ents: list[tuple[int, int, str]]) -> list[Ident]:
    clinical = _clinical_words(policy)
    out = []
    for s, e, label in ents:
        words = text[s:e].lower().replace("'s", "").split()
        if not words or any(w in clinical or w in _NOT_NAMES for w in words[-1:]):
            continue
        if label == "PERSON":
            out.append(Ident(s, e, "name", "ner-person", True))
        elif label in ("GPE", "LOC", "FAC"):
            out.append(Ident(s, e, "location", "ner-place", False))
    return out


def _towns(policy: Policy) -> frozenset[str]:
    def build() -> frozenset[str]:
        return frozenset(t.lower() for t in (*policy.lexicon("us_towns"), *policy.lexicon("places")))

    result: frozenset[str] = policy.memo("phi-towns", build)
    return result


# --- everything, with no care context ---------------------------------------------------------
def extract_identifiers(text: str, policy: Policy | None = None, *,
                        ner: bool | None = None) -> list[IdentifierSpan]:
    """Every identifier candidate in `text`, care context or not, as spans of the original
    text, longest first where they overlap. For de-identification and span benchmarks; the
    `phi` rule itself asks more (an identifier tied to a patient's care).

    `ner`: also ask spaCy's NER for people and places (None: when the model is installed).
    It runs on prose only (mixed case): on all-caps notes it guesses."""
    from clearpost.policy.loader import default_policy

    pol = policy or default_policy()
    view = PostView(Post(text=text), pol)
    t = view.text
    found: list[Ident] = []
    found += _contacts(t, loose=True)
    found += find_cued_addresses(t)
    found += find_names(view)
    found += find_loose_names(t, pol, [(i.start, i.end) for i in found])
    found += _ages(t, loose=True)
    found += _rooms(t)
    found += [Ident(m.start(), m.end(), "date", "date", False) for m in _DATE.finditer(t)
              if _is_calendar_date(m.group()) and not _is_setting(t, m.start(), m.end())]
    found += [Ident(m.start(), m.end(), "date", "date", False) for m in _DASHED_DATE.finditer(t)]
    found += [Ident(m.start(), m.end(), "date", "year", False) for m in _YEAR.finditer(t)]
    found += find_places(t, pol, loose=True)
    found += find_unknown_places(t, pol)
    found += _history_years(t)
    found += propagate(t, found, pol)
    if ner is not False and _is_prose(t):
        from clearpost.detectors import ner as spacy_ner

        if ner or spacy_ner.available():
            found += _ner_idents(t, pol, spacy_ner.entities(t))
    # overlapping finds are one identifier ("University of Maryland" + "Maryland Hospital"):
    # their union, named after the longest
    merged: list[Ident] = []
    for i in sorted(found, key=lambda i: (i.start, -(i.end - i.start))):
        if merged and i.start < merged[-1].end:
            last = merged[-1]
            longest = last if last.end - last.start >= i.end - i.start else i
            merged[-1] = Ident(last.start, max(last.end, i.end), longest.kind, longest.label,
                               longest.direct)
        else:
            merged.append(i)
    out: list[IdentifierSpan] = []
    for i in merged:
        s, e = view.norm.span(i.start, i.end)
        out.append(IdentifierSpan(s, e, i.kind, i.label, text[s:e]))
    return out
