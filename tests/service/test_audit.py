"""The audit trail: hash chain, append-only triggers, tamper detection by the CLI, export."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from clearpost.workflows.audit import service as audit
from clearpost.workflows.context import SYSTEM
from clearpost.workflows.questions import service as questions
from clearpost.workflows.runtime import Runtime

from .conftest import make_org, make_settings

ROOT = Path(__file__).resolve().parents[2]


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEARPOST_")}
    env["CLEARPOST_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "clearpost.cli", "audit-log", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def _trail(tmp_path: Path, marker: str) -> Path:
    """A SQLite database with a few events, one of them carrying `marker` in its comment."""
    settings = make_settings(tmp_path, None, encryption_keys=None, secret_key=None)
    rt = Runtime.build(settings)
    org = make_org(rt)
    with rt.ctx(org.employee) as ctx:
        item = questions.ask(ctx, "Is it fine to share our lab's new paper?")
    with rt.ctx(org.strategist) as ctx:
        questions.act(ctx, item.id, "answer", comment=marker, data={"answer": "Yes, once public."})
    with rt.ctx(org.employee) as ctx:
        questions.ask(ctx, "And a photo of the lab bench?")
    rt.dispose()  # the last connection checkpoints the WAL into the database file
    return tmp_path / "clearpost.db"


def test_verify_passes_on_an_intact_trail(tmp_path):
    _trail(tmp_path, "intact-comment")
    r = _cli(tmp_path, "verify")
    assert r.returncode == 0, r.stderr
    assert "intact" in r.stdout


def test_flipping_one_byte_of_a_stored_event_is_reported(tmp_path):
    marker = "MARKER-7f3a-this-comment-is-audited"
    db = _trail(tmp_path, marker)
    raw = bytearray(db.read_bytes())
    at = raw.find(marker.encode())
    assert at > 0, "the comment is stored in the database file"
    assert raw.find(marker.encode(), at + 1) == -1
    raw[at + 7] ^= 0x01  # one bit of one byte
    db.write_bytes(bytes(raw))
    r = _cli(tmp_path, "verify")
    assert r.returncode == 1
    assert "content was changed" in r.stdout and "TAMPERED" in r.stderr


@pytest.mark.parametrize("which", ["middle", "newest"])
def test_deleting_an_event_is_reported(tmp_path, which):
    db = _trail(tmp_path, "deletion")
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        # Someone with direct access drops the append-only trigger first.
        conn.execute(sa.text("DROP TRIGGER audit_events_no_delete"))
        last = conn.execute(sa.text("SELECT max(id) FROM audit_events")).scalar_one()
        victim = 3 if which == "middle" else last
        conn.execute(sa.text("DELETE FROM audit_events WHERE id = :i"), {"i": victim})
    engine.dispose()
    r = _cli(tmp_path, "verify")
    assert r.returncode == 1, r.stdout
    assert ("missing" in r.stdout) if which == "middle" else ("newest events deleted" in r.stdout)


def test_triggers_refuse_update_and_delete(backend, org):
    with backend.ctx(org.employee) as ctx:
        questions.ask(ctx, "trigger check")
    for statement in ("UPDATE audit_events SET comment = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(sa.exc.DBAPIError), backend.engine.begin() as conn:
            conn.execute(sa.text(statement))
    with backend.ctx(SYSTEM) as ctx:
        assert audit.verify(ctx.session).ok


def test_export_csv_and_json(tmp_path):
    _trail(tmp_path, "export-comment")
    r = _cli(tmp_path, "export", "--format", "json")
    events = json.loads(r.stdout)
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert all(len(e["hash"]) == 64 for e in events)
    out = tmp_path / "audit.csv"
    r = _cli(tmp_path, "export", "--format", "csv", "-o", str(out))
    assert r.returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == len(events) and rows[-1]["hash"] == events[-1]["hash"]
    assert _cli(tmp_path, "export", "--format", "xml").returncode >= 3
