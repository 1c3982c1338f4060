"""The traffic of bench/soak.py (locust, FastHttpUser): run by soak.py, not on its own.

Reads CLEARPOST_SOAK_SETUP (a JSON file soak.py writes: API tokens and passwords of the
seeded demo organization, the registry account, the posts to check, the per-user rates):

- CheckUser (most traffic): POST /api/v1/check with posts from ../shared/examples and the
  test fixtures, as the employee or the physician (bearer tokens);
- ReaderUser: signs in with e-mail and password (session cookie), then reads pages
  (home, my requests, registry, ask) and the API (lists, FAQ, audit log) as marcomm;
- WriterUser: workflow writes: a question asked and answered, a posting permission
  requested, granted and revoked (or denied), each user on its own items.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant_throughput, task

SETUP: dict[str, Any] = json.loads(Path(os.environ["CLEARPOST_SOAK_SETUP"]).read_text())
POSTS: list[dict[str, Any]] = SETUP["posts"]
_counter = itertools.count()


def _bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {SETUP['tokens'][role]}"}


class CheckUser(FastHttpUser):
    weight = SETUP["weights"]["check"]
    wait_time = constant_throughput(SETUP["rates"]["check"])

    def on_start(self) -> None:
        self.rng = random.Random(next(_counter))
        self.headers = _bearer(self.rng.choice(["employee", "physician"]))

    @task
    def check(self) -> None:
        self.client.post("/api/v1/check", json=self.rng.choice(POSTS), headers=self.headers,
                         name="POST /api/v1/check")


class ReaderUser(FastHttpUser):
    weight = SETUP["weights"]["read"]
    wait_time = constant_throughput(SETUP["rates"]["read"])

    def on_start(self) -> None:
        self.rng = random.Random(1000 + next(_counter))
        role = self.rng.choice(["marcomm", "manager"])
        self.client.post("/api/v1/auth/login", json={"email": SETUP["emails"][role],
                                                     "password": SETUP["passwords"][role]},
                         name="POST /api/v1/auth/login")
        self.api = role == "marcomm"

    @task(3)
    def page(self) -> None:
        path = self.rng.choice(["/", "/my", "/registry", "/ask", "/profile"])
        # Exactly 200: a lost session would redirect to the sign-in page, which is a failure.
        with self.client.get(path, headers={"Accept": "text/html"}, name="GET page " + path,
                             allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")

    @task(2)
    def api_read(self) -> None:
        paths = ["/api/v1/me", "/api/v1/faq", "/api/v1/registry?limit=20"]
        if self.api:
            paths += ["/api/v1/posting-permissions?limit=20", "/api/v1/audit-log?limit=20",
                      "/api/v1/questions?limit=20&state=open"]
        path = self.rng.choice(paths)
        self.client.get(path, name="GET " + path.split("?")[0])


class WriterUser(FastHttpUser):
    weight = SETUP["weights"]["write"]
    wait_time = constant_throughput(SETUP["rates"]["write"])

    def on_start(self) -> None:
        self.n = 0
        self.me = next(_counter)

    @task
    def question(self) -> None:
        self.n += 1
        r = self.client.post("/api/v1/questions", headers=_bearer("employee"),
                             json={"text": f"Can I post a photo from the ward party ({self.me}-{self.n})?"},
                             name="POST /api/v1/questions")
        if r.status_code == 201:
            self.client.post(f"/api/v1/questions/{r.json()['id']}/actions/answer",
                             headers=_bearer("strategist"),
                             json={"data": {"answer": "Only if everyone in it agreed."}},
                             name="POST /api/v1/questions/{id}/actions/answer")

    @task
    def posting_permission(self) -> None:
        self.n += 1
        r = self.client.post("/api/v1/posting-permissions", headers=_bearer("employee"),
                             json={"account_id": SETUP["account_id"], "scope": f"stories {self.n}",
                                   "reason": "the team's series"},
                             name="POST /api/v1/posting-permissions")
        if r.status_code != 201:
            return
        item = r.json()["id"]
        action = "grant" if self.n % 4 else "deny"
        r = self.client.post(f"/api/v1/posting-permissions/{item}/actions/{action}",
                             headers=_bearer("marcomm"), json={"data": {"scope": "stories"}},
                             name=f"POST /api/v1/posting-permissions/{{id}}/actions/{action}")
        if action == "grant" and r.status_code == 200:
            self.client.post(f"/api/v1/posting-permissions/{item}/actions/revoke",
                             headers=_bearer("marcomm"), json={"comment": "series over"},
                             name="POST /api/v1/posting-permissions/{id}/actions/revoke")
