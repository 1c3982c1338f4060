"""Page routes as plain Starlette routes: pages are not API endpoints.

They stay out of the OpenAPI schema and out of the API's one-permission-dependency rule
(tests/service/test_permissions.py walks FastAPI routes); each page handler checks who may
see it itself (`session.require`). Handlers are `async def f(request, **path_params)`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Handler = Callable[..., Awaitable[Response]]
_PARAM = re.compile(r"\{([a-z_]+)\}")
#: Path parameters that are numbers; Starlette converts and 404s anything else.
INT_PARAMS = {"item_id", "user_id"}


class PageRouter:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def _add(self, path: str, method: str) -> Callable[[Handler], Handler]:
        typed = _PARAM.sub(lambda m: "{" + m.group(1) + ":int}" if m.group(1) in INT_PARAMS
                           else m.group(0), path)

        def register(handler: Handler) -> Handler:
            async def endpoint(request: Request) -> Response:
                return await handler(request, **request.path_params)

            endpoint.__name__ = handler.__name__
            self.routes.append(Route(typed, endpoint, methods=[method], name=f"page_{handler.__name__}"))
            return handler

        return register

    def get(self, path: str) -> Callable[[Handler], Handler]:
        return self._add(path, "GET")

    def post(self, path: str) -> Callable[[Handler], Handler]:
        return self._add(path, "POST")

    def include(self, other: PageRouter) -> None:
        self.routes.extend(other.routes)

    def install(self, app: Any) -> None:
        app.router.routes.extend(self.routes)
