"""Who acts, in which transaction, under which policy: what every service function receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from clearpost.policy.loader import Policy
from clearpost.store.crypto import Cipher
from clearpost.store.models import User
from clearpost.workflows.permissions import Action, Role, allowed, normalise_roles


@dataclass(frozen=True)
class Actor:
    id: int | None
    email: str
    name: str
    roles: frozenset[Role]
    manager_id: int | None = None
    department: str | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(id=user.id, email=user.email, name=user.name,
                   roles=normalise_roles(user.roles or []), manager_id=user.manager_id,
                   department=user.department)

    def may(self, action: Action) -> bool:
        return self.is_system or allowed(self.roles, action)

    def may_admin(self) -> bool:
        return self.may(Action.admin)

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_system(self) -> bool:
        return self.id is None


#: The actor of timed transitions (expiry) and maintenance (purge).
SYSTEM = Actor(id=None, email="system", name="clearpost", roles=frozenset())


@dataclass
class Ctx:
    session: Session
    actor: Actor
    policy: Policy
    cipher: Cipher
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def as_actor(self, actor: Actor) -> Ctx:
        return Ctx(self.session, actor, self.policy, self.cipher, self.now)
