"""Every route that takes an object id, called by someone who may not see that object.

The routes come from the app itself (API and pages). Each one must have a row in `CASES`
saying which object to make, whose it is, who intrudes and what the intruder must get; a
new id-taking route without a row fails `test_every_id_route_has_a_case`. The intruder is
the owner's closest neighbour: same manager, same department, plain employee roles. They
must get 403 or 404, the body must not quote the object (its secret text, its owner's
e-mail), and a write must leave the object as it was. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from clearpost.workflows.context import Actor
from clearpost.workflows.registry import service as registry

from .conftest import Org, token_for

ID_PARAM = re.compile(r"\{([a-z_]*id)(?::[a-z]+)?\}")


def _id_routes(routes: list[Any]) -> list[tuple[str, str]]:
    """(method, path) of every route whose path has a parameter named *id."""
    out = []
    for route in routes:
        if hasattr(route, "effective_candidates"):  # nested routers in recent FastAPI
            out.extend(_id_routes(list(route.effective_candidates())))
            continue
        path = getattr(route, "path", "")
        if ID_PARAM.search(path):
            for method in sorted((getattr(route, "methods", None) or set()) - {"HEAD"}):
                out.append((method, re.sub(r":[a-z]+\}", "}", path)))
    return out


@dataclass
class Target:
    """An object that belongs to someone else, and what must not leak from it."""

    ids: dict[str, Any]                  # path parameters
    secrets: list[str]                   # strings that must not appear in the reply
    unchanged: Callable[[], Any]         # a snapshot that a refused write must not change


def _account(rt: Any, org: Org, owner: Actor) -> int:
    with rt.ctx(org.marcomm) as ctx:
        return registry.create(ctx, {"platform": "x", "handle": f"@dept_{secrets.token_hex(4)}",
                                     "name": "Radiology news", "department": "Radiology",
                                     "owners": [owner.email]}).id


def _item(rt: Any, org: Org, kind: str) -> Target:
    """One workflow item filed by org.employee, holding a secret only its readers may see."""
    from clearpost.store import models
    from clearpost.workflows.account_requests import service as account_requests
    from clearpost.workflows.media_approvals import service as media
    from clearpost.workflows.posting_permissions import service as posting
    from clearpost.workflows.questions import service as questions
    from clearpost.workflows.reports import service as reports

    secret = f"Secret-{secrets.token_hex(6)}"
    owner = org.employee
    account_id = _account(rt, org, owner) if kind in ("media", "posting") else 0
    with rt.ctx(owner) as ctx:
        if kind == "account-requests":
            item: Any = account_requests.submit(ctx, {
                "platform": "x", "name": "Radiology", "handle": f"@r_{secrets.token_hex(4)}",
                "department": "Radiology", "audience": "patients", "purpose": secret,
                "owners": [owner.email]})
            model: Any = models.AccountRequest
        elif kind == "media":
            item = media.submit(ctx, {"account_id": account_id, "caption": secret,
                                      "files": [{"name": "ward-photo.jpg"}]})
            model = models.MediaApproval
        elif kind == "posting":
            item = posting.request(ctx, {"account_id": account_id, "scope": "news",
                                         "reason": secret})
            model = models.PostingPermission
        elif kind == "reports":
            item = reports.file(ctx, {"description": secret, "link": "https://example.org/x",
                                      "subject_name": secret})
            model = models.Report
        else:
            item = questions.ask(ctx, secret)
            model = models.Question
        item_id = item.id

    def snapshot() -> Any:
        with rt.factory() as s:
            row = s.get(model, item_id)
            return (row.state, row.updated_at)

    return Target({"item_id": item_id}, [secret, owner.email], snapshot)


# API item paths -> the page key of the same kind.
API_KINDS = {"account-requests": "account-requests", "media-approvals": "media",
             "posting-permissions": "posting", "reports": "reports", "questions": "questions"}
# An action only the owner (or a reviewer) may take, per kind: the intruder tries it.
OWNER_ACTION = {"account-requests": "withdraw", "media": "withdraw", "posting": "withdraw",
                "reports": "triage_to_marcomm", "questions": "withdraw"}


def _registry_target(rt: Any, org: Org) -> Target:
    account_id = _account(rt, org, org.employee)

    def snapshot() -> Any:
        with rt.factory() as s:
            from clearpost.store.models import RegistryAccount
            row = s.get(RegistryAccount, account_id)
            return (row.name, row.status, row.owners, row.updated_at)

    # The registry is the organization's directory of its accounts, readable by every role:
    # only the write must be refused; the owners' addresses may be read.
    return Target({"account_id": account_id}, [], snapshot)


def _user_target(rt: Any, org: Org) -> Target:
    def snapshot() -> Any:
        with rt.factory() as s:
            from clearpost.store.models import User
            row = s.get(User, org.colleague.id)
            return (row.roles, row.department, row.manager_id, row.active)

    return Target({"user_id": org.colleague.id}, [org.colleague.email], snapshot)


def _token_target(rt: Any, org: Org) -> Target:
    from clearpost.workflows.users import service as users

    with rt.ctx(org.colleague) as ctx:
        row, plain = users.issue_token(ctx, "colleague's laptop")
        token_id = row.id

    def snapshot() -> Any:
        with rt.factory() as s:
            from clearpost.store.models import ApiToken
            return s.get(ApiToken, token_id).revoked  # type: ignore[union-attr]

    return Target({"token_id": token_id}, [plain, org.colleague.email], snapshot)


def _approval_target(rt: Any, org: Org) -> Target:
    """An approved media item of someone else. Its approval id is printed on the published
    post so that anyone can verify it: the lookup answers (200), with the account and the
    files, never the caption."""
    from clearpost.workflows.media_approvals import service as media

    target = _item(rt, org, "media")
    with rt.ctx(org.marcomm) as ctx:
        item = media.act(ctx, target.ids["item_id"], "approve")
        approval_id = item.approval_id
    return Target({"approval_id": approval_id}, target.secrets[:1], target.unchanged)


@dataclass
class Case:
    make: Callable[[Any, Org], Target]
    intruder: str = "colleague"       # a key of Org
    expect: tuple[int, ...] = (404,)
    body: dict[str, Any] | None = None
    action: str | None = None         # fills {action}
    key: str | None = None            # fills {key} (page item routes)


def _api_item_cases() -> dict[tuple[str, str], Case]:
    out: dict[tuple[str, str], Case] = {}
    for path, kind in API_KINDS.items():
        def make(rt: Any, org: Org, kind: str = kind) -> Target:
            return _item(rt, org, kind)
        base = f"/api/v1/{path}/{{item_id}}"
        out[("GET", base)] = Case(make)
        out[("GET", base + "/history")] = Case(make)
        out[("POST", base + "/actions/{action}")] = Case(make, body={"comment": "mine now"},
                                                         action=OWNER_ACTION[kind])
    return out


def _page_item_cases() -> dict[tuple[str, str], list[Case]]:
    gets, posts = [], []
    for kind in API_KINDS.values():
        def make(rt: Any, org: Org, kind: str = kind) -> Target:
            return _item(rt, org, kind)
        gets.append(Case(make, key=kind))
        posts.append(Case(make, key=kind, action=OWNER_ACTION[kind],
                          body={"action": OWNER_ACTION[kind], "comment": "mine now"}))
    return {("GET", "/items/{key}/{item_id}"): gets, ("POST", "/items/{key}/{item_id}"): posts}


#: (method, path) -> the cases that call it with someone else's object.
CASES: dict[tuple[str, str], list[Case]] = {
    **{k: [v] for k, v in _api_item_cases().items()},
    **_page_item_cases(),
    ("GET", "/api/v1/registry/{account_id}"): [Case(_registry_target, expect=(200,))],
    ("PATCH", "/api/v1/registry/{account_id}"): [Case(_registry_target, expect=(403,),
                                                      body={"name": "taken over",
                                                            "status": "retired"})],
    ("GET", "/api/v1/users/{user_id}"): [Case(_user_target, intruder="employee", expect=(403,))],
    ("PATCH", "/api/v1/users/{user_id}"): [Case(_user_target, intruder="employee", expect=(403,),
                                                body={"roles": ["admin"]})],
    ("DELETE", "/api/v1/tokens/{token_id}"): [Case(_token_target, intruder="employee")],
    ("GET", "/api/v1/approvals/{approval_id}"): [Case(_approval_target, expect=(200,))],
    ("POST", "/admin/users/{user_id}"): [Case(_user_target, intruder="employee", expect=(403,),
                                              body={"roles": "admin", "active": "on"})],
}


def _app_id_routes() -> list[tuple[str, str]]:
    import tempfile

    from clearpost.settings import Settings
    from clearpost.web.app import create_app

    app = create_app(Settings(data_dir=tempfile.mkdtemp(), huey="immediate"))
    return _id_routes(app.routes)


ID_ROUTES = _app_id_routes()


def test_every_id_route_has_a_case():
    assert len(ID_ROUTES) >= 20, ID_ROUTES  # the walk found the API and page routes
    missing = sorted(set(ID_ROUTES) - set(CASES))
    assert not missing, f"id-taking routes without an object-access case: {missing}"
    stale = sorted(set(CASES) - set(ID_ROUTES))
    assert not stale, f"cases for routes that no longer exist: {stale}"


def _call(client: Any, app: Any, rt: Any, org: Org, method: str, path: str, case: Case,
          target: Target) -> Any:
    intruder: Actor = getattr(org, case.intruder)
    params = {**target.ids, "action": case.action, "key": case.key}
    url = re.sub(r"\{([a-z_]+)\}", lambda m: str(params[m.group(1)]), path)
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {token_for(rt, intruder)}"}
        return client.request(method, url, json=case.body, headers=headers)
    # A page: signed in through the session cookie, with a valid CSRF token.
    cookie, csrf = app.state.sessions.issue(intruder.id)
    return client.request(method, url, data={**(case.body or {}), "csrf": csrf},
                          headers={"Cookie": f"clearpost_session={cookie}"},
                          follow_redirects=False)


@pytest.mark.parametrize(("method", "path"), ID_ROUTES, ids=[f"{m} {p}" for m, p in ID_ROUTES])
def test_foreign_id_is_refused_without_leaking(client, app, backend, org, method, path):
    for case in CASES[(method, path)]:
        target = case.make(backend, org)
        before = target.unchanged()
        r = _call(client, app, backend, org, method, path, case, target)
        assert r.status_code in case.expect, (method, path, case.key, r.status_code, r.text[:300])
        for secret in target.secrets:
            assert secret not in r.text, (method, path, case.key, "leaks", secret)
        assert target.unchanged() == before, (method, path, case.key, "changed the object")


def test_the_owner_can_reach_each_item(client, app, backend, org):
    """Positive control: the same calls as the owner succeed, so the 404s above are refusals."""
    for path, kind in API_KINDS.items():
        target = _item(backend, org, kind)
        h = {"Authorization": f"Bearer {token_for(backend, org.employee)}"}
        r = client.get(f"/api/v1/{path}/{target.ids['item_id']}", headers=h)
        assert r.status_code == 200, (path, r.text[:200])
        assert target.secrets[0] in r.text
        cookie, _ = app.state.sessions.issue(org.employee.id)
        r = client.get(f"/items/{kind}/{target.ids['item_id']}",
                       headers={"Cookie": f"clearpost_session={cookie}"}, follow_redirects=False)
        assert r.status_code == 200 and target.secrets[0] in r.text, (kind, r.status_code)
