"""medical-advice: an individual clinical recommendation to a reader.

Fires on an advice form (a directive, "you should", "I'd skip", a dose) about medical
content (a drug, a dose, a test, a treatment), addressed to the reader's own case (a reply,
"your", "DM me your scan"), or on an offer to diagnose or read someone's results. General
education, public-health messages and "talk to your doctor" do not fire.
"""

from __future__ import annotations

import re

from clearpost.detectors.base import Hit, PostView, Span
from clearpost.detectors.identifiers import is_common_word
from clearpost.text import Lexicon, Match
from clearpost.text.patterns import fast

_DIRECTIVE = fast(
    r"\b(?:(?<!full )(?:just |then |so )?(?:stop|skip|quit|take|start|try|double|halve|increase|decrease|"
    r"cut|ditch|toss|drop|switch to|go ahead with|go off|come off|hold|avoid|"
    r"ask (?:them |your \w+ |the doctor )?for|"
    r"don't get|do not get|don't start|don't stop|wait until|hold off on|"
    r"no need to (?:see|get|go|take|worry|call)|you don't need (?:to|a|an|the)|"
    r"wear|apply|use|ice|elevate|drink|eat|alternate|give (?:him|her|them|it)|rub|"
    r"don't take|do not take|don't bother (?:with|getting|having|checking)|bump (?:it |him |her |them )?(?:up )?to|"
    r"tell (?:your|ur) (?:\w+ )?(?:mom|dad|mother|father|husband|wife|partner|son|daughter|kid|"
    r"friend|sister|brother|grandma|grandpa) to|"
    # the reader's relative put on a treatment: "get him on magic mouthwash", "have her hold it"
    r"get (?:him|her|them) (?:on|off)|have (?:him|her|them) (?:hold|stop|skip|take|start|try|"
    r"double|cut|avoid|use|switch))\b"
    r"|(?:he|she|they) (?:should|needs? to|has to) (?:just )?(?:stop|skip|hold|take|start|try|"
    r"double|cut|avoid|get)\b"
    r"|(?:you|u) (?:should|can|could|need to|have to|must|gotta|oughta) (?:just )?(?:stop|skip|"
    r"take|start|try|double|increase|cut|ditch|drop|switch|go ahead|come off|hold|avoid|get)\b"
    r"|i'd (?:really |honestly |definitely |seriously |personally )?(?:just )?(?:skip|stop|take|start|"
    r"try|go ahead|go with|go for|go|get|do|recheck|wait|hold|"
    r"bump|cut|up|lower|raise|increase|double|drop|switch|"
    r"avoid|push for|ask for|push (?:them|him|her|your \w+) for|push (?:your|ur|the) (?:\w+ ){1,2}back|"
    r"delay|postpone)\b"
    # what to demand of one's own care team: "tell your onc you want a delay"
    r"|tell (?:your|ur) (?:onc|oncologist|doctor|doc|team|care team|nurse|md|provider|surgeon|pcp) "
    r"(?:you want|you need|you won't|you're not|to (?:stop|skip|delay|hold|switch|start|give|up|lower|"
    r"push|cancel|order))\b|(?:don't|do not) let (?:them|your \w+) talk (?:you|u) (?:out of|into)\b"
    # telling the reader what they have is diagnosing them
    r"|(?:sounds like|looks like|i bet|pretty sure|i'm sure) (?:you|u) (?:have|got)\b"
    r"|(?:you|u) (?:definitely|probably|clearly|obviously|most likely|likely|almost certainly) "
    r"(?:have|got)\b"
    r"|if i were you\b|my advice\b|in (?:your|ur) (?:shoes|position|place),? i(?:'d| would)\b"
    # the author's own regimen held up for the reader: "… every morning and so should you"
    r"|so should (?:you|u)\b|(?:you|u) should (?:too|as well)\b"
    # leave given: "you have permission to stop"
    r"|(?:you|u) have (?:my )?permission to (?:just )?(?:stop|quit|skip|ditch|come off|go off|drop)\b"
    # keeping the reader from their own team: "I wouldn't even bother calling your oncologist"
    r"|i (?:wouldn't|wouldnt|would not) (?:even )?bother (?:calling|seeing|telling|asking|messaging|"
    r"going to|with) (?:your|ur)\b)",
    re.IGNORECASE,
)
_DOSE = fast(r"\b\d[\d,.]*\s?(?:mg|mcg|µg|iu|units?|ml|(?-i:g)|grams?|tabs?|tablets?|pills?|"
                   r"capsules?|scoops?|drops?|sprays?|puffs?)\b(?:[^.!?\n]{0,25}\b(?:a day|daily|every|"
                   r"per day|twice|bid|tid|at night|each))?"
                   # a step up or down, no unit: "bump yourself to 75 after a week"
                   r"|\b(?:bump|titrate|taper|step|go|increase|drop) (?:yourself|urself|it|him|her|them) "
                   r"(?:up |down )?to \d[\d.]*\b"
                   # a count and a time with no unit: "2 of these every morning", "37.5 at bedtime"
                   r"|\b\d[\d.]* (?:of (?:these|those|them)\b[^.!?\n]{0,30}?)?(?:every (?:morning|night)|"
                   r"at bedtime|before bed)\b"
                   # a frequency: "swish … 4x a day", "3 times daily"
                   r"|\b\d+\s?(?:x|times)\s?(?:a day|daily|per day|a night|nightly)\b", re.IGNORECASE)
_DRUG_SUFFIX = fast(r"\b[a-z]{3,}(?:mab|nib|zole|pine|pam|lam|pril|sartan|statin|olol|"
                          r"cillin|mycin|floxacin|tidine|prazole|platin|taxel|rubicin|xaban|"
                          r"parin|gliptin|lukast|triptan|setron|semide|thiazide|cycline|vir|"
                          r"dronate|sone|solone|caine|xetine|faxine|pramine|azepam|glitazone|citabine)\b",
                          re.IGNORECASE)
#: Lab values by name, as readers post them: "comment your TSH + free T4 below".
_LAB_VALUES = (r"tsh|t3|t4|free t4|ferritin|b12|vitamin d|vit d|hba1c|creatinine|egfr|cbc|wbc|anc|"
               r"platelets|hemoglobin|hgb|inr|testosterone|estradiol|hcg|cortisol|bilirubin|"
               r"lipids|triglycerides|cea|ca-?125|ca 19-9|tumou?r markers?|cmp|bmp|lfts?")
_OFFER = fast(
    r"\b(?:dm|message|send|email|inbox|pm|bring|show|forward)\s+me\s+(?:your|ur)\s+(?:\w+\s+)?(?:ct|mri|pet|"
    r"scan|report|labs?|results?|biopsy|path(?:ology)?|x-?rays?|bloodwork|images?|records?|slides)"
    r"|\bi(?:'ll| will| can)\s+give you my (?:read|opinion|take|interpretation)\b"
    r"|\bsend me (?:yours|your (?:\w+ )?(?:numbers|results|labs|scans?|reports?|psa|levels))\b"
    r"[^.!?\n]{0,40}?\b(?:i'll|i will|and i)\b"
    r"|\bhappy to give (?:a |free )?(?:second )?opinions?\b"
    r"|\b(?:comment|drop|post|dm|send|tell)\s+(?:me\s+)?(?:your|ur)\s+symptoms\b[^.!?\n]{0,40}?\b(?:i'll|i will|"
    r"i can|and i)\b"
    r"|\bdm (?:me )?(?:the|your) (?:images|scans|results|reports|slides|labs)\b"
    r"|\bi(?:'ll| will| can| could)\s+(?:read|look at|review|interpret)\s+(?:your|ur)\b"
    r"|\bi(?:'ll| will| can|'d| could) tell you (?:honestly |straight |truthfully |right away )?"
    r"(?:if|whether|what) (?:you(?:'re)? (?:actually |really |even |"
    r"definitely |still )?(?:have|need|got)|it(?:'s| is)|that(?:'s| is)|(?:\w+\s+){1,3}(?:is|are|looks?))\b"
    r"|\bi(?:'ll| will| can|'d| could) tell you (?:honestly |straight |truthfully |right away )?"
    r"(?:if|whether) (?:it|they|that|this) (?:needs?|is|are|"
    r"looks?)\b[^.!?\n]{0,30}\b(?:biops\w+|cancer\w*|melanoma|benign|removed|checked|seen|looked at)"
    r"|\b(?:drop|post|send|share|stitch)\b[^.!?\n]{0,30}\b(?:pic|photo|picture|close-?up|image)s? of "
    r"(?:your|ur) (?:\w+ )?(?:mole|rash|lump|spot|lesion|skin|bump|growth)\b"
    r"|\b(?:dm|message|send|email|show|pm)\s+me\s+(?:a |the )?(?:photo|pic|picture|image|scan|"
    r"report)s?\s+of\s+(?:the|your|ur)\b"
    # "DM me a clear pic and I'll tell you …"
    r"|\b(?:dm|message|send|email|show|pm)\s+me\s+(?:a |the )?(?:\w+ )?(?:photo|pic|picture|image|"
    r"close-?up)s?\b[^.!?\n]{0,30}\b(?:i'll|i will|and i)\s+(?:tell|let you know|say|walk you through|"
    r"explain|go over)\b"
    r"|\b(?:send|dm|share)\s+(?:it|them|your \w+)\s+(?:over|to me)\b[^.!?\n]{0,40}\b(?:i'll|i will|"
    r"i can)\s+(?:tell|read|look|review|translate|explain|interpret|go over|decode)\b"
    r"|\bhappy to (?:read|look at|review) (?:your|anyone's)\b"
    r"|\b(?:drop|post|share|send|dm|comment)\s+(?:me\s+)?(?:your|ur)\s+(?:[\w+&,/]+\s+){0,3}(?:a[1i]c|labs?|"
    r"results?|numbers|levels|glucose|psa|scans?|reports?|bloodwork|cholesterol|ldl|meds|med list|"
    + _LAB_VALUES + r"|"
    r"medication list|medications|prescriptions)\b[^\n]{0,60}?"
    r"\bi(?:'ll| will| can)\b"
    r"|\bi(?:'ll| will| can)\s+tell you what (?:it|they|that|this) (?:says?|means?)\b"
    # "DM me the screenshots and I'll tell you what's actually abnormal"
    r"|\b(?:dm|message|send|email|pm)\s+me\s+(?:the|your|ur)\s+(?:screenshots?|screens|pics|photos)\b"
    r"[^.!?\n]{0,40}?\b(?:i'll|i will|and i)\s+tell you\b"
    r"|\bi(?:'ll| will| can)\s+tell you what(?:'s| is) (?:actually |really )?(?:abnormal|normal|wrong|off|"
    r"concerning|serious)\b"
    # "Send me the path report by DM and I'll tell you which way I'd go"
    r"|\b(?:dm|message|send|email|show|pm|forward)\s+me\s+(?:the|your|ur)\s+(?:ct|mri|pet|scans?|"
    r"(?:path|pathology|biopsy|radiology|imaging|ct|mri|pet|scan) reports?|labs|biopsy|pathology|"
    r"x-?rays?|bloodwork|slides)\b[^.!?\n]{0,40}?"
    r"\b(?:i'll|i will|and i)\s+(?:tell|let you know|say|walk you through|explain|go over|read)\b"
    r"|\b(?:that|it|this|your \w+) sounds? (?:benign|harmless|fine|like nothing)\b[^.!?\n]{0,60}"
    r"\bi (?:wouldn't|would not|wouldnt) (?:bother|worry)\b"
    r"|\b(?:me to|i can|i'll|i will|happy to|glad to)\s+(?:look at|read|review|check|go over|"
    r"interpret)\s+(?:their|your|ur|anyone's|people's)\s+(?:\w+\s+)?(?:results?|scans?|labs?|"
    r"reports?|biopsy|mri|ct|pet|x-?rays?|bloodwork|images?|pathology|slides)\b",
    re.IGNORECASE,
)
#: What an offer to read names when it is medical by itself ("DM me your scan").
_MEDICAL_MATERIAL = fast(r"\b(?:ct|mri|pet|scans?|reports?|labs?|results?|biops\w+|path\w*|"
                               r"x-?rays?|bloodwork|images|slides|symptoms?|mole|rash|lump|spot|lesion|"
                               r"a[1i]c|psa|levels|glucose|cholesterol|ldl|cancer|benign|incision|wound|"
                               r"stitches|swelling|ca-?\d{2,3}|cea|tumou?r markers?|counts|ekg|ecg|infected|"
                               r"meds|med list|medications?|prescriptions?|" + _LAB_VALUES + r")\b",
                               re.IGNORECASE)
_ADDRESSED = fast(
    r"^\s*(?:@|u/)\w|[:.!?]\s+@[\w.]+\s+(?:yes|no|you|u|your|ur|just)\b|^\s*replying to\b|\bif your (?:kid|child|son|daughter|baby|toddler|mom|dad|husband|wife|partner)\b|"
    r"\b(?:if you see this|your (?:next )?(?:cycle|infusion|round of chemo)|your (?:age|labs?|results?|scan|psa|numbers|dose|doctor's|counts|"
    r"joints|case|biopsy|meds|pills|tumor|levels|blood)|at your age|q from a follower|"
    r"a follower asked|\ba:\s|i tell (?:all|every one|each|any) (?:of )?my (?:\w+ )?(?:friends|followers|"
    r"patients)|for you\b|"
    r"(?:ur|your) (?:meds|chemo|oncologist)|ask (?:your|ur) (?:doc|doctor|oncologist|onc|provider|pcp|gp|md|np) "
    r"(?:for|to (?:switch|put|prescribe|start|give|up|lower))\b|(?:everyone|anyone|people|all of you|those of you) in my "
    r"(?:dms|inbox|comments|replies|mentions)|don't bother (?:calling|asking|telling) your|"
    # the reader's relative's case: "for your dad's mouth sores"
    r"(?:for|about|with) (?:your|ur) (?:mom|dad|mother|father|husband|wife|partner|son|daughter|"
    r"kid|child|baby|sister|brother|grandma|grandpa)(?:'s)?\b|"
    # the reader's own findings: "with that PET and a BRAF mutation I wouldn't mess around"
    r"\bwith (?:that|those|your|ur) (?:\w+ )?(?:pet|ct|mri|scans?|results?|labs?|numbers|mutation|"
    r"diagnosis|psa|gleason|stage|grade|margins)\b|^\s*op\b[,:]?|"
    # the reader doses themself: "bump yourself to 75"
    r"\b(?:bump|put|wean|taper|dose|titrate|start) (?:yourself|urself)\b|"
    r"(?:don't|dont|do not) let (?:them|your \w+|ur \w+) (?:brush|blow) (?:you|u) off\b)",
    re.IGNORECASE,
)
#: Readers in general, by their condition ("anyone with lymphedema"): addressed, unless the
#: post sends them to their own care team or is public-health education.
_GENERIC_READER = fast(r"\banyone (?:with|on|who has|taking)\b|\bif (?:you(?:'re| are)?|youre|ur|u r) "
                             r"(?:on|taking|have|starting|going through|getting|about to start|doing)\b|"
                             r"\bif (?:the|your|ur|those|these) [^.!?\n]{0,40}\b(?:are|is) (?:wrecking|ruining|"
                             r"destroying|killing) (?:you|u)\b|\b(?:ruining|wrecking|running) your (?:life|sleep|"
                             r"nights|days)\b|\bthank me later\b"
                             r"|\bif you(?:'re| are) reading this\b|\bso should (?:you|u)\b|\b(?:you|u) should (?:too|as well)\b", re.IGNORECASE)
_REFERRAL = fast(r"\b(?:talk to|ask|see|call|visit|check with|consult)\s+(?:your|a)\s+"
                       r"(?:own\s+)?(?:doctor|physician|oncologist|care team|provider|gp|nurse|"
                       r"pharmacist|dermatologist)|visit to your own doctor", re.IGNORECASE)
#: A directive the author refuses to give: "I can't tell you whether to hold your meds".
_DECLINED = fast(r"\b(?:can't|cannot|can not|won't|not going to|shouldn't|am not able to)\s+"
                       r"(?:\w+\s+)?(?:tell you|say|advise you|advise|recommend)\s+(?:whether|if)?\s*"
                       r"(?:or not\s+)?(?:to\s+)?$", re.IGNORECASE)
_DISCLAIMER = fast(r"\bnot (?:medical )?advice\b|\bgeneral (?:info|information|education)\b",
                         re.IGNORECASE)


def _medical_lexicon(view: PostView) -> Lexicon:
    """Medical content in one pass: the advice vocabulary and every drug name of four or more
    letters that the PHI lexicon knows (valacyclovir, letrozole)."""
    pol = view.policy
    lex: Lexicon = pol.memo("advice-medical", lambda: Lexicon(
        [*pol.lexicon("advice_objects"), *(d for d in pol.lexicon("drugs") if len(d) > 3)]))
    return lex


def detect(view: PostView) -> list[Hit]:
    text = view.text
    offer = _OFFER.search(text)
    if offer and not (_medical_lexicon(view).search(view.lower) or _DRUG_SUFFIX.search(text)
                      or _MEDICAL_MATERIAL.search(text)):
        offer = None  # "drop your favorite book and I'll tell you if it's worth reading"
    if offer:
        return [Hit(message="Offers to read or judge a reader's own medical results.",
                    evidence=(Span(offer.start(), offer.end(), "advice"),),
                    explain={"pattern": "offer-to-diagnose"})]
    directives = [m for m in _DIRECTIVE.finditer(text)
                  if not _DECLINED.search(text, max(0, m.start() - 60), m.start())]
    doses = list(_DOSE.finditer(text))
    objects = _medical_lexicon(view).find_all(view.lower)
    drugs = list(_DRUG_SUFFIX.finditer(text))
    if not objects and not drugs and not doses:
        return []
    direct = _ADDRESSED.search(text) or _greeted(view)
    addressed = direct or _GENERIC_READER.search(text) or _owned(view, objects, drugs)
    learned: tuple[int, int, float] | None = None
    if not directives and not doses:
        # The uncertain band: medical content addressed to a reader, but no advice pattern.
        # The learned advice-form model decides, sentence by sentence.
        if not addressed:
            return []
        learned = _advice_sentence(view, objects, drugs)
        if learned is None:
            return []
    public = view.has("public_health")
    referral = _REFERRAL.search(text)
    disclaimer = _DISCLAIMER.search(text)
    if direct and direct.group(0).lower() == "for you" and referral:
        direct = None  # "ask your own doctor whether it makes sense for you": a referral
    if not direct and (public or referral or disclaimer):
        return []
    if not addressed and not doses:
        return []
    if not addressed and doses and public:
        return []
    ev: list[Span] = [Span(m.start(), m.end(), "advice") for m in directives[:2]]
    if learned is not None:
        ev.append(Span(learned[0], learned[1], "advice"))
    ev += [Span(m.start(), m.end(), "dose") for m in doses[:2]]
    ev += [Span(m.start(), m.end(), "drug") for m in drugs[:2]]
    ev += [Span(m.start, m.end, "medical") for m in objects[:2]]
    seen: list[Span] = []
    for sp in sorted(ev, key=lambda s: (s.start, -(s.end - s.start))):
        if all(sp.start >= o.end or sp.end <= o.start for o in seen):
            seen.append(sp)
    return [Hit(message="Gives a reader an individual medical recommendation (what to take, "
                        "stop or do about their own case).",
                evidence=tuple(seen),
                explain={"directive": bool(directives), "dose": bool(doses),
                         "addressed": bool(addressed),
                         "advice_model": round(learned[2], 3) if learned else None})]


_GREETING = fast(r"\s*(?:(?i:hi|hey|hello|dear)\s+)?([A-Z][a-z]+)\s*(?:[!,]|(?=\s+(?:you|u)\s)"
                 r"|(?=\s+((?i:honey|hun|hon|babe|sweetie|sweetheart|girl|girlie|mama|love|my love|"
                 r"dear|friend|my friend|sis|bro))\b))")


def _greeted(view: PostView) -> re.Match[str] | None:
    """The post opens by greeting someone by name ("Glen! Great catching up …"; a common
    word such as "Wow!" or "Reminder," is no name): it speaks to that one reader."""
    m = _GREETING.match(view.text)
    if m is None:
        return None
    if not is_common_word(view.policy, m.group(1)):
        return m
    # A first name that is also a word ("Tina", "Rose") counts with a pet name after it:
    # "Tina honey please listen to me".
    if m.group(2) and any(f.start == m.start(1) for f in view.find("first_names")):
        return m
    return None


_YOUR_BEFORE = fast(r"\b(?:your|ur)\s+(?:[a-z']+\s+)?$")


def _owned(view: PostView, objects: list[Match], drugs: list[re.Match[str]]) -> bool:
    """The medical content is the reader's own ("before your carboplatin", "your mole"): a
    weaker sign than a reply, so public-health messages ("get your flu shot") still pass."""
    starts = [m.start for m in objects] + [m.start() for m in drugs]
    return any(_YOUR_BEFORE.search(view.lower, max(0, s - 20), s) for s in starts)


#: Advice-form score above which a sentence counts as advice; above the model's best-F1
#: threshold (RECIPE.md), because here it decides alone.
ADVICE_MIN = 0.72


def _advice_sentence(view: PostView, objects: list[Match],
                     drugs: list[re.Match[str]]) -> tuple[int, int, float] | None:
    """The sentence most like advice that also names medical content, when the model is sure."""
    from clearpost.detectors.models import get_model

    model = get_model("advice")
    if model is None:
        return None
    medical = [m.start for m in objects] + [m.start() for m in drugs]
    best: tuple[int, int, float] | None = None
    for s, e in view.sentences:
        if not any(s <= pos < e for pos in medical):
            continue
        score = model.score(view.text[s:e])
        if score >= ADVICE_MIN and (best is None or score > best[2]):
            best = (s, e, score)
    return best
