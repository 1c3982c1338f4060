"""The workflows' endpoints: create, list, read, history, act (one transition per call)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from clearpost.store.models import AccountRequest, MediaApproval, PostingPermission, Question
from clearpost.web.api.schemas import (
    MAX_ID,
    AccountRequestIn,
    ActionIn,
    GrantIn,
    MediaApprovalIn,
    PostingRequestIn,
    QuestionIn,
    ReportIn,
)
from clearpost.web.deps import PageDep, RuntimeDep, require
from clearpost.workflows import common
from clearpost.workflows.account_requests import service as account_requests
from clearpost.workflows.audit import service as audit
from clearpost.workflows.context import Actor, Ctx
from clearpost.workflows.media_approvals import service as media
from clearpost.workflows.permissions import Action
from clearpost.workflows.posting_permissions import service as posting
from clearpost.workflows.questions import service as questions
from clearpost.workflows.reports import service as reports

Own = Annotated[Actor, Depends(require(Action.own_items))]
Decider = Annotated[Actor, Depends(require(Action.all_items_decide))]
Registry = Annotated[Actor, Depends(require(Action.registry_read))]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
ActionName = Annotated[str, Path(pattern=r"^[a-z_]{1,40}$")]
StateFilter = Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}$")]

router = APIRouter()


def kick_outbox(request: Request) -> None:
    """After a commit: hand the queued e-mails to the background worker."""
    send = request.app.state.tasks.get("deliver_outbox")
    if send is not None:
        send()


def _feature(path: str, tag: str, item_type: str, *,
             lister: Callable[[Ctx, str | None, int, int], tuple[list[Any], int]],
             loader: Callable[[Ctx, int], Any], viewer: Callable[[Ctx, Any], dict[str, Any]],
             actor_fn: Callable[..., Any]) -> None:
    @router.get(f"/{path}", tags=[tag], summary=f"List {tag} you may see")
    def list_items(rt: RuntimeDep, actor: Own, page: PageDep,
                   state: StateFilter = None) -> dict[str, Any]:
        with rt.ctx(actor) as ctx:
            rows, total = lister(ctx, state, page.limit, page.offset)
            return page.wrap([viewer(ctx, r) for r in rows], total)

    @router.get(f"/{path}/{{item_id}}", tags=[tag], summary="One item, with the actions you may take")
    def get_item(item_id: ItemId, rt: RuntimeDep, actor: Own) -> dict[str, Any]:
        with rt.ctx(actor) as ctx:
            return viewer(ctx, loader(ctx, item_id))

    @router.get(f"/{path}/{{item_id}}/history", tags=[tag], summary="Its audit events")
    def history(item_id: ItemId, rt: RuntimeDep, actor: Own) -> list[dict[str, Any]]:
        with rt.ctx(actor) as ctx:
            loader(ctx, item_id)  # visibility
            events, _ = audit.events(ctx.session, item_type=item_type, item_id=item_id)
            return [audit.as_dict(e) for e in events]

    @router.post(f"/{path}/{{item_id}}/actions/{{action}}", tags=[tag],
                 summary="Take one transition (see /workflows for the table)")
    def act(item_id: ItemId, action: ActionName, body: ActionIn, request: Request,
            rt: RuntimeDep, actor: Own) -> dict[str, Any]:
        with rt.ctx(actor) as ctx:
            item = actor_fn(ctx, item_id, action, body.comment,
                            body.data.model_dump(exclude_none=True))
            out = viewer(ctx, item)
        kick_outbox(request)
        return out


def _lister(model: Any, team: bool) -> Callable[[Ctx, str | None, int, int], tuple[list[Any], int]]:
    def run(ctx: Ctx, state: str | None, limit: int, offset: int) -> tuple[list[Any], int]:
        return common.page(ctx, common.visible_query(ctx, model, team=team), model,
                           state=state, limit=limit, offset=offset)
    return run


def _loader(model: Any, label: str, team: bool) -> Callable[[Ctx, int], Any]:
    return lambda ctx, item_id: common.load_visible(ctx, model, item_id, label, team=team)


_feature("account-requests", "account requests", "account_request",
         lister=_lister(AccountRequest, True), loader=_loader(AccountRequest, "account request", True),
         viewer=account_requests.view, actor_fn=account_requests.act)
_feature("media-approvals", "media approvals", "media_approval",
         lister=_lister(MediaApproval, False), loader=_loader(MediaApproval, "media approval", False),
         viewer=media.view, actor_fn=media.act)
_feature("posting-permissions", "posting permissions", "posting_permission",
         lister=_lister(PostingPermission, False),
         loader=_loader(PostingPermission, "posting permission", False),
         viewer=posting.view, actor_fn=posting.act)
_feature("reports", "reports", "report",
         lister=lambda ctx, state, limit, offset: reports.listing(ctx, state=state, limit=limit,
                                                                  offset=offset),
         loader=reports.load, viewer=reports.view, actor_fn=reports.act)
_feature("questions", "questions", "question",
         lister=_lister(Question, False), loader=_loader(Question, "question", False),
         viewer=questions.view, actor_fn=questions.act)


@router.post("/account-requests", tags=["account requests"], status_code=201,
             summary="Request a department account (goes to your manager)")
def submit_account_request(body: AccountRequestIn, request: Request, rt: RuntimeDep,
                           actor: Own) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        out = account_requests.view(ctx, account_requests.submit(ctx, body.model_dump()))
    kick_outbox(request)
    return out


@router.post("/media-approvals", tags=["media approvals"], status_code=201,
             summary="Submit department photos or videos with their caption")
def submit_media(body: MediaApprovalIn, request: Request, rt: RuntimeDep, actor: Own) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        out = media.view(ctx, media.submit(ctx, body.model_dump()))
    kick_outbox(request)
    return out


@router.get("/approvals/{approval_id}", tags=["media approvals"],
            summary="Is this approval id valid, and for which account and files?")
def lookup_approval(approval_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,40}$")],
                    rt: RuntimeDep, actor: Registry) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        return media.lookup_approval(ctx, approval_id)


@router.post("/posting-permissions", tags=["posting permissions"], status_code=201,
             summary="Ask for permission to post for an official account")
def request_posting(body: PostingRequestIn, request: Request, rt: RuntimeDep,
                    actor: Own) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        out = posting.view(ctx, posting.request(ctx, body.model_dump()))
    kick_outbox(request)
    return out


@router.post("/posting-permissions/grants", tags=["posting permissions"], status_code=201,
             summary="Grant someone permission directly (marcomm)")
def grant_posting(body: GrantIn, request: Request, rt: RuntimeDep, actor: Decider) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        out = posting.view(ctx, posting.grant_directly(ctx, body.model_dump()))
    kick_outbox(request)
    return out


@router.post("/reports", tags=["reports"], status_code=201,
             summary="Report off-policy activity (optionally anonymous)")
def file_report(body: ReportIn, request: Request, rt: RuntimeDep, actor: Own) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        out = reports.view(ctx, reports.file(ctx, body.model_dump()))
    kick_outbox(request)
    return out


@router.post("/questions", tags=["questions"], status_code=201,
             summary="Ask the Social Media Strategist")
def ask_question(body: QuestionIn, request: Request, rt: RuntimeDep, actor: Own) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        out = questions.view(ctx, questions.ask(ctx, body.text))
    kick_outbox(request)
    return out
