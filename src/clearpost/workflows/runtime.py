"""What a process needs to run the workflows: engine, sessions, policy, cipher, settings.

Built from Settings by the web app factory and the CLI; nothing here is module-global.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from clearpost.policy.loader import Policy, default_policy, load_policy
from clearpost.settings import Settings
from clearpost.store import db
from clearpost.store.crypto import Cipher
from clearpost.workflows.context import Actor, Ctx


def _key_file(path: Path, make: str) -> str:
    """Read a key kept beside the SQLite database, creating it (mode 600) the first time."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(make + "\n")
    os.replace(tmp, path)
    return make


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    policy: Policy
    cipher: Cipher
    secret_key: str
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings, *, migrate: bool = True) -> Runtime:
        engine = db.make_engine(settings.sqlalchemy_url(),
                                connect_timeout_s=settings.db_connect_timeout_s,
                                pool_timeout_s=settings.db_pool_timeout_s)
        if migrate:
            db.upgrade(engine)
        policy = load_policy(settings.policy_dir) if settings.policy_dir else default_policy()
        if settings.encryption_keys is not None:
            keys = [k for k in settings.encryption_keys.get_secret_value().split(",") if k.strip()]
        else:
            keys = [_key_file(settings.data_dir / "encryption.key", Cipher.generate_key())]
        secret = (settings.secret_key.get_secret_value() if settings.secret_key is not None
                  else _key_file(settings.data_dir / "secret.key", secrets.token_urlsafe(48)))
        return cls(settings, engine, db.session_factory(engine), policy, Cipher(keys), secret)

    @contextmanager
    def ctx(self, actor: Actor) -> Iterator[Ctx]:
        """One transaction acting as `actor`: committed on success, rolled back on error.

        Raises db.CommitOutcomeUnknown when the database connection broke during COMMIT.
        """
        with self.factory() as session, db.unit_of_work(session):
            yield Ctx(session, actor, self.policy, self.cipher)

    def dispose(self) -> None:
        self.engine.dispose()
