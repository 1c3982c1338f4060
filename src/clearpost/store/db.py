"""Engines, sessions and programmatic Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class CommitOutcomeUnknown(Exception):
    """The connection to the database server broke while COMMIT was under way.

    The server may or may not have made the transaction durable before the link broke: the
    caller must read the data again before retrying. (Any failure before COMMIT was sent is
    raised as it is: that transaction was certainly rolled back.)
    """


def make_engine(url: str, *, connect_timeout_s: int = 3, pool_timeout_s: float = 10,
                **kwargs: Any) -> Engine:
    """An engine for `url`; a SQLite file gets its folder, WAL and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # A server that went away (restart, failover) is noticed at checkout, not by the request.
    kwargs.setdefault("pool_pre_ping", True)
    if parsed.get_backend_name() == "postgresql":
        # A black-holed server fails a request in seconds instead of the kernel's minutes.
        kwargs.setdefault("connect_args", {"connect_timeout": connect_timeout_s})
        kwargs.setdefault("pool_timeout", pool_timeout_s)
    return create_engine(url, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, unit_of_work(session):
        yield session


def is_disconnect(exc: BaseException) -> bool:
    """The database could not be reached, or the connection broke (not a bad statement)."""
    return isinstance(exc, DBAPIError) and (
        exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError)))


@contextmanager
def unit_of_work(session: Session) -> Iterator[None]:
    """Begin; commit on success, roll back on any error; a broken COMMIT is named as such.

    Everything is flushed before COMMIT, so an error up to there means nothing was saved;
    only a disconnect during COMMIT itself on a client-server database leaves the outcome
    open, and raises CommitOutcomeUnknown. (SQLite commits in-process: a failed commit
    there was not applied.)
    """
    session.begin()
    try:
        yield
        session.flush()
    except BaseException:
        session.rollback()
        raise
    try:
        session.commit()
    except DBAPIError as exc:
        bind = session.get_bind()
        if is_disconnect(exc) and bind.dialect.name != "sqlite":
            session.rollback()
            raise CommitOutcomeUnknown("the database connection broke during COMMIT") from exc
        raise


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                        .replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the newest by default)."""
    from alembic import command

    cfg = _alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
