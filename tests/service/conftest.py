"""Fixtures of the service tests: one database per backend (SQLite file, PostgreSQL 15).

The PostgreSQL tests create their own database `clearpost_test_<random>` for the session and
drop it afterwards; they skip, saying why, when 127.0.0.1:5432 does not answer.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed (pip install .[service])")

from clearpost.settings import Settings
from clearpost.workflows.context import SYSTEM, Actor, Ctx
from clearpost.workflows.runtime import Runtime
from clearpost.workflows.users import service as users

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = os.environ.get("CLEARPOST_TEST_PG_ADMIN",
                              f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/test")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
PASSWORD = "correct horse battery"


def pg_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    if not pg_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")
    import sqlalchemy as sa

    name = f"clearpost_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {PG_HOST}:{PG_PORT} refused: {str(exc.orig).splitlines()[0]}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_settings(tmp: Path, database_url: str | None, **extra: Any) -> Settings:
    from clearpost.store.crypto import Cipher

    values: dict[str, Any] = {"data_dir": tmp, "database_url": database_url, "huey": "immediate",
                              "rate_limit_per_minute": 0, "secret_key": "test-secret-" + "x" * 20,
                              "encryption_keys": Cipher.generate_key()}
    values.update(extra)
    return Settings(**values)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """A migrated database and its runtime, shared by the tests of one backend."""
    tmp = tmp_path_factory.mktemp(f"svc-{request.param}")
    url = request.getfixturevalue("pg_database") if request.param == "postgresql" else None
    rt = Runtime.build(make_settings(tmp, url))
    yield rt
    rt.dispose()


@dataclass
class Org:
    """Fresh people for one test: unique e-mails, so tests sharing a database never collide."""

    employee: Actor
    colleague: Actor
    manager: Actor
    marcomm: Actor
    strategist: Actor
    admin: Actor
    physician: Actor
    tag: str

    def by_role(self, role: str) -> Actor:
        return getattr(self, role)  # type: ignore[no-any-return]


def make_org(rt: Runtime) -> Org:
    tag = secrets.token_hex(4)
    made: dict[str, Actor] = {}
    with rt.ctx(SYSTEM) as ctx:
        def add(key: str, roles: list[str], manager: str | None = None) -> None:
            user = users.create_user(ctx, email=f"{key}-{tag}@example.org", name=f"{key} {tag}",
                                     roles=roles, department="Radiology", password=None,
                                     manager_email=f"{manager}-{tag}@example.org" if manager else None)
            made[key] = Actor.of(user)
        add("admin", ["admin"])
        add("strategist", ["strategist"])
        add("marcomm", ["marcomm"], "strategist")
        add("manager", ["manager"])
        add("employee", ["employee"], "manager")
        add("colleague", ["employee"], "manager")
        add("physician", ["physician"], "manager")
    return Org(tag=tag, **made)


@pytest.fixture
def org(backend: Runtime) -> Org:
    return make_org(backend)


@pytest.fixture
def as_(backend: Runtime) -> Any:
    """`with as_(actor) as ctx:` runs one transaction as that actor."""
    def run(actor: Actor) -> Any:
        return backend.ctx(actor)
    return run


def count_audit(rt: Runtime) -> int:
    from sqlalchemy import func, select

    from clearpost.store.models import AuditEvent

    with rt.factory() as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


__all__ = ["Ctx", "Org", "count_audit", "make_org", "make_settings"]


@pytest.fixture(scope="session")
def app(backend: Runtime) -> Any:
    from clearpost.web.app import create_app

    return create_app(runtime=backend)


@pytest.fixture(scope="session")
def client(app: Any) -> Iterator[Any]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def token_for(rt: Runtime, actor: Actor) -> str:
    with rt.ctx(actor) as ctx:
        _, plain = users.issue_token(ctx, "test")
    return plain


@pytest.fixture
def tokens(backend: Runtime, org: Org) -> dict[str, dict[str, str]]:
    """Authorization headers per role key of `org`."""
    return {key: {"Authorization": f"Bearer {token_for(backend, org.by_role(key))}"}
            for key in ("employee", "colleague", "manager", "marcomm", "strategist", "admin",
                        "physician")}
