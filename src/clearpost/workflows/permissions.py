"""The one permission matrix: which role may do which action. Every API endpoint names one action.

Item-level rules (your own items, your reports' requests, the assignee of a report, four-eyes)
are checked by each workflow's transition table on top of this.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    employee = "employee"
    physician = "physician"
    manager = "manager"
    marcomm = "marcomm"
    strategist = "strategist"
    admin = "admin"


class Action(StrEnum):
    guidance = "guidance"                  # check, ask, profile, connection guidance, FAQ
    own_items = "own_items"                # create, read, withdraw own requests and reports
    team_items = "team_items"              # read and approve (manager step) their reports' requests
    all_items_read = "all_items_read"      # read every request, report and question
    all_items_decide = "all_items_decide"  # decide at the marcomm step, triage reports
    answer_questions = "answer_questions"  # answer and publish to the FAQ
    registry_read = "registry_read"
    registry_edit = "registry_edit"        # edit, import, export
    audit = "audit"                        # read, export, verify
    admin = "admin"                        # users, roles, settings


_EVERYONE = {Action.guidance, Action.own_items, Action.registry_read}
_REVIEW = {Action.all_items_read, Action.all_items_decide, Action.registry_edit, Action.audit}

#: role -> the actions it allows. A user holds several roles; any of them may allow an action.
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.employee: frozenset(_EVERYONE),
    Role.physician: frozenset(_EVERYONE),
    Role.manager: frozenset(_EVERYONE | {Action.team_items}),
    Role.marcomm: frozenset(_EVERYONE | _REVIEW),
    Role.strategist: frozenset(_EVERYONE | _REVIEW | {Action.answer_questions}),
    Role.admin: frozenset(_EVERYONE | {Action.all_items_read, Action.registry_edit,
                                       Action.audit, Action.admin}),
}


def normalise_roles(roles: Iterable[str]) -> frozenset[Role]:
    """Everyone is an employee; the strategist is also a marcomm reviewer. Unknown roles fail."""
    out = {Role.employee}
    for name in roles:
        try:
            out.add(Role(name.strip().lower()))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise ValueError(f"unknown role {name!r}; roles are: {known}") from None
    if Role.strategist in out:
        out.add(Role.marcomm)
    return frozenset(out)


def allowed(roles: Iterable[Role], action: Action) -> bool:
    return any(action in PERMISSIONS[r] for r in roles)
