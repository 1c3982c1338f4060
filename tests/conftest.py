from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def policy():
    from clearpost.policy.loader import default_policy

    return default_policy()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}); the shared data sets are not available here")
    return SHARED


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `clearpost` command in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "clearpost.cli", *args], input=stdin,
                          capture_output=True, env=full_env, cwd=cwd or ROOT, timeout=120,
                          check=False, text=False)  # type: ignore[call-overload]


def decode(proc: subprocess.CompletedProcess) -> tuple[str, str]:  # type: ignore[type-arg]
    return proc.stdout.decode(), proc.stderr.decode()


def results(proc) -> list[dict]:  # type: ignore[no-untyped-def]
    return [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
