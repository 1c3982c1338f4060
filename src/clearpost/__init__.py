"""clearpost: check social media posts against an organization's employee guidelines.

    >>> from clearpost import check, Post
    >>> check(Post(text="Proud of my team today!")).verdict
    'pass'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Post", "Result", "check", "load_policy"]

if TYPE_CHECKING:
    from clearpost.engine import check
    from clearpost.model import Post, Result
    from clearpost.policy.loader import load_policy


def __getattr__(name: str) -> Any:
    # Lazy, so that `clearpost --help` does not pay for the detectors' imports.
    if name == "check":
        from clearpost.engine import check

        return check
    if name in ("Post", "Result"):
        from clearpost import model

        return getattr(model, name)
    if name == "load_policy":
        from clearpost.policy.loader import load_policy

        return load_policy
    raise AttributeError(name)
