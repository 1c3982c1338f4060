"""Retention and keys: purge stored submissions after the pack's retention period; re-encrypt."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from clearpost.store.models import MediaApproval, Question, Report
from clearpost.workflows.audit import service as audit
from clearpost.workflows.context import Ctx

#: table -> its encrypted columns.
ENCRYPTED: dict[Any, tuple[str, ...]] = {
    MediaApproval: ("caption_enc", "check_enc"),
    Report: ("description_enc", "pasted_text_enc"),
    Question: ("text_enc",),
}


def purge(ctx: Ctx) -> dict[str, int]:
    """Erase the submitted text of items older than `workflows.retention_days`.

    The items themselves (states, decisions, approval ids) and the audit trail stay.
    """
    cutoff = ctx.now - timedelta(days=ctx.policy.pack.workflows.retention_days)
    counts: dict[str, int] = {}
    for model, columns in ENCRYPTED.items():
        rows = ctx.session.execute(select(model).where(model.created_at < cutoff,
                                                       model.purged_at.is_(None))).scalars()
        n = 0
        for row in rows:
            for col in columns:
                setattr(row, col, None)
            row.purged_at = ctx.now
            n += 1
        counts[model.__tablename__] = n
    if any(counts.values()):
        audit.record(ctx.session, ctx.actor, "purge", "privacy", None,
                     data={"cutoff": cutoff.isoformat(), **counts}, at=ctx.now)
    ctx.session.flush()
    return counts


def rotate_keys(ctx: Ctx) -> int:
    """Re-encrypt every stored submission with the first configured key."""
    n = 0
    for model, columns in ENCRYPTED.items():
        for row in ctx.session.execute(select(model)).scalars():
            for col in columns:
                value = getattr(row, col)
                if value is not None:
                    setattr(row, col, ctx.cipher.rotate(value))
                    n += 1
    audit.record(ctx.session, ctx.actor, "rotate_keys", "privacy", None, data={"values": n},
                 at=ctx.now)
    ctx.session.flush()
    return n
