"""The service's CLI: serve --demo (the README's first command), db upgrade, users add, guidance."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEARPOST_")}
    env["CLEARPOST_DATA_DIR"] = str(tmp)
    return env


def _cli(tmp: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clearpost.cli", *args], input=stdin,
                          capture_output=True, text=True, env=_env(tmp), cwd=ROOT, timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_demo_prints_address_and_sign_ins_that_work(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "clearpost.cli", "serve", "--demo",
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=_env(tmp_path), cwd=ROOT)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            lines.append(line)
            if "Uvicorn running" in line:  # printed once the socket listens
                break
        text = "".join(lines)
        assert f"http://127.0.0.1:{port}" in text, text
        found = re.findall(r"^\s+(\w+)\s+(\S+@\S+)\s+(\S+)$", text, re.M)
        logins = {role: (email, password) for role, email, password in found}
        assert set(logins) == {"employee", "physician", "manager", "marcomm", "strategist", "admin"}
        email, password = logins["marcomm"]
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/login",
                                     data=json.dumps({"email": email, "password": password}).encode(),
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            cookie = r.headers["set-cookie"].split(";")[0]
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/account-requests",
                                     headers={"cookie": cookie})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert json.loads(r.read())["total"] >= 1  # the seeded sample request
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = None
    assert code is not None, "the server must stop on SIGTERM"


def test_db_upgrade_and_users_add(tmp_path):
    r = _cli(tmp_path, "db", "upgrade")
    assert r.returncode == 0 and "revision 0001" in r.stdout
    r = _cli(tmp_path, "users", "add", "lee@example.org", "--name", "Lee", "--role", "marcomm",
             "--password-stdin", stdin="a good long password\n")
    assert r.returncode == 0 and "marcomm" in r.stdout
    r = _cli(tmp_path, "users", "add", "lee@example.org")
    assert r.returncode >= 3 and "exists" in r.stderr and "Traceback" not in r.stderr
    r = _cli(tmp_path, "users", "add", "kim@example.org", "--role", "wizard")
    assert r.returncode >= 3 and "unknown role" in r.stderr


def test_bad_database_url_is_one_line(tmp_path):
    env = _env(tmp_path)
    env["CLEARPOST_DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    r = subprocess.run([sys.executable, "-m", "clearpost.cli", "db", "upgrade"], env=env,
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode >= 3 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1


def test_ask_profile_connect(tmp_path):
    r = _cli(tmp_path, "ask", "can my department open an instagram account?", "--json")
    out = json.loads(r.stdout)
    assert out["answers"][0]["ref"] == "department-accounts" and out["contact"]["name"]
    r = _cli(tmp_path, "connect", "supervisor-report")
    assert r.returncode == 0 and r.stdout.startswith("AVOID")
    assert _cli(tmp_path, "connect", "cousin").returncode >= 3
    r = _cli(tmp_path, "profile", "--about", "Nurse at Memorial Sloan Kettering", "--json")
    assert r.returncode == 0
    assert "profile-disclaimer" in {f["rule"] for f in json.loads(r.stdout)["findings"]}
    r = _cli(tmp_path, "profile", "--about", "Nurse at Memorial Sloan Kettering. Views are my own.",
             "--json")
    assert "profile-disclaimer" not in {f["rule"] for f in json.loads(r.stdout)["findings"]}
