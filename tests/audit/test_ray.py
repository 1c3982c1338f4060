"""Ray and the local pool give identical findings on the same archives."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from clearpost.audit.run import AuditOptions, AuditReport, run_audit

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                                 reason="ray is not installed (pip install 'clearpost[ray]')")]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "archives"
REAL_MASTODON = Path(__file__).resolve().parents[2].parent / "shared/data/exports/mastodon_dealingwith"


def findings(report: AuditReport) -> list[tuple[str, str, list[tuple[str, str, list[tuple[int | None, int | None, str]]]]]]:
    return [(r["id"], r["verdict"], [(f["rule"], f["level"], [(e.get("start"), e.get("end"), e["text"])
                                                               for e in f["evidence"]])
                                     for f in r["findings"]]) for r in report.flagged]


def test_ray_matches_the_local_pool(policy: object) -> None:
    paths = sorted(p for p in FIXTURES.iterdir() if p.is_dir() or p.suffix == ".zip")
    if REAL_MASTODON.is_dir():
        paths.append(REAL_MASTODON)
    local = run_audit(paths, policy, AuditOptions(engine="local", workers=2, chunk_size=7))  # type: ignore[arg-type]
    ray_run = run_audit(paths, policy, AuditOptions(engine="ray", workers=2, chunk_size=7))  # type: ignore[arg-type]
    assert local.flagged, "the archives hold flagged posts"
    assert findings(ray_run) == findings(local)
    assert ray_run.total.to_json() == local.total.to_json()
    assert [p.to_json() for p in ray_run.people.values()] == [p.to_json() for p in local.people.values()]
