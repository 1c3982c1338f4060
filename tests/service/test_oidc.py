"""OIDC sign-in against a tiny identity provider served on a loopback port.

The provider publishes discovery metadata and a JWKS, and signs RS256 ID tokens; Authlib in
the service fetches them over real HTTP. The browser is played by the test: it follows the
redirect to the provider's authorize endpoint, which sends it back with a code and the state.
"""

from __future__ import annotations

import json
import secrets
import socket
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient

from clearpost.web.app import create_app
from clearpost.workflows.runtime import Runtime

from .conftest import make_settings

joserfc = pytest.importorskip("joserfc")
from joserfc import jwt  # noqa: E402
from joserfc.jwk import RSAKey  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "clearpost-test", "s3cret"


class IdP:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, dict[str, Any]] = {}
        self.nonce_override: str | None = None
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.issuer = f"http://127.0.0.1:{self.port}"
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: Any, status: int = 200) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json({"issuer": idp.issuer,
                                "authorization_endpoint": f"{idp.issuer}/authorize",
                                "token_endpoint": f"{idp.issuer}/token",
                                "jwks_uri": f"{idp.issuer}/jwks",
                                "response_types_supported": ["code"],
                                "subject_types_supported": ["public"],
                                "id_token_signing_alg_values_supported": ["RS256"]})
                elif url.path == "/jwks":
                    self._json({"keys": [idp.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    q = {k: v[0] for k, v in parse_qs(url.query).items()}
                    code = secrets.token_urlsafe(8)
                    idp.codes[code] = {"nonce": q.get("nonce"), "client_id": q["client_id"]}
                    target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = idp.codes.pop(form.get("code", ""), None)
                if grant is None:
                    self._json({"error": "invalid_grant"}, 400)
                    return
                now = int(time.time())
                claims = {"iss": idp.issuer, "sub": "idp-user-42", "aud": CLIENT_ID,
                          "iat": now, "exp": now + 300, "email": "sso.user@example.org",
                          "name": "Sso User", "nonce": idp.nonce_override or grant["nonce"]}
                token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, idp.key)
                self._json({"access_token": "at-" + secrets.token_hex(4), "token_type": "Bearer",
                            "expires_in": 300, "id_token": token})

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def idp():
    provider = IdP()
    yield provider
    provider.close()


@pytest.fixture
def sso_client(idp):
    settings = make_settings(tempfile.mkdtemp(), None, oidc_issuer=idp.issuer,
                             oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET)
    rt = Runtime.build(settings)
    with TestClient(create_app(runtime=rt), base_url="https://testserver") as c:
        yield c
    rt.dispose()


def _start(client: TestClient) -> str:
    """Begin sign-in; follow the provider's authorize redirect; return the callback URL."""
    r = client.get("/api/v1/auth/oidc/login", follow_redirects=False)
    assert r.status_code in (302, 303, 307)
    authorize = r.headers["location"]
    q = parse_qs(urlparse(authorize).query)
    assert q["client_id"] == [CLIENT_ID] and q["state"][0] and q["nonce"][0]
    back = httpx.get(authorize, follow_redirects=False)
    assert back.status_code == 302
    return back.headers["location"]


def test_sign_in_through_the_provider_creates_a_session(sso_client):
    callback = _start(sso_client)
    r = sso_client.get(callback, follow_redirects=False)
    assert r.status_code == 303, r.text
    me = sso_client.get("/api/v1/me").json()
    assert me["email"] == "sso.user@example.org" and me["roles"] == ["employee"]


def test_a_wrong_state_is_refused(sso_client):
    callback = _start(sso_client)
    forged = callback.replace("state=", "state=x")
    r = sso_client.get(forged, follow_redirects=False)
    assert r.status_code == 400 and r.json()["title"] == "Sign-in failed"
    assert sso_client.get("/api/v1/me").status_code == 401


def test_a_replayed_id_token_nonce_is_refused(sso_client, idp):
    idp.nonce_override = "a-nonce-from-another-sign-in"
    callback = _start(sso_client)
    r = sso_client.get(callback, follow_redirects=False)
    assert r.status_code == 400
    assert sso_client.get("/api/v1/me").status_code == 401


def test_without_configuration_sso_is_404(client):
    assert client.get("/api/v1/auth/oidc/login").status_code == 404
