"""Jinja2 for the pages: one environment, autoescaped, with the organization's theme."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from clearpost.policy.loader import Policy
from clearpost.web.pages.theme import Theme

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pages"
STATIC_URL = "/ui/static"


def _when(value: Any) -> str:
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _day(value: Any) -> str:
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    return value.strftime("%Y-%m-%d")


def _label(value: Any) -> str:
    return str(value or "").replace("_", " ").replace("-", " ")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html", "svg"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.filters["day"] = _day
    env.filters["label"] = _label
    env.globals["static"] = STATIC_URL
    return env


@lru_cache(maxsize=8)
def theme_of(policy: Policy) -> Theme:
    return Theme.from_colours(dict(policy.org.colours))


def render(request: Request, template: str, context: dict[str, Any], *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    html = environment().get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code, headers=headers)
