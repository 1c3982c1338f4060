"""Reports of off-policy activity: filed by anyone, triaged by marcomm, resolved by the assignee.

When the reporter asks for anonymity only marcomm sees who filed the report; the assignee
(often the reported person's supervisor) and everyone else see no reporter.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select

from clearpost.engine import check
from clearpost.model import Post
from clearpost.store.models import Report, User
from clearpost.workflows import common
from clearpost.workflows.context import Ctx
from clearpost.workflows.errors import Invalid, NotFound
from clearpost.workflows.machine import (
    MARCOMM,
    Machine,
    Notice,
    Transition,
    Who,
    requester_email,
    role_emails,
)
from clearpost.workflows.permissions import Action, Role

OUTCOMES = ("no_issue", "coached", "removed", "escalated_hr", "escalated_privacy")
MAX_TEXT = 20_000


class State(StrEnum):
    new = "new"
    with_supervisor = "with_supervisor"
    with_marcomm = "with_marcomm"
    resolved = "resolved"


ASSIGNEE = Who("the assignee", lambda ctx, item: ctx.actor.id is not None
               and ctx.actor.id == item.assignee_id)


def _supervisor_of_subject(ctx: Ctx, item: Report, data: dict[str, Any]) -> str | None:
    assignee = _pick_supervisor(ctx, item, data)
    if assignee is None:
        return ("name the supervisor (assignee_email): the reported person has no manager "
                "in the directory")
    if assignee.id == item.subject_user_id:
        return "the reported person cannot handle the report about themselves"
    if assignee.id == item.requester_id:
        return "the reporter cannot handle their own report"
    return None


def _pick_supervisor(ctx: Ctx, item: Report, data: dict[str, Any]) -> User | None:
    email = data.get("assignee_email")
    if email:
        return ctx.session.execute(select(User).where(User.email == str(email))).scalar_one_or_none()
    subject = ctx.session.get(User, item.subject_user_id) if item.subject_user_id else None
    if subject is not None and subject.manager_id:
        return ctx.session.get(User, subject.manager_id)
    return None


def _has_outcome(ctx: Ctx, item: Report, data: dict[str, Any]) -> str | None:
    if data.get("outcome") not in OUTCOMES:
        return f"outcome is one of: {', '.join(OUTCOMES)}"
    return None


def _assignee_email(ctx: Ctx, item: Report) -> list[str]:
    user = ctx.session.get(User, item.assignee_id) if item.assignee_id else None
    return [user.email] if user else []


def _assign_supervisor(ctx: Ctx, item: Report, data: dict[str, Any]) -> dict[str, Any]:
    supervisor = _pick_supervisor(ctx, item, data)
    assert supervisor is not None  # the guard made sure
    item.assignee_id = supervisor.id
    return {"assignee_id": supervisor.id}


def _assign_self(ctx: Ctx, item: Report, data: dict[str, Any]) -> dict[str, Any]:
    item.assignee_id = ctx.actor.id
    return {"assignee_id": ctx.actor.id}


def _record_outcome(ctx: Ctx, item: Report, data: dict[str, Any]) -> dict[str, Any]:
    item.outcome = data["outcome"]
    return {}


MACHINE = Machine(
    "report", State, State.new,
    [
        Transition((State.new,), "triage_to_supervisor", State.with_supervisor, MARCOMM,
                   guard=_supervisor_of_subject, effect=_assign_supervisor),
        Transition((State.new,), "triage_to_marcomm", State.with_marcomm, MARCOMM,
                   effect=_assign_self),
        Transition((State.with_supervisor, State.with_marcomm), "resolve", State.resolved,
                   ASSIGNEE, guard=_has_outcome, effect=_record_outcome),
    ],
    notices={
        State.new: Notice(role_emails(Role.marcomm)),
        State.with_supervisor: Notice(_assignee_email),
        State.with_marcomm: Notice(_assignee_email),
        State.resolved: Notice(requester_email),
    },
)


def file(ctx: Ctx, values: dict[str, Any]) -> Report:
    link = str(values.get("link") or "").strip() or None
    pasted = str(values.get("pasted_text") or "")
    description = str(values.get("description") or "").strip()
    screenshot = str(values.get("screenshot_name") or "").strip() or None
    if not (link or pasted.strip() or screenshot):
        raise Invalid("a report needs a link, a screenshot or the pasted text")
    if not description:
        raise Invalid("describe what you saw (description)")
    if len(pasted) > MAX_TEXT or len(description) > MAX_TEXT:
        raise Invalid(f"text is longer than {MAX_TEXT} characters")
    if link and len(link) > 1000:
        raise Invalid("link is longer than 1000 characters")
    subject_email = values.get("subject_email")
    subject = None
    if subject_email:
        subject = ctx.session.execute(select(User).where(User.email == str(subject_email))
                                      ).scalar_one_or_none()
    summary = None
    if pasted.strip():
        result = check(Post(text=pasted), ctx.policy)
        summary = {"verdict": result.verdict,
                   "findings": [{"rule": f.rule, "level": f.level, "section": f.section}
                                for f in result.findings]}
    assert ctx.actor.id is not None
    item = Report(requester_id=ctx.actor.id, anonymous=bool(values.get("anonymous")), link=link,
                  subject_name=str(values.get("subject_name") or "")[:200] or None,
                  subject_user_id=subject.id if subject else None,
                  description_enc=ctx.cipher.encrypt(description),
                  pasted_text_enc=ctx.cipher.encrypt(pasted) if pasted else None,
                  screenshot_name=screenshot, check_summary=summary)
    # The audit trail names the actor; for an anonymous report it records only "anonymous".
    MACHINE.create(ctx.as_actor(_anonymous(ctx)) if item.anonymous else ctx, item, action="file",
                   data={"anonymous": item.anonymous,
                         "check": summary["verdict"] if summary else None})
    return item


def _anonymous(ctx: Ctx) -> Any:
    from clearpost.workflows.context import Actor

    return Actor(id=0, email="anonymous", name="anonymous reporter", roles=ctx.actor.roles)


def _visible(ctx: Ctx) -> Any:
    query = select(Report)
    if ctx.actor.may(Action.all_items_read):
        return query
    return query.where(or_(Report.requester_id == ctx.actor.id, Report.assignee_id == ctx.actor.id))


def load(ctx: Ctx, item_id: int) -> Report:
    item = ctx.session.execute(_visible(ctx).where(Report.id == item_id)).scalar_one_or_none()
    if item is None:
        raise NotFound(f"no report #{item_id}")
    return item


def listing(ctx: Ctx, *, state: str | None, limit: int, offset: int) -> tuple[list[Report], int]:
    return common.page(ctx, _visible(ctx), Report, state=state, limit=limit, offset=offset)


def act(ctx: Ctx, item_id: int, action: str, comment: str = "",
        data: dict[str, Any] | None = None) -> Report:
    item = load(ctx, item_id)
    data = dict(data or {})
    MACHINE.apply(ctx, item, action, comment=comment, data=data)
    return item


def view(ctx: Ctx, item: Report) -> dict[str, Any]:
    sees_reporter = ctx.actor.has(Role.marcomm) or ctx.actor.id == item.requester_id
    out = {**common.stamp(item), "anonymous": item.anonymous, "link": item.link,
           "subject_name": item.subject_name, "subject_user_id": item.subject_user_id,
           "description": ctx.cipher.decrypt(item.description_enc),
           "pasted_text": ctx.cipher.decrypt(item.pasted_text_enc),
           "screenshot_name": item.screenshot_name, "check": item.check_summary,
           "assignee_id": item.assignee_id, "outcome": item.outcome,
           "purged": item.purged_at is not None, "actions": MACHINE.actions_for(ctx, item)}
    if item.anonymous and not sees_reporter:
        out["requester_id"] = None
    return out
