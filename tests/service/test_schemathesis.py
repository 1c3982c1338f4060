"""Property-based requests from the OpenAPI document: no input may cause a server error (5xx).

Bounded: a handful of generated examples per operation, on SQLite, signed in as a user who
holds every role (so that requests reach the handlers rather than stop at 403).
"""

from __future__ import annotations

import tempfile

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")

from clearpost.web.app import create_app  # noqa: E402
from clearpost.workflows.context import SYSTEM  # noqa: E402
from clearpost.workflows.runtime import Runtime  # noqa: E402
from clearpost.workflows.users import service as users  # noqa: E402

from .conftest import make_settings  # noqa: E402

_rt = Runtime.build(make_settings(tempfile.mkdtemp(prefix="cp-fuzz-"), None))
with _rt.ctx(SYSTEM) as _ctx:
    _user = users.create_user(_ctx, email="fuzz@example.org", name="Fuzz",
                              roles=["admin", "strategist", "manager"])
    _, TOKEN = users.issue_token(_ctx.as_actor(SYSTEM), "fuzz", user_id=_user.id)
APP = create_app(runtime=_rt)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
