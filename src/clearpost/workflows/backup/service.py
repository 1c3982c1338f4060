"""`clearpost backup` / `clearpost restore`.

SQLite (the default): an online backup through SQLite's backup API, consistent while the
service runs; the copy's audit chain is verified before it is kept. Restore verifies the
backup's chain first and swaps the database file atomically (stop the service first).

PostgreSQL: the documented route is pg_dump/pg_restore (custom format); these functions call
them when they are on PATH. Either way the encryption keys (CLEARPOST_ENCRYPTION_KEYS or
data_dir/encryption.key) are NOT in the backup: keep them in your secret store, or the
encrypted submissions in a restored database cannot be read.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from clearpost.store import db
from clearpost.workflows.audit.service import verify


class BackupError(ValueError):
    """A backup or restore that cannot be done; nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    audit_events: int


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    if not u.database or u.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(u.database)


def _verify_sqlite_file(path: Path) -> int:
    engine = db.make_engine(f"sqlite:///{path.as_posix()}")
    try:
        with Session(engine) as session:
            report = verify(session)
    except SQLAlchemyError:
        raise BackupError(f"{path}: not a clearpost database (no audit trail)") from None
    finally:
        engine.dispose()
    if not report.ok:
        raise BackupError(f"{path}: audit chain broken: {report.problems[0]}")
    return report.events


def backup(database_url: str, out: Path) -> BackupResult:
    src = _sqlite_path(database_url)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if src is None:
        return _pg_dump(database_url, out)
    if not src.is_file():
        raise BackupError(f"{src}: no database to back up")
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as source, \
                sqlite3.connect(tmp) as dest:
            source.backup(dest)
        events = _verify_sqlite_file(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(out, events)


def restore(database_url: str, backup_file: Path) -> BackupResult:
    if not backup_file.is_file():
        raise BackupError(f"{backup_file}: not found")
    dest = _sqlite_path(database_url)
    if dest is None:
        return _pg_restore(database_url, backup_file)
    with backup_file.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{backup_file}: not a clearpost SQLite backup")
    events = _verify_sqlite_file(backup_file)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial")
    os.close(fd)
    try:
        shutil.copyfile(backup_file, tmp_name)
        for suffix in ("-wal", "-shm"):  # stale journals of the old file must not apply
            Path(f"{dest}{suffix}").unlink(missing_ok=True)
        os.replace(tmp_name, dest)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return BackupResult(dest, events)


def _pg_url(database_url: str) -> tuple[str, dict[str, str]]:
    """The libpq URL without the password, and the environment that carries it: a password
    on the command line is readable by every local user (`ps`)."""
    u = make_url(database_url)
    env = dict(os.environ)
    if u.password is not None:
        env["PGPASSWORD"] = str(u.password)
    bare = URL.create("postgresql", username=u.username, host=u.host, port=u.port,
                      database=u.database, query=u.query)
    return bare.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(f"{cmd[0]} is not installed; install the PostgreSQL client tools")
    # B404/B603: pg_dump/pg_restore run from an argument list, never a shell: fixed options,
    # our own file names and the configured database URL.
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)  # nosec B603
    if proc.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {proc.stderr.strip().splitlines()[-1:]}")


def _pg_dump(database_url: str, out: Path) -> BackupResult:
    tmp = out.with_name(f".{out.name}.partial")
    try:
        url, env = _pg_url(database_url)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={tmp}", url], env)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(out, _verify_url(database_url))


def _pg_restore(database_url: str, backup_file: Path) -> BackupResult:
    url, env = _pg_url(database_url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={url}", str(backup_file)], env)
    return BackupResult(backup_file, _verify_url(database_url))


def _verify_url(database_url: str) -> int:
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            report = verify(session)
    finally:
        engine.dispose()
    if not report.ok:
        raise BackupError(f"audit chain broken: {report.problems[0]}")
    return report.events
