"""Rules decided by who posts where, and what the media shows: speaking-for-org, pseudonym,
media-approval, onsite-photo, faces (from the caption; attached files add image evidence in
clearpost.media)."""

from __future__ import annotations

import re

from clearpost.detectors.base import Hit, PostView, Span, policy_org_alternation
from clearpost.text.patterns import fast

_ANONYMOUS = fast(r"anon|anonymous|throwaway|burner", re.IGNORECASE)


def pseudonym(view: PostView) -> list[Hit]:
    acct = view.post.account
    if view.post.venue != "org-channel":
        return []
    handle = acct.handle or ""
    if acct.pseudonymous or _ANONYMOUS.search(handle):
        who = f" ({handle})" if handle else ""
        return [Hit(message=f"Comment on one of the organization's own channels from a "
                            f"pseudonymous or anonymous account{who}.",
                    explain={"venue": "org-channel", "pseudonymous": acct.pseudonymous})]
    return []


def _speaking_patterns(view: PostView) -> re.Pattern[str]:
    def build() -> re.Pattern[str]:
        org = policy_org_alternation(view.policy)
        pats = [
            rf"\bwe at (?:{org})\b",
            rf"\bhere at (?:{org}),? we\b",
            rf"\bon behalf of (?:everyone |all of us |the (?:whole )?team )?(?:at |of )?(?:{org})\b",
            rf"\bthis is (?:{org})(?:'s)?(?: [a-z]+){{0,3}}",
            rf"\b(?:{org}) (?:is|are) (?:pleased|proud|excited|thrilled|happy|sorry) to (?:announce|share|confirm)",
            rf"\b(?:{org}) (?:would like to|wants to) (?:apologi[sz]e|clarify|respond)",
            rf"\bspeaking (?:for|on behalf of) (?:{org})\b",
            rf"\bofficial (?:statement|response) (?:from|of) (?:{org})\b",
            rf"\b(?:{org})(?:'s)? official (?:statement|position|response)\b",
            r"\bon behalf of (?:the|our) (?:hospital|institution|center|organization)\b",
        ]
        return re.compile("|".join(f"(?:{p})" for p in pats))

    pattern: re.Pattern[str] = view.policy.memo("speaking-re", build)
    return pattern


def speaking_for_org(view: PostView) -> list[Hit]:
    acct = view.post.account
    if acct.approval_id:
        return []
    if view.is_org_account:
        return [Hit(message=f"Posted from a {acct.kind} account that has no approval from "
                            "Marketing & Communications.",
                    explain={"account.kind": acct.kind, "approval_id": None})]
    m = _speaking_patterns(view).search(view.lower)
    if m:
        return [Hit(message=f'Speaks as the organization ("{view.norm.original_text(m.start(), m.end())}") '
                            "without permission to post on its behalf.",
                    evidence=(Span(m.start(), m.end(), "voice"),),
                    explain={"pattern": "org voice"})]
    return []


_PREMISES = fast(r"\b(?:lab|simulation|sim lab|unit|floor|clinic|office|nurses'? station|"
                       r"break room|staff lounge|or|icu|on shift|at work|night shift|day shift|"
                       r"shift|our team|the team|team|crew|colleagues|coworkers|inside our|"
                       r"hospital|department|rounds|hand hygiene|award|goal|huddle)\b",
                       re.IGNORECASE)


def media_approval(view: PostView) -> list[Hit]:
    if not view.has_media or view.post.account.approval_id:
        return []
    reasons: list[str] = []
    if view.is_org_account:
        reasons.append(f"from a {view.post.account.kind} account")
    areas = view.find("common_areas")
    if areas:
        reasons.append("showing the organization's premises")
    patients = view.find("patient_refs") or (view.has("people_cues") and view.has("care_terms"))
    if patients:
        reasons.append("showing patients")
    premises = _PREMISES.search(view.text)
    if premises and (view.mentions_org or view.has("people_cues")):
        reasons.append("showing staff at work")
    elif view.org_mentions and view.has("people_cues"):
        reasons.append("showing staff")
    if not reasons:
        return []
    cue = view.media_cues[0] if view.media_cues else None
    ev: tuple[Span, ...] = (Span(cue.start, cue.end, "media"),) if cue else ()
    ev += tuple(Span(m.start, m.end, "location") for m in areas[:1])
    return [Hit(message="Photo or video related to the organization " + ", ".join(reasons)
                        + ", with no approval from Marketing & Communications.",
                evidence=ev, explain={"reasons": reasons})]


_NOT_ONSITE = fast(r"\b(?:at home|my house|my apartment|airport|hotel|mall|at the park)\b",
                         re.IGNORECASE)


def onsite_photo(view: PostView) -> list[Hit]:
    if not view.has_media:
        return []
    areas = view.find("common_areas")
    if not areas or _NOT_ONSITE.search(view.text):
        return []
    area = areas[0]
    where = view.norm.original_text(area.start, area.end)
    ev = [Span(area.start, area.end, "location")]
    if view.media_cues:
        cue = view.media_cues[0]
        ev.append(Span(cue.start, cue.end, "media"))
    return [Hit(message=f"Photo or video taken in a common area ({where}), where photography "
                        "is not allowed.",
                evidence=tuple(sorted(ev)),
                explain={"area": where, "source": "caption"})]


def faces(view: PostView) -> list[Hit]:
    if not view.has_media:
        return []
    people = view.find("people_cues")
    if not people:
        return []
    cue = people[0]
    return [Hit(message="The photo or video seems to show people's faces "
                        f'("{view.norm.original_text(cue.start, cue.end)}"); everyone shown must '
                        "agree, and patients must never be shown.",
                evidence=(Span(cue.start, cue.end, "descriptor"),),
                explain={"source": "caption"})]
