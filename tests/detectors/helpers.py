"""Run one rule on a post, the way the engine does."""

from __future__ import annotations

from typing import Any

from clearpost.engine import check


def fired(text: str, rule: str, policy: Any = None, **post: Any) -> bool:
    result = check({"text": text, **post}, policy, rules={rule})
    return any(f.rule == rule for f in result.findings)


def finding(text: str, rule: str, policy: Any = None, **post: Any) -> Any:
    result = check({"text": text, **post}, policy, rules={rule})
    return next((f for f in result.findings if f.rule == rule), None)
