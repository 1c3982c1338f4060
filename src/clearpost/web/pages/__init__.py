"""The web pages every role uses (issue 7): server-rendered Jinja2, enhanced with htmx.

`install(app, runtime)` is the one call the app factory makes: it mounts the static files,
adds the page routes and renders errors as pages for browsers (API clients keep JSON).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException as FastAPIHTTPException
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from clearpost.store.db import CommitOutcomeUnknown
from clearpost.web import problems
from clearpost.web.pages.session import (
    CsrfFailed,
    PageForbidden,
    SignInRequired,
    current_user,
    page_context,
)
from clearpost.web.pages.templating import STATIC_URL, render
from clearpost.web.security import SessionSigner
from clearpost.workflows.errors import WorkflowError
from clearpost.workflows.runtime import Runtime

log = logging.getLogger("clearpost.web")

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

_MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have access to this page.",
    404: "There is no page at this address. It may have moved, or the link may be mistyped.",
    405: "This page does not accept that kind of request.",
    413: "What you sent is too large.",
    503: "The database is unavailable for a moment: nothing was changed. Try again in a few "
         "seconds.",
    500: "Something went wrong on our side. Try again; if it keeps happening, tell an administrator.",
}


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not the JSON API, not an htmx fragment request)."""
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status: int, message: str | None = None) -> Response:
    try:
        user = current_user(request)
    except Exception:  # a broken database must still give an error page
        user = None
    ctx = page_context(request, user, title={404: "Page not found", 403: "No access",
                                             503: "Try again shortly",
                                             500: "Something went wrong"}.get(status, "Error"))
    ctx.update({"status": status, "message": message or _MESSAGES.get(status, "Error.")})
    return render(request, "error.html", ctx, status_code=status)


def install(app: FastAPI, runtime: Runtime) -> None:
    from clearpost.web.pages.routes import router

    app.state.pages_runtime = runtime
    if not hasattr(app.state, "sessions"):  # the pages alone (create_pages_app)
        app.state.sessions = SessionSigner(runtime.secret_key, runtime.settings.session_max_age_s)
    app.mount(STATIC_URL, StaticFiles(directory=str(STATIC_DIR)), name="pages-static")
    router.install(app)

    async def on_signin(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={target}", status_code=303)

    async def on_forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageForbidden)
        return error_page(request, 403, exc.message)

    async def on_csrf(request: Request, exc: Exception) -> Response:
        return error_page(request, 403, "This form was open too long or came from elsewhere. "
                                        "Go back, reload the page and try again.")

    app.add_exception_handler(SignInRequired, on_signin)
    app.add_exception_handler(PageForbidden, on_forbidden)
    app.add_exception_handler(CsrfFailed, on_csrf)

    previous_http = app.exception_handlers.get(HTTPException) or app.exception_handlers.get(
        FastAPIHTTPException)
    previous_500 = app.exception_handlers.get(Exception) or app.exception_handlers.get(500)

    async def on_http(request: Request, exc: Any) -> Response:
        if wants_page(request):
            return error_page(request, exc.status_code,
                              None if exc.status_code in _MESSAGES else str(exc.detail))
        if previous_http is not None:
            return await previous_http(request, exc)  # type: ignore[misc]
        from fastapi.exception_handlers import http_exception_handler

        return await http_exception_handler(request, exc)

    async def on_error(request: Request, exc: Exception) -> Response:
        if wants_page(request):
            # Only the type: an exception message may quote the post being checked.
            log.error("internal error on %s %s: %s", request.method, request.url.path,
                      type(exc).__name__)
            return error_page(request, 500)
        if previous_500 is not None:
            return await previous_500(request, exc)  # type: ignore[misc]
        from fastapi.responses import JSONResponse

        return JSONResponse({"title": "Internal error", "status": 500}, status_code=500)

    previous_workflow = app.exception_handlers.get(WorkflowError)

    async def on_workflow(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WorkflowError)
        if wants_page(request) or previous_workflow is None:
            return error_page(request, exc.status, exc.detail)
        return await previous_workflow(request, exc)  # type: ignore[misc]

    async def on_database(request: Request, exc: Exception) -> Response:
        if wants_page(request) and problems.database_unavailable(exc):
            unknown = isinstance(exc, CommitOutcomeUnknown)
            response = error_page(request, 503, (
                "The database connection broke while saving: your change may or may not have "
                "been saved. Open the item again before retrying.") if unknown else None)
            response.headers["Retry-After"] = str(problems.RETRY_AFTER_S)
            return response
        return problems.database_problem(request, exc)

    app.add_exception_handler(WorkflowError, on_workflow)
    for error in problems.DATABASE_ERRORS:
        app.add_exception_handler(error, on_database)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_error)


def create_pages_app(runtime: Runtime) -> FastAPI:
    """The pages alone, without the JSON API: for trying the pages before the service app."""
    app = FastAPI(title="clearpost pages", docs_url=None, redoc_url=None, openapi_url=None)
    install(app, runtime)
    return app
