"""The app factory: `create_app(settings)` builds everything from settings; no module globals."""

from __future__ import annotations

import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clearpost.settings import Settings
from clearpost.web import problems
from clearpost.web.security import (
    RateLimiter,
    SecurityHeaders,
    SessionSigner,
    SignInThrottle,
    TTLCache,
)
from clearpost.workflows.runtime import Runtime

API_PREFIX = "/api/v1"
TEMPLATES_DIR = Path(__file__).parent / "templates"
log = logging.getLogger("clearpost.web")


class BodyLimit:
    """Refuse request bodies over the limit (413) before any handler reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _send_413(send, self.max_bytes)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _send_413(send, self.max_bytes)


class _TooLarge(Exception):
    pass


class ContainErrors:
    """Answer an unhandled exception with the app's 500 handler, and let it go no further.

    Starlette's outermost middleware answers with that handler too, but then re-raises, so
    that the server logs it: uvicorn logs the whole traceback, whose last line is the
    exception's message, which may quote the post being checked. Here it stops; the handler
    logs the exception's type only (problems.py).
    """

    def __init__(self, app: ASGIApp, handlers: dict[Any, Any]) -> None:
        self.app, self.handlers = app, handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            handler = self.handlers.get(Exception) or self.handlers.get(500)
            if started or handler is None:
                log.error("internal error on %s %s: %s", scope.get("method"), scope.get("path"),
                          type(exc).__name__)
                if not started:
                    await problems.internal_error_response(scope)(scope, receive, send)
                return
            from starlette.requests import Request

            response = await handler(Request(scope, receive), exc)
            await response(scope, receive, send)


async def _send_413(send: Send, limit: int) -> None:
    import json

    body = json.dumps({"type": "about:blank", "title": "Too large", "status": 413,
                       "detail": f"the request body is larger than {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _oidc_client(settings: Settings, app: FastAPI, secret: str) -> Any:
    if not (settings.oidc_issuer and settings.oidc_client_id):
        return None
    from authlib.integrations.starlette_client import OAuth
    from starlette.middleware.sessions import SessionMiddleware

    # Authlib keeps the state and nonce of a sign-in in this short-lived, signed cookie.
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="clearpost_oidc",
                       max_age=600, same_site="lax", https_only=settings.cookie_secure)
    oauth = OAuth()
    metadata = settings.oidc_metadata_url or (
        settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration")
    oauth.register("sso", client_id=settings.oidc_client_id,
                   client_secret=(settings.oidc_client_secret.get_secret_value()
                                  if settings.oidc_client_secret else None),
                   server_metadata_url=metadata, client_kwargs={"scope": settings.oidc_scope})
    return oauth.create_client("sso")


def app_from_env() -> FastAPI:
    """For `uvicorn --factory clearpost.web.app:app_from_env` (several worker processes)."""
    return create_app(Settings())


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None,
               start_tasks: bool = False) -> FastAPI:
    """The whole service for `settings`; `runtime` may be passed in (tests share one).

    `start_tasks` runs the huey consumer (e-mail, expiry, purge) inside this process, which
    is what `clearpost serve` does on SQLite; with Redis run `huey_consumer` separately.
    """
    settings = settings or (runtime.settings if runtime else Settings())
    rt = runtime or Runtime.build(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        consumer = None
        if settings.warm_models:
            import anyio

            from clearpost.engine import warm_up

            # Before the server answers anything (its readiness is honest: no request waits
            # for the models or competes with their loading for the CPU); in a worker thread,
            # so the event loop stays free.
            await anyio.to_thread.run_sync(warm_up)
        if start_tasks:
            consumer = app.state.huey.create_consumer(workers=1, worker_type="thread",
                                                      periodic=True, check_worker_health=False)
            # huey's start() takes over SIGTERM/SIGINT/SIGHUP, which belong to uvicorn here:
            # put uvicorn's handlers back, or the server would ignore a request to stop.
            saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
            consumer.start()
            for signum, handler in saved.items():
                signal.signal(signum, handler)
        try:
            yield
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)
            if runtime is None:
                rt.dispose()

    app = FastAPI(title="clearpost", version="1", lifespan=lifespan,
                  description="Check posts against the organization's social media guidelines, "
                              "and run the guidelines' workflows.",
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs",
                  redoc_url=None)
    from clearpost.workflows.tasks import make_huey

    huey, tasks = make_huey(rt)
    app.state.runtime = rt
    app.state.huey = huey
    app.state.tasks = tasks
    app.state.sessions = SessionSigner(rt.secret_key, settings.session_max_age_s)
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.sign_in_throttle = SignInThrottle()
    app.state.token_cache = TTLCache()
    app.state.templates_dir = TEMPLATES_DIR
    app.state.oidc = _oidc_client(settings, app, rt.secret_key)
    problems.install(app)

    from clearpost.web.api import auth, guidance, items, people, registry

    for module in (auth, guidance, registry, items, people):
        app.include_router(module.router, prefix=API_PREFIX)
    from clearpost.web import pages  # the browser pages (issue 7); after problems.install
    pages.install(app, rt)

    @app.get(f"{API_PREFIX}/health", tags=["meta"], summary="Liveness and database check")
    def health() -> dict[str, str]:
        from sqlalchemy import text

        with rt.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "policy": rt.policy.label}

    # The last added runs first: security headers on every answer, the 500s included.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(ContainErrors, handlers=app.exception_handlers)
    from clearpost.web.pages.templating import STATIC_URL

    app.add_middleware(SecurityHeaders, docs_prefix=f"{API_PREFIX}/docs",
                       cacheable_prefix=STATIC_URL + "/")
    return app
