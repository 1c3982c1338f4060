"""Every rule's own examples: the pack's `fires` must fire it, its `passes` must not."""

from __future__ import annotations

import pytest

from clearpost.engine import check
from clearpost.policy.loader import default_policy

_POLICY = default_policy()
CASES = [
    pytest.param(rule.id, kind, ex, id=f"{rule.id}-{kind}-{i}")
    for rule in _POLICY.rules.values()
    for kind, examples in (("fires", rule.fires), ("passes", rule.passes))
    for i, ex in enumerate(examples)
]


@pytest.mark.parametrize(("rule_id", "kind", "example"), CASES)
def test_rule_example(rule_id: str, kind: str, example) -> None:  # type: ignore[no-untyped-def]
    fired = {f.rule for f in check(example.as_post(), _POLICY).findings}
    if kind == "fires":
        assert rule_id in fired, f"{rule_id} should fire on {example.text!r}"
    else:
        assert rule_id not in fired, f"{rule_id} should not fire on {example.text!r}"


def test_every_rule_has_three_of_each() -> None:
    for rule in _POLICY.rules.values():
        assert len(rule.fires) >= 3 and len(rule.passes) >= 3, rule.id


def test_docs_rules_md_is_fresh() -> None:
    from pathlib import Path

    from clearpost.docs import rules_markdown

    path = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    assert path.read_text(encoding="utf-8") == rules_markdown(_POLICY), (
        "docs/rules.md is stale: run `clearpost rules docs -o docs/rules.md`")
