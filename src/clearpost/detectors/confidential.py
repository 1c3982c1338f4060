"""confidential and not-yet-public: internal material, credentials, codenames, internal links;
news about the organization that it has not published."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from clearpost.detectors import phi
from clearpost.detectors.base import (
    Hit,
    PostView,
    Span,
    policy_org_alternation,
    sentence_of,
    weak_org_lexicon,
)
from clearpost.detectors.identifiers import roster_entries
from clearpost.policy.corpus import corpus_dirs, load_items, org_name_words
from clearpost.text.bm25 import BM25Index, CorpusMatch
from clearpost.text.patterns import fast

_PASSWORD = fast(
    r"\b(?:password|passwd|pwd|pw|passcode|pass code|door code|access code|lock code|keypad code|"
    r"gate code|alarm code|pin|wifi password|login)\b[^.!?\n]{0,40}?(?:is|:|=|'s|mine's|changed to|"
    r"is now|now|switched to|updated to)\s*"
    r"['\"]?([^\s'\"]{4,})"
    r"|\bmine's\s+([^\s]{6,})"
    r"|\b(?:creds|credentials|login)\b[^.!?\n]{0,50}?\buser(?:name)?\s*:?\s*\S+\s*/\s*(\S{4,})"
    r"|\b(?:creds|credentials|login)\b[^.!?\n]{0,60}?:\s*\S+\s*/\s*(\S{4,})"
    r"|\b(?:passcode|password|pin|door code|access code|meeting id|passwd|pwd|pw|pass|credential)\s*[:#]?\s*"
    r"((?=[^\s]*\d)[0-9A-Za-z!@#$%^&*]{4,})"
    r"|\b(?:wifi key|network key|wpa key|key)\s*[:#]?\s*((?=\S*\d)(?=\S*[A-Za-z])"
    r"[0-9A-Za-z!@#$%^&*]{6,})"
    r"|\bcode (?:for|to) (?:the )?[^.!?\n]{0,40}? is\s*([0-9#*]{3,})"
    r"|\b(?:override|combo|combination|door code|keypad)\b[^.!?\n]{0,60}?\b(?:is|it's|its|now|to)"
    r"\s+(?:still |now |just )?"
    r"([0-9#*](?:[-. ]?[0-9#*]){2,})(?![\w-])"
    # "the wifi password for X is on a post-it … it's Tulip!Harbor88 btw"
    r"|\b(?:password|passcode|wifi password|door code|access code)\b[^\n]{0,90}?\b(?:it's|its)\s+"
    r"((?=\S*[\d!@#$%^&*])(?=\S*[A-Za-z])[0-9A-Za-z!@#$%^&*]{6,})"
    # "the backup login labtemp / Sk1ttles!24": a user name and a password with a digit or sign
    r"|\b(?:login|logon|creds|credentials|user/pass|u/p)\s+[^\s/]{3,}\s*/\s*"
    r"((?=\S*[\d!@#$%^&*])\S{6,})"
    # the pair a few words on: "the downtime login under the keyboard … (DT_ONC7 / Winter#2025)"
    r"|\b(?:login|logon|creds|credentials)\b[^.!?\n]{0,80}?\(\s*[\w.-]{3,}\s*/\s*"
    r"((?=[^\s)]*\d)(?=[^\s)]*[A-Za-z])[^\s)]{6,})\s*\)",
    re.IGNORECASE,
)
_SECRET = fast(
    r"\b(?:AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9]{20,}|ghp_[A-Za-z0-9]{30,}|xox[abp]-[A-Za-z0-9-]{10,}|"
    r"AIza[0-9A-Za-z_\-]{30,}|-----BEGIN [A-Z ]*PRIVATE KEY-----)"
    # a token pasted with its header or name: "Bearer tk_prod_8c41…", "api_key = '…'"
    r"|\b[Bb]earer\s+((?=[\w.~+/=-]*\d)[\w.~+/=-]{12,})"
    r"|\b(?i:api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|secret[_-]?key)['\"]?"
    r"\s*[:=]\s*['\"]?((?=[\w.~+/=-]*\d)[\w.~+/=-]{12,})"
)
_INTERNAL_LINK = fast(
    r"\b(?:https?://)?[a-z0-9.-]*(?:intranet|sharepoint|confluence|jira|wiki\.internal|"
    r"\.internal|\.local|\.corp|\.lan)\b[^\s]*"
    r"|\bhttps?://(?:docs|drive)\.google\.com/[^\s]+|\bhttps?://[^\s]*box\.com/s/[^\s]+"
    r"|(?<!\S)\\\\[a-z0-9_.$-]+\\\S+|\b[A-Z]:\\[^\s]+",
    re.IGNORECASE,
)
_CODENAME = fast(r"\b(?:Project|Operation|Codename|Code name|Initiative)\s+[A-Z][a-z]+"
                       r"(?:\s+[A-Z][a-z]+)?\b")
_MONEY_INTERNAL = fast(
    r"\$\s?\d[\d,.]*\s?(?:m|mm|million|b|bn|billion|k)?\b[^.!?\n]{0,40}?\b(?:shortfall|deficit|"
    r"loss|losses|cuts?|budget gap|overrun|layoffs?|write-?down|in the red)\b"
    r"|\b(?:hiring freeze|freezing (?:all )?(?:new )?hiring|layoffs? (?:are )?coming|"
    r"budget cuts?|reduction in force|rif)\b",
    re.IGNORECASE,
)
#: A gap in the organization's physical security: "the badge reader on the dock door doesn't
#: lock", "the cameras in the garage stairwell have been down since march".
_SECURITY_GAP = fast(
    r"\b(?:cameras?|cctv|badge readers?|card readers?|readers?|door locks?|locks?|alarms?|panic buttons?|"
    r"metal detectors?|security gates?|turnstiles?|(?:\w+ )?doors?)\b[^.!?\n]{0,60}?\b(?:(?:have|has) "
    r"been (?:down|broken|off|disabled|dead|out|dark)|(?:are|is) (?:down|broken|disabled|dead|off|dark)|"
    r"opens? for (?:literally )?(?:any|every) (?:card|badge|one)|"
    r"(?:don't|doesn't|dont|doesnt|do not|does not|won't|wont|never) (?:lock|work|record|latch|"
    r"close|alarm)|not (?:working|recording|locking))\b", re.IGNORECASE)
_SECURITY_PLACE = fast(
    r"\b(?:badge|dock|loading dock|garage|stairwell|hospital|unit|floor|ward|pharmacy|med room|"
    r"supply room|lab|clinic|campus|lobby|entrance|security|er|ed|or|icu|nicu|morgue|"
    r"server room|data center)\b", re.IGNORECASE)
#: Internal material seen where it was not meant to be read: "saw the slide deck on my
#: manager's screen", "left on the printer by comms".
_SEEN_INTERNAL = fast(
    r"\b(?:saw|seen|spotted|read|found|left) (?:the |a |this |an )?(?:slide deck|slides|deck|memo|email|"
    r"spreadsheet|draft|org chart|budget|agenda|minutes|this|it)\b[^.!?\n]{0,30}?\b(?:on|in|at|by) "
    r"(?:my |the |our |a )?(?:\w+'s |\w+ )?(?:screen|desk|printer|copier|inbox|laptop|monitor)\b",
    re.IGNORECASE)
_INTERNAL_LIST = fast(r"\b(?:OR|surgery|surgical|case|patient|census|bed|chair)\s+(?:board|schedule|"
                            r"list|census|roster)\b|\b(?:nursing|charge|patient|pt) assignments?\b|"
                            r"\bassignment sheet\b",
                            re.IGNORECASE)
_PUBLIC_SOURCE = fast(r"\b(?:just announced|announced (?:today|this week|yesterday)|"
                            r"(?<!until the )(?<!before the )(?<!ahead of the )(?<!waiting for the )(?<!no )"
                            r"press release(?! (?:whenever|next|soon|later|tomorrow|drops|is coming|comes|"
                            r"hasn't|has not|isn't|is not|not yet|pending|draft|goes out (?:next|tomorrow|on))\b)|"
                            r"is out (?:today|now|in)|out (?:today|now) in|published (?:today|in)|"
                            r"embargo (?:is |has |was |finally )?(?:lifted|over|up)|"
                            r"(?:careers?|jobs) (?:site|page|website|portal)|"
                            r"now available|reposting from|via @|doi\.org|pubmed)\b", re.IGNORECASE)


_CONFIDENTIAL_USE = fast(
    r"^\s*(?:(?:memo|document|doc|email|e-mail|report|data|info|information|slides?|deck|draft|"
    r"list|file|spreadsheet|figures|numbers|results|plan|budget|minutes)\b|[—:-])")


#: "Do not forward or republish": a publisher's notice, not an internal label.
_REPUBLISH = fast(r"\s+or\s+(?:republish|reproduce|redistribute|repost|reprint)")
#: "so I don't share it with anyone at work" (a cold) is about the author, not a document.
_SELF_SHARING = fast(r"\b(?:i|we) (?:don't|dont|do not) share (?:it|this|my)\b")


def _is_marker_use(view: PostView, start: int, end: int) -> bool:
    """"confidential" as a label on material ("CONFIDENTIAL", "confidential memo"), not as
    an everyday adjective ("confidential informants")."""
    if view.text[start:end].isupper():
        return True
    before = view.lower[max(0, start - 20):start]
    return bool(_CONFIDENTIAL_USE.search(view.lower[end:end + 15])
                or re.search(r"\b(?:strictly|highly|company|internal|marked|labelled|labeled)\s+$",
                             before))


def _embargo_hits(view: PostView) -> list[Span]:
    terms = view.policy.org.embargo_terms
    if not terms:
        return []
    out = []
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", view.lower)]
    for term in terms:
        t = term.lower()
        n = len(t.split())
        for i in range(len(words) - n + 1):
            s, e = words[i][0], words[i + n - 1][1]
            chunk = view.lower[s:e].strip(".,!?;:'\"()")
            if fuzz.ratio(chunk, t) >= 88:
                out.append(Span(s, s + len(chunk), "codename"))
    return out


#: Host labels that mark a machine inside the network: "dataportal.int.mskcc.org".
_INTERNAL_LABELS = r"(?:int|internal|intra|intranet|corp|dev|test|staging|stage|vpn|priv|private)"


def _internal_host_pattern(view: PostView) -> re.Pattern[str] | None:
    def build() -> re.Pattern[str] | None:
        hosts = [re.escape(h.lower()) + r"[^\s]*" for h in view.policy.org.intranet_hosts]
        domains = "|".join(re.escape(d.lower()) for d in view.policy.org.web_domains)
        if domains:
            hosts.append(rf"\b(?:[a-z0-9-]+\.)*{_INTERNAL_LABELS}\.(?:[a-z0-9-]+\.)*(?:{domains})\b[^\s]*")
        return re.compile("|".join(hosts)) if hosts else None

    pattern: re.Pattern[str] | None = view.policy.memo("internal-hosts-re", build)
    return pattern


def _internal_hosts(view: PostView) -> list[Span]:
    pattern = _internal_host_pattern(view)
    if pattern is None or "." not in view.text:
        return []
    return [Span(m.start(), m.end(), "internal-link") for m in pattern.finditer(view.lower)]


#: A password of the author's own life, not of work: "our home wifi … the password is …".
_PERSONAL_ACCOUNT = fast(r"\b(?:home|my|our home|my home) (?:wifi|wi-fi|network|router)\b|"
                               r"\b(?:my|our) (?:netflix|hulu|spotify|disney|hbo|max|prime|"
                               r"streaming) (?:password|login|account)\b|\bhome wifi\b",
                               re.IGNORECASE)
#: Words between "is" and the secret: "the password is literally tacotuesday".
_FILLER = frozenset({"literally", "just", "still", "now", "actually", "basically", "like"})
#: A lawsuit settled or settling, with an amount or an internal source: legal matters are
#: confidential until the organization announces them (and so not yet public).
_LEGAL = fast(
    r"\b(?:settl(?:e|es|ed|ing)|settlement)\b[^.!?\n]{0,60}?\b(?:suit|lawsuit|litigation|claim|case)"
    r"\b|\b(?:suit|lawsuit|litigation)\b[^.!?\n]{0,60}?\bsettl\w+", re.IGNORECASE)
_LEGAL_SOURCE = fast(r"\$\s?\d|\blegal (?:told|says|said|just|finally|confirmed)\b|"
                           r"\b(?:general counsel|our lawyers|risk management) (?:told|says|said)\b",
                           re.IGNORECASE)


def legal_matter(view: PostView) -> list[Span]:
    found: list[Span] = view.memo("legal", lambda: _legal_matter(view))
    return found


def _legal_matter(view: PostView) -> list[Span]:
    if "settl" not in view.lower:
        return []
    m = _LEGAL.search(view.text)
    if m is None or not _LEGAL_SOURCE.search(view.text):
        return []
    return [Span(m.start(), m.end(), "legal")]


def confidential(view: PostView) -> list[Hit]:
    ev: list[Span] = []
    reasons: list[str] = []
    secrets = list(_PASSWORD.finditer(view.text))
    if secrets and _PERSONAL_ACCOUNT.search(view.text):
        secrets = []
    for m in secrets:
        g = next((i for i in range(1, (m.re.groups or 0) + 1) if m.group(i)), 0)
        s, e = (m.start(g), m.end(g)) if g else (m.start(), m.end())
        if view.text[s:e].lower() in _FILLER:
            after = re.match(r"\s+['\"]?([^\s'\"]{4,})", view.text[e:])
            if after is None:
                continue
            s, e = e + after.start(1), e + after.end(1)
        ev.append(Span(s, e, "credential"))
        reasons.append("a password or access code")
    for m in _SECRET.finditer(view.text):
        ev.append(Span(m.start(), m.end(), "credential"))
        reasons.append("a secret key")
    links = _internal_hosts(view) or [Span(m.start(), m.end(), "internal-link")
                                      for m in _INTERNAL_LINK.finditer(view.text)]
    if links:
        ev += links
        reasons.append("an internal link")
    codenames = _embargo_hits(view) + [Span(m.start(), m.end(), "codename")
                                       for m in _CODENAME.finditer(view.text)]
    if codenames:
        ev += codenames
        reasons.append("an internal codename or embargoed term")
    markers = view.find("confidential_markers")
    money = list(_MONEY_INTERNAL.finditer(view.text))
    if money:
        ev += [Span(m.start(), m.end(), "financial") for m in money]
        reasons.append("internal financial or staffing details")
    real_markers = [m for m in markers if (m.phrase not in ("town hall", "confidential")
                                           or (m.phrase == "confidential"
                                               and _is_marker_use(view, m.start, m.end)))
                    and not _SELF_SHARING.search(view.lower[max(0, m.start - 12):m.end + 12])
                    and not _REPUBLISH.match(view.lower, m.end)]
    if real_markers:
        ev += [Span(m.start, m.end, "marker") for m in real_markers]
        reasons.append("material marked internal, confidential or unpublished")
    unpublished = unpublished_result(view)
    if unpublished:
        ev += unpublished
        reasons.append("results or announcements not yet published")
    legal = legal_matter(view)
    if legal:
        ev += legal
        reasons.append("a legal matter")
    gaps = list(_SECURITY_GAP.finditer(view.text))
    if gaps and (view.mentions_org or _SECURITY_PLACE.search(view.text)):
        ev += [Span(m.start(), m.end(), "security") for m in gaps]
        reasons.append("a gap in the organization's security")
    listed = [Span(m.start(), m.end(), "internal-document") for m in _INTERNAL_LIST.finditer(view.text)]
    listed += [Span(m.start(), m.end(), "internal-document") for m in _SEEN_INTERNAL.finditer(view.text)]
    # a pasted census or schedule: room or time, then surname, entry after entry
    listed += [Span(a, e, "internal-document") for a, _, _, e in roster_entries(view.text)[:3]]
    if listed:
        ev += listed
        reasons.append("an internal schedule or list")
    if not ev:
        return learned_disclosure(view, CONFIDENTIAL_MODEL)
    return [Hit(message="Shares confidential information: " + ", ".join(dict.fromkeys(reasons)) + ".",
                evidence=tuple(sorted(set(ev))),
                explain={"reasons": list(dict.fromkeys(reasons))})]


def _plan_pattern(view: PostView) -> re.Pattern[str]:
    def build() -> re.Pattern[str]:
        org = policy_org_alternation(view.policy)
        subject = (rf"(?:{org}|we|we're|we are|our (?:\w+ )?(?:hospital|department|center|team|division|"
                   r"service|lab|institute|unit|floor|clinic|program|site|office|practice)|leadership|the (?:hospital|department|board)|"
                   r"the department of [a-z ]+)")
        plan = (r"(?:is|are|will be|'s|'re)?\s*\b(?:opening|launching|closing|building|acquiring|"
                r"merging|buying|cutting|consolidating|moving|expanding|partnering|planning|"
                r"projecting|freezing|laying off|shutting|getting a new|splitting|restructuring|reorganizing|"
                r"losing|dropping|ending|leaving for|stepping down|"
                r"relocating|renaming|rebranding|rolling out|about to sign|about to announce|about to launch)\b"
                r"|\b(?:voted|decided|agreed|is going|are going) to (?:open|close|cut|merge|sell|buy|"
                r"acquire|shut|consolidate|eliminate|expand|build|launch|move|reduce)\b"
                r"|\bwill (?:open|launch|close|build|acquire|merge|cut|consolidate|move|expand|"
                r"partner|announce|reduce|eliminate)\b|\bplans? to\b"
                r"|\bis about to (?:take over|buy|acquire|open|close|merge|sign|announce|launch|"
                r"hire|lose|cut|become|partner|expand|move|break ground|name|get a new)\b")
        pats = [
            rf"\b{subject}\b[^.!?\n]{{0,60}}?(?:{plan})",
            r"\b(?:welcome|welcoming)\b[^.!?\n]{0,60}\bas (?:our|the) new\b",
            r"\bour new (?:chief|chair|director|head|ceo|president|dean|vp)\b(?![^.!?\n]{0,40}\b(?:is|was) "
            r"(?:a|an|such|so|the worst|useless|clueless)\b)",
            r"\b(?:a |our |the )?new (?:chief|chair|director|head|ceo|president|dean|vp|cno|cmo|cfo|"
            r"coo)\b[^.!?\n]{0,40}?\b(?:is coming|is joining|starts|will start|coming over)\b",
            rf"\bjoin(?:s|ing)? (?:{org}|us|our \w+) as (?:the|our) new\b",
            rf"\b(?:just |has |have )?sign(?:ed|s|ing) (?:on )?with (?:{org}|us|our (?:\w+ )?"
            r"(?:group|team|department|division|service|program|lab))\b",
            r"\bjoins us (?:from|this|next|in)\b",
            # a hire from elsewhere: "Dr. Ruiz from MD Anderson is coming to run our GU program"
            r"\b(?:is|are|'s|'re) (?:coming|moving|being brought in|being recruited|headed) (?:over |here |back )?"
            r"(?:from [\w .&'-]{1,30} )?to (?:run|lead|head|chair|direct|take over)\b",
            r"\b(?:is|are|'s|'re) (?:coming|moving|headed) (?:over |here )?from (?:[\w.&'-]+ ){1,4}"
            r"(?:in|this|next|on|by) (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|the spring|the fall|"
            r"the summer|the new year|monday|next)\w*",
            r"\bsearch (?:is|'s) (?:basically |pretty much |all but |practically )?(?:over|done|decided)\b",
            r"\bshovels (?:in|into) the ground\b|\bbreak(?:s|ing)? ground (?:on|in|next|this|by)\b",
            # a deal done or an announcement dated: "ink dried last thursday", "what MSK is
            # announcing next week"
            r"\bink (?:is |has |)?(?:dry|dried)\b|\bdeal (?:is )?(?:done|signed|inked|closed)\b",
            # a named part of the place closing or moving: "the infusion unit at … will close on 9/30"
            r"\bthe (?:[\w-]+ ){1,2}(?:unit|clinic|floor|pavilion|center|service|program|practice|"
            r"campus|wing)\b[^.!?\n]{0,60}?\b(?:will (?:close|open|move|merge|relocate|consolidate|"
            r"shut down)|is (?:closing|opening|moving|merging|relocating|shutting down|being (?:closed|"
            r"merged|consolidated|relocated|shut down)))\b",
            r"\b(?:a |officially a |basically a |now a )?done deal\b|\bcontracts? (?:(?:are|were|was|got|"
            r"have been|has been|is|all) )?signed\b",
            # a new place opening on a date: "new 24-bed unit on 16 opens in october"
            r"\bnew (?:[\w-]+ ){0,3}(?:unit|clinic|site|center|centre|building|pavilion|campus|wing|"
            r"lab|program|institute|hospital)\b[^.!?\n]{0,40}?\b(?:opens?|opening|launch(?:es|ing)?|"
            r"goes live) (?:in|this|next|on|by|early|late) ",
            r"\b(?:is|are|'s|'re) (?:announcing|unveiling|revealing) (?:\w+ )?(?:next|this|on|"
            r"tomorrow|soon|monday|tuesday|wednesday|thursday|friday)\b",
            r"\btaking over as (?:the |our )?(?:new )?(?:chair|chief|director|head|ceo|president|dean|vp|"
            r"cno|cmo|cfo|coo)\b",
            r"\b(?:is|'s|are|'re|being|been|will be|gonna be|getting) (?:named|appointed|promoted to|"
            r"tapped as|tapped to lead|made) (?:\w+'s |our |the )?(?:next|new|interim|permanent)\b",
            r"\beffective (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|monday|next)\w*",
            r"\b(?:trial|study) (?:met|missed|failed|hit) (?:its|the) (?:primary )?endpoint",
        ]
        return re.compile("|".join(f"(?:{p})" for p in pats))

    pattern: re.Pattern[str] = view.policy.memo("plan-re", build)
    return pattern


#: Hints that are news only when the organization or the work is the subject ("stay tuned
#: for pics from my trip" is not); the others ("you didn't hear it from me") count alone.
WEAK_HINTS = frozenset({"stay tuned", "sneak peek", "can't wait to share", "cant wait to share",
                        "big news soon", "big news coming", "big announcement coming", "shhh",
                        "shh", "🤫", "🤐", "spill the tea", "more soon", "can't say more",
                        "cant say more", "cannot say more", "can't say much", "keep it quiet",
                        "don't tell anyone", "under wraps", "can't tell anyone",
                        "cant tell anyone", "not allowed to say", "can't talk about it yet",
                        "cant talk about it yet", "not supposed to share", "keep an eye on",
                        "let's just say", "lets just say", "between us", "can't say anything",
                        "cant say anything", "cantsayanything", "can't say a word",
                        "cant say a word", "cannot say a word"})
#: Hints that only point somewhere ("watch this space"): news only next to something to come
#: (a claim, another hint, a time or "something"); after praise they are praise.
SOFT_HINTS = frozenset({"watch this space", "keep an eye on", "keep your eyes on",
                        "keep your eye on", "stay tuned"})
_FORWARD = fast(r"\b(?:soon|shortly|upcoming|coming (?:soon|up|to|this|next|in)|"
                      r"(?:is|are|'s|'re) coming\b|something|big news|news|announcement|details|"
                      r"next (?:week|month|year|quarter|spring|summer|fall|autumn|winter|few)|"
                      r"this (?:spring|summer|fall|autumn|winter|year|month|week|quarter)|"
                      r"in (?:a few|the coming) (?:days|weeks|months)|yet)\b|👀|🏗")
_WORK_SUBJECT = fast(
    r"\b(?:leadership|management|(?:our|my|the) (?:\w+ ){0,2}(?:hospital|department|dept|center|lab|team|unit|"
    r"division|service|clinic|floor|institute|program|group|board|trial|study|paper|results|data|"
    r"patients|campus|site)|department|trial|study|paper|results|data|patients|announcement|"
    r"(?:our|my) (?:\w+ )?(?:folks|people|staff|nurses|colleagues|coworkers|residents|doctors|"
    r"researchers|scientists)|radiology|oncology|nursing|pharmacy|pediatrics|pathology|"
    r"cardiology|anesthesia|infusions?|icu|a certain (?:\w+ )?(?:hospital|center|institution|employer))\b")
_WINKS = frozenset({"shhh", "shh", "🤫", "🤐", "let's just say", "lets just say"})
#: Markers of unpublished results: by the labelling convention these are news not yet public.
_RESULT_MARKERS = frozenset({"preliminary data", "preliminary results", "unpublished",
                             "interim analysis", "interim results", "interim numbers",
                             "interim data", "topline results",
                             "embargoed", "under embargo", "embargo lifts", "unblinded",
                             "unblinding", "not published yet", "not out yet", "paper in prep",
                             "upcoming paper", "in press", "submitted manuscript", "readout",
                             "draft results", "our interim", "dsmb", "top secret", "top-secret",
                             "term sheet", "merger talks", "acquisition talks", "deal memo"})


#: Unpublished results stated as such: an early look with an outcome count ("interim look at
#: our cohort: 11 of 13 with complete response"), a paper not yet written or out, or a dated
#: draft press release. By the labelling convention both confidential and not yet public.
_EARLY_LOOK = fast(
    r"\b(?:interim|early|preliminary|first|sneak|unofficial) (?:look|peek|glance|readout|read-out|"
    r"cut|numbers|data|results)\b", re.IGNORECASE)
_DIGIT = fast(r"\d")
_STUDY_WORDS = fast(r"\b(?:our|cohort|arm|trial|study|phase|patients|pts|participants)\b",
                          re.IGNORECASE)
_OUTCOME = fast(
    r"\b\d+\s*(?:of|/|out of)\s*\d+\b[^.!?\n]{0,50}?\b(?:respon\w*|remissions?|complete response|"
    r"cr|pcr|ned|shrink\w*|shrank|progress\w*|tumou?rs?|survival|toxicit\w*|grade \d)"
    r"|\b(?:response rate|orr|pfs|median os|overall survival|progression-free)\b[^.!?\n]{0,25}?\d+\s*%",
    re.IGNORECASE)
_NOT_OUT_YET = fast(
    r"\b(?:manuscript|paper|abstract|data|results|publication)\s+(?:isn't|is not|isnt|hasn't been|"
    r"has not been|hasnt been|not)\s+(?:even\s+)?(?:drafted|written(?: up)?|submitted|published|out|public)\b"
    r"|\bnothing(?:'s| is| has been)\s+(?:been\s+)?(?:written up|published|submitted|presented) yet\b"
    r"|\b(?:haven't|have not|havent|hasn't|has not|not) (?:even )?(?:published|presented) "
    r"(?:it |this |them |these |that |the (?:data|results|paper) )?yet\b"
    r"|\b(?:for release|hold for release|embargoed until|not for release until)\s+(?:on\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri)\w*",
    re.IGNORECASE)


#: Results held back for a meeting: "can't say a word till the plenary but … the OS curves
#: don't lie". The timing alone is no secret ("can't wait till the plenary"); with the
#: author's own trial and an outcome it is an embargoed result.
_UNTIL_PRESENTED = fast(
    r"\b(?:till|til|until|before) (?:the |our |my |it's |its |we )?(?:plenary|late[- ]breaker|"
    r"podium|presentation|present|abstract (?:release|drops?|goes live)|embargo lifts?|"
    r"(?:asco|ash|esmo|aacr|sabcs|ascocancer) (?:plenary|meeting|presentation|talk))\b", re.IGNORECASE)
_RESULT_WORDS = fast(r"\b(?:os|pfs|orr|dfs|efs|curves?|survival|response rate|responses|"
                           r"endpoint|hazard ratio|readout|the data|the results|numbers)\b",
                           re.IGNORECASE)
_OWN_STUDY = fast(r"\b(?:our|my|we) (?:\w+ ){0,2}(?:trial|study|arm|cohort|phase)\b|"
                        r"\b(?:when we|we) (?:opened|launched|started|ran)\b", re.IGNORECASE)


def unpublished_result(view: PostView) -> list[Span]:
    """Spans that state results or releases as not yet out (see _EARLY_LOOK); computed once
    per post (both rules ask)."""
    found: list[Span] = view.memo("unpublished", lambda: _unpublished_result(view))
    return found


#: An invention filed but not yet public: "we filed the provisional on our linker this morning".
_INVENTION_FILED = fast(
    r"\b(?:filed|filing|submitted|submitting|file|submit) (?:the |a |an |our |my |two |a couple of )?"
    r"(?:provisional(?: patent)?|patent(?: application)?s?|invention disclosures?|ip disclosures?)\b"
    r"(?![^.!?\n]{0,40}\b(?:granted|issued|published|public|is out|went public)\b)",
    re.IGNORECASE)


def _unpublished_result(view: PostView) -> list[Span]:
    lower = view.lower
    if ("provisional" in lower or "patent" in lower or "disclosure" in lower) and (
            m := _INVENTION_FILED.search(view.text)):
        return [Span(m.start(), m.end(), "marker"), *_unpublished_forms(view)]
    return _unpublished_forms(view)


def _unpublished_forms(view: PostView) -> list[Span]:
    lower = view.lower
    if not ("yet" in lower or "til" in lower or "release" in lower or "embargo" in lower or "not" in lower
            or "n't" in lower or "isnt" in lower or "hasnt" in lower or _DIGIT.search(lower)):
        return []  # each form needs one of these: most posts skip the patterns
    out = [Span(m.start(), m.end(), "marker") for m in _NOT_OUT_YET.finditer(view.text)]
    until = _UNTIL_PRESENTED.search(view.text) if ("til" in lower or "before" in lower) else None
    result = _RESULT_WORDS.search(view.text) if until else None
    if until and result and _OWN_STUDY.search(view.text):
        out += [Span(until.start(), until.end(), "marker"), Span(result.start(), result.end(), "marker")]
    looks = list(_EARLY_LOOK.finditer(view.text)) if _DIGIT.search(lower) else []
    if looks:
        outcome = _OUTCOME.search(view.text)
        if outcome and _STUDY_WORDS.search(view.text):
            out += [Span(looks[0].start(), looks[0].end(), "marker"),
                    Span(outcome.start(), outcome.end(), "marker")]
    return out


_PLAN_CONTEXT = fast(r"\b(?:our|we|leadership|department|dept|the team|my team|legal|"
                           r"the board|my unit|the unit|hiring|rns|nurses|staff)\b")


#: Plans a household makes as often as an organization ("we're moving to Westchester", "we
#: are buying a house"): with "we" as the only sign of work, they are the author's own.
_HOUSEHOLD_PLAN = fast(r"\b(?:moving|relocating|buying|building|expanding|planning|"
                             r"getting a new|leaving for|plans? to|will move|going to move|"
                             r"decided to move|to (?:move|buy|build))$")


def _own_plan(view: PostView, plans: list[re.Match[str]]) -> bool:
    """A plan that is not the organization's: no organization, "our" or "we" anywhere, or
    the author's own ("I'm moving to Boston"), or a household's ("we're moving to Denver
    next month") when nothing but "we"/"our" points at work."""
    org_named = bool(view.org_mentions or view.is_org_account
                     or weak_org_lexicon(view.policy).search(view.lower) or site_mentions(view))
    work_words = {m.group() for m in _PLAN_CONTEXT.finditer(view.lower)}
    if not org_named and not work_words:
        return True
    if re.match(r"\s*(?:i|i'm|i am|my)\b", view.lower[plans[0].start():]):
        return True
    only_we = not org_named and work_words <= {"we", "our"}
    return only_we and all(_HOUSEHOLD_PLAN.search(m.group()) for m in plans)


#: "Not a rumor: …" denies that something is a rumour; it is no hint of news to come.
_NEGATED_HINT = fast(r"\b(?:not a|not|no|isn't a|ain't no)\s*$"
                           # "that word is vile": a word, not the grapevine
                           r"|\b(?:that|this|the|a|one|which)\s*$")


def not_yet_public(view: PostView) -> list[Hit]:
    unpublished = unpublished_result(view) + legal_matter(view)
    hints = [h for h in view.find("hint_cues")
             if not _NEGATED_HINT.search(view.lower, max(0, h.start - 10), h.start)]
    hints = [h for h in hints
             if h.phrase not in WEAK_HINTS or view.mentions_org
             or _WORK_SUBJECT.search(view.lower) or _CODENAME.search(view.text)
             or site_mentions(view)
             or _embargo_hits(view)]
    hints += [m for m in view.find("confidential_markers") if m.phrase in _RESULT_MARKERS]
    plans = list(_plan_pattern(view).finditer(view.lower))
    if not plans:  # a wink ("shhh", 🤫) is news only next to a claim
        hints = [h for h in hints if h.phrase not in _WINKS]
        if hints and all(h.phrase in SOFT_HINTS for h in hints) and not _FORWARD.search(view.lower):
            hints = []  # "… is remarkable. Watch this space.": praise, nothing to come
    if not hints and not unpublished and (not plans or _own_plan(view, plans)):
        return learned_disclosure(view, NOT_YET_PUBLIC_MODEL)
    if _PUBLIC_SOURCE.search(view.text) or _links_to_org_site(view):
        return []
    ev = [Span(m.start, m.end, "hint") for m in hints] + [Span(m.start(), m.end(), "claim")
                                                         for m in plans] + unpublished
    marked_unpublished = bool(unpublished) or any(m.phrase in _RESULT_MARKERS for m in hints)
    found = None if marked_unpublished else _published_match(
        view, [s.start for s in ev], [(h.start, h.end) for h in hints])
    if found is not None:
        # Already published by the organization: a note, not a review.
        return [Hit(message=f"Already public: {found.source}. The organization has published "
                            "this; resharing its own post is the safest way to share it.",
                    evidence=tuple(sorted(ev)), level="warn",
                    fix="Share the organization's own post or link to it.",
                    explain={"already_public": found.source,
                             "coverage": round(found.coverage, 3)})]
    return [Hit(message="Shares news about the organization that it has not made public"
                        + (" (hinted)." if hints and not plans else "."),
                evidence=tuple(sorted(ev)),
                explain={"hints": [h.phrase for h in hints], "claims": len(plans)})]


#: Share of a claim's informative words (idf-weighted) that the best published item must
#: contain; chosen on tests/fixtures/corpus_matching.jsonl (bench/conduct_corpus.py).
MIN_COVERAGE = 0.45


def _published_match(view: PostView, positions: list[int],
                     hint_spans: list[tuple[int, int]]) -> CorpusMatch | None:
    """The published item that already says what the claim's sentences say, if any.
    The hint words themselves ("you heard it here first") are not part of the claim."""
    dirs = corpus_dirs(view.policy)
    key = "corpus-bm25:" + "|".join(str(d) for d in dirs)
    index: BM25Index = view.policy.memo(key, lambda: BM25Index(
        ((item.source, item.text) for item in load_items(view.policy)),
        extra_stop=org_name_words(view.policy)))
    if not len(index):
        return None
    spans = {sentence_of(view, pos) for pos in positions}
    text = list(view.text)
    for hs, he in hint_spans:
        text[hs:he] = " " * (he - hs)
    blanked = "".join(text)
    query = " ".join(blanked[s:e] for s, e in sorted(spans))
    return index.match(query, MIN_COVERAGE)


def _links_to_org_site(view: PostView) -> bool:
    return any(re.search(rf"https?://(?:www\.)?{re.escape(d.lower())}/", view.lower)
               for d in view.policy.org.web_domains)


# --- The learned stage: wording no pattern knows ---------------------------------------------
#
# Word 1-2 gram logistic regressions (train/disclosure_learned.py) for posts about the
# organization or the workplace that no pattern fired on: "the embargo isn't til Thursday but
# our phase 3 …", "badge reader on the loading dock door has been busted since …". They read
# the features the other word models read (PostView.word_features), so a score costs one key
# intersection. A post that cites a public source never reaches them.

CONFIDENTIAL_MODEL = "confidential"
NOT_YET_PUBLIC_MODEL = "not_yet_public"
_LEARNED_MESSAGE = {
    CONFIDENTIAL_MODEL: "Reads like confidential information of the organization (internal, "
                        "unpublished or security details).",
    NOT_YET_PUBLIC_MODEL: "Reads like news about the organization that it has not made public.",
}
#: The workplace is the subject: a word of work, research or the organization's business, as
#: word features (PostView.word_features, computed once for every word model, so the gate
#: costs a set test). "we" and "our" alone are not enough: "our foster kittens", "we're going
#: to the beach next week".
_WORKPLACE = frozenset(
    [f"w:{w}" for w in [
        "leadership", "ceo", "cfo", "coo", "cmo", "cno", "vp", "svp", "chair", "chief",
        "director", "board", "exec", "execs", "admin", "memo", "meeting", "huddle",
        "slide", "slides", "deck", "email", "shift", "badge", "staff", "employee",
        "employees", "coworker", "coworkers", "colleagues", "hr", "legal", "comms",
        "hospital", "dept", "department", "unit", "floor", "lab", "labs", "team",
        "service", "site", "location", "campus", "division", "institute", "center",
        "program", "clinic", "practice", "budget", "hiring", "hire", "layoff",
        "layoffs", "merger", "acquisition", "deal", "partnership", "contract", "trial",
        "trials", "study", "results", "data", "patients", "pts", "cohort", "arm",
        "phase", "readout", "endpoint", "orr", "pfs", "os", "response",
        "responses", "mice", "tumors", "abstract", "manuscript", "paper", "preprint",
        "figure", "grant", "funding", "embargo", "embargoed", "unpublished",
        "preliminary", "census", "rankings", "ranking", "accreditation", "magnet",
        "surveyors", "nurses", "nursing", "rns", "residents", "fellows", "fellowship",
        "faculty", "salary", "salaries", "raise", "raises", "bonus", "bonuses",
        "office", "password", "login", "code", "door", "alarm", "server", "drive",
        "portal", "vpn", "group", "building", "tower", "wing", "security", "camera",
        "cameras", "stairwell", "entrance", "garage", "closet", "elevators", "pharmacy",
        "formulary", "minutes", "committee", "core", "organoids", "pdx", "sequencer",
        "patent", "attorneys", "donor", "gift", "pi", "boss", "rounds", "interns",
        "dean", "gala", "booth", "asco", "aacr", "ash", "esmo", "announcement",
    ]] + ["b:town hall", "b:co workers", "b:co worker", "b:service line"])


def site_mentions(view: PostView) -> re.Match[str] | None:
    """A site of the organization by its place name alone ("changes coming to Commack"):
    the pack's site names without the organization's name in front."""
    def build() -> re.Pattern[str] | None:
        prefixes = sorted({view.policy.org.name, *view.policy.org.aliases}, key=len, reverse=True)
        names = set()
        for site in view.policy.org.sites:
            name = site.name
            for p in prefixes:
                if name.lower().startswith(p.lower() + " "):
                    name = name[len(p) + 1:]
                    break
            if len(name) >= 4:
                names.add(re.escape(name.lower()))
        return re.compile(r"\b(?:" + "|".join(sorted(names)) + r")\b") if names else None

    pattern: re.Pattern[str] | None = view.policy.memo("site-names-re", build)
    return pattern.search(view.lower) if pattern is not None else None


def workplace_post(view: PostView) -> bool:
    """The organization or the workplace is the subject (the learned stage's gate; both
    rules ask, so it is computed once)."""
    # The set test first: it is the cheapest, and most posts about work pass on it.
    found: bool = view.memo("workplace", lambda: (
        not _WORKPLACE.isdisjoint(view.word_features) or view.is_org_account
        or view.mentions_org or bool(site_mentions(view))))
    return found


def _learned_disclosure(view: PostView, name: str) -> list[Hit]:
    from clearpost.detectors.models import get_model

    if not workplace_post(view):
        return []
    model = get_model(name)
    if model is None:
        return []
    score = model.score(view.text, view.word_features)
    if score < model.threshold or _PUBLIC_SOURCE.search(view.text) or _links_to_org_site(view):
        return []
    if phi.detect(view):
        return []  # a patient is the subject ("guess who's on our floor 👀"): phi's finding
    # The model reads the whole post; the evidence is the sentence it scores highest.
    s, e = max(view.sentences or [(0, len(view.text))],
               key=lambda se: model.score(view.text[se[0]:se[1]]))
    e = s + len(view.text[s:e].rstrip())
    return [Hit(message=_LEARNED_MESSAGE[name], evidence=(Span(s, e, "learned"),),
                explain={f"{name}_model": round(score, 3)})]


def learned_disclosure(view: PostView, name: str) -> list[Hit]:
    """The learned stage's finding for `name` (CONFIDENTIAL_MODEL or NOT_YET_PUBLIC_MODEL)."""
    found: list[Hit] = view.memo(f"learned-{name}", lambda: _learned_disclosure(view, name))
    return found
