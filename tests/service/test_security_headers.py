"""Security headers on every response, and sign-in lockout after repeated failures."""

from __future__ import annotations

import warnings
from typing import Any


def _fresh_client(backend: Any) -> Any:
    from clearpost.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient
    return TestClient(create_app(runtime=backend), base_url="https://testserver")


def test_security_headers_on_api_pages_and_errors(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/v1/health", "/signin", "/api/v1/nope", "/nope"):
        r = client.get(path)
        assert r.headers["x-frame-options"] == "DENY", path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert "max-age=" in r.headers["strict-transport-security"]  # the client uses https


def test_nothing_is_cached_but_static_files(client, tokens) -> None:  # type: ignore[no-untyped-def]
    """ASVS V8.2.1: results quote the post and items hold reports: no-store everywhere."""
    r = client.post("/api/v1/check", json={"text": "Mr. Quill in room 4 had chemo"},
                    headers=tokens["employee"])
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    for path in ("/api/v1/health", "/signin", "/api/v1/nope", "/nope"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    r = client.get("/ui/static/pages.css")
    assert r.status_code == 200 and "no-store" not in r.headers.get("cache-control", "")


def test_a_crash_is_a_problem_with_the_security_headers(client, tokens, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import clearpost.web.api.guidance as guidance

    def boom(post: Any, policy: Any) -> Any:
        raise RuntimeError(f"failed on {post.text}")

    monkeypatch.setattr(guidance, "check", boom)
    # No raise_server_exceptions needed: the exception stops at ContainErrors.
    r = client.post("/api/v1/check", json={"text": "Mr. Quill"}, headers=tokens["employee"])
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert "Quill" not in r.text
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"


def test_no_hsts_over_plain_http(backend) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from clearpost.web.app import create_app

    with TestClient(create_app(runtime=backend), base_url="http://testserver") as c:
        r = c.get("/api/v1/health")
    assert "strict-transport-security" not in r.headers
    assert "content-security-policy" in r.headers


def _with_password(backend: Any, actor: Any, password: str = "a long enough password") -> tuple[str, str]:
    from clearpost.workflows.context import SYSTEM
    from clearpost.workflows.users import service as users

    with backend.ctx(SYSTEM) as ctx:
        users.update_user(ctx, actor.id, password=password)
    return actor.email, password


def test_sign_in_locks_after_five_failures(backend, org) -> None:  # type: ignore[no-untyped-def]
    email, password = _with_password(backend, org.employee)
    with _fresh_client(backend) as c:
        for _ in range(5):
            assert c.post("/api/v1/auth/login",
                          json={"email": email, "password": "wrong password"}).status_code == 401
        r = c.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert r.status_code == 429 and r.headers["content-type"].startswith("application/problem+json")
        # another account from the same address is not locked by one account's failures
        other_email, other_password = _with_password(backend, org.manager)
        assert c.post("/api/v1/auth/login",
                      json={"email": other_email, "password": other_password}).status_code == 200
