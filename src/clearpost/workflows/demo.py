"""A demo organization: one person per role, registry accounts, requests in several states."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from clearpost.workflows.account_requests import service as account_requests
from clearpost.workflows.context import SYSTEM, Actor
from clearpost.workflows.media_approvals import service as media
from clearpost.workflows.posting_permissions import service as posting
from clearpost.workflows.questions import service as questions
from clearpost.workflows.registry import service as registry
from clearpost.workflows.reports import service as reports
from clearpost.workflows.runtime import Runtime
from clearpost.workflows.users import service as users

DOMAIN = "demo.clearpost.invalid"
PEOPLE = [  # (key, name, department, roles, manager key); all synthetic
    ("admin", "Avery Admin", "IT", ["admin"], None),
    ("strategist", "Sam Strategist", "Marketing & Communications", ["strategist"], None),
    ("marcomm", "Morgan Reviewer", "Marketing & Communications", ["marcomm"], "strategist"),
    ("manager", "Mina Manager", "Radiology", ["manager"], None),
    ("physician", "Dr. Pat Physician", "Radiology", ["physician"], "manager"),
    ("employee", "Eli Employee", "Radiology", ["employee"], "manager"),
]


@dataclass
class DemoLogin:
    role: str
    email: str
    password: str


def seed(runtime: Runtime) -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    actors: dict[str, Actor] = {}
    with runtime.ctx(SYSTEM) as ctx:
        for key, name, dept, roles, manager in PEOPLE:
            password = secrets.token_urlsafe(9)
            user = users.create_user(ctx, email=f"{key}@{DOMAIN}", name=name, department=dept,
                                     roles=roles, password=password,
                                     manager_email=f"{manager}@{DOMAIN}" if manager else None)
            actors[key] = Actor.of(user)
            logins.append(DemoLogin(key, user.email, password))
    with runtime.ctx(actors["marcomm"]) as ctx:
        news = registry.create(ctx, {"platform": "instagram", "handle": "@demo_radiology",
                                     "name": "Demo Radiology", "department": "Radiology",
                                     "audience": "patients and families in radiology",
                                     "owners": [f"manager@{DOMAIN}", f"employee@{DOMAIN}"],
                                     "url": "https://example.org/radiology"})
        registry.create(ctx, {"platform": "x", "handle": "@demo_hospital",
                              "name": "Demo Hospital", "department": "Marketing & Communications",
                              "audience": "the public, press, patients",
                              "owners": [f"strategist@{DOMAIN}"]})
        registry.create(ctx, {"platform": "linkedin", "handle": "demo-hospital-careers",
                              "name": "Demo Hospital Careers", "department": "Human Resources",
                              "audience": "job seekers, nurses, physicians",
                              "owners": [f"marcomm@{DOMAIN}"]})
    with runtime.ctx(actors["employee"]) as ctx:
        account_requests.submit(ctx, {
            "platform": "instagram", "name": "Demo Radiology Team", "handle": "@demo.radiology.team",
            "department": "Radiology", "audience": "patients and families",
            "purpose": "Share team news and patient education.",
            "owners": [f"employee@{DOMAIN}", f"manager@{DOMAIN}"]})
        media.submit(ctx, {"account_id": news.id, "caption": "Our new waiting room opens Monday.",
                           "files": [{"name": "waiting-room.jpg", "kind": "photo"}],
                           "intended_date": "2026-12-01"})
        posting.request(ctx, {"account_id": news.id, "scope": "Stories and replies",
                              "reason": "I run the team's patient education series."})
        questions.ask(ctx, "Can I share a photo of my team at the holiday party?")
    with runtime.ctx(actors["physician"]) as ctx:
        reports.file(ctx, {"link": "https://example.org/post/123", "anonymous": True,
                           "description": "A public post seems to show a whiteboard with names.",
                           "subject_name": "an unknown account"})
    return logins
