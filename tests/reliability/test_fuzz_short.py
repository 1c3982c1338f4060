"""A short coverage-guided fuzz pass of every harness (the long run is bench/fuzz.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from fuzz import HARNESSES  # noqa: E402


@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_short_fuzz_pass_finds_no_crash(name: str) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "fuzz.py"), "--runs", "1500",
                           "--harness", name], capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
