"""Users and roles (admin), API tokens (everyone, for themselves), the audit log, maintenance."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from clearpost.web.api.schemas import MAX_ID, TokenIn, UserIn, UserPatch
from clearpost.web.deps import PageDep, RuntimeDep, require
from clearpost.workflows import expiry, privacy
from clearpost.workflows.audit import service as audit
from clearpost.workflows.context import SYSTEM, Actor
from clearpost.workflows.permissions import PERMISSIONS, Action
from clearpost.workflows.users import service as users

router = APIRouter()
Admin = Annotated[Actor, Depends(require(Action.admin))]
Own = Annotated[Actor, Depends(require(Action.own_items))]
Auditor = Annotated[Actor, Depends(require(Action.audit))]
Guided = Annotated[Actor, Depends(require(Action.guidance))]
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/me", tags=["users"], summary="Who you are, your roles and what they allow")
def me(actor: Guided) -> dict[str, Any]:
    return {"id": actor.id, "email": actor.email, "name": actor.name,
            "roles": sorted(r.value for r in actor.roles),
            "allowed": sorted({a.value for r in actor.roles for a in PERMISSIONS[r]})}


@router.get("/users", tags=["users"], summary="Everyone in the directory")
def list_users(rt: RuntimeDep, actor: Admin, page: PageDep) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        rows, total = users.list_users(ctx.session, limit=page.limit, offset=page.offset)
        return page.wrap([users.public(u) for u in rows], total)


@router.post("/users", tags=["users"], status_code=201, summary="Add a person")
def add_user(body: UserIn, rt: RuntimeDep, actor: Admin) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        return users.public(users.create_user(ctx, **body.model_dump()))


@router.get("/users/{user_id}", tags=["users"], summary="One person")
def get_user(user_id: UserId, rt: RuntimeDep, actor: Admin) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        return users.public(users.get(ctx.session, user_id))


@router.patch("/users/{user_id}", tags=["users"], summary="Change roles, manager, department")
def update_user(user_id: UserId, body: UserPatch, request: Request, rt: RuntimeDep,
                actor: Admin) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        out = users.public(users.update_user(ctx, user_id, **body.model_dump(exclude_none=True)))
    request.app.state.token_cache.clear()  # roles changed: cached actors are stale
    return out


@router.post("/tokens", tags=["tokens"], status_code=201,
             summary="A new API token for yourself (shown once)")
def new_token(body: TokenIn, rt: RuntimeDep, actor: Own) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        row, plain = users.issue_token(ctx, body.name)
        return {"id": row.id, "name": row.name, "token": plain}


@router.delete("/tokens/{token_id}", tags=["tokens"], status_code=204, summary="Revoke a token")
def revoke_token(token_id: UserId, request: Request, rt: RuntimeDep, actor: Own) -> Response:
    with rt.ctx(actor) as ctx:
        users.revoke_token(ctx, token_id)
    request.app.state.token_cache.clear()
    return Response(status_code=204)


@router.get("/audit-log", tags=["audit"], summary="Audit events, oldest first")
def audit_log(rt: RuntimeDep, actor: Auditor, page: PageDep,
              item_type: Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}$")] = None,
              item_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        rows, total = audit.events(ctx.session, item_type=item_type, item_id=item_id,
                                   limit=page.limit, offset=page.offset)
        return page.wrap([audit.as_dict(e) for e in rows], total)


@router.get("/audit-log/verify", tags=["audit"], summary="Recompute the hash chain")
def audit_verify(rt: RuntimeDep, actor: Auditor) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        report = audit.verify(ctx.session)
    return {"ok": report.ok, "events": report.events, "problems": report.problems}


@router.get("/audit-log/export", tags=["audit"], summary="The whole trail as CSV or JSON")
def audit_export(rt: RuntimeDep, actor: Auditor,
                 format: Literal["csv", "json"] = "json") -> Response:
    with rt.ctx(actor) as ctx:
        if format == "csv":
            return Response(audit.export_csv(ctx.session), media_type="text/csv; charset=utf-8")
        return Response(audit.export_json(ctx.session), media_type="application/json")


@router.post("/admin/expire", tags=["admin"], summary="Expire overdue items now")
def run_expiry(rt: RuntimeDep, actor: Admin) -> dict[str, int]:
    with rt.ctx(SYSTEM) as ctx:
        return {"expired": expiry.expire_stale(ctx)}


@router.post("/admin/purge", tags=["admin"], summary="Purge submissions past retention now")
def run_purge(rt: RuntimeDep, actor: Admin) -> dict[str, int]:
    with rt.ctx(SYSTEM) as ctx:
        return privacy.purge(ctx)
