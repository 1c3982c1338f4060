"""The real service in a subprocess (`clearpost serve`) on a database of the test's choosing.

Shared by the fault tests and bench/soak.py: seeds a demo organization (one person per role,
registry accounts), issues API tokens, starts `clearpost serve` on a free loopback port and
waits for it to answer.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

SECRET = "fault-tests-secret-" + "s" * 24


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Org:
    """The seeded people: e-mail, password and an API token per role key."""

    emails: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    account_id: int = 0


def settings_env(data_dir: Path, database_url: str | None, encryption_key: str,
                 **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEARPOST_")}
    env.update({"CLEARPOST_DATA_DIR": str(data_dir), "CLEARPOST_SECRET_KEY": SECRET,
                "CLEARPOST_ENCRYPTION_KEYS": encryption_key, "CLEARPOST_RATE_LIMIT_PER_MINUTE": "0",
                "CLEARPOST_COOKIE_SECURE": "false", "CLEARPOST_LOG_LEVEL": "warning",
                **extra})
    if database_url:
        env["CLEARPOST_DATABASE_URL"] = database_url
    return env


def make_settings(data_dir: Path, database_url: str | None, encryption_key: str) -> Any:
    from clearpost.settings import Settings

    return Settings(data_dir=data_dir, database_url=database_url, secret_key=SECRET,
                    encryption_keys=encryption_key, huey="immediate", rate_limit_per_minute=0)


def seed(data_dir: Path, database_url: str | None, encryption_key: str) -> Org:
    """Migrate, seed the demo organization, and issue one API token per person."""
    from sqlalchemy import select

    from clearpost.store.models import RegistryAccount, User
    from clearpost.workflows.context import SYSTEM
    from clearpost.workflows.demo import seed as demo_seed
    from clearpost.workflows.runtime import Runtime
    from clearpost.workflows.users import service as users

    rt = Runtime.build(make_settings(data_dir, database_url, encryption_key))
    try:
        org = Org()
        for login in demo_seed(rt):
            org.emails[login.role] = login.email
            org.passwords[login.role] = login.password
        with rt.ctx(SYSTEM) as ctx:
            for role, email in org.emails.items():
                user = ctx.session.execute(select(User).where(User.email == email)).scalar_one()
                _, org.tokens[role] = users.issue_token(ctx, f"faults-{role}", user_id=user.id)
            org.account_id = ctx.session.execute(
                select(RegistryAccount.id).where(RegistryAccount.handle == "@demo_radiology")
            ).scalar_one()
        return org
    finally:
        rt.dispose()


class Server:
    """`clearpost serve` in a subprocess; `stop()` ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, env: dict[str, str], log: IO[bytes], port: int | None = None,
                 workers: int = 1) -> None:
        """workers > 1: the multi-process deployment of docs/service.md instead (uvicorn
        --factory app_from_env --workers N, plus one `clearpost worker` for the queue)."""
        self.port = port or free_port()
        self.helper: subprocess.Popen[bytes] | None = None
        if workers <= 1:
            cmd = [sys.executable, "-m", "clearpost.cli", "serve", "--port", str(self.port)]
        else:
            cmd = [sys.executable, "-m", "uvicorn", "clearpost.web.app:app_from_env", "--factory",
                   "--workers", str(workers), "--host", "127.0.0.1", "--port", str(self.port),
                   "--log-level", "warning", "--no-access-log"]
            self.helper = subprocess.Popen([sys.executable, "-m", "clearpost.cli", "worker"],
                                           env=env, stdout=log, stderr=subprocess.STDOUT)
        self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"clearpost serve exited with {self.proc.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("clearpost serve did not start listening")

    def stop(self) -> None:
        for proc in (self.proc, self.helper):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=15)
