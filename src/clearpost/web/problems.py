"""Errors as RFC 9457 problem details (application/problem+json), never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from clearpost.model import PostInputError
from clearpost.store.db import CommitOutcomeUnknown, is_disconnect
from clearpost.workflows.errors import WorkflowError

log = logging.getLogger("clearpost.web")
MEDIA_TYPE = "application/problem+json"
#: Errors that mean "the database is unreachable or the link broke", answered with 503.
DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeout, CommitOutcomeUnknown)
RETRY_AFTER_S = 2


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.headers, self.extra = (
            status, title, detail, headers, extra)


def problem_response(request: Request, status: int, title: str, detail: str,
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.url.path, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def internal_error_response(scope: Any) -> JSONResponse:
    """The 500 answer when no request handler could run (ASGI scope only)."""
    body = {"type": "about:blank", "title": "Internal error", "status": 500,
            "detail": "the server failed; the error was logged without request data",
            "instance": scope.get("path", "")}
    return JSONResponse(body, status_code=500, media_type=MEDIA_TYPE)


def _validation_detail(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    # The offending input is left out on purpose: it may be post text, which is never echoed.
    errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""),
               "type": e.get("type", "")} for e in exc.errors()]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(p for p in first["loc"] if p != "body") or "request"
    return f"{where}: {first['msg']}", errors


def database_unavailable(exc: BaseException) -> bool:
    return isinstance(exc, (PoolTimeout, CommitOutcomeUnknown)) or is_disconnect(exc)


def database_problem(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After, saying whether the change was saved; a bad statement stays a 500."""
    if not database_unavailable(exc):
        return internal_error(request, exc)
    unknown = isinstance(exc, CommitOutcomeUnknown)
    cause = exc.__cause__ if unknown else exc
    orig = getattr(cause, "orig", None) or cause
    # The type only: SQLAlchemy's message quotes the statement and its parameters.
    log.warning("database unavailable on %s %s: %s%s", request.method, request.url.path,
                type(orig).__name__, " during COMMIT" if unknown else "")
    if unknown:
        detail = ("the database connection broke while saving; the change may or may not have "
                  "been saved: read the item again before retrying")
    else:
        detail = ("the database is unavailable; nothing was changed. Try again in a few seconds")
    return problem_response(request, 503, "Database unavailable", detail,
                            {"Retry-After": str(RETRY_AFTER_S)},
                            saved=None if unknown else False)


def internal_error(request: Request, exc: Exception) -> JSONResponse:
    # Only the type is logged: an exception message may quote submitted text.
    log.error("internal error on %s %s: %s", request.method, request.url.path,
              type(exc).__name__)
    return problem_response(request, 500, "Internal error",
                            "the server failed; the error was logged without request data")


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc.status, exc.title, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(WorkflowError)
    async def _workflow(request: Request, exc: WorkflowError) -> JSONResponse:
        return problem_response(request, exc.status, exc.title, exc.detail)

    @app.exception_handler(PostInputError)
    async def _post_input(request: Request, exc: PostInputError) -> JSONResponse:
        return problem_response(request, 422, "Invalid post", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _validation_detail(exc)
        return problem_response(request, 422, "Invalid request", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized"}
        return problem_response(request, exc.status_code, titles.get(exc.status_code, "Error"),
                                str(exc.detail), getattr(exc, "headers", None))

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        return database_problem(request, exc)

    for error in DATABASE_ERRORS:
        app.add_exception_handler(error, _database)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return internal_error(request, exc)
