"""People: the directory, roles, local passwords (argon2), API tokens, OIDC sign-in users."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clearpost.store.models import ApiToken, User
from clearpost.workflows.audit import service as audit
from clearpost.workflows.context import Actor, Ctx
from clearpost.workflows.errors import Conflict, Invalid, NotFound
from clearpost.workflows.permissions import normalise_roles

_hasher = PasswordHasher()
#: Verified against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")
TOKEN_PREFIX = "cp_"
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.execute(select(User).where(func.lower(User.email) == email.strip().lower())
                           ).scalar_one_or_none()
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.active or not user.password_hash:
        return None
    return user


def _roles(roles: list[str]) -> list[str]:
    try:
        return sorted(r.value for r in normalise_roles(roles))
    except ValueError as exc:
        raise Invalid(str(exc)) from None


def by_email(session: Session, email: str) -> User | None:
    return session.execute(select(User).where(func.lower(User.email) == email.strip().lower())
                           ).scalar_one_or_none()


def get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user #{user_id}")
    return user


def create_user(ctx: Ctx, *, email: str, name: str, roles: list[str] | None = None,
                department: str | None = None, manager_email: str | None = None,
                password: str | None = None, oidc_subject: str | None = None) -> User:
    email = email.strip()
    if "@" not in email or len(email) > 320:
        raise Invalid(f"{email!r} is not an e-mail address")
    if by_email(ctx.session, email) is not None:
        raise Conflict(f"a user with e-mail {email} exists")
    manager_id = None
    if manager_email:
        manager = by_email(ctx.session, manager_email)
        if manager is None:
            raise Invalid(f"no user with e-mail {manager_email} (the manager)")
        manager_id = manager.id
    user = User(email=email, name=name.strip() or email, department=department,
                manager_id=manager_id, roles=_roles(roles or []),
                password_hash=hash_password(password) if password else None,
                oidc_subject=oidc_subject, active=True, created_at=ctx.now)
    ctx.session.add(user)
    ctx.session.flush()
    audit.record(ctx.session, ctx.actor, "create", "user", user.id,
                 data={"email": user.email, "roles": user.roles, "manager_id": manager_id},
                 at=ctx.now)
    return user


def update_user(ctx: Ctx, user_id: int, *, roles: list[str] | None = None,
                manager_email: str | None = None, department: str | None = None,
                active: bool | None = None, name: str | None = None,
                password: str | None = None) -> User:
    user = get(ctx.session, user_id)
    changes: dict[str, Any] = {}
    if roles is not None:
        user.roles = changes["roles"] = _roles(roles)
    if manager_email is not None:
        if manager_email == "":
            user.manager_id = changes["manager_id"] = None
        else:
            manager = by_email(ctx.session, manager_email)
            if manager is None:
                raise Invalid(f"no user with e-mail {manager_email} (the manager)")
            if manager.id == user.id:
                raise Invalid("nobody is their own manager")
            user.manager_id = changes["manager_id"] = manager.id
    if department is not None:
        user.department = changes["department"] = department
    if active is not None:
        user.active = changes["active"] = active
    if name is not None:
        user.name = changes["name"] = name
    if password is not None:
        user.password_hash = hash_password(password)
        changes["password"] = "changed"
    ctx.session.flush()
    audit.record(ctx.session, ctx.actor, "update", "user", user.id, data=changes, at=ctx.now)
    return user


def list_users(session: Session, *, limit: int, offset: int) -> tuple[list[User], int]:
    total = session.execute(select(func.count()).select_from(User)).scalar_one()
    rows = session.execute(select(User).order_by(User.id).limit(limit).offset(offset)).scalars()
    return list(rows), int(total)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(ctx: Ctx, name: str, user_id: int | None = None) -> tuple[ApiToken, str]:
    """A new API token for the actor (or, for admins, another user); returned once, stored hashed."""
    owner = user_id if user_id is not None else ctx.actor.id
    if owner is None:
        raise Invalid("the system has no tokens")
    get(ctx.session, owner)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=owner, name=name[:200] or "token", token_hash=token_hash(plain),
                   created_at=ctx.now)
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx.session, ctx.actor, "issue", "api_token", row.id,
                 data={"user_id": owner, "name": row.name}, at=ctx.now)
    return row, plain


def revoke_token(ctx: Ctx, token_id: int) -> None:
    row = ctx.session.get(ApiToken, token_id)
    if row is None or (row.user_id != ctx.actor.id and not ctx.actor.may_admin()):
        raise NotFound(f"no token #{token_id}")
    row.revoked = True
    audit.record(ctx.session, ctx.actor, "revoke", "api_token", row.id, at=ctx.now)


def user_for_token(session: Session, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == token_hash(token))
                          ).scalar_one_or_none()
    if row is None or row.revoked:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def oidc_user(ctx: Ctx, *, subject: str, email: str | None, name: str | None,
              default_roles: list[str]) -> User:
    """The user behind an OIDC sign-in: by subject, else by verified e-mail, else a new one."""
    user = ctx.session.execute(select(User).where(User.oidc_subject == subject)).scalar_one_or_none()
    if user is not None:
        return user
    if email:
        user = by_email(ctx.session, email)
        if user is not None:
            user.oidc_subject = subject
            audit.record(ctx.session, ctx.actor, "link_oidc", "user", user.id, at=ctx.now)
            return user
    if not email:
        raise Invalid("the identity provider sent no e-mail address")
    return create_user(ctx, email=email, name=name or email, roles=default_roles,
                       oidc_subject=subject)


def public(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name,
            "department": user.department, "manager_id": user.manager_id,
            "roles": _roles(user.roles or []), "active": user.active}


__all__ = ["Actor", "authenticate", "create_user", "issue_token", "user_for_token"]
