"""The API end to end: sign-in, CSRF, tokens, problem details, pagination, limits, guidance."""

from __future__ import annotations

import tempfile

import pytest

from clearpost.workflows.context import SYSTEM
from clearpost.workflows.users import service as users

from .conftest import make_settings


def _password_user(backend, org, password="a long enough password"):
    with backend.ctx(SYSTEM) as ctx:
        users.update_user(ctx, org.employee.id, password=password)
    return org.employee.email, password


def test_login_cookie_session_and_csrf(client, backend, org):
    email, password = _password_user(backend, org)
    assert client.post("/api/v1/auth/login", json={"email": email, "password": "wrong password"}
                       ).status_code == 401
    r = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "samesite=lax" in cookie.lower()
    assert client.get("/api/v1/me").json()["email"] == email
    body = {"question": "Can I connect with a patient on Facebook?"}
    # A cookie-authenticated unsafe request without the CSRF header is refused...
    r = client.post("/api/v1/ask", json=body)
    assert r.status_code == 403 and r.json()["title"] == "CSRF check failed"
    r = client.post("/api/v1/ask", json=body, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    # ...and accepted with it.
    r = client.post("/api/v1/ask", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert r.json()["answers"][0]["ref"] == "professional-boundaries"
    client.post("/api/v1/auth/logout")
    client.cookies.clear()
    assert client.get("/api/v1/me").status_code == 401


def test_tampered_session_cookie_is_rejected(client, backend, org):
    email, password = _password_user(backend, org)
    client.post("/api/v1/auth/login", json={"email": email, "password": password})
    value = client.cookies.get("clearpost_session")
    client.cookies.clear()
    client.cookies.set("clearpost_session", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"),
                       domain="testserver")
    assert client.get("/api/v1/me").status_code == 401
    client.cookies.clear()


def test_api_tokens_are_stored_hashed_and_revocable(client, backend, tokens, org):
    r = client.post("/api/v1/tokens", json={"name": "ci"}, headers=tokens["employee"])
    assert r.status_code == 201
    token, token_id = r.json()["token"], r.json()["id"]
    from clearpost.store.models import ApiToken
    with backend.factory() as s:
        row = s.get(ApiToken, token_id)
        assert row.token_hash == users.token_hash(token) and token not in row.token_hash
    h = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=h).status_code == 200
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=h).status_code == 204
    assert client.get("/api/v1/me", headers=h).status_code == 401


def test_check_returns_the_contract_json(client, tokens):
    r = client.post("/api/v1/check", json={"text": "Mrs. Larkin in 14B finally went home after chemo!",
                                           "author": {"role": "nurse"}}, headers=tokens["employee"])
    assert r.status_code == 200
    out = r.json()
    assert out["verdict"] == "block" and out["findings"][0]["rule"] == "phi"
    assert set(out) >= {"verdict", "findings", "redacted", "policy"}
    bad = client.post("/api/v1/check", json={"text": "x", "author": {"role": "wizard"}},
                      headers=tokens["employee"])
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "author.role" in bad.json()["detail"]
    paths = client.post("/api/v1/check", json={"text": "x", "images": ["/etc/passwd"]},
                        headers=tokens["employee"])
    assert paths.status_code == 422


def test_profile_and_connection_guidance(client, tokens):
    r = client.post("/api/v1/profile-check", headers=tokens["physician"], json={
        "profile": {"about": "Oncologist at Memorial Sloan Kettering."},
        "author": {"role": "physician"}})
    rules = {f["rule"] for f in r.json()["findings"]}
    assert "physician-notice" in rules and "profile-disclaimer" in rules
    r = client.post("/api/v1/connection-guidance", headers=tokens["physician"],
                    json={"relation": "physician-patient"})
    assert r.json()["advice"] == "avoid" and r.json()["section"]["id"] == "professional-boundaries"
    assert r.json()["contact"]["name"]
    r = client.post("/api/v1/connection-guidance", headers=tokens["physician"],
                    json={"relation": "physician-patient", "knew_before_care": True})
    assert r.json()["advice"] == "allowed"
    r = client.post("/api/v1/connection-guidance", headers=tokens["manager"],
                    json={"relation": "supervisor-report"})
    assert r.json()["advice"] == "avoid"


def test_workflow_over_http_with_history_and_pagination(client, tokens, org):
    body = {"platform": "instagram", "name": f"Peds {org.tag}", "handle": f"@peds_{org.tag}",
            "department": "Pediatrics", "audience": "families", "purpose": "news",
            "owners": [org.employee.email]}
    r = client.post("/api/v1/account-requests", json=body, headers=tokens["employee"])
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert r.json()["actions"] == ["withdraw"]
    r = client.get(f"/api/v1/account-requests/{rid}", headers=tokens["manager"])
    assert set(r.json()["actions"]) == {"approve", "reject", "send_back"}
    assert client.get(f"/api/v1/account-requests/{rid}", headers=tokens["colleague"]).status_code == 404
    r = client.post(f"/api/v1/account-requests/{rid}/actions/approve", headers=tokens["employee"],
                    json={"comment": "me"})
    assert r.status_code == 403 and r.json()["title"] == "Four-eyes rule"
    r = client.post(f"/api/v1/account-requests/{rid}/actions/approve", headers=tokens["manager"],
                    json={"comment": "ok"})
    assert r.json()["state"] == "awaiting_marcomm"
    r = client.post(f"/api/v1/account-requests/{rid}/actions/resubmit", headers=tokens["employee"],
                    json={})
    assert r.status_code == 409 and r.json()["title"] == "Illegal transition"
    hist = client.get(f"/api/v1/account-requests/{rid}/history", headers=tokens["employee"]).json()
    assert [e["action"] for e in hist] == ["submit", "approve"] and hist[1]["comment"] == "ok"
    page = client.get("/api/v1/account-requests?limit=1&offset=0", headers=tokens["marcomm"]).json()
    assert page["limit"] == 1 and len(page["items"]) == 1 and page["total"] >= 1
    assert client.get("/api/v1/account-requests?limit=0", headers=tokens["marcomm"]).status_code == 422


def test_registry_csv_round_trip_and_overlap(client, tokens, org):
    csv_text = ("platform,handle,name,department,audience,owners\n"
                f"x,@csv_{org.tag},CSV {org.tag},Oncology,patients and caregivers,{org.marcomm.email}\n"
                f"youtube,csvtube{org.tag},CSV Tube {org.tag},Oncology,patients,\n")
    h = {**tokens["marcomm"], "content-type": "text/csv"}
    r = client.post("/api/v1/registry/import", content=csv_text.encode(), headers=h)
    assert r.json() == {"created": 2, "updated": 0}
    r = client.post("/api/v1/registry/import", content=csv_text.encode(), headers=h)
    assert r.json() == {"created": 0, "updated": 2}
    bad = client.post("/api/v1/registry/import", headers=h,
                      content=b"platform,handle\nmyspace,@x\n")
    assert bad.status_code == 422 and "line 2" in bad.json()["detail"]
    out = client.get("/api/v1/registry/export.csv", headers=tokens["admin"]).text
    assert f"@csv_{org.tag}" in out and f"csvtube{org.tag}" in out
    r = client.post("/api/v1/registry/overlap", headers=tokens["employee"],
                    json={"name": f"CSV {org.tag} news", "handle": f"csv{org.tag}", "platform": "x",
                          "department": "Oncology", "audience": "caregivers"})
    assert r.json() and r.json()[0]["account"]["handle"] == f"@csv_{org.tag}"
    assert client.get(f"/api/v1/registry?q=csv_{org.tag}", headers=tokens["employee"]).json()["total"] == 1


def test_rate_limit_and_body_limit(backend, org):
    from fastapi.testclient import TestClient

    from clearpost.web.app import create_app
    from clearpost.workflows.runtime import Runtime

    settings = make_settings(tempfile.mkdtemp(), backend.settings.database_url,
                             rate_limit_per_minute=3, max_body_bytes=2048)
    rt = Runtime.build(settings)
    with TestClient(create_app(runtime=rt), base_url="https://testserver") as c:
        from .conftest import make_org, token_for
        h = {"Authorization": f"Bearer {token_for(rt, make_org(rt).employee)}"}
        codes = [c.get("/api/v1/me", headers=h).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        r = c.get("/api/v1/me", headers=h)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        big = c.post("/api/v1/check", content=b'{"text": "' + b"a" * 5000 + b'"}', headers=h)
        assert big.status_code == 413 and big.json()["title"] == "Too large"
    rt.dispose()


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v1/registry/abc"])
def test_errors_are_problem_details(client, tokens, path):
    r = client.get(path, headers=tokens["employee"])
    assert r.status_code in (404, 422)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert {"type", "title", "status", "detail"} <= set(r.json())
