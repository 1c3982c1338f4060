"""Privacy by construction: a synthetic patient canary driven through every path, then searched.

A fresh, made-up patient (surname and MRN random per run) goes through: the CLI check (text,
a photo whose EXIF carries it, a bad input, a forced crash), a CLI audit of an archive
holding it, and a real uvicorn server: API check, bad input, a crash inside a handler, a
report, a media approval, a question, the pages' check with a photo and the report form, then
the huey tasks those queue (SQLite storage). Everything logs at DEBUG to files; TMPDIR, HOME
and XDG_CACHE_HOME point into the test's own folder.

Then every byte is searched (database files with their WAL, or every PostgreSQL table; logs;
the huey database; temp, home and cache folders) for the surname and the MRN, as UTF-8,
UTF-16, base64, hex and URL-encoded text. The canary must be nowhere; the positive controls
show it did get in: decrypting the stored submissions finds it, and the user's own outputs
(the check result, the audit report) quote it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from clearpost.workflows.runtime import Runtime

from .conftest import BACKENDS, PG_ADMIN_URL, make_org, make_settings, token_for

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "archives"


# --- the canary and its encodings -------------------------------------------------------------
def make_canary() -> tuple[str, str]:
    """A surname no corpus holds, and a 10-digit MRN, new each run."""
    letters = "".join(secrets.choice(string.ascii_lowercase) for _ in range(9))
    mrn = "".join(secrets.choice(string.digits) for _ in range(10))
    return "Zq" + letters, mrn


def _b64_cores(raw: bytes) -> list[bytes]:
    """The base64 characters that `raw` alone determines, at each of the 3 alignments."""
    out = []
    for shift in range(3):
        enc = base64.b64encode(b"\x00" * shift + raw)
        core = enc[-(-8 * shift // 6): (8 * (shift + len(raw))) // 6]
        out += [core, core.replace(b"+", b"-").replace(b"/", b"_")]
    return out


def encodings(token: str) -> dict[str, bytes]:
    raw = token.encode()
    forms = {"utf-8": raw, "utf-16-le": token.encode("utf-16-le"),
             "utf-16-be": token.encode("utf-16-be"), "hex": raw.hex().encode(),
             "url": quote(token).encode()}
    forms.update({f"base64#{i}": c for i, c in enumerate(_b64_cores(raw))})
    return forms


def find(tokens: list[str], blobs: dict[str, bytes]) -> list[str]:
    """Where any token appears in any form ('where: token as form'); case-insensitive text."""
    hits = []
    for where, blob in blobs.items():
        low = blob.lower()
        for token in tokens:
            for form, needle in encodings(token).items():
                exact = form.startswith("base64")
                if (needle in blob) if exact else (needle.lower() in low):
                    hits.append(f"{where}: {token} as {form}")
    return hits


def test_the_search_finds_every_encoding():
    """The search itself can fail: each form of the canary, buried in noise, is found."""
    name, mrn = make_canary()
    text = f"Mr. {name} MRN {mrn}"
    noise = secrets.token_bytes(300)
    for blob in (text.encode(), text.upper().encode(), text.encode("utf-16-le"),
                 text.encode("utf-16-be"), base64.b64encode(b"x" + text.encode()),
                 base64.urlsafe_b64encode(b"xy" + text.encode()), text.encode().hex().encode(),
                 quote(text).encode()):
        assert find([name], {"blob": noise + blob + noise}), blob
        assert find([mrn], {"blob": noise + blob + noise}), blob
    assert not find([name, mrn], {"blob": noise + b"Mr. Someone else MRN 0000000000"})


def files_under(*folders: Path) -> dict[str, bytes]:
    out = {}
    for folder in folders:
        for p in folder.rglob("*"):
            if p.is_file() and not p.is_symlink():
                out[str(p)] = p.read_bytes()
    return out


def database_rows(rt: Runtime) -> dict[str, bytes]:
    """Every row of every table, bytes kept as bytes (the PostgreSQL 'dump')."""
    from sqlalchemy import MetaData, select

    meta = MetaData()
    meta.reflect(rt.engine)
    out = {}
    with rt.engine.connect() as conn:
        for table in meta.sorted_tables:
            parts = []
            for row in conn.execute(select(table)):
                for value in row:
                    parts.append(bytes(value) if isinstance(value, (bytes, memoryview))
                                 else json.dumps(value, default=str, ensure_ascii=False).encode())
            out[f"table {table.name}"] = b"\x1f".join(parts)
    return out


# --- helpers: a photo, a real server, the CLI ----------------------------------------------------
def exif_photo(path: Path, text: str, name: str, mrn: str) -> Path:
    """A photo whose EXIF carries the canary: long (> 32 bytes) and short values, UTF-16 too.

    Written with Pillow's own debug logging off: that is the test making its input."""
    from PIL import Image

    pil = logging.getLogger("PIL")
    saved = pil.level
    pil.setLevel(logging.INFO)
    try:
        img = Image.new("RGB", (64, 48), (200, 180, 160))
        exif = Image.Exif()
        exif[0x010E] = text                      # ImageDescription (long)
        exif[0x013B] = f"Mr. {name}"             # Artist (short)
        exif[0x8298] = f"MRN {mrn}"              # Copyright (short)
        exif[0x9C9C] = text.encode("utf-16-le")  # XPComment (Windows), UTF-16
        img.save(path, "JPEG", exif=exif.tobytes())
    finally:
        pil.setLevel(saved)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _own_pg_database(request: pytest.FixtureRequest) -> str:
    """A database of this test's own (its rows use their own encryption key), dropped after."""
    import sqlalchemy as sa

    request.getfixturevalue("pg_database")  # skips, saying why, when PostgreSQL is unreachable
    name = f"clearpost_canary_{secrets.token_hex(4)}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(drop)
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A real uvicorn server (in a thread) on a fresh runtime, logging DEBUG to a file."""
    import uvicorn

    from clearpost.web.app import create_app

    dirs = {k: tmp_path / k for k in ("data", "logs", "tmp", "home", "cache", "outputs", "inputs")}
    for d in dirs.values():
        d.mkdir()
    url = _own_pg_database(request) if request.param == "postgresql" else None
    root = logging.getLogger()
    handler = logging.FileHandler(dirs["logs"] / "service.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    saved_level, saved_tmp = root.level, tempfile.tempdir
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    tempfile.tempdir = str(dirs["tmp"])
    rt = Runtime.build(make_settings(dirs["data"], url, huey="sqlite"))
    app = create_app(runtime=rt)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="debug",
                                           log_config=None, access_log=True, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield {"rt": rt, "app": app, "base": f"http://127.0.0.1:{port}", "dirs": dirs,
               "backend": request.param}
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        rt.dispose()
        root.removeHandler(handler)
        handler.close()
        root.setLevel(saved_level)
        tempfile.tempdir = saved_tmp


def run_cli(dirs: dict[str, Path], *args: str, patch: str = "") -> subprocess.CompletedProcess[str]:
    """`clearpost ARGS` in a child process that logs DEBUG to a file (and `patch` applied)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEARPOST_")}
    env.update({"CLEARPOST_DATA_DIR": str(dirs["data"]), "TMPDIR": str(dirs["tmp"]),
                "HOME": str(dirs["home"]), "XDG_CACHE_HOME": str(dirs["cache"])})
    code = ("import logging, sys\n"
            f"logging.basicConfig(filename={str(dirs['logs'] / 'cli.log')!r}, level=logging.DEBUG)\n"
            "logging.getLogger('clearpost.canary').debug('positive control: cli log written')\n"
            f"{patch}\n"
            "from clearpost.cli import main\n"
            "main(sys.argv[1:])\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, cwd=str(dirs["outputs"]), timeout=300, check=False)


CRASH = ("import clearpost.engine as _e\n"
         "def _boom(post, *a, **k):\n"
         "    raise RuntimeError('engine failed on ' + post.text)\n"
         "_e.check = _boom\n")


# --- the test -----------------------------------------------------------------------------------
@pytest.mark.parametrize("served", BACKENDS, indirect=True)
def test_the_canary_is_nowhere_but_in_encrypted_submissions(served, monkeypatch, capfd):
    import httpx

    rt: Runtime = served["rt"]
    dirs: dict[str, Path] = served["dirs"]
    name, mrn = make_canary()
    canary = f"Mr. {name} (MRN {mrn}) in room 412 started chemo today"
    org = make_org(rt)
    emp = {"Authorization": f"Bearer {token_for(rt, org.employee)}"}
    mkt = {"Authorization": f"Bearer {token_for(rt, org.marcomm)}"}
    photo = exif_photo(dirs["inputs"] / "ward.jpg", canary, name, mrn)
    outputs: dict[str, str] = {}

    # 1. The CLI: check, a photo, a bad input, a crash, an audit of an archive.
    r = run_cli(dirs, "check", canary, "--json")
    assert r.returncode == 2, r.stderr
    outputs["cli check"] = r.stdout
    r = run_cli(dirs, "check", "a photo from work", "--image", str(photo), "--json")
    assert r.returncode in (0, 1, 2), r.stderr
    (dirs["inputs"] / "bad.json").write_text(json.dumps({"text": canary, "author": {"role": "x"}}))
    r = run_cli(dirs, "check", "--post", str(dirs["inputs"] / "bad.json"))
    assert r.returncode >= 3 and name not in r.stderr and mrn not in r.stderr, r.stderr
    r = run_cli(dirs, "check", canary, patch=CRASH)
    assert r.returncode >= 3 and "RuntimeError" in r.stderr, r.stderr
    assert name not in r.stderr + r.stdout, r.stderr
    archive = dirs["inputs"] / "mastodon"
    shutil.copytree(FIXTURES / "mastodon", archive)
    outbox = archive / "outbox.json"
    outbox.write_text(outbox.read_text().replace("Mr. Quennell", f"Mr. {name} MRN {mrn},"))
    r = run_cli(dirs, "audit", str(archive), "--out", str(dirs["outputs"] / "report.json"),
                "--workers", "1")
    assert r.returncode == 2, r.stderr
    outputs["audit report"] = (dirs["outputs"] / "report.json").read_text()

    # 2. The real server: API and pages.
    with httpx.Client(base_url=served["base"], timeout=60) as c:
        r = c.post("/api/v1/check", json={"text": canary}, headers=emp)
        assert r.status_code == 200 and r.json()["verdict"] == "block"
        outputs["api check"] = r.text
        for bad in ({"text": canary, "author": {"role": "nope"}},
                    {"text": canary, "images": ["x.jpg"]}, {"text": canary, "venue": 5},
                    {"text": canary, "account": {"kind": canary}}):
            r = c.post("/api/v1/check", json=bad, headers=emp)
            assert r.status_code == 422 and name not in r.text and mrn not in r.text, r.text
        # A crash inside a request handler, its message quoting the post.
        import clearpost.web.api.guidance as guidance

        def boom(post: Any, policy: Any) -> Any:
            raise RuntimeError(f"engine failed on {post.text}")

        monkeypatch.setattr(guidance, "check", boom)
        r = c.post("/api/v1/check", json={"text": canary}, headers=emp)
        assert r.status_code == 500 and name not in r.text, r.text
        monkeypatch.undo()

        r = c.post("/api/v1/reports", headers=emp, json={
            "description": f"A colleague posted about {canary}", "pasted_text": canary,
            "link": "https://example.org/post/1"})
        assert r.status_code == 201, r.text
        r = c.post("/api/v1/registry", headers=mkt, json={
            "platform": "x", "handle": f"@ward_{secrets.token_hex(3)}", "name": "Ward news",
            "department": "Radiology", "owners": [org.employee.email]})
        assert r.status_code == 201, r.text
        account_id = r.json()["id"]
        r = c.post("/api/v1/media-approvals", headers=emp, json={
            "account_id": account_id, "caption": canary, "files": [{"name": "ward.jpg"}]})
        assert r.status_code == 201, r.text
        r = c.post("/api/v1/questions", headers=emp, json={"text": f"May I post about {canary}?"})
        assert r.status_code == 201, r.text
        r = c.post("/api/v1/ask", headers=emp, json={"question": f"Can I share {canary}?"})
        assert r.status_code == 200, r.text
        r = c.post("/api/v1/profile-check", headers=emp, json={
            "profile": {"about": canary, "display_name": f"Mr. {name}"}})
        assert r.status_code == 200, r.text

        cookie, csrf = served["app"].state.sessions.issue(org.employee.id)
        page = {"Cookie": f"clearpost_session={cookie}"}
        r = c.post("/check", headers=page, data={"text": canary, "csrf": csrf},
                   files={"photos": ("ward.jpg", photo.read_bytes(), "image/jpeg")})
        assert r.status_code == 200 and "block" in r.text.lower(), r.status_code
        for form in ({"q": canary}, {"question": f"May I post about {canary}?"}):
            r = c.post("/ask", headers=page, data={"csrf": csrf, **form})
            assert r.status_code in (200, 303), (r.status_code, r.text[:300])
        r = c.post("/profile", headers=page, data={"csrf": csrf, "about": canary,
                                                   "display_name": f"Mr. {name}"})
        assert r.status_code == 200, (r.status_code, r.text[:300])
        r = c.post("/report", headers=page, data={
            "csrf": csrf, "description": canary, "pasted_text": canary,
            "link": "https://example.org/post/2"})
        assert r.status_code == 303, (r.status_code, r.text[:300])
        r = c.post("/my/media", headers=page, data={
            "csrf": csrf, "account_id": str(account_id), "caption": canary, "files": ""},
            files={"upload": ("ward.jpg", photo.read_bytes(), "image/jpeg")})
        assert r.status_code == 303, (r.status_code, r.text[:300])
        # A crash inside a page handler.
        import clearpost.web.pages.check as page_check

        monkeypatch.setattr(page_check, "check", boom)
        r = c.post("/check", headers=page, data={"text": canary, "csrf": csrf})
        assert r.status_code == 500 and name not in r.text, r.text[:300]
        monkeypatch.undo()

    # 3. The task queue: what the requests queued in huey's SQLite file, run by huey.
    huey = served["app"].state.huey
    queued = huey.pending_count()
    assert queued >= 1 and (dirs["data"] / "huey.db").exists()
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
    assert huey.pending_count() == 0
    with rt.engine.connect() as conn:
        from sqlalchemy import text as sql
        sent = conn.execute(sql("select count(*) from outbox where sent_at is not null")).scalar()
    assert sent and sent >= 1, "the queued mail task did not run"
    logging.getLogger("clearpost.canary").debug("positive control: the log file is written")

    # 4. Positive controls: the canary got in, encrypted, and reached the user's own outputs.
    for what, text in outputs.items():
        assert name in text, f"{what} should quote the canary (it is the user's own output)"
    from sqlalchemy import select

    from clearpost.store.models import MediaApproval, Question, Report

    with rt.factory() as s:
        plain = [rt.cipher.decrypt(v) or "" for m, cols in (
            (Report, ("description_enc", "pasted_text_enc")), (MediaApproval, ("caption_enc",)),
            (Question, ("text_enc",))) for col in cols
            for v in s.execute(select(getattr(m, col))).scalars()]
    assert sum(name in p for p in plain) >= 6, "the submissions were not stored (encrypted)"
    log_text = (dirs["logs"] / "service.log").read_text()
    assert "positive control" in log_text and "POST /api/v1/reports" in log_text
    # Both crashes were logged, by type only: no traceback (it would quote the post).
    assert log_text.count(": RuntimeError") == 2 and "Traceback" not in log_text
    assert "positive control" in (dirs["logs"] / "cli.log").read_text()

    # 5. The search.
    captured = capfd.readouterr()
    blobs = files_under(dirs["data"], dirs["logs"], dirs["tmp"], dirs["home"], dirs["cache"])
    blobs.update(database_rows(rt))
    blobs["test process stdout+stderr"] = (captured.out + captured.err).encode()
    assert any(k.endswith("huey.db") for k in blobs)
    if served["backend"] == "sqlite":
        assert any(k.endswith("clearpost.db") for k in blobs)
        assert any(k.endswith("clearpost.db-wal") for k in blobs)  # the WAL is read too
    hits = find([name, mrn], blobs)
    assert not hits, "the canary leaked:\n" + "\n".join(hits)
    # Nothing left in TMPDIR but `.ses`: a 51-byte id (a time and a UUID) that a native
    # library in the media stack writes there; it holds no input (and was searched above).
    leftovers = [p for p in dirs["tmp"].rglob("*") if p.name != ".ses"]
    assert not leftovers, f"temporary files left behind: {leftovers}"
