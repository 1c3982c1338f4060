"""Department account requests: requester -> their manager -> marcomm -> registry entry."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from clearpost.store.models import AccountRequest, User
from clearpost.workflows import common
from clearpost.workflows.context import Ctx
from clearpost.workflows.errors import Invalid
from clearpost.workflows.machine import (
    MANAGER_OF_REQUESTER,
    MARCOMM,
    REQUESTER,
    SYSTEM_ONLY,
    Machine,
    Notice,
    Transition,
    manager_email,
    requester_email,
    role_emails,
)
from clearpost.workflows.permissions import Role
from clearpost.workflows.registry import service as registry


class State(StrEnum):
    draft = "draft"
    awaiting_manager = "awaiting_manager"
    awaiting_marcomm = "awaiting_marcomm"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"
    expired = "expired"


OPEN = (State.draft, State.awaiting_manager, State.awaiting_marcomm)


def _ready_to_approve(ctx: Ctx, item: AccountRequest, data: dict[str, Any]) -> str | None:
    checklist = {**(item.branding or {}), **(data.get("branding") or {})}
    missing = [k for k in registry.BRANDING_CHECKLIST if not checklist.get(k)]
    if missing:
        return f"the branding checklist is incomplete: {', '.join(missing)}"
    if item.overlap and not data.get("overlap_reviewed"):
        return (f"{len(item.overlap)} registry accounts may overlap; review them and set "
                "overlap_reviewed")
    return None


def _enter_registry(ctx: Ctx, item: AccountRequest, data: dict[str, Any]) -> dict[str, Any]:
    item.branding = {**(item.branding or {}), **(data.get("branding") or {})}
    account = registry.create(ctx, {"platform": item.platform, "handle": item.handle,
                                    "name": item.name, "department": item.department,
                                    "audience": item.audience, "owners": item.owners,
                                    "branding": item.branding}, audited=False)
    item.registry_account_id = account.id
    return {"registry_account_id": account.id}


MACHINE = Machine(
    "account_request", State, State.awaiting_manager,
    [
        Transition((State.awaiting_manager,), "approve", State.awaiting_marcomm, MANAGER_OF_REQUESTER),
        Transition((State.awaiting_manager,), "reject", State.rejected, MANAGER_OF_REQUESTER),
        Transition((State.awaiting_manager,), "send_back", State.draft, MANAGER_OF_REQUESTER),
        Transition((State.draft,), "resubmit", State.awaiting_manager, REQUESTER, by_requester=True),
        Transition((State.awaiting_marcomm,), "approve", State.approved, MARCOMM,
                   guard=_ready_to_approve, effect=_enter_registry),
        Transition((State.awaiting_marcomm,), "reject", State.rejected, MARCOMM),
        Transition((State.awaiting_marcomm,), "send_back", State.draft, MARCOMM),
        Transition(OPEN, "withdraw", State.withdrawn, REQUESTER, by_requester=True),
        Transition(OPEN, "expire", State.expired, SYSTEM_ONLY),
    ],
    open_states=OPEN,
    notices={
        State.awaiting_manager: Notice(manager_email),
        State.awaiting_marcomm: Notice(role_emails(Role.marcomm)),
        State.draft: Notice(requester_email),
        State.approved: Notice(requester_email),
        State.rejected: Notice(requester_email),
        State.expired: Notice(requester_email),
    },
)

FIELDS = ("platform", "name", "handle", "department", "audience", "purpose", "owners")


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: values.get(k) for k in FIELDS}
    for key in ("name", "handle", "department", "audience", "purpose"):
        if not str(out.get(key) or "").strip():
            raise Invalid(f"{key} is required")
        out[key] = str(out[key]).strip()
    if len(out["purpose"]) > 5000:
        raise Invalid("purpose is longer than 5000 characters")
    checked = registry.clean({"platform": out["platform"], "handle": out["handle"],
                               "name": out["name"], "owners": out.get("owners") or [],
                               "department": out["department"], "audience": out["audience"]})
    out["platform"], out["owners"] = checked["platform"], checked["owners"]
    if not out["owners"]:
        raise Invalid("name at least one owner (an e-mail address)")
    return out


def _overlap(ctx: Ctx, v: dict[str, Any]) -> list[dict[str, Any]]:
    return registry.overlap(ctx.session, name=v["name"], handle=v["handle"],
                            platform=v["platform"], department=v["department"],
                            audience=v["audience"])


def submit(ctx: Ctx, values: dict[str, Any]) -> AccountRequest:
    v = _validate(values)
    me = ctx.session.get(User, ctx.actor.id) if ctx.actor.id else None
    if me is None or me.manager_id is None:
        raise Invalid("your manager approves department accounts first, and the directory "
                      "names no manager for you; ask an administrator to set one")
    item = AccountRequest(requester_id=me.id, state=State.awaiting_manager,
                          overlap=_overlap(ctx, v), branding={}, **v)
    MACHINE.create(ctx, item, data={"platform": v["platform"], "handle": v["handle"],
                                    "overlaps": len(item.overlap or [])})
    return item


def act(ctx: Ctx, item_id: int, action: str, comment: str = "",
        data: dict[str, Any] | None = None) -> AccountRequest:
    item: AccountRequest = common.load_visible(ctx, AccountRequest, item_id, "account request")
    data = dict(data or {})
    if action == "resubmit" and data.get("changes"):
        changes = {k: v for k, v in data.pop("changes").items() if k in FIELDS}
        v = _validate({**{k: getattr(item, k) for k in FIELDS}, **changes})
        for key, value in v.items():
            setattr(item, key, value)
        item.overlap = _overlap(ctx, v)
    MACHINE.apply(ctx, item, action, comment=comment, data=data)
    return item


def view(ctx: Ctx, item: AccountRequest) -> dict[str, Any]:
    return {**common.stamp(item), **{k: getattr(item, k) for k in FIELDS},
            "overlap": item.overlap, "branding": item.branding,
            "registry_account_id": item.registry_account_id,
            "actions": MACHINE.actions_for(ctx, item)}
