"""Profile rules: disclaimer, physician notice, work e-mail, pseudonym (from the profile)."""

from __future__ import annotations

import re

from clearpost.detectors.base import Hit, PostView, policy_org_alternation
from clearpost.model import Evidence
from clearpost.text.patterns import fast

_DISCLAIMER = fast(
    r"\b(?:views|opinions|tweets|posts|thoughts)\s+(?:are\s+|expressed\s+(?:here\s+)?are\s+)?"
    r"(?:my\s+own|mine|personal)\b|\bpersonal (?:opinion|views|account)\b|"
    r"\b(?:do|does) not (?:necessarily )?(?:reflect|represent)\b|\bnot (?:the views|endorsements?)\b",
    re.IGNORECASE,
)
_NOT_ADVICE = fast(r"\bnot (?:constitute )?(?:medical )?advice\b|\bno medical advice\b|"
                         r"\b(?:nothing (?:here|i post|i share|on this (?:page|account))|none of (?:this|it|"
                         r"my posts)) (?:is|are|constitutes?) (?:medical )?advice\b|\bisn'?t (?:medical )?advice\b|"
                         r"\bnot a substitute for (?:medical|professional)", re.IGNORECASE)
_NO_PHI = fast(r"\b(?:don't|do not|please don't|never)\s+(?:post|share)\b[^.]{0,40}"
                     r"\b(?:medical|health|personal)\b", re.IGNORECASE)


def _about(view: PostView) -> str:
    return view.post.profile.about if view.post.profile else ""


def _ev(text: str, start: int, end: int, kind: str) -> Evidence:
    return Evidence(text=text[start:end], kind=kind, source="profile.about", start=None, end=None)


def profile_disclaimer(view: PostView) -> list[Hit]:
    about = _about(view)
    org = policy_org_alternation(view.policy)
    works = re.search(rf"\b(?:{org})\b|\b(?:work|works|working) (?:at|for)\b", about, re.IGNORECASE)
    if not works or not re.search(rf"\b(?:{org})\b", about, re.IGNORECASE):
        return []
    if _DISCLAIMER.search(about):
        return []
    example = view.policy.org.disclaimer_example
    return [Hit(message="Your profile says you work for the organization but has no "
                        "'views are my own' disclaimer.",
                evidence=(_ev(about, works.start(), works.end(), "affiliation"),),
                fix=f'Add a disclaimer to your profile\'s About section, for example: "{example}"')]


def physician_notice(view: PostView) -> list[Hit]:
    if view.post.author.role != "physician":
        return []
    about = _about(view)
    if _NOT_ADVICE.search(about) and _NO_PHI.search(about):
        return []
    missing = []
    if not _NOT_ADVICE.search(about):
        missing.append("that your posts are not medical advice")
    if not _NO_PHI.search(about):
        missing.append("that others should not post their personal medical information there")
    example = view.policy.org.physician_notice_example
    return [Hit(message="As a physician, your profile should say " + " and ".join(missing) + ".",
                fix=f'Add a notice to your About section, for example: "{example}"')]


def work_email(view: PostView) -> list[Hit]:
    profile = view.post.profile
    if profile is None or not profile.email or view.post.account.kind != "personal":
        return []
    domain = profile.email.rsplit("@", 1)[-1].lower().strip()
    for org_domain in view.policy.org.email_domains:
        d = org_domain.lower()
        if domain == d or domain.endswith("." + d):
            return [Hit(message=f"Your personal account uses a work e-mail address (@{domain}).",
                        evidence=(Evidence(text=profile.email, kind="contact",
                                           source="profile.email"),))]
    return []


_REAL_NAME = fast(r"^[A-Z][a-zA-Z'\-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][a-zA-Z'\-]+)+$")


def pseudonym(view: PostView) -> list[Hit]:
    profile = view.post.profile
    if profile is None or view.post.venue != "org-channel":
        return []
    name = (profile.display_name or "").strip()
    if view.post.account.pseudonymous or (name and not _REAL_NAME.match(name)):
        return [Hit(message=f"Your profile name ({name or 'none'}) does not show your real name, "
                            "and this comment is on one of the organization's own channels.",
                    evidence=(Evidence(text=name, kind="name", source="profile.display_name"),)
                    if name else ())]
    return []
