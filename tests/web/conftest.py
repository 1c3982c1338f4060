"""Fixtures for the web pages: a real service under uvicorn, and a real headless Chromium.

The server runs in its own process on a free loopback port, on a temporary SQLite database
seeded with the demo organization. Chromium is Debian's package driven by Playwright; the
tests skip (with the reason) only when that browser is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    logins: dict[str, Any]
    data_dir: Path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from clearpost.settings import Settings
    from clearpost.workflows.demo import seed
    from clearpost.workflows.runtime import Runtime

    data_dir = tmp_path_factory.mktemp("web-data")
    env = {**os.environ, "CLEARPOST_DATA_DIR": str(data_dir), "CLEARPOST_HUEY": "immediate",
           "CLEARPOST_COOKIE_SECURE": "false", "CLEARPOST_RATE_LIMIT_PER_MINUTE": "0"}
    env.pop("CLEARPOST_DATABASE_URL", None)
    rt = Runtime.build(Settings(data_dir=data_dir, huey="immediate", cookie_secure=False))
    logins = {login.role: login for login in seed(rt)}
    rt.dispose()
    port = _free_port()
    log = (data_dir / "uvicorn.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "clearpost.web.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(data_dir))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError("the server did not start:\n"
                                   + (data_dir / "uvicorn.log").read_text()[-3000:])
            time.sleep(0.2)
        yield Server(url, logins, data_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    exe = chromium_path()
    if exe is None:
        pytest.skip("Debian's chromium is not installed (scripts/bootstrap.sh installs it as root: "
                    "apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (the web-test extra)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class Session:
    """One signed-in person in their own browser context."""

    def __init__(self, browser: Any, server: Server, role: str, viewport: dict[str, int]) -> None:
        self.server = server
        self.context = browser.new_context(viewport=viewport, base_url=server.url)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        self.page = self.context.new_page()
        # generous: CI machines are shared, and a loaded one took over 15 s for one form post
        self.page.set_default_timeout(45_000)
        login = server.logins[role]
        self.page.goto("/signin")
        self.page.get_by_label("Work e-mail").fill(login.email)
        self.page.get_by_label("Password").fill(login.password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(f"{server.url}/")

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def signed_in(browser: Any, server: Server) -> Iterator[Any]:
    opened: list[Session] = []

    def open_as(role: str, viewport: dict[str, int] | None = None) -> Any:
        s = Session(browser, server, role, viewport or DESKTOP)
        opened.append(s)
        return s.page

    yield open_as
    for s in opened:
        s.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of WCAG 2.1 A/AA on the current page."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (scripts/bootstrap.sh does it)")
    # Evaluated through the DevTools protocol, which the pages' CSP (no inline script) does
    # not govern, so the pages are tested with their real headers.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def screenshot(page: Any, name: str, width_name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
