"""Connection guidance: may I connect with this person online? Per the boundaries section."""

from __future__ import annotations

from typing import Any, Literal

from clearpost.policy.loader import Policy
from clearpost.workflows.guidance.retrieval import contact_info

Relation = Literal["physician-patient", "clinician-patient", "supervisor-report",
                   "report-supervisor", "colleague"]
RELATIONS: tuple[str, ...] = Relation.__args__  # type: ignore[attr-defined]
SECTION = "professional-boundaries"


def guidance(policy: Policy, relation: str, *, knew_before_care: bool = False) -> dict[str, Any]:
    """What to do for one relation; `knew_before_care` matters for patients only."""
    if relation not in RELATIONS:
        raise ValueError(f"unknown relation {relation!r}; relations are: {', '.join(RELATIONS)}")
    if relation in ("physician-patient", "clinician-patient"):
        if knew_before_care:
            advice, answer = "allowed", (
                "You knew this person before their care began, so an online connection is a "
                "personal one. Keep care out of it: no advice, no details of their treatment.")
        else:
            advice, answer = "avoid", (
                "Do not send or accept a connection with a current or former patient you met "
                "through their care. Point them to the organization's official channels instead.")
    elif relation == "supervisor-report":
        advice, answer = "avoid", (
            "As a supervisor, do not send connection requests to people who report to you. "
            "If they invite you, accepting is your choice; keep it professional.")
    elif relation == "report-supervisor":
        advice, answer = "your-choice", (
            "You never have to accept a connection request from your supervisor, and declining "
            "it must have no effect on your work.")
    else:
        advice, answer = "allowed", (
            "Connecting with colleagues is fine; what you post still follows the guidelines.")
    try:
        section = policy.section(SECTION)
        cite = {"id": section.id, "title": section.title, "summary": section.summary}
        contact = contact_info(policy, section.contact)
    except KeyError:
        cite, contact = None, contact_info(policy, "strategist")
    return {"relation": relation, "knew_before_care": knew_before_care, "advice": advice,
            "answer": answer, "section": cite, "contact": contact, "policy": policy.label}
