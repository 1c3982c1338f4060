"""The pages without a browser: sign-in, permissions, CSRF, error pages, the check fragment,
and the pure helpers (theme contrast, evidence highlighting, SVG charts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("jinja2")
from fastapi.testclient import TestClient

from clearpost.engine import check
from clearpost.web.pages.charts import bar_chart, column_chart
from clearpost.web.pages.check import media_redaction_available
from clearpost.web.pages.highlight import segments
from clearpost.web.pages.theme import Theme, contrast, readable_on_white, text_on

HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def app_and_logins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, Any]]]:
    from clearpost.settings import Settings
    from clearpost.web.app import create_app
    from clearpost.workflows.demo import seed
    from clearpost.workflows.runtime import Runtime

    data = tmp_path_factory.mktemp("pages")
    rt = Runtime.build(Settings(data_dir=Path(data), huey="immediate", cookie_secure=False,
                                rate_limit_per_minute=0))
    logins = {login.role: login for login in seed(rt)}
    yield create_app(runtime=rt), logins
    rt.dispose()


def _client(app_and_logins: tuple[Any, dict[str, Any]], role: str | None) -> TestClient:
    app, logins = app_and_logins
    client = TestClient(app)
    if role is not None:
        r = client.post("/signin", data={"email": logins[role].email,
                                         "password": logins[role].password, "next": "/"},
                        headers=HTML, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"
    return client


def _csrf(client: TestClient) -> str:
    page = client.get("/check", headers=HTML).text
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match
    return match.group(1)


def test_anonymous_visitors_are_sent_to_sign_in(app_and_logins: Any) -> None:
    r = _client(app_and_logins, None).get("/queues", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/signin?next=/queues")


def test_wrong_password_is_refused_with_a_page(app_and_logins: Any) -> None:
    _, logins = app_and_logins
    r = _client(app_and_logins, None).post(
        "/signin", data={"email": logins["employee"].email, "password": "not the password"},
        headers=HTML)
    assert r.status_code == 401
    assert "do not match" in r.text and "<main" in r.text


def test_signin_ignores_an_offsite_next(app_and_logins: Any) -> None:
    _, logins = app_and_logins
    r = _client(app_and_logins, None).post(
        "/signin", data={"email": logins["employee"].email, "password": logins["employee"].password,
                         "next": "//evil.example/"}, headers=HTML, follow_redirects=False)
    assert r.headers["location"] == "/"


@pytest.mark.parametrize(("role", "path", "status"), [
    ("employee", "/dashboard", 403), ("employee", "/queues", 403), ("employee", "/audit", 403),
    ("employee", "/admin", 403), ("employee", "/approvals", 403), ("manager", "/approvals", 200),
    ("marcomm", "/queues", 200), ("marcomm", "/admin", 403), ("admin", "/admin", 200),
    ("admin", "/audit", 200), ("employee", "/registry", 200),
])
def test_pages_follow_the_permission_matrix(app_and_logins: Any, role: str, path: str,
                                            status: int) -> None:
    r = _client(app_and_logins, role).get(path, headers=HTML)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")


def test_errors_are_pages_for_browsers_and_json_for_the_api(app_and_logins: Any) -> None:
    client = _client(app_and_logins, "employee")
    page = client.get("/no/such/page", headers=HTML)
    assert page.status_code == 404 and "Page not found" in page.text
    api = client.get("/api/v1/no/such/thing", headers={"accept": "application/json"})
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")


def test_forms_without_the_csrf_token_are_refused(app_and_logins: Any) -> None:
    client = _client(app_and_logins, "employee")
    r = client.post("/ask", data={"question": "May I?"}, headers=HTML)
    assert r.status_code == 403 and "form" in r.text
    ok = client.post("/ask", data={"question": "May I share a team photo?", "csrf": _csrf(client)},
                     headers=HTML, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].startswith("/items/questions/")


def test_check_fragment_and_full_page(app_and_logins: Any) -> None:
    client = _client(app_and_logins, "employee")
    csrf = _csrf(client)
    draft = {"text": "Visited Mr. Ostrowski in bed 9 after his chemo", "role": "nurse", "csrf": csrf}
    fragment = client.post("/check", data=draft, headers={**HTML, "HX-Request": "true"})
    assert fragment.status_code == 200
    assert 'data-verdict="block"' in fragment.text and "<html" not in fragment.text
    assert "<mark" in fragment.text and "Ostrowski" not in fragment.text.split('id="safe-text"')[1]
    full = client.post("/check", data=draft, headers=HTML)
    assert "<html" in full.text and 'data-verdict="block"' in full.text
    clean = client.post("/check", data={**draft, "text": "Lovely sunset at the beach"},
                        headers={**HTML, "HX-Request": "true"})
    assert 'data-verdict="pass"' in clean.text


def test_check_refuses_non_photos(app_and_logins: Any) -> None:
    client = _client(app_and_logins, "employee")
    r = client.post("/check", data={"text": "hello", "csrf": _csrf(client)},
                    files={"photos": ("notes.txt", b"plain text", "text/plain")},
                    headers={**HTML, "HX-Request": "true"})
    assert r.status_code == 200 and "not a photo" in r.text


def test_safe_photo_button_only_with_the_media_module(app_and_logins: Any) -> None:
    page = _client(app_and_logins, "employee").get("/check", headers=HTML).text
    assert ("Download a safe photo" in page) == media_redaction_available()


def test_anonymous_report_hides_the_reporter_from_the_audit_page(app_and_logins: Any) -> None:
    reviewer = _client(app_and_logins, "marcomm")
    page = reviewer.get("/audit?q=file", headers=HTML).text
    assert "anonymous" in page
    _, logins = app_and_logins
    assert logins["physician"].email not in page  # the demo's anonymous reporter


def test_audit_exports(app_and_logins: Any) -> None:
    client = _client(app_and_logins, "marcomm")
    csv_text = client.get("/audit/export.csv").text
    assert csv_text.splitlines()[0].startswith("id,at,actor,action")
    rows = client.get("/audit/export.json?item_type=user").json()
    assert rows and {r["item_type"] for r in rows} == {"user"}


# --- pure helpers --------------------------------------------------------------------------

@pytest.mark.parametrize("colour", ["#0b3d6e", "#f2a900", "#ffff00", "#c8102e", "#777777", "#fff"])
def test_theme_text_meets_aa_contrast(colour: str) -> None:
    assert contrast(readable_on_white(colour), "#ffffff") >= 4.5
    assert contrast(text_on(colour), colour) >= 4.5 or colour in ("#777777", "#c8102e")
    theme = Theme.from_colours({"primary": colour})
    assert theme.accent == colour


def test_highlight_segments_cover_the_text_and_mark_evidence() -> None:
    text = "Saw Mrs. Haldane in room 2207 today, she asked me what dose of aspirin to take"
    result = check({"text": text, "author": {"role": "nurse"}})
    segs = segments(text, result)
    assert "".join(s.text for s in segs) == text
    marked = [s for s in segs if s.rules]
    assert any("Haldane" in s.text for s in marked)
    assert all(s.level in ("block", "review", "warn") for s in marked)
    assert segments("", result) == []


def test_charts_are_accessible_svg() -> None:
    svg = str(bar_chart("Findings by rule", [("phi", 3), ("harassment", 1)]))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title" in svg and "phi: 3; harassment: 1" in svg
    assert "No data yet" in str(bar_chart("Empty", []))
    cols = str(column_chart("By week", ["W1", "W2"], [("requests", [1, 2], "#000000")]))
    assert "W1: requests 1" in cols and cols.count("<rect") >= 3
    assert "&lt;script&gt;" in str(bar_chart("x", [("<script>", 1)]))


def _png(width: int = 4, height: int = 4) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_photos_are_checked_and_not_kept(app_and_logins: Any) -> None:
    import tempfile

    before = {p.name for p in Path(tempfile.gettempdir()).glob("clearpost-check-*")}
    client = _client(app_and_logins, "employee")
    r = client.post("/check", data={"text": "Team photo from our lobby today", "csrf": _csrf(client),
                                    "account_kind": "department"},
                    files=[("photos", ("team.png", _png(), "image/png"))],
                    headers={**HTML, "HX-Request": "true"})
    assert r.status_code == 200 and "data-verdict" in r.text
    after = {p.name for p in Path(tempfile.gettempdir()).glob("clearpost-check-*")}
    assert after <= before
    too_many = client.post("/check", data={"text": "x", "csrf": _csrf(client)},
                           files=[("photos", (f"p{i}.png", _png(), "image/png")) for i in range(5)],
                           headers={**HTML, "HX-Request": "true"})
    assert "at most 4 photos" in too_many.text


@pytest.mark.skipif(not media_redaction_available(), reason="the media module (issue 5) is not installed")
def test_safe_photo_download_has_no_metadata(app_and_logins: Any) -> None:
    client = _client(app_and_logins, "employee")
    csrf = _csrf(client)
    r = client.post("/check/safe-photo", data={"csrf": csrf},
                    files=[("photos", ("holiday.png", _png(64, 48), "image/png"))], headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert 'filename="holiday-safe.png"' in r.headers["content-disposition"]
    assert r.content.startswith(b"\x89PNG") and b"eXIf" not in r.content and b"tEXt" not in r.content
    bad = client.post("/check/safe-photo", data={"csrf": csrf},
                      files=[("photos", ("broken.jpg", b"not an image", "image/jpeg"))], headers=HTML)
    assert bad.status_code == 422 and "broken.jpg" in bad.text and "clearpost-redact" not in bad.text


def test_posting_permission_request_and_grant(app_and_logins: Any) -> None:
    employee = _client(app_and_logins, "employee")
    form = employee.get("/my/posting", headers=HTML).text
    account_id = re.search(r'<option value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    r = employee.post("/my/posting", data={"account_id": account_id, "scope": "event photos",
                                           "reason": "I run our open day.", "csrf": _csrf(employee)},
                      headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    item = r.headers["location"].split("?")[0]
    reviewer = _client(app_and_logins, "marcomm")
    page = reviewer.get(item, headers=HTML).text
    assert 'value="grant"' in page
    done = reviewer.post(item, data={"action": "grant", "scope": "event photos",
                                     "comment": "Enjoy the open day.", "csrf": _csrf(reviewer)},
                         headers=HTML, follow_redirects=True)
    assert 'data-state="active"' in done.text and "Enjoy the open day." in done.text
    refused = employee.post(item, data={"action": "revoke", "csrf": _csrf(employee)}, headers=HTML)
    assert refused.status_code == 403 and "marcomm" in refused.text


def test_a_server_error_is_a_page_for_browsers_and_problem_json_for_the_api(
        app_and_logins: Any) -> None:
    app, _ = app_and_logins

    async def broken(request: Any) -> Any:
        raise RuntimeError("boom")

    from starlette.routing import Route

    app.router.routes.append(Route("/test-broken", broken))
    app.router.routes.append(Route("/api/v1/test-broken", broken))
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/test-broken", headers=HTML)
    assert page.status_code == 500 and "Something went wrong" in page.text and "boom" not in page.text
    api = client.get("/api/v1/test-broken", headers={"accept": "application/json"})
    assert api.status_code == 500 and api.headers["content-type"].startswith("application/problem+json")
