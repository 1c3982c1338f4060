"""Department photos and videos: submitted with a caption, checked, decided by marcomm.

An approved item carries an approval id (pack prefix + year + number), which is what a
post's `account.approval_id` names when the department publishes that media.
"""

from __future__ import annotations

import json
import re
import secrets
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from clearpost.engine import check
from clearpost.model import Account, Author, Post
from clearpost.store.models import MediaApproval
from clearpost.workflows import common
from clearpost.workflows.context import Ctx
from clearpost.workflows.errors import Forbidden, Invalid, NotFound
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

MAX_FILES = 20
MAX_CAPTION = 5000
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class State(StrEnum):
    awaiting_marcomm = "awaiting_marcomm"
    changes_requested = "changes_requested"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"
    expired = "expired"


OPEN = (State.awaiting_marcomm, State.changes_requested)

def _issue_approval_id(ctx: Ctx, item: MediaApproval, data: dict[str, Any]) -> dict[str, Any]:
    prefix = ctx.policy.pack.workflows.approval_id_prefix
    item.approval_id = f"{prefix}-{ctx.now.year}-{item.id:05d}-{secrets.token_hex(2).upper()}"
    return {"approval_id": item.approval_id}


MACHINE = Machine(
    "media_approval", State, State.awaiting_marcomm,
    [
        Transition((State.awaiting_marcomm,), "approve", State.approved, MARCOMM,
                   effect=_issue_approval_id),
        Transition((State.awaiting_marcomm,), "request_changes", State.changes_requested, MARCOMM),
        Transition((State.awaiting_marcomm,), "reject", State.rejected, MARCOMM),
        Transition((State.changes_requested,), "resubmit", State.awaiting_marcomm, REQUESTER,
                   by_requester=True),
        Transition(OPEN, "withdraw", State.withdrawn, REQUESTER, by_requester=True),
        Transition(OPEN, "expire", State.expired, SYSTEM_ONLY),
    ],
    open_states=OPEN,
    notices={
        State.awaiting_marcomm: Notice(role_emails(Role.marcomm)),
        State.changes_requested: Notice(requester_email),
        State.approved: Notice(requester_email),
        State.rejected: Notice(requester_email),
        State.expired: Notice(requester_email),
    },
)


def _files(files: Any) -> list[dict[str, Any]]:
    if not isinstance(files, list) or not files:
        raise Invalid("name at least one photo or video file")
    if len(files) > MAX_FILES:
        raise Invalid(f"at most {MAX_FILES} files per request")
    out = []
    for f in files:
        name = str(f.get("name") or "").strip() if isinstance(f, dict) else ""
        kind = f.get("kind", "photo") if isinstance(f, dict) else ""
        digest = str(f.get("sha256") or "").lower() if isinstance(f, dict) else ""
        if not name or len(name) > 300:
            raise Invalid("every file needs a name (at most 300 characters)")
        if kind not in ("photo", "video"):
            raise Invalid(f"file kind must be photo or video, not {kind!r}")
        if digest and not _SHA256.match(digest):
            raise Invalid(f"{name}: sha256 must be 64 hex digits")
        out.append({"name": name, "kind": kind, "sha256": digest or None})
    return out


def _run_check(ctx: Ctx, caption: str, account: Any, files: list[dict[str, Any]]) -> dict[str, Any]:
    # Files are not passed: the service stores no media; the caption is what is checked here.
    post = Post(text=caption, author=Author(role="marcomm" if ctx.actor.has(Role.marcomm) else "employee",
                                            department=account.department),
                account=Account(kind="department", platform=account.platform,
                                handle=account.handle))
    return check(post, ctx.policy).to_json_dict()


def _may_submit_for(ctx: Ctx, account: Any) -> None:
    if ctx.actor.has(Role.marcomm) or ctx.actor.email.lower() in (account.owners or []):
        return
    raise Forbidden(f"only an owner of {account.platform} {account.handle}, or marcomm, "
                    "may submit media for it")


def submit(ctx: Ctx, values: dict[str, Any]) -> MediaApproval:
    account = registry.get(ctx.session, int(values.get("account_id") or 0))
    if account.status != "active":
        raise Invalid(f"registry account #{account.id} is {account.status}")
    _may_submit_for(ctx, account)
    caption = str(values.get("caption") or "")
    if len(caption) > MAX_CAPTION:
        raise Invalid(f"caption is longer than {MAX_CAPTION} characters")
    date = values.get("intended_date")
    if date is not None and not _DATE.match(str(date)):
        raise Invalid("intended_date is YYYY-MM-DD")
    files = _files(values.get("files"))
    result = _run_check(ctx, caption, account, files)
    assert ctx.actor.id is not None
    item = MediaApproval(requester_id=ctx.actor.id, account_id=account.id, files=files,
                         caption_enc=ctx.cipher.encrypt(caption),
                         check_enc=ctx.cipher.encrypt(json.dumps(result)),
                         check_verdict=result["verdict"], intended_date=date)
    MACHINE.create(ctx, item, data={"account_id": account.id, "files": len(files),
                                    "check": result["verdict"]})
    return item


def act(ctx: Ctx, item_id: int, action: str, comment: str = "",
        data: dict[str, Any] | None = None) -> MediaApproval:
    item: MediaApproval = common.load_visible(ctx, MediaApproval, item_id, "media approval",
                                              team=False)
    data = dict(data or {})
    if action == "resubmit" and item.state == State.changes_requested and item.requester_id == ctx.actor.id:
        caption = data.pop("caption", None)
        files = data.pop("files", None)
        if files is not None:
            item.files = _files(files)
        if caption is not None:
            if len(str(caption)) > MAX_CAPTION:
                raise Invalid(f"caption is longer than {MAX_CAPTION} characters")
            account = registry.get(ctx.session, item.account_id)
            result = _run_check(ctx, str(caption), account, item.files)
            item.caption_enc = ctx.cipher.encrypt(str(caption))
            item.check_enc = ctx.cipher.encrypt(json.dumps(result))
            item.check_verdict = result["verdict"]
    MACHINE.apply(ctx, item, action, comment=comment, data=data)
    return item


def lookup_approval(ctx: Ctx, approval_id: str) -> dict[str, Any]:
    """Is this approval id valid, and for which account and files?"""
    item = ctx.session.execute(select(MediaApproval).where(MediaApproval.approval_id == approval_id)
                               ).scalar_one_or_none()
    if item is None or item.state != State.approved:
        raise NotFound(f"no valid approval {approval_id!r}")
    account = registry.get(ctx.session, item.account_id)
    return {"approval_id": approval_id, "account": registry.as_dict(account),
            "files": item.files, "approved_at": item.updated_at.isoformat()}


def view(ctx: Ctx, item: MediaApproval) -> dict[str, Any]:
    check_result = ctx.cipher.decrypt(item.check_enc)
    return {**common.stamp(item), "account_id": item.account_id, "files": item.files,
            "caption": ctx.cipher.decrypt(item.caption_enc),
            "check": json.loads(check_result) if check_result else None,
            "check_verdict": item.check_verdict, "intended_date": item.intended_date,
            "approval_id": item.approval_id,
            "purged": item.purged_at is not None, "actions": MACHINE.actions_for(ctx, item)}
