"""Run one rule on a post, the way the engine does; run code in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from clearpost.engine import check


def fired(text: str, rule: str, policy: Any = None, **post: Any) -> bool:
    result = check({"text": text, **post}, policy, rules={rule})
    return any(f.rule == rule for f in result.findings)


def finding(text: str, rule: str, policy: Any = None, **post: Any) -> Any:
    result = check({"text": text, **post}, policy, rules={rule})
    return next((f for f in result.findings if f.rule == rule), None)


def run_python(code: str, *, without_conduct_ml: bool = False) -> None:
    """Run code in a fresh interpreter (with ``without_conduct_ml``, as if the extra were not
    installed: tokenizers hidden); it must exit 0 and print "ok"."""
    prelude = "import sys; sys.modules['tokenizers'] = None\n" if without_conduct_ml else ""
    proc = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr
