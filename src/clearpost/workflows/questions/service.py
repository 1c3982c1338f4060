"""Questions to the Social Media Strategist: ask, answer, publish to the FAQ."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import select

from clearpost.store.models import FaqEntry, Question
from clearpost.workflows import common
from clearpost.workflows.context import Ctx
from clearpost.workflows.errors import Invalid
from clearpost.workflows.guidance import retrieval
from clearpost.workflows.machine import (
    REQUESTER,
    STRATEGIST,
    Machine,
    Notice,
    Transition,
    requester_email,
    role_emails,
)
from clearpost.workflows.permissions import Role

MAX_TEXT = 5000


class State(StrEnum):
    open = "open"
    answered = "answered"
    published = "published"
    withdrawn = "withdrawn"


def _has_answer(ctx: Ctx, item: Question, data: dict[str, Any]) -> str | None:
    answer = str(data.get("answer") or "").strip()
    if not answer:
        return "an answer is required"
    if len(answer) > MAX_TEXT:
        return f"the answer is longer than {MAX_TEXT} characters"
    return None


def _publishable(ctx: Ctx, item: Question, data: dict[str, Any]) -> str | None:
    question = str(data.get("question") or "").strip()
    if not question:
        return "publishing needs the question as the FAQ will show it (question), naming nobody"
    if len(question) > MAX_TEXT:
        return f"the question is longer than {MAX_TEXT} characters"
    return None


def _record_answer(ctx: Ctx, item: Question, data: dict[str, Any]) -> dict[str, Any]:
    item.answer = str(data["answer"]).strip()
    item.answered_by = ctx.actor.id
    return {}


def _publish(ctx: Ctx, item: Question, data: dict[str, Any]) -> dict[str, Any]:
    suggested = [s["ref"] for s in item.suggestions if s["kind"] == "section"]
    sections = list(data.get("sections") or suggested)
    known = {s.id for s in ctx.policy.pack.sections}
    if set(sections) - known:
        raise Invalid(f"unknown sections: {', '.join(sorted(set(sections) - known))}")
    entry = FaqEntry(question_id=item.id, question=str(data["question"]).strip(),
                     answer=item.answer or "", sections=sections, published_at=ctx.now)
    ctx.session.add(entry)
    ctx.session.flush()
    return {"faq_id": entry.id, "sections": sections}


MACHINE = Machine(
    "question", State, State.open,
    [
        Transition((State.open,), "answer", State.answered, STRATEGIST, guard=_has_answer,
                   effect=_record_answer),
        Transition((State.answered,), "publish", State.published, STRATEGIST, guard=_publishable,
                   effect=_publish),
        Transition((State.open,), "withdraw", State.withdrawn, REQUESTER, by_requester=True),
    ],
    notices={State.open: Notice(role_emails(Role.strategist)),
             State.answered: Notice(requester_email)},
)


def faq(ctx: Ctx) -> list[dict[str, Any]]:
    rows = ctx.session.execute(select(FaqEntry).order_by(FaqEntry.id)).scalars()
    return [{"id": r.id, "question": r.question, "answer": r.answer, "sections": r.sections,
             "published_at": r.published_at.isoformat()} for r in rows]


def ask(ctx: Ctx, text: str) -> Question:
    text = text.strip()
    if not text:
        raise Invalid("the question is empty")
    if len(text) > MAX_TEXT:
        raise Invalid(f"the question is longer than {MAX_TEXT} characters")
    found = retrieval.ask(ctx.policy, text, faq(ctx))
    suggestions = [{"kind": a["kind"], "ref": a["ref"], "title": a["title"], "score": a["score"]}
                   for a in found["answers"]]
    assert ctx.actor.id is not None
    item = Question(requester_id=ctx.actor.id, text_enc=ctx.cipher.encrypt(text),
                    suggestions=suggestions)
    MACHINE.create(ctx, item, action="ask", data={"suggested": [s["ref"] for s in suggestions]})
    return item


def act(ctx: Ctx, item_id: int, action: str, comment: str = "",
        data: dict[str, Any] | None = None) -> Question:
    item: Question = common.load_visible(ctx, Question, item_id, "question", team=False)
    data = dict(data or {})
    publish_too = action == "answer" and bool(data.get("publish"))
    if publish_too:
        # Check the publishing terms first, so that a bad FAQ entry refuses the whole call.
        problem = _publishable(ctx, item, data)
        if problem:
            raise Invalid(problem)
    MACHINE.apply(ctx, item, action, comment=comment, data=data)
    if publish_too:
        MACHINE.apply(ctx, item, "publish", comment=comment, data=data)
    return item


def view(ctx: Ctx, item: Question) -> dict[str, Any]:
    return {**common.stamp(item), "text": ctx.cipher.decrypt(item.text_enc),
            "suggestions": item.suggestions, "answer": item.answer,
            "answered_by": item.answered_by, "purged": item.purged_at is not None,
            "actions": MACHINE.actions_for(ctx, item)}
