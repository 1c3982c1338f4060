"""harassment and professionalism.

harassment: slurs, threats, targeted insults, hate against a protected group (with or
without slurs: "all X are animals"), unfounded accusations of crimes or misconduct against
identifiable people. professionalism: profanity, venting about or mocking patients,
colleagues or the employer, intoxication at or about work; harassment of a coworker, a
patient or the employer is unprofessional as well.

Quoted, reported or reclaimed uses ("he called me a slur", "what a stupid day") do not fire.
The learned classifiers of clearpost.detectors.models refine these signals when present.
"""

from __future__ import annotations

import re

from clearpost.detectors.base import Hit, PostView, Span

_PERSON_NOUN = (r"(?:resident|nurse|doctor|surgeon|attending|manager|boss|supervisor|tech|coworker|"
                r"co-worker|colleague|guy|woman|man|lady|patient|intern|fellow|pharmacist|"
                r"receptionist|director|charge nurse|new grad|hire)")
_PERSON = (r"(?:you|u|he|she|they|my manager|my boss|my supervisor|"
           r"(?:dr|mr|mrs|ms|senator|nurse)\.? [a-z]+|[a-z]+ in [a-z]+|"
           rf"(?:that|this|the|my|our|these|those)\s+(?:[a-z]+\s+)?{_PERSON_NOUN}s?"
           r"(?:\s+(?:on|in|from)\s+\w+)?)")
_TARGETED_INSULT = re.compile(
    rf"\b{_PERSON}\s+(?:is|are|'s|'re|was|were)\s+(?:such\s+|a\s+|an\s+|the\s+|so\s+|just\s+|"
    r"really\s+|literally\s+|an? absolute\s+|a total\s+|a complete\s+)*(?:[a-z]+\s+)?"
    r"(?P<insult>idiot\w*|moron\w*|dumbest|stupidest|clown|incompetent|useless|worthless|pathetic|"
    r"loser\w*|scum\w*|pig|trash|creep|psycho|crook|liar|fraud|hack|quack|parasite|snake|"
    r"disgrace|joke|animal\w*|garbage|dumb|stupid|lazy|corrupt)\b"
    r"|\b(?:racist|stupid|dumb|lazy|fat|ugly|useless|disgusting)\s+(?P<noun>pig|cow|bitch|idiot|"
    r"moron|clown|loser|slob|trash)\b"
    r"|\bhow did (?:this|that) (?:clown|idiot|moron)\b",
)
_GROUP_HATE = re.compile(
    r"\b(?:all|these|those|the|most|every)?\s*(?P<group>{groups})\s+(?:are|just|don't|dont|do not|"
    r"can't|cant|can barely|never|always|should|need to|belong|ruin|destroy|steal|bring)\b"
    r"|\b(?:sick of|tired of|hate|get rid of|deport|send back|ban)\s+(?:all\s+)?(?:these\s+|the\s+)?"
    r"(?:[a-z]+\s+){{0,3}}(?P<group2>{groups})\b"
    r"|\bhire americans\b|\bgo back to (?:your|their) (?:country|countries)\b"
    r"|\b(?P<group3>{groups})\b[^.!?\n]{{0,40}}\b(?:it's cultural|its cultural|by nature|"
    r"are animals|are savages|are vermin|subhuman)\b"
)
_ACCUSATION = re.compile(
    r"\b(?:pocketing|stealing|steals|stole|embezzl\w+|faked|fakes|falsif\w+|fabricat\w+|"
    r"forged|molest\w*|abus(?:ed|es|ing)|assault\w*|raped?|rapist|drunk on the job|"
    r"high on the job|diverting|skimming|taking bribes|bribe\w*|fraud|criminal|crook|"
    r"belongs in (?:jail|prison)|should be (?:in jail|arrested|locked up)|call the cops|"
    r"got patients killed|killed (?:a |his |her )?patients?)\b",
    re.IGNORECASE,
)
_REPORTED = re.compile(r"\b(?:called me|call(?:ed|ing)? (?:me|him|her|us) an?|said|says|"
                       r"quote|quoting|reported|the word|the term|n-word)\b", re.IGNORECASE)
_IDENTIFIABLE = re.compile(
    r"\b(?i:dr|mr|mrs|ms|senator|judge|rep|governor|mayor|nurse)\.? [A-Z][a-z]+"
    r"|\b[A-Z][a-z]+ [A-Z][a-z]{2,}\b(?= (?:the|at|in|from|is|has|was|who|faked|stole))"
    r"|\bthe (?:pharmacy tech|charge nurse|night nurse|tech|resident|attending|manager|"
    r"supervisor|director)\b|\bmy (?:manager|boss|supervisor|coworker|colleague)\b"
)

_WORK_TARGET = re.compile(
    r"\b(?:coworkers?|co-workers?|colleagues?|my manager|my boss|my supervisor|supervisor|"
    r"charge nurse|nurses|residents?|attending|pharmacy tech|tech|techs|everyone on \d+|"
    r"management|leadership|admin|this place|my (?:job|hospital|unit|floor)|"
    r"working with|in (?:anesthesia|radiology|pharmacy|surgery|oncology|the er|the or)|"
    r"on (?:\d+|the unit|the floor))\b|\bdr\.? [a-z]+ in\b|\b(?-i:IT|HR)\b",
    re.IGNORECASE,
)
_PATIENT_TARGET = re.compile(r"\b(?:pt|my patient|the patient|(?:the )?(?:lady|guy|man|woman) in "
                             r"\w+|rm \d+|room \d+|bed \d+|ma'am)\b", re.IGNORECASE)
_EXTERNAL = re.compile(r"\b(?:at|from) (?!MSK\b)(?:[A-Z][a-z]+ ){1,3}(?:General|Hospital|"
                       r"Medical|Health|Clinic|University|Center)\b")
_WORK_CONTEXT = re.compile(r"\b(?:work|shift|on call|holiday party|office party|night crew|"
                           r"day crew|cafeteria|break room|unit|floor|clinic|hospital|nightshift|"
                           r"night shift|at the nurses|#msk|msk)\b", re.IGNORECASE)


def _groups(view: PostView) -> str:
    def build() -> str:
        items = sorted(view.policy.lexicon("protected_groups"), key=len, reverse=True)
        return "|".join(re.escape(g.lower()) for g in items) or "(?!)"

    result: str = view.policy.memo("groups-alt", build)
    return result


def _group_re(view: PostView) -> re.Pattern[str]:
    return view.policy.memo("group-hate-re", lambda: re.compile(
        _GROUP_HATE.pattern.format(groups=_groups(view)), re.IGNORECASE))


def harassment_signals(view: PostView) -> list[tuple[Span, str]]:
    """Every harassment signal: (span, label). Shared by both rules."""
    text, lower = view.text, view.lower
    out: list[tuple[Span, str]] = []
    reported = _REPORTED.search(lower)
    for m in view.find("slurs"):
        pre = lower[max(0, m.start - 25):m.start]
        if reported and re.search(r"(?:called (?:me|him|her|us)|said|the word)\s*(?:an?\s*)?['\"]?$", pre):
            continue
        out.append((Span(m.start, m.end, "slur"), "slur"))
    for m in view.find("threats"):
        out.append((Span(m.start, m.end, "threat"), "threat"))
    for im in _TARGETED_INSULT.finditer(lower):
        out.append((Span(im.start(), im.end(), "insult"), "insult"))
    for gm in _group_re(view).finditer(lower):
        out.append((Span(gm.start(), gm.end(), "hate"), "group-hate"))
    acc = list(_ACCUSATION.finditer(text))
    if acc and _IDENTIFIABLE.search(text):
        for am in acc:
            out.append((Span(am.start(), am.end(), "accusation"), "accusation"))
    return out


def harassment(view: PostView) -> list[Hit]:
    signals = harassment_signals(view)
    if not signals:
        return []
    labels = sorted({lab for _, lab in signals})
    words = {"slur": "a slur", "threat": "a threat", "insult": "a targeted insult",
             "group-hate": "an attack on a group for who they are",
             "accusation": "an accusation of a crime or misconduct against an identifiable person"}
    return [Hit(message="Harassing or defamatory content: " + ", ".join(words[x] for x in labels) + ".",
                evidence=tuple(sorted({s for s, _ in signals}, key=lambda s: s.start)),
                explain={"signals": labels})]


def professionalism(view: PostView) -> list[Hit]:
    lower = view.lower
    ev: list[Span] = []
    reasons: list[str] = []
    prof = view.find("profanity")
    if prof:
        ev += [Span(m.start, m.end, "profanity") for m in prof]
        reasons.append("profanity")
    masked = re.search(r"\b[a-z]\*{2,}[a-z]*", lower)
    if masked and not prof:
        ev.append(Span(masked.start(), masked.end(), "profanity"))
        reasons.append("profanity")
    vents = view.find("venting")
    target_patient = _PATIENT_TARGET.search(view.text)
    target_work = _WORK_TARGET.search(view.text) or (view.post.venue == "org-channel") \
        or bool(view.org_mentions)
    if vents and (target_patient or target_work):
        ev += [Span(m.start, m.end, "venting") for m in vents]
        reasons.append("venting about patients, colleagues or the employer")
    drunk = view.find("intoxication")
    if drunk and _WORK_CONTEXT.search(view.text):
        ev += [Span(m.start, m.end, "intoxication") for m in drunk]
        reasons.append("intoxication at or about work")
    signals = harassment_signals(view)
    if signals and not _EXTERNAL.search(view.text) and (target_patient or target_work
                                                         or _IDENTIFIABLE.search(view.text)):
        has_work_target = target_patient or _WORK_TARGET.search(view.text) or re.search(
            r"\b(?:dr|nurse)\.? [a-z]+\b", lower)
        if has_work_target:
            ev += [s for s, _ in signals]
            reasons.append("harassment of a coworker, patient or the employer")
    if not ev:
        return []
    return [Hit(message="Unprofessional: " + ", ".join(dict.fromkeys(reasons))
                        + ". If in doubt, leave it out.",
                evidence=tuple(sorted(set(ev), key=lambda s: s.start)),
                explain={"reasons": list(dict.fromkeys(reasons))})]
