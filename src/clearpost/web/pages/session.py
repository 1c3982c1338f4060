"""Who is signed in to the pages, and what every page template receives.

The pages share the service's signed session cookie (user id and CSRF token; HttpOnly,
SameSite=Lax); forms echo the token in a hidden field and `check_csrf` compares them. The
database, policy and cipher come from the service (app.state, set by the app factory);
`runtime()` is the one place that knows where.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from clearpost.policy.loader import Policy, default_policy
from clearpost.web.pages.templating import theme_of
from clearpost.web.security import SESSION_COOKIE, SessionData, SessionSigner
from clearpost.workflows.context import Actor, Ctx
from clearpost.workflows.errors import NotFound
from clearpost.workflows.permissions import Action, Role
from clearpost.workflows.runtime import Runtime
from clearpost.workflows.users import service as users


class SignInRequired(Exception):
    """Raised by `require_user` for anonymous visitors; answered with a redirect to /signin."""


class PageForbidden(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CsrfFailed(Exception):
    pass


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.pages_runtime
    return rt


def sessions(request: Request) -> SessionSigner:
    """The service's session signer: one sign-in serves the pages and the JSON API."""
    signer: SessionSigner = request.app.state.sessions
    return signer


def policy_of(request: Request) -> Policy:
    state = getattr(request.app.state, "pages_runtime", None)
    return state.policy if state is not None else default_policy()


@dataclass(frozen=True)
class PageUser:
    """The signed-in person, as the pages need them (nothing the session could lose)."""

    actor: Actor
    csrf: str

    @property
    def id(self) -> int:
        assert self.actor.id is not None
        return self.actor.id

    @property
    def name(self) -> str:
        return self.actor.name

    def may(self, action: Action) -> bool:
        return self.actor.may(action)

    def has(self, role: str) -> bool:
        return self.actor.has(Role(role))


def _read_cookie(request: Request) -> SessionData | None:
    raw = request.cookies.get(SESSION_COOKIE)
    return sessions(request).read(raw) if raw else None


def current_user(request: Request) -> PageUser | None:
    cached = getattr(request.state, "page_user", None)
    if cached is not None:
        return cached if isinstance(cached, PageUser) else None
    data = _read_cookie(request)
    found: PageUser | None = None
    if data is not None:
        with runtime(request).factory() as session:
            try:
                user = users.get(session, data.user_id)
            except NotFound:
                user = None
            if user is not None and user.active:
                found = PageUser(Actor.of(user), data.csrf)
    request.state.page_user = found or False
    return found


def require_user(request: Request) -> PageUser:
    user = current_user(request)
    if user is None:
        raise SignInRequired()
    return user


def require(request: Request, action: Action) -> PageUser:
    user = require_user(request)
    if not user.may(action):
        raise PageForbidden("Your role does not include this page. Ask an administrator if you need it.")
    return user


def sign_in(response: Response, request: Request, user_id: int) -> None:
    settings = runtime(request).settings
    cookie, _csrf = sessions(request).issue(user_id)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=settings.session_max_age_s,
                        httponly=True, samesite="lax", secure=settings.cookie_secure, path="/")


def sign_out(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def check_csrf(user: PageUser, form: Any) -> None:
    sent = str(form.get("csrf") or "")
    if not (sent and hmac.compare_digest(sent, user.csrf)):
        raise CsrfFailed()


@contextmanager
def work(request: Request, user: PageUser) -> Iterator[Ctx]:
    """One transaction acting as `user`: what every workflow service call receives."""
    with runtime(request).ctx(user.actor) as ctx:
        yield ctx


NAV: list[tuple[str, str, str, Action | None]] = [
    # (key, label, path, action needed)
    ("home", "Home", "/", None),
    ("check", "Check a post", "/check", None),
    ("mine", "My requests", "/my", None),
    ("ask", "Ask", "/ask", None),
    ("approvals", "Approvals", "/approvals", Action.team_items),
    ("queues", "Queues", "/queues", Action.all_items_read),
    ("registry", "Registry", "/registry", Action.registry_read),
    ("dashboard", "Dashboard", "/dashboard", Action.audit),
    ("audit", "Audit log", "/audit", Action.audit),
    ("admin", "Admin", "/admin", Action.admin),
]


def page_context(request: Request, user: PageUser | None, *, title: str,
                 active: str = "") -> dict[str, Any]:
    policy = policy_of(request)
    nav = [(key, label, path) for key, label, path, action in NAV
           if user is not None and (action is None or user.may(action))]
    return {
        "title": title,
        "active": active,
        "user": user,
        "nav": nav,
        "org": policy.org,
        "pack": policy.pack,
        "theme": theme_of(policy),
        "csrf": user.csrf if user else "",
        "flash": request.query_params.get("done", "")[:200],
        "oidc": bool(getattr(runtime(request).settings, "oidc_issuer", None))
        if hasattr(request.app.state, "pages_runtime") else False,
    }
