"""Timed transitions: items waiting longer than `workflows.expiry_days`, and ended grants."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from clearpost.store.models import AccountRequest, MediaApproval, PostingPermission
from clearpost.workflows.account_requests import service as account_requests
from clearpost.workflows.context import SYSTEM, Ctx
from clearpost.workflows.media_approvals import service as media
from clearpost.workflows.posting_permissions import service as posting


def expire_stale(ctx: Ctx) -> int:
    """Move every overdue item to `expired` (one audited transition each) as the system."""
    sys_ctx = ctx.as_actor(SYSTEM)
    cutoff = ctx.now - timedelta(days=ctx.policy.pack.workflows.expiry_days)
    n = 0
    for model, machine in ((AccountRequest, account_requests.MACHINE),
                           (MediaApproval, media.MACHINE),
                           (PostingPermission, posting.MACHINE)):
        rows = ctx.session.execute(select(model).where(model.state.in_(machine.open_states),
                                                       model.updated_at < cutoff)).scalars().all()
        for item in rows:
            machine.apply(sys_ctx, item, "expire", comment="no decision within "
                          f"{ctx.policy.pack.workflows.expiry_days} days")
            n += 1
    ended = ctx.session.execute(select(PostingPermission).where(
        PostingPermission.state == posting.State.active,
        PostingPermission.expires_at < ctx.now)).scalars().all()
    for grant in ended:
        posting.MACHINE.apply(sys_ctx, grant, "expire", comment="the grant reached its expiry")
        n += 1
    return n
