"""Score the checker on labelled posts (the contract's section 4 format)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearpost.engine import check
from clearpost.model import PostInputError, parse_post
from clearpost.policy.loader import Policy
from clearpost.policy.schema import POST_RULES, PROFILE_RULES


@dataclass
class RuleScore:
    rule: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    rules: dict[str, RuleScore]
    posts: int = 0
    clean: int = 0
    clean_flagged: int = 0
    exact: int = 0
    mistakes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def clean_false_alarm_rate(self) -> float:
        return self.clean_flagged / self.clean if self.clean else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "posts": self.posts,
            "exact_match": self.exact,
            "clean_posts": self.clean,
            "clean_with_findings": self.clean_flagged,
            "clean_false_alarm_rate": round(self.clean_false_alarm_rate, 4),
            "rules": {
                r: {"support": s.support, "tp": s.tp, "fp": s.fp, "fn": s.fn,
                    "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4)}
                for r, s in self.rules.items()
            },
            "mistakes": self.mistakes,
        }


def read_labelled(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PostInputError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
            if not isinstance(data, dict) or not isinstance(data.get("expect"), list):
                raise PostInputError(f"{path}:{lineno}: each line needs an 'expect' list of rule ids")
            unknown = [r for r in data["expect"] if r not in POST_RULES + PROFILE_RULES]
            if unknown:
                raise PostInputError(f"{path}:{lineno}: unknown rule id(s) in expect: {unknown}")
            yield lineno, data


def evaluate(path: Path, policy: Policy | None = None) -> Report:
    report = Report(rules={r: RuleScore(r) for r in POST_RULES})
    for lineno, data in read_labelled(path):
        post = parse_post(data, where=f"{path}:{lineno}")
        result = check(post, policy)
        fired = {f.rule for f in result.findings}
        expected = set(data["expect"])
        report.posts += 1
        for rule in set(report.rules) | expected | fired:
            score = report.rules.setdefault(rule, RuleScore(rule))
            if rule in fired and rule in expected:
                score.tp += 1
            elif rule in fired:
                score.fp += 1
            elif rule in expected:
                score.fn += 1
        if not expected:
            report.clean += 1
            if fired:
                report.clean_flagged += 1
        if fired == expected:
            report.exact += 1
        else:
            report.mistakes.append({
                "id": data.get("id", f"line {lineno}"), "text": post.text,
                "missed": sorted(expected - fired), "extra": sorted(fired - expected),
            })
    return report



def run_examples(policy: Policy) -> list[str]:
    """Run a pack's rule examples: `fires` must fire the rule, `passes` must not.

    Returns one line per misbehaving example (empty: all good).
    """
    failures = []
    for rule in policy.rules.values():
        if not rule.enabled:
            continue
        for kind, examples in (("fires", rule.fires), ("passes", rule.passes)):
            for i, ex in enumerate(examples):
                fired = {f.rule for f in check(ex.as_post(), policy).findings}
                if (rule.id in fired) != (kind == "fires"):
                    want = "should fire" if kind == "fires" else "should not fire"
                    failures.append(f"rules/{rule.id}.yaml {kind}[{i}]: {rule.id} {want}: "
                                    f"{ex.text[:70]!r}")
    return failures
