"""The detector contract.

A detector is a pure function `(view: PostView) -> list[Hit]`: it reads an immutable post
(already normalised) and the policy, and returns what it found. It never writes anything,
never logs post text, and knows nothing of the web or the database. The engine turns hits
into the contract's findings (level and section come from the policy's rule).

`PostView` memoises the features several detectors share (organization mentions, media cues,
care context), so each is computed at most once per post.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from clearpost.model import Evidence, Level, Post
from clearpost.policy.loader import Policy
from clearpost.text import Lexicon, Match, NormalizedText, normalize
from clearpost.text.features import ngram_features
from clearpost.text.lexicon import squeeze_emoji
from clearpost.text.patterns import fast


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A span of the *normalised* text, with the kind of thing it is. Ordered by position, so
    evidence comes out in one order whatever the hash seed."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Hit:
    message: str
    evidence: tuple[Span, ...] | tuple[Evidence, ...] = ()
    fix: str | None = None  # None: the rule's fix from the policy
    score: float = 1.0
    level: Level | None = None  # None: the rule's level (after role escalation)
    explain: dict[str, Any] = field(default_factory=dict)


Detector = Callable[["PostView"], list[Hit]]
T = TypeVar("T")


class PostView:
    """A post as detectors see it: normalised text, policy, and shared derived features."""

    def __init__(self, post: Post, policy: Policy, extra_text: str = "") -> None:
        self.post = post
        self.policy = policy
        self.norm: NormalizedText = normalize(post.text)
        self.text = self.norm.text
        self.lower = self.norm.lower
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """A detector's own derived feature of this post (say, the harassment signals that two
        rules read), built once. A view belongs to one check, so no lock is needed."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    # --- helpers ---------------------------------------------------------------------
    def evidence(self, start: int, end: int, kind: str) -> Evidence:
        s, e = self.norm.span(start, end)
        return Evidence(start=s, end=e, text=self.post.text[s:e], kind=kind)

    def lexicon(self, name: str) -> Lexicon:
        """A built-in lexicon extended by the pack's lexicon of the same name."""
        return self.policy.memo(f"lexicon:{name}", lambda: Lexicon(self.policy.lexicon(name)))

    def find(self, name: str) -> list[Match]:
        """The lexicon's matches in this post, scanned once per post (a third of the calls
        repeat a scan another detector made); a fresh list, so callers may extend it.
        Phrases match across emoji between their words ("a little bird 🐦 told me")."""
        key = f"find:{name}"
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = tuple(self._find(self.lexicon(name)))
        return list(found)

    def has(self, name: str) -> bool:
        found = self._memo.get(f"find:{name}")
        if found is not None:
            return bool(found)
        if self._squeezed is not None:
            return bool(self.find(name))
        return self.lexicon(name).search(self.lower) is not None

    @cached_property
    def _squeezed(self) -> tuple[str, list[int]] | None:
        return squeeze_emoji(self.lower)

    def _find(self, lexicon: Lexicon) -> list[Match]:
        found = lexicon.find_all(self.lower)
        if self._squeezed is None:
            return found
        text, index = self._squeezed
        across = [Match(index[m.start], index[m.end - 1] + 1, m.phrase, m.label)
                  for m in lexicon.find_all(text)
                  if index[m.end - 1] - index[m.start] != m.end - 1 - m.start]
        if not across:
            return found
        # Longest non-overlapping, left to right, as Lexicon.find_all.
        out: list[Match] = []
        for m in sorted(found + across, key=lambda m: (m.start, -(m.end - m.start))):
            if not out or m.start >= out[-1].end:
                out.append(m)
        return out

    # --- shared features -------------------------------------------------------------
    @cached_property
    def org_mentions(self) -> list[Match]:
        """Mentions of the organization: names, institutes, schools, marks, handles, hashtags."""
        found = org_lexicon(self.policy).find_all(self.lower)
        exact = case_sensitive_marks(self.policy)
        if exact is not None:
            found += [Match(m.start(), m.end(), m.group(), "mark") for m in exact.finditer(self.text)]
            found.sort(key=lambda m: m.start)
        if "#" in self.text:  # "#MSKnurses", "#SloanKetteringProud": the name inside a hashtag
            taken = {m.start for m in found}
            found += [Match(m.start(), m.end(), m.group(), "hashtag")
                      for m in org_hashtags(self.policy).finditer(self.lower)
                      if m.start() not in taken and m.start() + 1 not in taken]
            found.sort(key=lambda m: m.start)
        return found

    @cached_property
    def word_features(self) -> frozenset[str]:
        """Word 1-2 grams of the text, the features of every word model (the conduct gate,
        promotion, confidential and not-yet-public): computed once per post."""
        return frozenset(ngram_features(self.text, chars=False))

    @cached_property
    def mentions_org(self) -> bool:
        return bool(self.org_mentions) or self.post.venue == "org-channel"

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in _SENTENCE.finditer(self.text)]

    @cached_property
    def media_cues(self) -> list[Match]:
        """Media words that describe this post's own photo or video (not "your pictures")."""
        comment = self.post.venue == "org-channel"  # "this video" = the post commented on
        return [m for m in self.find("media_cues")
                if not _OTHERS_MEDIA.search(self.lower[max(0, m.start - 30):m.start])
                and not _NOT_A_PHOTO_AFTER.match(self.lower, m.end)
                and not (comment and _DEICTIC.search(self.lower[max(0, m.start - 12):m.start]))]

    @cached_property
    def has_media(self) -> bool:
        """Photos or video are attached, or the caption clearly describes them."""
        return bool(self.post.images or self.post.videos or self.media_cues)

    @cached_property
    def discloses_affiliation(self) -> list[re.Match[str]]:
        """Spans where the author says they work for the organization."""
        return disclosure_matches(self)

    @property
    def is_org_account(self) -> bool:
        return self.post.account.kind in ("department", "official")


_OTHERS_MEDIA = fast(r"(?:\byour|\btheir|\bposts? of|\bwatching|\bsaw (?:a|the|your)|"
                           r"\b(?:dm|send|email|text|message|pm|show)\s+me\s+(?:a|an|the|your|ur)|"
                           r"\b(?:posting|sharing)\s+(?:pretty|nice|cute|fake|staged|glossy|those|"
                           r"these|all|more))\s+(?:\w+\s+)?$")
#: "snapped his fingers at me", "shot me a look": the word, but no camera.
_NOT_A_PHOTO_AFTER = fast(r"\s+(?:(?:his|her|their|my|your) fingers|at\b|back\b|me a look|"
                                r"(?:him|her|them) a look|a look)")
_DEICTIC = fast(r"\b(?:this|that|the|your|these|those)\s+(?:\w+\s+)?$")
_SENTENCE = fast(r"[^.!?\n]+(?:[.!?\n]+|$)")


def org_lexicon(policy: Policy) -> Lexicon:
    def build() -> Lexicon:
        org = policy.org
        entries: list[tuple[str, str]] = [(org.name, "name")]
        entries += [(a, "alias") for a in org.aliases]
        entries += [(a, "institute") for a in org.institutes]
        entries += [(a, "school") for a in org.schools]
        entries += [(a, "mark") for a in org.marks]
        entries += [(h, "handle") for h in org.official_handles]
        entries += [(h, "hashtag") for h in org.hashtags]
        entries += [(d, "domain") for d in org.web_domains]
        return Lexicon(entries)

    return policy.memo("org-lexicon", build)


def org_hashtags(policy: Policy) -> re.Pattern[str]:
    """Hashtags that start with one of the organization's names, written without spaces."""
    def build() -> re.Pattern[str]:
        org = policy.org
        names = {re.sub(r"[\s'-]+", "", n.lower()) for n in (org.name, *org.aliases, *org.institutes)}
        alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if len(n) >= 3)
        return re.compile(rf"#(?:{alt})\w*")

    pattern: re.Pattern[str] = policy.memo("org-hashtags", build)
    return pattern


def case_sensitive_marks(policy: Policy) -> re.Pattern[str] | None:
    def build() -> re.Pattern[str] | None:
        marks = policy.org.case_sensitive_marks
        if not marks:
            return None
        return re.compile(r"(?<![\w@#])(?:" + "|".join(re.escape(m) for m in marks) + r")(?!\w)")

    result: re.Pattern[str] | None = policy.memo("org-exact-marks", build)
    return result


def weak_org_lexicon(policy: Policy) -> Lexicon:
    return policy.memo("org-weak-lexicon",
                       lambda: Lexicon([(a, "weak") for a in policy.org.weak_aliases]))


def disclosure_matches(view: PostView) -> list[re.Match[str]]:
    def build() -> re.Pattern[str]:
        org = policy_org_alternation(view.policy)
        pats = [
            rf"\bi\s*(?:'m|am)\s+(?:an?\s+)?(?:{org})\s+\w+",  # I'm an MSK employee
            rf"\b(?:i|we)\s+(?:work|works|worked|am employed)\s+(?:at|for|in)\s+(?:{org})",
            rf"\bmy\s+(?:employer|workplace|job|team|lab|colleagues|coworkers|hospital)\b[^.!?\n]{{0,20}}(?:{org})?",
            rf"\bas\s+(?:an?\s+)?(?:{org})\s+[a-z]+",  # as an MSK nurse
            # "MSK nurse" about oneself, not "the MSK nurse residency"
            rf"(?<!the )(?<!your )(?<!their )\b(?:{org})\s*(?:employee|staff(?:er)?|nurse|physician|"
            r"doctor|oncologist|researcher|postdoc)\b(?!\s+(?:residency|program|fellowship|training|"
            r"internship|course|jobs?|openings?|positions?))",
            r"\(\s*(?:employee|staff|i work here|msk employee)\s*\)",
            r"#\w*employee\w*",
            r"\b(?:proud|happy|lucky)\s+to\s+work\s+(?:at|for|here)",
            # "proud to be on the security team here", "part of the transport crew at MSK"
            _TEAM_PRIDE.pattern + rf"\s+(?:here|at\s+(?:{org}))",
            # "11 years here", "been at MSK for 20 years"
            rf"\b(?:i've|i have|been|worked|working)\s+(?:been\s+)?(?:here|at\s+(?:{org}))\s+(?:for\s+)?"
            r"(?:\d+|a|ten|twenty|five|fifteen)\s+(?:years?|yrs)\b",
            r"\bi\s+work\s+(?:here|there)\b",
            # the author's own care there: "a privilege to care for him … at MSK", "my patients at MSK"
            rf"\b(?:i|we)\s+(?:cared|care|treated|treat|took care)\s+(?:for\s+)?[^.!?\n]{{0,80}}?\bat\s+(?:{org})\b",
            rf"\b(?:privilege|honou?r|blessing|joy|gift)\s+to\s+(?:care\s+for|treat|look\s+after)\s+[^.!?\n]{{0,80}}?\bat\s+(?:{org})\b",
            rf"\bmy\s+(?:patients|clinic|practice|residents|fellows|students)\s+at\s+(?:{org})\b",
            # "as someone who works there", "one of the nurses who work there"
            r"\b(?:someone|somebody|one of the (?:\w+ )?(?:people|folks|nurses|staff|docs|doctors))"
            r"\s+who\s+works?\s+(?:there|here)\b",
            r"\bour\s+(?:team|teams|hospital|lab|unit|nurses|patients)\b",
            r"\b(?:views|opinions|tweets|posts)\s+(?:are\s+)?(?:my\s+own|mine)\b",
        ]
        return re.compile("|".join(f"(?:{p})" for p in pats))

    pattern: re.Pattern[str] = view.policy.memo("disclosure-re", build)
    found = list(pattern.finditer(view.lower))
    if not found and view.org_mentions:
        # "Proud to be part of the team that made this happen #MSKProud": the team is the
        # organization the post names
        found = list(_TEAM_PRIDE.finditer(view.lower))
    return found


_TEAM_PRIDE = fast(r"\b(?:proud|happy|lucky|honou?red|blessed|grateful)\s+to\s+(?:be|have\s+been)\s+"
                         r"(?:on|in|part\s+of)\s+(?:the|this|our)\s+(?:[\w-]+\s+){0,3}?"
                         r"(?:team|crew|unit|department|staff|family)\b")


def policy_org_alternation(policy: Policy) -> str:
    """A regex alternation of the organization's names (lower-case, longest first)."""
    def build() -> str:
        org = policy.org
        names = {n.lower() for n in [org.name, *org.aliases, *org.institutes, *org.schools,
                                     *org.weak_aliases]}
        names |= {h.lower().lstrip("@#") for h in org.hashtags}
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    result: str = policy.memo("org-alternation", build)
    return result


def sentence_of(view: PostView, pos: int) -> tuple[int, int]:
    for s, e in view.sentences:
        if s <= pos < e:
            return s, e
    return 0, len(view.text)
