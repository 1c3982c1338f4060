"""Helpers the workflow services share: visibility of items, listing with pagination."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from clearpost.store.models import User
from clearpost.workflows.context import Actor, Ctx
from clearpost.workflows.errors import NotFound
from clearpost.workflows.permissions import Action


def team_ids(session: Session, actor: Actor) -> list[int]:
    """Ids of the people who report to the actor (direct reports)."""
    if actor.id is None:
        return []
    return list(session.execute(select(User.id).where(User.manager_id == actor.id)).scalars())


def visible_query(ctx: Ctx, model: Any, *, team: bool = True) -> Any:
    """Items the actor may read: all (reviewers, admin), their team's (managers), their own."""
    query = select(model)
    if ctx.actor.may(Action.all_items_read):
        return query
    conds = [model.requester_id == ctx.actor.id]
    if hasattr(model, "holder_id"):  # a posting permission is also its holder's to see
        conds.append(model.holder_id == ctx.actor.id)
    if team and ctx.actor.may(Action.team_items):
        conds.append(model.requester_id.in_(team_ids(ctx.session, ctx.actor)))
    return query.where(or_(*conds))


def load_visible(ctx: Ctx, model: Any, item_id: int, label: str, *, team: bool = True) -> Any:
    """The item, or NotFound when it does not exist or the actor may not see it."""
    row = ctx.session.execute(visible_query(ctx, model, team=team).where(model.id == item_id)
                              ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no {label} #{item_id}")
    return row


def page(ctx: Ctx, query: Any, model: Any, *, state: str | None, limit: int,
         offset: int) -> tuple[list[Any], int]:
    if state:
        query = query.where(model.state == state)
    total = ctx.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = ctx.session.execute(query.order_by(model.id.desc()).limit(limit).offset(offset)).scalars()
    return list(rows), int(total)


def stamp(item: Any) -> dict[str, Any]:
    return {"id": item.id, "state": item.state, "requester_id": item.requester_id,
            "created_at": item.created_at.isoformat(), "updated_at": item.updated_at.isoformat()}
