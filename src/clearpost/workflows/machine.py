"""A workflow as an explicit transition table: (from states, action) -> to state, who, guard.

`Machine.apply` is the only way an item changes state. It refuses unknown or illegal moves
(409), actors who may not act (403), the requester deciding on their own item (four-eyes,
403) and failing guards (422); then it sets the state, writes exactly one audit event and
queues the notification e-mails, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import select

from clearpost.store.models import User
from clearpost.workflows.audit import service as audit
from clearpost.workflows.context import Ctx
from clearpost.workflows.errors import Forbidden, FourEyes, IllegalTransition, Invalid
from clearpost.workflows.notify import service as notify
from clearpost.workflows.permissions import Action, Role


class Item(Protocol):
    id: Any
    state: Any
    requester_id: Any
    updated_at: Any


#: Who may take a transition: (ctx, item) -> bool. Label is for docs and error messages.
WhoFn = Callable[[Ctx, Any], bool]
#: A guard returns why the move is not possible now, or None.
GuardFn = Callable[[Ctx, Any, dict[str, Any]], str | None]
#: What a transition does besides changing state (issue an approval id, create the registry
#: entry); runs after the guard and before the audit event, whose data it may add to.
EffectFn = Callable[[Ctx, Any, dict[str, Any]], dict[str, Any] | None]


@dataclass(frozen=True)
class Who:
    label: str
    test: WhoFn


REQUESTER = Who("requester", lambda ctx, item: ctx.actor.id == item.requester_id)
# Item-level "who" rules read the same permission matrix as the endpoints.
MARCOMM = Who("marcomm", lambda ctx, item: ctx.actor.id is not None
              and ctx.actor.may(Action.all_items_decide))
STRATEGIST = Who("strategist", lambda ctx, item: ctx.actor.id is not None
                 and ctx.actor.may(Action.answer_questions))
SYSTEM_ONLY = Who("the system", lambda ctx, item: ctx.actor.is_system)


def _is_manager_of_requester(ctx: Ctx, item: Any) -> bool:
    if ctx.actor.id is None or not ctx.actor.may(Action.team_items):
        return False
    requester = ctx.session.get(User, item.requester_id)
    return requester is not None and requester.manager_id == ctx.actor.id


MANAGER_OF_REQUESTER = Who("their manager", _is_manager_of_requester)


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    action: str
    target: str
    who: Who
    guard: GuardFn | None = None
    effect: EffectFn | None = None
    #: The requester's own moves (withdraw, resubmit) are not decisions: four-eyes does not apply.
    by_requester: bool = False


@dataclass(frozen=True)
class Notice:
    """Who hears about entering a state: a function returning e-mail addresses."""

    recipients: Callable[[Ctx, Any], list[str]]


def requester_email(ctx: Ctx, item: Any) -> list[str]:
    user = ctx.session.get(User, item.requester_id)
    return [user.email] if user else []


def role_emails(role: Role) -> Callable[[Ctx, Any], list[str]]:
    def pick(ctx: Ctx, item: Any) -> list[str]:
        users = ctx.session.execute(select(User).where(User.active.is_(True))).scalars()
        wanted = {role.value} | ({Role.strategist.value} if role is Role.marcomm else set())
        return [u.email for u in users if wanted & set(u.roles or [])]
    return pick


def manager_email(ctx: Ctx, item: Any) -> list[str]:
    user = ctx.session.get(User, item.requester_id)
    manager = ctx.session.get(User, user.manager_id) if user and user.manager_id else None
    return [manager.email] if manager else []


class Machine:
    def __init__(self, item_type: str, states: type[StrEnum], initial: str,
                 transitions: Sequence[Transition], *, open_states: Sequence[str] = (),
                 notices: dict[str, Notice] | None = None) -> None:
        self.item_type = item_type
        self.states = states
        self.initial = initial
        self.transitions = tuple(transitions)
        self.open_states = tuple(open_states)
        self.notices = notices or {}
        names = {s.value for s in states}
        for t in self.transitions:
            unknown = ({*t.sources, t.target} - names)
            if unknown:
                raise ValueError(f"{item_type}: transition {t.action} names unknown states {unknown}")

    def table(self) -> list[dict[str, str]]:
        """The transition table, for docs and the API."""
        return [{"from": " / ".join(t.sources), "action": t.action, "to": t.target,
                 "who": t.who.label} for t in self.transitions]

    def actions_for(self, ctx: Ctx, item: Any) -> list[str]:
        out = []
        for t in self.transitions:
            if item.state in t.sources and self._may(ctx, item, t) is None:
                out.append(t.action)
        return out

    def _may(self, ctx: Ctx, item: Any, t: Transition) -> str | None:
        if (not t.by_requester and ctx.actor.id is not None
                and ctx.actor.id == item.requester_id):
            return "four-eyes"
        if not t.who.test(ctx, item):
            return "who"
        return None

    def create(self, ctx: Ctx, item: Any, *, action: str = "submit", comment: str = "",
               data: dict[str, Any] | None = None) -> None:
        item.state = self.initial if not item.state else item.state
        item.created_at = item.updated_at = ctx.now
        ctx.session.add(item)
        ctx.session.flush()
        audit.record(ctx.session, ctx.actor, action, self.item_type, item.id,
                     from_state=None, to_state=item.state, comment=comment, data=data, at=ctx.now)
        self._notify(ctx, item, action)

    def apply(self, ctx: Ctx, item: Any, action: str, *, comment: str = "",
              data: dict[str, Any] | None = None) -> Transition:
        data = data or {}
        named = [t for t in self.transitions if t.action == action]
        if not named:
            known = ", ".join(sorted({t.action for t in self.transitions}))
            raise IllegalTransition(f"{self.item_type} has no action {action!r}; actions are: {known}")
        matching = [t for t in named if item.state in t.sources]
        if not matching:
            froms = ", ".join(sorted({s for t in named for s in t.sources}))
            raise IllegalTransition(
                f"cannot {action} {self.item_type} #{item.id} in state {item.state!r} "
                f"(only from: {froms})")
        t = matching[0]
        why = self._may(ctx, item, t)
        if why == "four-eyes":
            raise FourEyes(f"you requested {self.item_type} #{item.id}; someone else must {action} it")
        if why == "who":
            raise Forbidden(f"only {t.who.label} may {action} {self.item_type} #{item.id}")
        if t.guard is not None:
            reason = t.guard(ctx, item, data)
            if reason:
                raise Invalid(reason)
        before = item.state
        item.state = t.target
        item.updated_at = ctx.now
        effects = t.effect(ctx, item, data) if t.effect is not None else None
        ctx.session.flush()
        audit.record(ctx.session, ctx.actor, action, self.item_type, item.id,
                     from_state=before, to_state=t.target, comment=comment,
                     data={**_audit_data(data), **(effects or {})}, at=ctx.now)
        self._notify(ctx, item, action)
        return t

    def _notify(self, ctx: Ctx, item: Any, action: str) -> None:
        notice = self.notices.get(item.state)
        if notice is None:
            return
        label = self.item_type.replace("_", " ")
        subject = f"[clearpost] {label} #{item.id}: {action} -> {item.state}"
        body = (f"{label.capitalize()} #{item.id} is now '{item.state}' "
                f"(action '{action}' by {ctx.actor.name}).\n"
                f"Open it in clearpost: /api/v1/{self.item_type.replace('_', '-')}s/{item.id}\n")
        notify.queue(ctx.session, [r for r in notice.recipients(ctx, item)
                                   if r != ctx.actor.email], subject, body)


def _audit_data(data: dict[str, Any]) -> dict[str, Any]:
    """Structured decision data only (scope, outcome, checklist); never submitted free text."""
    return {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool, list, dict))
            and k not in {"text", "caption", "description", "pasted_text"}}
