"""Everyday posts an employee writes (runs, coworkers, papers, flu shots, hiring, a pasted
public link): written fresh on 2026-11-23 before the detectors saw them, and all clean. No
rule may flag any of them: a false alarm here is what makes people stop using the tool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearpost.engine import check
from clearpost.policy.loader import default_policy

ROWS = [json.loads(line) for line in
        (Path(__file__).parent / "fixtures" / "everyday_posts.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_everyday_post_passes(row: dict[str, object]) -> None:
    post = {k: v for k, v in row.items() if k != "id"}
    result = check(post, default_policy())
    assert not result.findings, [(f.rule, f.message) for f in result.findings]
