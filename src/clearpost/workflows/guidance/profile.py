"""Profile check: the profile rules (disclaimer, physician notice, work e-mail, pseudonym)."""

from __future__ import annotations

from typing import Any

from clearpost.engine import check
from clearpost.model import Post, Result, parse_post
from clearpost.policy.loader import Policy
from clearpost.policy.schema import PROFILE_RULES


def profile_check(policy: Policy, data: dict[str, Any]) -> Result:
    """`data` is {profile, author?, account?}; raises PostInputError on bad input."""
    post: Post = parse_post({"text": "", "profile": data.get("profile") or {},
                             "author": data.get("author") or {},
                             "account": data.get("account") or {}}, where="profile")
    return check(post, policy, rules=PROFILE_RULES)
