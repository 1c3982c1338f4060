"""`clearpost backup` / `restore`: a round trip keeps every record and a verified audit chain."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.service.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]


def _cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEARPOST_")}
    env["CLEARPOST_DATA_DIR"] = str(tmp)
    return subprocess.run([sys.executable, "-m", "clearpost.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120, check=False)


def _seeded(tmp: Path) -> int:
    from clearpost.workflows import demo
    from clearpost.workflows.runtime import Runtime

    rt = Runtime.build(make_settings(tmp, None))
    try:
        demo.seed(rt)
    finally:
        rt.dispose()
    with sqlite3.connect(tmp / "clearpost.db") as c:
        return int(c.execute("select count(*) from audit_events").fetchone()[0])


def test_round_trip_restores_everything_and_verifies_the_chain(tmp_path: Path) -> None:
    events = _seeded(tmp_path)
    assert events > 0
    out = tmp_path / "backups" / "b1.db"
    r = _cli(tmp_path, "backup", str(out))
    assert r.returncode == 0, r.stderr
    assert f"{events} audit events" in r.stdout and out.is_file()
    # damage the live database, then restore
    (tmp_path / "clearpost.db").write_bytes(b"garbage")
    assert _cli(tmp_path, "restore", str(out)).returncode >= 3  # needs --yes
    r = _cli(tmp_path, "restore", str(out), "--yes")
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(tmp_path / "clearpost.db") as c:
        assert c.execute("select count(*) from audit_events").fetchone()[0] == events
    r = _cli(tmp_path, "audit-log", "verify")
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_tampered_backup_is_refused(tmp_path: Path) -> None:
    _seeded(tmp_path)
    out = tmp_path / "b.db"
    assert _cli(tmp_path, "backup", str(out)).returncode == 0
    with sqlite3.connect(out) as c:
        c.execute("drop trigger if exists audit_events_no_update")
        for (name,) in c.execute("select name from sqlite_master where type='trigger'").fetchall():
            c.execute(f'drop trigger "{name}"')
        c.execute("update audit_events set action = action || 'x' where id = 1")
    before = (tmp_path / "clearpost.db").read_bytes()
    r = _cli(tmp_path, "restore", str(out), "--yes")
    assert r.returncode >= 3 and "audit chain" in r.stderr
    assert (tmp_path / "clearpost.db").read_bytes() == before  # nothing changed


@pytest.mark.parametrize("content", [b"", b"not a database at all", None])
def test_restore_of_a_non_backup_is_a_one_line_error(tmp_path: Path, content: bytes | None) -> None:
    bad = tmp_path / "bad.db"
    if content is None:  # a real SQLite file, but not clearpost's
        with sqlite3.connect(bad) as c:
            c.execute("create table t (x)")
    else:
        bad.write_bytes(content)
    r = _cli(tmp_path, "restore", str(bad), "--yes")
    assert r.returncode >= 3 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_the_postgres_password_stays_off_the_command_line() -> None:
    """pg_dump/pg_restore get the password in PGPASSWORD: argv is readable by any local user."""
    from clearpost.workflows.backup.service import _pg_url

    url, env = _pg_url("postgresql+psycopg://clearpost:s3cr%40t-pw@db.example.org:5432/cp")
    assert "s3cr" not in url and url == "postgresql://clearpost@db.example.org:5432/cp"
    assert env["PGPASSWORD"] == "s3cr@t-pw"
    url, env = _pg_url("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert url == "postgresql://postgres@127.0.0.1:5432/test"
    assert env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")  # none given: left as it was
