"""The workflow item kinds the pages show, and how to list and read them through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

from sqlalchemy import select

from clearpost.workflows import common
from clearpost.workflows.account_requests import service as account_requests
from clearpost.workflows.context import Ctx
from clearpost.workflows.media_approvals import service as media
from clearpost.workflows.permissions import Action
from clearpost.workflows.posting_permissions import service as posting
from clearpost.workflows.questions import service as questions
from clearpost.workflows.registry import service as registry
from clearpost.workflows.reports import service as reports
from clearpost.workflows.users import service as users


@dataclass(frozen=True)
class Kind:
    key: str           # in URLs
    label: str         # plural, for headings
    singular: str
    item_type: str     # in the audit log
    service: ModuleType
    model: Any
    #: States waiting for a reviewer (the queue), and states that expire.
    waiting: tuple[str, ...]
    expires: bool


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("account-requests", "Account requests", "account request", "account_request",
         account_requests, account_requests.AccountRequest, ("awaiting_marcomm",), True),
    Kind("media", "Media", "media approval", "media_approval", media, media.MediaApproval,
         ("awaiting_marcomm",), True),
    Kind("reports", "Reports", "report", "report", reports, reports.Report,
         ("new", "with_marcomm"), False),
    Kind("questions", "Questions", "question", "question", questions, questions.Question,
         ("open",), False),
    Kind("posting", "Posting permissions", "posting permission", "posting_permission", posting,
         posting.PostingPermission, ("awaiting_marcomm",), True),
)}
OPEN_STATES = {"draft", "awaiting_manager", "awaiting_marcomm", "changes_requested", "new",
               "with_supervisor", "with_marcomm", "open"}


def aware(when: datetime) -> datetime:
    """SQLite hands some datetimes back without a zone; every stored time is UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _query(ctx: Ctx, kind: Kind) -> Any:
    if kind.key == "reports":
        return reports._visible(ctx)
    return common.visible_query(ctx, kind.model, team=kind.key == "account-requests")


def listing(ctx: Ctx, kind: Kind, *, states: tuple[str, ...] | None = None,
            mine: bool = False, limit: int = 200) -> list[Any]:
    query = _query(ctx, kind)
    if mine:
        query = query.where(kind.model.requester_id == ctx.actor.id)
    if states:
        query = query.where(kind.model.state.in_(states))
    return list(ctx.session.execute(query.order_by(kind.model.id.desc()).limit(limit)).scalars())


def load(ctx: Ctx, kind: Kind, item_id: int) -> Any:
    if kind.key == "reports":
        return reports.load(ctx, item_id)
    return common.load_visible(ctx, kind.model, item_id, kind.singular,
                               team=kind.key == "account-requests")


def title_of(ctx: Ctx, kind: Kind, item: Any) -> str:
    if kind.key == "account-requests":
        return f"{item.name} ({item.platform} {item.handle})"
    if kind.key == "media":
        files = ", ".join(f.get("name", "") for f in item.files or []) or "no files"
        return f"Media for account #{item.account_id}: {files}"
    if kind.key == "reports":
        return f"Report about {item.subject_name or item.link or 'a post'}"
    if kind.key == "questions":
        text = ctx.cipher.decrypt(item.text_enc) or "(removed)"
        return text if len(text) <= 90 else text[:89] + "…"
    return f"Post as account #{item.account_id}: {item.scope}"


def due_of(ctx: Ctx, kind: Kind, item: Any) -> datetime | None:
    if not kind.expires or item.state not in OPEN_STATES:
        return None
    updated = aware(item.updated_at)
    return updated + timedelta(days=ctx.policy.pack.workflows.expiry_days)


def people(ctx: Ctx, ids: set[int]) -> dict[int, Any]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = ctx.session.execute(select(users.User).where(users.User.id.in_(ids))).scalars()
    return {u.id: u for u in rows}


def row(ctx: Ctx, kind: Kind, item: Any, names: dict[int, Any]) -> dict[str, Any]:
    requester = names.get(item.requester_id)
    anonymous = kind.key == "reports" and item.anonymous and not ctx.actor.may(Action.all_items_read) \
        and ctx.actor.id != item.requester_id
    due = due_of(ctx, kind, item)
    return {
        "kind": kind, "id": item.id, "state": item.state, "title": title_of(ctx, kind, item),
        "requester": "anonymous" if anonymous or requester is None else requester.name,
        "department": None if anonymous or requester is None else requester.department,
        "created_at": item.created_at, "updated_at": item.updated_at, "due": due,
        "due_soon": due is not None and (due - ctx.now) < timedelta(days=3),
        "waiting_days": max(0, (ctx.now - aware(item.updated_at)).days),
        "verdict": getattr(item, "check_verdict", None) or (
            (item.check_summary or {}).get("verdict") if kind.key == "reports" else None),
        "url": f"/items/{kind.key}/{item.id}",
    }


def registry_account(ctx: Ctx, account_id: int) -> dict[str, Any] | None:
    try:
        return registry.as_dict(registry.get(ctx.session, account_id))
    except Exception:
        return None
