"""Page routes for every role. Each handler: who may see it, one service call, one template."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from clearpost.engine import check
from clearpost.model import PostInputError, parse_post
from clearpost.policy.schema import POST_RULES
from clearpost.web.pages import check as check_pages
from clearpost.web.pages import items as it
from clearpost.web.pages.routing import PageRouter
from clearpost.web.pages.session import (
    PageUser,
    check_csrf,
    current_user,
    page_context,
    policy_of,
    require,
    require_user,
    runtime,
    sign_in,
    sign_out,
    work,
)
from clearpost.web.pages.templating import render
from clearpost.web.security import sign_in_keys
from clearpost.workflows.account_requests import service as account_requests
from clearpost.workflows.errors import NotFound, WorkflowError
from clearpost.workflows.guidance import connection, retrieval
from clearpost.workflows.guidance.profile import profile_check
from clearpost.workflows.media_approvals import service as media
from clearpost.workflows.permissions import Action, Role
from clearpost.workflows.posting_permissions import service as posting
from clearpost.workflows.questions import service as questions
from clearpost.workflows.registry import service as registry
from clearpost.workflows.reports import service as reports
from clearpost.workflows.users import service as users

router = PageRouter()
router.include(check_pages.router)


def _redirect(path: str, done: str = "") -> RedirectResponse:
    from urllib.parse import quote

    return RedirectResponse(path + (f"?done={quote(done)}" if done else ""), status_code=303)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


async def _form(request: Request, user: PageUser) -> FormData:
    form = await request.form()
    check_csrf(user, form)
    return form


def _text(form: FormData, key: str, limit: int = 5000) -> str:
    return str(form.get(key) or "").strip()[:limit]


# --- sign-in -------------------------------------------------------------------------------

@router.get("/signin")
async def signin_page(request: Request) -> Response:
    ctx = page_context(request, None, title="Sign in")
    ctx.update({"next": _safe_next(request.query_params.get("next")), "error": None, "email": ""})
    return render(request, "signin.html", ctx)


@router.post("/signin")
async def signin(request: Request) -> Response:
    form = await request.form()
    email, password = _text(form, "email", 320), str(form.get("password") or "")[:500]
    target = _safe_next(str(form.get("next") or "/"))
    throttle = request.app.state.sign_in_throttle
    keys = sign_in_keys(email, request.client.host if request.client else None)
    wait = throttle.retry_after(*keys)
    if wait is not None:
        ctx = page_context(request, None, title="Sign in")
        ctx.update({"next": target, "email": email,
                    "error": f"Too many failed sign-ins. Try again in {wait // 60 + 1} minutes."})
        return render(request, "signin.html", ctx, status_code=429)
    with runtime(request).factory() as session:
        user = users.authenticate(session, email, password) if email and password else None
        user_id = user.id if user is not None else None
    if user_id is None:
        throttle.failed(*keys)
        ctx = page_context(request, None, title="Sign in")
        ctx.update({"next": target, "email": email,
                    "error": "That e-mail and password do not match an active account."})
        return render(request, "signin.html", ctx, status_code=401)
    throttle.succeeded(*keys)
    response = _redirect(target)
    sign_in(response, request, user_id)
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    user = current_user(request)
    if user is not None:
        await _form(request, user)
    response = _redirect("/signin")
    sign_out(response)
    return response


# --- home ----------------------------------------------------------------------------------

@router.get("/")
async def home(request: Request) -> Response:
    user = require_user(request)
    counts: dict[str, int] = {}
    with work(request, user) as ctx:
        for kind in it.KINDS.values():
            counts[f"mine-{kind.key}"] = len([i for i in it.listing(ctx, kind, mine=True)
                                              if i.state in it.OPEN_STATES])
            if user.may(Action.all_items_read):
                counts[f"queue-{kind.key}"] = len(it.listing(ctx, kind, states=kind.waiting))
        if user.may(Action.team_items):
            counts["approvals"] = len(it.listing(ctx, it.KINDS["account-requests"],
                                                 states=("awaiting_manager",)))
    ctx_page = page_context(request, user, title="Home", active="home")
    ctx_page.update({"counts": counts, "kinds": it.KINDS,
                     "mine_open": sum(v for k, v in counts.items() if k.startswith("mine-"))})
    return render(request, "home.html", ctx_page)


# --- employee: my requests, new requests, report, ask, profile, connection -----------------

@router.get("/my")
async def my_requests(request: Request) -> Response:
    user = require_user(request)
    groups = []
    with work(request, user) as ctx:
        for kind in it.KINDS.values():
            rows = it.listing(ctx, kind, mine=True)
            names = it.people(ctx, {r.requester_id for r in rows})
            groups.append((kind, [it.row(ctx, kind, r, names) for r in rows]))
    page = page_context(request, user, title="My requests", active="mine")
    page["groups"] = groups
    return render(request, "my.html", page)


def _accounts(request: Request, user: PageUser) -> list[dict[str, Any]]:
    with work(request, user) as ctx:
        rows, _ = registry.search(ctx.session, status="active", limit=500)
        return [registry.as_dict(r) for r in rows]


@router.get("/my/account-request")
async def account_request_form(request: Request) -> Response:
    user = require_user(request)
    page = page_context(request, user, title="Request a department account", active="mine")
    page.update({"values": {"owners": user.actor.email, "department": user.actor.department or ""},
                 "error": None, "platforms": registry.PLATFORMS})
    return render(request, "account_request_form.html", page)


@router.post("/my/account-request")
async def account_request_submit(request: Request) -> Response:
    user = require_user(request)
    form = await _form(request, user)
    values = {k: _text(form, k) for k in ("platform", "name", "handle", "department", "audience",
                                          "purpose", "owners")}
    submitted = {**values, "owners": [o.strip() for o in values["owners"].replace(";", ",")
                                      .split(",") if o.strip()]}
    try:
        with work(request, user) as ctx:
            item = account_requests.submit(ctx, submitted)
            item_id = item.id
    except WorkflowError as exc:
        page = page_context(request, user, title="Request a department account", active="mine")
        page.update({"values": values, "error": exc.detail, "platforms": registry.PLATFORMS})
        return render(request, "account_request_form.html", page, status_code=exc.status)
    return _redirect(f"/items/account-requests/{item_id}", "Sent to your manager for approval.")


@router.get("/my/media")
async def media_form(request: Request) -> Response:
    user = require_user(request)
    page = page_context(request, user, title="Ask approval for photos or video", active="mine")
    page.update({"values": {}, "error": None, "accounts": _accounts(request, user)})
    return render(request, "media_form.html", page)


@router.post("/my/media")
async def media_submit(request: Request) -> Response:
    user = require_user(request)
    form = await _form(request, user)
    values = {k: _text(form, k) for k in ("account_id", "caption", "intended_date", "files")}
    files = [{"name": n.strip()[:200], "kind": "video" if n.strip().lower().endswith(
        (".mp4", ".mov", ".webm")) else "photo"} for n in values["files"].splitlines() if n.strip()]
    uploads = [f for f in form.getlist("upload") if hasattr(f, "filename") and f.filename]
    files += [{"name": str(f.filename)[:200], "kind": "photo"} for f in uploads]
    try:
        with work(request, user) as ctx:
            item = media.submit(ctx, {"account_id": values["account_id"] or 0,
                                      "caption": values["caption"], "files": files,
                                      "intended_date": values["intended_date"] or None})
            item_id = item.id
    except (WorkflowError, ValueError) as exc:
        page = page_context(request, user, title="Ask approval for photos or video", active="mine")
        page.update({"values": values, "accounts": _accounts(request, user),
                     "error": getattr(exc, "detail", str(exc))})
        return render(request, "media_form.html", page, status_code=getattr(exc, "status", 422))
    return _redirect(f"/items/media/{item_id}", "Sent to Marketing & Communications.")


@router.get("/my/posting")
async def posting_form(request: Request) -> Response:
    user = require_user(request)
    page = page_context(request, user, title="Ask permission to post for the organization",
                        active="mine")
    page.update({"values": {}, "error": None, "accounts": _accounts(request, user)})
    return render(request, "posting_form.html", page)


@router.post("/my/posting")
async def posting_submit(request: Request) -> Response:
    user = require_user(request)
    form = await _form(request, user)
    values = {k: _text(form, k) for k in ("account_id", "scope", "reason")}
    try:
        with work(request, user) as ctx:
            item = posting.request(ctx, {**values, "account_id": values["account_id"] or 0})
            item_id = item.id
    except (WorkflowError, ValueError) as exc:
        page = page_context(request, user, title="Ask permission to post for the organization",
                            active="mine")
        page.update({"values": values, "accounts": _accounts(request, user),
                     "error": getattr(exc, "detail", str(exc))})
        return render(request, "posting_form.html", page, status_code=getattr(exc, "status", 422))
    return _redirect(f"/items/posting/{item_id}", "Sent to Marketing & Communications.")


@router.get("/report")
async def report_form(request: Request) -> Response:
    user = require_user(request)
    page = page_context(request, user, title="Report a concern", active="mine")
    page.update({"values": {}, "error": None})
    return render(request, "report_form.html", page)


@router.post("/report")
async def report_submit(request: Request) -> Response:
    user = require_user(request)
    form = await _form(request, user)
    values: dict[str, Any] = {k: _text(form, k, 20_000) for k in (
        "link", "pasted_text", "description", "subject_name", "screenshot_name")}
    values["anonymous"] = form.get("anonymous") == "on"
    shot = form.get("screenshot")
    if shot is not None and hasattr(shot, "filename") and shot.filename:
        values["screenshot_name"] = str(shot.filename)[:300]
    try:
        with work(request, user) as ctx:
            item = reports.file(ctx, values)
            item_id = item.id
    except WorkflowError as exc:
        page = page_context(request, user, title="Report a concern", active="mine")
        page.update({"values": values, "error": exc.detail})
        return render(request, "report_form.html", page, status_code=exc.status)
    return _redirect(f"/items/reports/{item_id}", "Thank you. Marketing & Communications will look at it.")


@router.get("/ask")
async def ask_page(request: Request) -> Response:
    user = require_user(request)
    q = _text_q(request, "q")
    with work(request, user) as ctx:
        faq = questions.faq(ctx)
    found = retrieval.ask(policy_of(request), q, faq) if q else None
    page = page_context(request, user, title="Ask a question", active="ask")
    page.update({"q": q, "found": found, "faq": faq, "error": None})
    return render(request, "ask.html", page)


def _text_q(request: Request, key: str, limit: int = 2000) -> str:
    return request.query_params.get(key, "").strip()[:limit]


@router.post("/ask")
async def ask_submit(request: Request) -> Response:
    """Search (field `q`) or send the question to the Strategist (field `question`).

    Both are POSTs so that the question's words never land in URLs or access logs.
    """
    user = require_user(request)
    form = await _form(request, user)
    if "question" not in form:
        q = _text(form, "q", 2000)
        with work(request, user) as ctx:
            faq = questions.faq(ctx)
        page = page_context(request, user, title="Ask a question", active="ask")
        page.update({"q": q, "found": retrieval.ask(policy_of(request), q, faq) if q else None,
                     "faq": faq, "error": None})
        return render(request, "ask.html", page)
    try:
        with work(request, user) as ctx:
            item = questions.ask(ctx, _text(form, "question"))
            item_id = item.id
    except WorkflowError as exc:
        page = page_context(request, user, title="Ask a question", active="ask")
        page.update({"q": "", "found": None, "faq": [], "error": exc.detail})
        return render(request, "ask.html", page, status_code=exc.status)
    return _redirect(f"/items/questions/{item_id}", "Your question went to the Social Media Strategist.")


@router.get("/profile")
async def profile_page(request: Request) -> Response:
    user = require_user(request)
    page = page_context(request, user, title="Review my profile", active="")
    page.update({"values": {"role": "employee"}, "result": None, "error": None,
                 "roles": check_pages.ROLES, "platforms": check_pages.PLATFORMS})
    return render(request, "profile.html", page)


@router.post("/profile")
async def profile_submit(request: Request) -> Response:
    user = require_user(request)
    form = await _form(request, user)
    values: dict[str, Any] = {k: _text(form, k) for k in (
        "about", "email", "display_name", "role", "platform")}
    values["pseudonymous"] = form.get("pseudonymous") == "on"
    result, error = None, None
    try:
        result = profile_check(policy_of(request), {
            "profile": {"about": values["about"], "email": values["email"] or None,
                        "display_name": values["display_name"] or None},
            "author": {"role": values["role"] or "employee"},
            "account": {"platform": values["platform"] or "other",
                        "pseudonymous": values["pseudonymous"]}})
    except PostInputError as exc:
        error = str(exc)
    page = page_context(request, user, title="Review my profile")
    page.update({"values": values, "result": result, "error": error,
                 "roles": check_pages.ROLES, "platforms": check_pages.PLATFORMS,
                 "sections": {s.id: s.title for s in policy_of(request).pack.sections}})
    return render(request, "profile.html", page, status_code=422 if error else 200)


_RELATION_LABELS = {
    "physician-patient": "I am their physician (or was)",
    "clinician-patient": "I cared for them as a nurse or other clinician",
    "supervisor-report": "They report to me",
    "report-supervisor": "They are my supervisor",
    "colleague": "We are colleagues",
}


@router.get("/connection")
async def connection_page(request: Request) -> Response:
    user = require_user(request)
    relation = request.query_params.get("relation", "")
    answer = None
    if relation in connection.RELATIONS:
        answer = connection.guidance(policy_of(request), relation,
                                     knew_before_care=request.query_params.get("knew") == "on")
    page = page_context(request, user, title="Should I accept this connection request?")
    page.update({"relations": _RELATION_LABELS, "relation": relation, "answer": answer,
                 "knew": request.query_params.get("knew") == "on"})
    return render(request, "connection.html", page)


# --- items: detail, history, decisions -----------------------------------------------------

def _kind(key: str) -> it.Kind:
    kind = it.KINDS.get(key)
    if kind is None:
        raise NotFound(f"no kind of item {key!r}")
    return kind


def _item_page(request: Request, user: PageUser, kind: it.Kind, item_id: int, *,
               error: str | None = None, status: int = 200) -> Response:
    from clearpost.workflows.audit import service as audit

    with work(request, user) as ctx:
        item = it.load(ctx, kind, item_id)
        view = kind.service.view(ctx, item)
        names = it.people(ctx, {item.requester_id, getattr(item, "assignee_id", None) or 0,
                                getattr(item, "holder_id", None) or 0})
        summary = it.row(ctx, kind, item, names)
        events, _ = audit.events(ctx.session, item_type=kind.item_type, item_id=item.id)
        history = [audit.as_dict(e) for e in events]
        account = it.registry_account(ctx, item.account_id) if hasattr(item, "account_id") else None
        auto_check = _auto_check(ctx, kind, item, view)
        assignee = names.get(getattr(item, "assignee_id", None) or 0)
    page = page_context(request, user, title=f"{kind.singular.capitalize()} #{item_id}",
                        active="queues" if user.may(Action.all_items_read) else "mine")
    page.update({"kind": kind, "item": view, "summary": summary, "history": history,
                 "account": account, "auto_check": auto_check, "error": error,
                 "assignee": assignee, "outcomes": reports.OUTCOMES,
                 "branding_checklist": registry.BRANDING_CHECKLIST,
                 "sections": {s.id: s.title for s in policy_of(request).pack.sections}})
    return render(request, "item.html", page, status_code=status)


def _auto_check(ctx: Any, kind: it.Kind, item: Any, view: dict[str, Any]) -> dict[str, Any] | None:
    """The automatic check shown beside a request: stored for media, computed for accounts."""
    if kind.key == "media":
        stored: dict[str, Any] | None = view.get("check")
        return stored
    if kind.key == "reports":
        summary: dict[str, Any] | None = view.get("check")
        return summary
    if kind.key == "account-requests":
        # The request is itself the approval being asked for: leave out the approval rules.
        post = parse_post({"text": f"{item.name}\n{item.audience}\n{item.purpose}",
                           "account": {"kind": "department", "platform": item.platform}})
        rules = [r for r in POST_RULES if r not in ("speaking-for-org", "media-approval")]
        return check(post, ctx.policy, rules=rules).to_json_dict()
    return None


@router.get("/items/{key}/{item_id}")
async def item_page(request: Request, key: str, item_id: int) -> Response:
    user = require_user(request)
    try:
        return _item_page(request, user, _kind(key), item_id)
    except NotFound:
        from clearpost.web.pages import error_page

        return error_page(request, 404, "There is no such item, or it is not yours to see.")


_DATA_FIELDS: dict[str, Callable[[FormData], dict[str, Any]]] = {
    "account-requests": lambda f: {
        "branding": {k: f.get(f"branding_{k}") == "on" for k in registry.BRANDING_CHECKLIST},
        "overlap_reviewed": f.get("overlap_reviewed") == "on"},
    "reports": lambda f: {k: v for k, v in {
        "assignee_email": _text(f, "assignee_email", 320) or None,
        "outcome": _text(f, "outcome", 40) or None}.items() if v},
    "questions": lambda f: {"answer": _text(f, "answer"), "publish": f.get("publish") == "on",
                            "question": _text(f, "faq_question")},
    "posting": lambda f: {k: v for k, v in {"scope": _text(f, "scope", 500),
                                            "expires_at": _text(f, "expires_at", 40)}.items() if v},
    "media": lambda f: {},
}


@router.post("/items/{key}/{item_id}")
async def item_act(request: Request, key: str, item_id: int) -> Response:
    user = require_user(request)
    kind = _kind(key)
    form = await _form(request, user)
    action = _text(form, "action", 40)
    comment = _text(form, "comment")
    data = _DATA_FIELDS[kind.key](form)
    try:
        with work(request, user) as ctx:
            item = kind.service.act(ctx, item_id, action, comment, data)
            state = item.state
    except WorkflowError as exc:
        return _item_page(request, user, kind, item_id, error=exc.detail, status=exc.status)
    return _redirect(f"/items/{kind.key}/{item_id}",
                     f"Done: {action.replace('_', ' ')}. The {kind.singular} is now {state.replace('_', ' ')}.")


# --- manager: approvals --------------------------------------------------------------------

@router.get("/approvals")
async def approvals(request: Request) -> Response:
    user = require(request, Action.team_items)
    kind = it.KINDS["account-requests"]
    rows = []
    with work(request, user) as ctx:
        items = [i for i in it.listing(ctx, kind, states=("awaiting_manager",))
                 if i.requester_id != user.id]
        names = it.people(ctx, {i.requester_id for i in items})
        for item in items:
            view = account_requests.view(ctx, item)
            rows.append({"row": it.row(ctx, kind, item, names), "item": view,
                         "check": _auto_check(ctx, kind, item, view)})
    page = page_context(request, user, title="Approvals waiting for me", active="approvals")
    page.update({"rows": rows, "sections": {s.id: s.title for s in policy_of(request).pack.sections}})
    return render(request, "approvals.html", page)


# --- marcomm and strategist: queues ------------------------------------------------------

@router.get("/queues")
async def queues(request: Request) -> Response:
    user = require(request, Action.all_items_read)
    key = request.query_params.get("kind", "account-requests")
    kind = it.KINDS.get(key) or it.KINDS["account-requests"]
    state = request.query_params.get("state", "waiting")
    q = _text_q(request, "q", 200).lower()
    department = _text_q(request, "department", 200)
    with work(request, user) as ctx:
        states = kind.waiting if state == "waiting" else (None if state == "all" else (state,))
        items = it.listing(ctx, kind, states=states, limit=500)
        names = it.people(ctx, {i.requester_id for i in items})
        rows = [it.row(ctx, kind, i, names) for i in items]
        counts = {k.key: len(it.listing(ctx, k, states=k.waiting)) for k in it.KINDS.values()}
    if q:
        rows = [r for r in rows if q in r["title"].lower() or q in r["requester"].lower()]
    departments = sorted({r["department"] for r in rows if r["department"]})
    if department:
        rows = [r for r in rows if r["department"] == department]
    page = page_context(request, user, title=f"Queue: {kind.label}", active="queues")
    page.update({"kind": kind, "kinds": it.KINDS, "rows": rows, "state": state, "q": q,
                 "department": department, "departments": departments, "counts": counts,
                 "states": [s.value for s in kind.service.State]})
    return render(request, "queues.html", page)


# --- registry --------------------------------------------------------------------------------

@router.get("/registry")
async def registry_page(request: Request) -> Response:
    user = require(request, Action.registry_read)
    q = _text_q(request, "q", 200)
    platform = _text_q(request, "platform", 40)
    with work(request, user) as ctx:
        rows, total = registry.search(ctx.session, q=q or None, platform=platform or None, limit=500)
        accounts = [registry.as_dict(r) for r in rows]
        overlaps = []
        for acc in accounts:
            found = registry.overlap(ctx.session, name=acc["name"], handle=acc["handle"],
                                     platform=acc["platform"], department=acc["department"],
                                     audience=acc["audience"], exclude_id=acc["id"], limit=5)
            for f in found:
                if acc["id"] < f["account"]["id"]:
                    overlaps.append({"a": acc, "b": f["account"], "score": f["score"],
                                     "reasons": f["reasons"]})
    page = page_context(request, user, title="Account registry", active="registry")
    page.update({"accounts": accounts, "total": total, "q": q, "platform": platform,
                 "platforms": registry.PLATFORMS, "overlaps": overlaps,
                 "can_edit": user.may(Action.registry_edit)})
    return render(request, "registry.html", page)


@router.get("/registry/export.csv")
async def registry_export(request: Request) -> Response:
    user = require(request, Action.registry_edit)
    with work(request, user) as ctx:
        text = registry.export_csv(ctx.session)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="registry.csv"'})


# --- dashboard and audit -------------------------------------------------------------------

@router.get("/dashboard")
async def dashboard(request: Request) -> Response:
    from clearpost.web.pages.dashboard import figures

    user = require(request, Action.audit)
    with work(request, user) as ctx:
        data = figures(ctx)
    page = page_context(request, user, title="Dashboard", active="dashboard")
    page.update(data)
    return render(request, "dashboard.html", page)


def _audit_rows(request: Request, user: PageUser) -> list[dict[str, Any]]:
    from clearpost.workflows.audit import service as audit

    q = _text_q(request, "q", 200).lower()
    item_type = _text_q(request, "item_type", 40)
    with work(request, user) as ctx:
        events, _ = audit.events(ctx.session, item_type=item_type or None)
        rows = [audit.as_dict(e) for e in events]
    if q:
        rows = [r for r in rows if q in " ".join(str(r[k] or "") for k in (
            "actor", "action", "item_type", "item_id", "from_state", "to_state", "comment")).lower()]
    return rows


@router.get("/audit")
async def audit_page(request: Request) -> Response:
    from clearpost.workflows.audit import service as audit

    user = require(request, Action.audit)
    rows = _audit_rows(request, user)
    with work(request, user) as ctx:
        verified = audit.verify(ctx.session)
    page = page_context(request, user, title="Audit log", active="audit")
    page.update({"rows": list(reversed(rows))[:500], "total": len(rows), "verified": verified,
                 "q": _text_q(request, "q", 200), "item_type": _text_q(request, "item_type", 40),
                 "item_types": ["account_request", "media_approval", "posting_permission",
                                "report", "question", "registry_account", "user"],
                 "query": str(request.url.query)})
    return render(request, "audit.html", page)


@router.get("/audit/export.{fmt}")
async def audit_export(request: Request, fmt: str) -> Response:
    import csv
    import io

    user = require(request, Action.audit)
    rows = _audit_rows(request, user)
    if fmt == "json":
        return Response(json.dumps(rows, ensure_ascii=False, indent=1) + "\n",
                        media_type="application/json",
                        headers={"Content-Disposition": 'attachment; filename="audit.json"'})
    if fmt != "csv":
        raise NotFound("export is csv or json")
    buf = io.StringIO()
    fields = ["id", "at", "actor", "action", "item_type", "item_id", "from_state", "to_state",
              "comment", "data", "prev_hash", "hash"]
    writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "data": json.dumps(r["data"], sort_keys=True)})
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


# --- admin ---------------------------------------------------------------------------------

@router.get("/admin")
async def admin_users(request: Request) -> Response:
    user = require(request, Action.admin)
    with work(request, user) as ctx:
        rows, _ = users.list_users(ctx.session, limit=1000, offset=0)
        people = [users.public(u) for u in rows]
        by_id = {u.id: u for u in rows}
    for p in people:
        manager = by_id.get(p.get("manager_id") or 0)
        p["manager_email"] = manager.email if manager else ""
    page = page_context(request, user, title="Users and roles", active="admin")
    page.update({"people": people, "all_roles": [r.value for r in Role]})
    return render(request, "admin_users.html", page)


@router.post("/admin/users/{user_id}")
async def admin_user_update(request: Request, user_id: int) -> Response:
    user = require(request, Action.admin)
    form = await _form(request, user)
    roles = [str(r) for r in form.getlist("roles")]
    try:
        with work(request, user) as ctx:
            users.update_user(ctx, user_id, roles=roles,
                              manager_email=_text(form, "manager_email", 320),
                              department=_text(form, "department", 200),
                              active=form.get("active") == "on")
    except WorkflowError as exc:
        from clearpost.web.pages import error_page

        return error_page(request, exc.status, exc.detail)
    return _redirect("/admin", f"Saved user #{user_id}.")


@router.get("/admin/policy")
async def admin_policy(request: Request) -> Response:
    user = require(request, Action.admin)
    policy = policy_of(request)
    page = page_context(request, user, title="Policy pack", active="admin")
    page.update({"policy": policy, "rules": list(policy.rules.values()),
                 "sections": {s.id: s for s in policy.pack.sections}})
    return render(request, "admin_policy.html", page)


@router.get("/admin/settings")
async def admin_settings(request: Request) -> Response:
    user = require(request, Action.admin)
    settings = runtime(request).settings
    shown = {}
    for name, value in settings.model_dump().items():
        secret = any(w in name for w in ("secret", "password", "key"))
        shown[name] = ("(set)" if value else "(not set)") if secret else value
    if shown.get("database_url"):
        shown["database_url"] = "(set)"
    page = page_context(request, user, title="Settings", active="admin")
    page.update({"settings": shown, "workflows": policy_of(request).pack.workflows})
    return render(request, "admin_settings.html", page)
