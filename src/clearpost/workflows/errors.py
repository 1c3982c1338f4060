"""Errors the workflows raise; the web layer turns each into a problem+json response."""

from __future__ import annotations


class WorkflowError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(WorkflowError):
    status = 404
    title = "Not found"


class Forbidden(WorkflowError):
    status = 403
    title = "Forbidden"


class FourEyes(Forbidden):
    title = "Four-eyes rule"


class IllegalTransition(WorkflowError):
    status = 409
    title = "Illegal transition"


class Conflict(WorkflowError):
    status = 409
    title = "Conflict"


class Invalid(WorkflowError):
    status = 422
    title = "Invalid input"
