"""check(post) -> Result: pick the rules, run their detectors, decide the verdict, redact.

The engine is the only place that knows the contract's shape of a finding: detectors return
hits, the policy says each rule's level and section, and this module puts them together.
Safe to call from several threads; heavy resources load lazily, once, inside the detectors.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from clearpost.detectors import DETECTORS, PROFILE_DETECTORS
from clearpost.detectors.base import Hit, PostView, Span
from clearpost.model import (
    LEVEL_RANK,
    Evidence,
    Finding,
    Level,
    Post,
    Result,
    Verdict,
    parse_post,
)
from clearpost.policy.loader import Policy, default_policy
from clearpost.policy.schema import POST_RULES, PROFILE_RULES


def check(post: Post | dict[str, Any] | str, policy: Policy | None = None, *,
          rules: Collection[str] | None = None) -> Result:
    """Check one post against the policy (the built-in pack when None).

    `post` may be a Post, a contract JSON object, or plain text. `rules` limits the run to
    some rule ids (None: every enabled rule).
    """
    if isinstance(post, str):
        post = parse_post({"text": post})
    elif isinstance(post, dict):
        post = parse_post(post)
    pol = policy or default_policy()
    view = PostView(post, pol)
    findings: list[Finding] = []
    for rule_id in POST_RULES:
        if not _wanted(rule_id, pol, rules):
            continue
        detector = DETECTORS.get(rule_id)
        if detector is None:
            continue
        findings.extend(_to_findings(rule_id, detector(view), view))
    if post.images or post.videos:
        findings.extend(_media_findings(view, rules))
    if post.profile is not None:
        for rule_id in PROFILE_RULES:
            if not _wanted(rule_id, pol, rules):
                continue
            findings.extend(_to_findings(rule_id, PROFILE_DETECTORS[rule_id](view), view))
    findings = _merge_same_rule(findings)
    findings.sort(key=lambda f: (-LEVEL_RANK[f.level], POST_RULES.index(f.rule)
                                 if f.rule in POST_RULES else 99))
    verdict: Verdict = max((f.level for f in findings), key=LEVEL_RANK.__getitem__,
                           default="pass")
    return Result(id=post.id, verdict=verdict, findings=tuple(findings),
                  redacted=redact(post.text, (ev for f in findings for ev in f.evidence)),
                  policy=pol.label)


def warm_up() -> bool:
    """Load the encoder models (`conduct-ml` extra; ~5 s) that the first checks would
    otherwise load. A server calls this at start-up so that no user waits; its policy is its
    runtime's, loaded already."""
    from clearpost.detectors.models import warm_up as warm_models

    return warm_models()


def check_many(posts: Iterable[Post | dict[str, Any] | str], policy: Policy | None = None, *,
               rules: Collection[str] | None = None) -> list[Result]:
    return [check(p, policy, rules=rules) for p in posts]


def _wanted(rule_id: str, policy: Policy, rules: Collection[str] | None) -> bool:
    rule = policy.rules.get(rule_id)
    return bool(rule and rule.enabled and (rules is None or rule_id in rules))


def level_for(rule_id: str, view: PostView, override: Level | None = None) -> Level:
    rule = view.policy.rules[rule_id]
    level: Level = override or rule.level
    escalated = rule.escalate.get(view.post.author.role)
    if escalated and LEVEL_RANK[escalated] > LEVEL_RANK[level]:
        level = escalated
    return level


def _to_findings(rule_id: str, hits: list[Hit], view: PostView) -> list[Finding]:
    rule = view.policy.rules[rule_id]
    out = []
    for hit in hits:
        evidence = tuple(
            view.evidence(ev.start, ev.end, ev.kind) if isinstance(ev, Span) else ev
            for ev in hit.evidence
        )
        out.append(Finding(
            rule=rule_id, level=level_for(rule_id, view, hit.level), section=rule.section,
            message=hit.message, evidence=evidence, fix=hit.fix or rule.fix,
            score=round(hit.score, 3), explain=hit.explain,
        ))
    return out


def _merge_same_rule(findings: list[Finding]) -> list[Finding]:
    """One finding per rule: the highest-level one, with every hit's evidence."""
    by_rule: dict[str, Finding] = {}
    for f in findings:
        cur = by_rule.get(f.rule)
        if cur is None:
            by_rule[f.rule] = f
            continue
        main, other = (f, cur) if LEVEL_RANK[f.level] > LEVEL_RANK[cur.level] else (cur, f)
        seen = {(e.start, e.end, e.source, e.text) for e in main.evidence}
        extra = tuple(e for e in other.evidence if (e.start, e.end, e.source, e.text) not in seen)
        by_rule[f.rule] = main.model_copy(update={
            "evidence": main.evidence + extra,
            "score": max(main.score, other.score),
            "message": main.message if other.message in main.message
            else f"{main.message} {other.message}",
        })
    return list(by_rule.values())


def _media_findings(view: PostView, rules: Collection[str] | None) -> list[Finding]:
    """Findings from attached photos and videos (text in images, faces, GPS, logos)."""
    try:
        from clearpost.media.analyze import media_hits
    except ImportError:  # the media extra is not installed: captions were still checked
        return []
    out: list[Finding] = []
    for rule_id, hits in media_hits(view).items():
        if _wanted(rule_id, view.policy, rules):
            out.extend(_to_findings(rule_id, hits, view))
    return out


def redact(text: str, evidence: Iterable[Evidence]) -> str:
    """Replace each evidence span of the text by a [KIND] tag (overlaps merge).

    Other occurrences of a masked text are masked too: a name flagged once must not survive
    where it is repeated.
    """
    found = [e for e in evidence
             if e.start is not None and e.end is not None and e.source is None and e.end > e.start]
    spans = sorted((e.start, e.end, e.kind) for e in found if e.start is not None and e.end is not None)
    for ev in found:
        if len(ev.text.strip()) >= 3:
            pos = text.find(ev.text)
            while pos != -1:
                spans.append((pos, pos + len(ev.text), ev.kind))
                pos = text.find(ev.text, pos + 1)
    spans.sort()
    if not spans:
        return text
    merged: list[list[Any]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            if end - start > last[1] - last[0]:
                last[2] = kind
            last[1] = max(last[1], end)
        else:
            merged.append([start, end, kind])
    out, pos = [], 0
    for start, end, kind in merged:
        out.append(text[pos:start])
        out.append(f"[{kind.upper()}]")
        pos = end
    out.append(text[pos:])
    return "".join(out)
