"""Typed dependencies: the runtime, the signed-in actor, and the permission each endpoint needs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from clearpost.store.models import User
from clearpost.web.problems import Problem, database_unavailable
from clearpost.web.security import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, csrf_ok
from clearpost.workflows.context import Actor
from clearpost.workflows.permissions import Action
from clearpost.workflows.runtime import Runtime
from clearpost.workflows.users import service as users


async def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def _token_lookup(rt: Runtime, token: str) -> Actor | None:
    with rt.factory() as session:
        user = users.user_for_token(session, token)
        return Actor.of(user) if user is not None else None


def _session_lookup(rt: Runtime, user_id: int) -> Actor | None:
    with rt.factory() as session:
        user = session.get(User, user_id)
        return Actor.of(user) if user is not None and user.active else None


async def _actor_from_token(request: Request, rt: Runtime, token: str) -> Actor | None:
    cache = request.app.state.token_cache
    hashed = users.token_hash(token)
    actor: Actor | None = cache.get(hashed)
    if actor is None:
        try:
            actor = await run_in_threadpool(_token_lookup, rt, token)
        except Exception as exc:
            # Settings.stale_token_grace_s: availability of /check over immediate revocation.
            grace = rt.settings.stale_token_grace_s
            stale: Actor | None = cache.get_stale(hashed, grace) if grace > 0 else None
            if stale is not None and database_unavailable(exc):
                return stale
            raise
        if actor is None:
            return None
        cache.put(hashed, actor)
    return actor


# Async on purpose: a request with a cached token then never waits for the thread pool,
# which is most of the cost of a /check call; database look-ups still run in threads.
async def current_actor(request: Request, rt: RuntimeDep) -> Actor:
    """Bearer token first, then the session cookie (with CSRF for unsafe methods); else 401."""
    auth = request.headers.get("authorization", "")
    actor: Actor | None = None
    if auth[:7].lower() == "bearer ":
        actor = await _actor_from_token(request, rt, auth[7:].strip())
        if actor is None:
            raise Problem(401, "Unauthorized", "the API token is unknown or revoked",
                          headers={"WWW-Authenticate": "Bearer"})
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        data = request.app.state.sessions.read(cookie) if cookie else None
        if data is not None:
            if request.method not in SAFE_METHODS and not csrf_ok(
                    data.csrf, request.headers.get(CSRF_HEADER)):
                raise Problem(403, "CSRF check failed",
                              f"send the {CSRF_HEADER} header given at sign-in")
            actor = await run_in_threadpool(_session_lookup, rt, data.user_id)
    if actor is None:
        raise Problem(401, "Unauthorized", "sign in, or send an API token as a Bearer header",
                      headers={"WWW-Authenticate": "Bearer"})
    retry = request.app.state.rate_limiter.hit(actor.id)
    if retry is not None:
        raise Problem(429, "Too many requests", "the per-user rate limit was reached",
                      headers={"Retry-After": str(retry)})
    return actor


CurrentUser = Annotated[Actor, Depends(current_actor)]


def require(action: Action) -> Callable[..., Awaitable[Actor]]:
    """The dependency an endpoint declares: the signed-in actor, if their roles allow `action`."""

    async def dependency(actor: CurrentUser) -> Actor:
        if not actor.may(action):
            raise Problem(403, "Forbidden", f"your roles do not allow '{action.value}'",
                          action=action.value)
        return actor

    dependency.required_action = action  # type: ignore[attr-defined]
    return dependency


class Page:
    def __init__(self, limit: int, offset: int) -> None:
        self.limit, self.offset = limit, offset

    def wrap(self, items: list[Any], total: int) -> dict[str, Any]:
        return {"items": items, "total": total, "limit": self.limit, "offset": self.offset}


def page_params(request: Request,
                limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> Page:
    cap = request.app.state.runtime.settings.page_size_max
    return Page(min(limit, cap), offset)


PageDep = Annotated[Page, Depends(page_params)]
