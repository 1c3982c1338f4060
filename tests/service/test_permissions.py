"""Every role x endpoint pair, from the one permission matrix, on SQLite and PostgreSQL.

An endpoint's required action is read from its dependency; a role the matrix denies gets 403
with the action named, a role it allows never does (it may still get 404 or 422 for the dummy
request, or a workflow's own item-level refusal, which names no matrix action).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from clearpost.workflows.permissions import PERMISSIONS, Action, Role

OPEN_PATHS = {"/api/v1/health", "/api/v1/auth/login", "/api/v1/auth/logout",
              "/api/v1/auth/oidc/login", "/api/v1/auth/oidc/callback"}


def _required(route: Any) -> list[Action]:
    found = []

    def walk(dep: Any) -> None:
        action = getattr(dep.call, "required_action", None)
        if action is not None:
            found.append(action)
        for sub in dep.dependencies:
            walk(sub)

    walk(route.dependant)
    return found


def _api_routes(routes: list[Any]) -> list[Any]:
    """Routes with a dependant; included routers are nested lazily in recent FastAPI."""
    out = []
    for route in routes:
        if hasattr(route, "effective_candidates"):
            out.extend(_api_routes(list(route.effective_candidates())))
        elif getattr(route, "dependant", None) is not None and getattr(route, "methods", None):
            out.append(route)
    return out


def _endpoints() -> list[tuple[str, str, Action]]:
    import tempfile

    from clearpost.settings import Settings
    from clearpost.web.app import create_app

    app = create_app(Settings(data_dir=tempfile.mkdtemp(), huey="immediate"))
    out = []
    for route in _api_routes(app.routes):
        if route.path in OPEN_PATHS:
            continue
        actions = _required(route)
        assert len(actions) == 1, f"{route.path} must name exactly one permission, has {actions}"
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, route.path, actions[0]))
    return out


ENDPOINTS = _endpoints()
ROLES = [r.value for r in Role]


def test_every_endpoint_is_covered_and_the_matrix_is_complete():
    assert len(ENDPOINTS) >= 35
    assert set(PERMISSIONS) == set(Role)
    used = {a for _, _, a in ENDPOINTS}
    # These three are checked per item by the workflows (see test_workflows.py).
    item_level = {Action.team_items, Action.all_items_read, Action.answer_questions}
    assert used | item_level == set(Action), f"actions nothing uses: {set(Action) - used}"


def _fill(path: str) -> str:
    path = path.replace("{action}", "approve").replace("{approval_id}", "MC-0000-00000-0000")
    return re.sub(r"\{[a-z_]+\}", "999999", path)


@pytest.fixture
def role_headers(backend, org) -> dict[str, dict[str, str]]:
    from .conftest import token_for

    keys = {"employee": "employee", "physician": "physician", "manager": "manager",
            "marcomm": "marcomm", "strategist": "strategist", "admin": "admin"}
    return {role: {"Authorization": f"Bearer {token_for(backend, org.by_role(key))}"}
            for role, key in keys.items()}


@pytest.mark.parametrize(("method", "path", "action"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_role_x_endpoint(client, role_headers, method, path, action):
    for role in ROLES:
        allowed = action in PERMISSIONS[Role(role)]
        body = None if method in ("GET", "DELETE") else {}
        r = client.request(method, _fill(path), json=body, headers=role_headers[role])
        denied_by_matrix = r.status_code == 403 and r.json().get("action") == action.value
        assert r.status_code < 500, (role, method, path, r.status_code, r.text[:200])
        if allowed:
            assert not denied_by_matrix, (role, method, path, r.text[:200])
        else:
            assert denied_by_matrix, (role, method, path, r.status_code, r.text[:200])
            assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(("method", "path", "action"), ENDPOINTS[:12],
                         ids=[f"{m} {p}" for m, p, _ in ENDPOINTS[:12]])
def test_no_sign_in_is_401(client, method, path, action):
    r = client.request(method, _fill(path), json=None if method == "GET" else {})
    assert r.status_code == 401 and r.json()["title"] == "Unauthorized"
