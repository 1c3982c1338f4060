"""Guidance for everyone: /check, /profile-check, /connection-guidance, /ask, /faq, /workflows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse

from clearpost.engine import check
from clearpost.model import Post
from clearpost.web.api.schemas import AskIn, ConnectionIn
from clearpost.web.deps import RuntimeDep, require
from clearpost.web.problems import Problem
from clearpost.workflows.account_requests import service as account_requests
from clearpost.workflows.context import Actor
from clearpost.workflows.guidance import connection, profile, retrieval
from clearpost.workflows.media_approvals import service as media
from clearpost.workflows.permissions import Action
from clearpost.workflows.posting_permissions import service as posting
from clearpost.workflows.questions import service as questions
from clearpost.workflows.reports import service as reports

router = APIRouter(tags=["guidance"])
Guided = Annotated[Actor, Depends(require(Action.guidance))]


@router.post("/check", summary="Check one post (the contract's JSON in and out)",
             response_class=JSONResponse, responses={200: {"description": "The contract's result"}})
async def check_post(post: Annotated[Post, Body()], rt: RuntimeDep, actor: Guided) -> JSONResponse:
    # Checked in memory only: nothing about the post is stored or logged.
    if "\x00" in post.text:
        raise Problem(422, "Invalid post", "field 'text': text contains binary data (NUL bytes)")
    if post.images or post.videos:
        raise Problem(422, "Invalid post", "the API checks text; send media through a media "
                      "approval request, not as file paths")
    # A Response skips FastAPI's re-validation of the returned dict: the hot path stays lean.
    return JSONResponse(check(post, rt.policy).to_json_dict())


@router.post("/profile-check", summary="Check a profile against the profile rules")
def profile_check(body: Annotated[dict[str, Any], Body(examples=[{
        "profile": {"about": "Nurse. Views my own.", "email": "me@example.org"},
        "author": {"role": "nurse"}, "account": {"platform": "x"}}])],
        rt: RuntimeDep, actor: Guided) -> dict[str, Any]:
    for key in ("profile", "author", "account"):
        if key in body and not isinstance(body[key], dict):
            raise Problem(422, "Invalid profile", f"field '{key}' must be an object")
    if len(str(body)) > 100_000 or "\x00" in str(body):
        raise Problem(422, "Invalid profile", "the profile is too long or holds binary data")
    return profile.profile_check(rt.policy, body).to_json_dict()


@router.post("/connection-guidance", summary="May I connect with this person online?")
def connection_guidance(body: ConnectionIn, rt: RuntimeDep, actor: Guided) -> dict[str, Any]:
    return connection.guidance(rt.policy, body.relation, knew_before_care=body.knew_before_care)


@router.post("/ask", summary="The guidelines' sections and FAQ answers that fit a question")
def ask(body: AskIn, rt: RuntimeDep, actor: Guided) -> dict[str, Any]:
    with rt.ctx(actor) as ctx:
        faq = questions.faq(ctx)
    return retrieval.ask(rt.policy, body.question, faq, k=body.k)


@router.get("/faq", summary="Published answers of the Social Media Strategist")
def faq(rt: RuntimeDep, actor: Guided) -> list[dict[str, Any]]:
    with rt.ctx(actor) as ctx:
        return questions.faq(ctx)


@router.get("/workflows", summary="Every workflow's transition table")
def workflows(actor: Guided) -> dict[str, Any]:
    machines = {m.item_type: m for m in (account_requests.MACHINE, media.MACHINE,
                                         posting.MACHINE, reports.MACHINE, questions.MACHINE)}
    return {name: {"states": [s.value for s in m.states], "initial": m.initial,
                   "transitions": m.table()} for name, m in machines.items()}
