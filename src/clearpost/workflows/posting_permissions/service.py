"""Permission to post for an official account: requested and granted, or granted directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from clearpost.store.models import PostingPermission, User
from clearpost.workflows import common
from clearpost.workflows.context import Ctx
from clearpost.workflows.errors import Forbidden, FourEyes, Invalid, NotFound
from clearpost.workflows.machine import (
    MARCOMM,
    REQUESTER,
    SYSTEM_ONLY,
    Machine,
    Notice,
    Transition,
    requester_email,
    role_emails,
)
from clearpost.workflows.permissions import Role
from clearpost.workflows.registry import service as registry

DEFAULT_GRANT_DAYS = 365


class State(StrEnum):
    awaiting_marcomm = "awaiting_marcomm"
    active = "active"
    denied = "denied"
    revoked = "revoked"
    withdrawn = "withdrawn"
    expired = "expired"


def _grant_terms(ctx: Ctx, item: PostingPermission, data: dict[str, Any]) -> str | None:
    scope = str(data.get("scope") or item.scope or "").strip()
    if not scope:
        return "a grant names its scope"
    try:
        _expiry(ctx, data)
    except Invalid as exc:
        return exc.detail
    return None


def _expiry(ctx: Ctx, data: dict[str, Any]) -> datetime:
    raw = data.get("expires_at")
    if not raw:
        return ctx.now + timedelta(days=DEFAULT_GRANT_DAYS)
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError:
        raise Invalid("expires_at is an ISO date or date-time") from None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if when <= ctx.now:
        raise Invalid("expires_at is in the past")
    return when


def _set_terms(ctx: Ctx, item: PostingPermission, data: dict[str, Any]) -> dict[str, Any]:
    item.scope = str(data.get("scope") or item.scope).strip()
    item.expires_at = _expiry(ctx, data)
    return {"scope": item.scope, "expires_at": item.expires_at.isoformat()}


MACHINE = Machine(
    "posting_permission", State, State.awaiting_marcomm,
    [
        Transition((State.awaiting_marcomm,), "grant", State.active, MARCOMM, guard=_grant_terms,
                   effect=_set_terms),
        Transition((State.awaiting_marcomm,), "deny", State.denied, MARCOMM),
        Transition((State.awaiting_marcomm,), "withdraw", State.withdrawn, REQUESTER,
                   by_requester=True),
        # Taking a right away needs no second pair of eyes, so the granter may revoke too.
        Transition((State.active,), "revoke", State.revoked, MARCOMM, by_requester=True),
        Transition((State.active, State.awaiting_marcomm), "expire", State.expired, SYSTEM_ONLY),
    ],
    open_states=(State.awaiting_marcomm,),
    notices={
        State.awaiting_marcomm: Notice(role_emails(Role.marcomm)),
        State.active: Notice(lambda ctx, item: _holder_email(ctx, item)),
        State.denied: Notice(requester_email),
        State.revoked: Notice(lambda ctx, item: _holder_email(ctx, item)),
        State.expired: Notice(lambda ctx, item: _holder_email(ctx, item)),
    },
)


def _holder_email(ctx: Ctx, item: PostingPermission) -> list[str]:
    user = ctx.session.get(User, item.holder_id)
    return [user.email] if user else []


def request(ctx: Ctx, values: dict[str, Any]) -> PostingPermission:
    account = registry.get(ctx.session, int(values.get("account_id") or 0))
    scope = str(values.get("scope") or "").strip()
    reason = str(values.get("reason") or "").strip()
    if not scope or len(scope) > 500:
        raise Invalid("scope is required (at most 500 characters)")
    if len(reason) > 5000:
        raise Invalid("reason is longer than 5000 characters")
    assert ctx.actor.id is not None
    item = PostingPermission(requester_id=ctx.actor.id, holder_id=ctx.actor.id,
                             account_id=account.id, scope=scope, reason=reason)
    MACHINE.create(ctx, item, action="request", data={"account_id": account.id, "scope": scope})
    return item


def grant_directly(ctx: Ctx, values: dict[str, Any]) -> PostingPermission:
    if not ctx.actor.has(Role.marcomm):
        raise Forbidden("only marcomm grants posting permission directly")
    account = registry.get(ctx.session, int(values.get("account_id") or 0))
    holder = ctx.session.execute(select(User).where(User.email == str(values.get("holder_email") or ""))
                                 ).scalar_one_or_none()
    if holder is None:
        raise NotFound(f"no user {values.get('holder_email')!r}")
    if holder.id == ctx.actor.id:
        raise FourEyes("nobody grants posting permission to themselves")
    data = {"scope": values.get("scope"), "expires_at": values.get("expires_at")}
    problem = _grant_terms(ctx, PostingPermission(scope=""), data)
    if problem:
        raise Invalid(problem)
    assert ctx.actor.id is not None
    item = PostingPermission(requester_id=ctx.actor.id, holder_id=holder.id, account_id=account.id,
                             scope=str(data["scope"]).strip(), reason=str(values.get("reason") or ""),
                             state=State.active, expires_at=_expiry(ctx, data))
    MACHINE.create(ctx, item, action="grant_directly",
                   data={"account_id": account.id, "holder_id": holder.id, "scope": item.scope,
                         "expires_at": item.expires_at.isoformat() if item.expires_at else None})
    return item


def act(ctx: Ctx, item_id: int, action: str, comment: str = "",
        data: dict[str, Any] | None = None) -> PostingPermission:
    item: PostingPermission = common.load_visible(ctx, PostingPermission, item_id,
                                                  "posting permission", team=False)
    data = dict(data or {})
    MACHINE.apply(ctx, item, action, comment=comment, data=data)
    return item


def view(ctx: Ctx, item: PostingPermission) -> dict[str, Any]:
    return {**common.stamp(item), "holder_id": item.holder_id, "account_id": item.account_id,
            "scope": item.scope, "reason": item.reason,
            "expires_at": item.expires_at.isoformat() if item.expires_at else None,
            "actions": MACHINE.actions_for(ctx, item)}
