"""The registry of official accounts: read for everyone; edit, import, export for marcomm/admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from clearpost.model import Platform
from clearpost.web.api.schemas import MAX_ID, OverlapIn, RegistryIn, RegistryPatch
from clearpost.web.deps import PageDep, RuntimeDep, require
from clearpost.web.problems import Problem
from clearpost.workflows.context import Actor
from clearpost.workflows.permissions import Action
from clearpost.workflows.registry import service as registry

router = APIRouter(prefix="/registry", tags=["registry"])
Reader = Annotated[Actor, Depends(require(Action.registry_read))]
Editor = Annotated[Actor, Depends(require(Action.registry_edit))]
AccountId = Annotated[int, Path(ge=1, le=MAX_ID)]
Filter = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]
MAX_CSV_BYTES = 5_000_000


@router.get("", summary="Search the registry")
def search(rt: RuntimeDep, actor: Reader, page: PageDep, q: Filter = None,
           platform: Platform | None = None, department: Filter = None,
           status: Annotated[str | None, Query(pattern=r"^(active|retired)$")] = None) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        rows, total = registry.search(ctx.session, q=q, platform=platform, department=department,
                                      status=status, limit=page.limit, offset=page.offset)
        return page.wrap([registry.as_dict(r) for r in rows], total)


@router.post("/overlap", summary="Accounts a new one might duplicate (names, handles, audience)")
def overlap(body: OverlapIn, rt: RuntimeDep, actor: Reader) -> list[dict[str, Any]]:
    with rt.ctx(actor) as ctx:
        return registry.overlap(ctx.session, **body.model_dump())


@router.get("/export.csv", summary="The whole registry as CSV")
def export_csv(rt: RuntimeDep, actor: Editor) -> Response:
    with rt.ctx(actor) as ctx:
        text = registry.export_csv(ctx.session)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="registry.csv"'})


@router.post("/import", summary="Add or update accounts from CSV (all rows or none)",
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
                 "schema": {"type": "string"}}}}})
async def import_csv(request: Request, rt: RuntimeDep, actor: Editor) -> dict[str, int]:
    raw = await request.body()
    if len(raw) > MAX_CSV_BYTES:
        raise Problem(413, "Too large", f"the CSV is larger than {MAX_CSV_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(422, "Invalid CSV", "the CSV is not UTF-8 text") from None
    if "\x00" in text:
        raise Problem(422, "Invalid CSV", "the CSV holds binary data")
    with rt.ctx(actor) as ctx:
        return registry.import_csv(ctx, text)


@router.get("/{account_id}", summary="One registry account")
def get_account(account_id: AccountId, rt: RuntimeDep, actor: Reader) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        return registry.as_dict(registry.get(ctx.session, account_id))


@router.post("", status_code=201, summary="Add an account to the registry")
def create(body: RegistryIn, rt: RuntimeDep, actor: Editor) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        return registry.as_dict(registry.create(ctx, body.model_dump()))


@router.patch("/{account_id}", summary="Change an account (retire it with status=retired)")
def update(account_id: AccountId, body: RegistryPatch, rt: RuntimeDep, actor: Editor) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        return registry.as_dict(registry.update(ctx, account_id, body.model_dump(exclude_none=True)))
