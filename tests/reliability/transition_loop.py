"""Workflow transitions in an endless loop, for test_transition_kill.py to SIGKILL at random.

    python -m tests.reliability.transition_loop DATABASE_URL DATA_DIR ENCRYPTION_KEY LOG

Start-up (imports, the policy) is paid once: this process reads a line from stdin for each
run, forks a child that opens its own database connections and loops until it is killed,
prints `pid <child>` for the test to SIGKILL, then `exit <status>` once it is reaped.
Each transition runs in its own transaction, through the same service functions as the API.
After each commit returns, one line `<item_type> <id> <action>` is appended to LOG (written
straight to the OS, so a killed process loses none of them): what the caller was told
had been saved, which the database must then hold.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    url, data_dir, key, log_path = sys.argv[1:5]
    from clearpost.workflows.runtime import Runtime
    from tests.reliability.service_proc import make_settings

    rt = Runtime.build(make_settings(Path(data_dir), url or None, key), migrate=False)
    # One round here first: the mappers are configured and the statements compiled once, so
    # a child is in its loop within milliseconds. Its connections are closed before forking.
    loop(rt, log_path, rounds=1)
    rt.engine.dispose()
    for _ in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                rt.engine.dispose(close=False)
                loop(rt, log_path)
            finally:
                os._exit(1)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)}",
              flush=True)


def loop(rt: Any, log_path: str, rounds: int | None = None) -> None:
    from sqlalchemy import select

    from clearpost.store.models import RegistryAccount, User
    from clearpost.workflows.context import SYSTEM, Actor
    from clearpost.workflows.demo import DOMAIN
    from clearpost.workflows.posting_permissions import service as posting
    from clearpost.workflows.questions import service as questions

    with rt.ctx(SYSTEM) as ctx:
        people = {u.email.split("@")[0]: Actor.of(u) for u in ctx.session.execute(
            select(User).where(User.email.like(f"%@{DOMAIN}"))).scalars()}
        account = ctx.session.execute(select(RegistryAccount.id).order_by(RegistryAccount.id)
                                      ).scalars().first()
    employee, marcomm, strategist = people["employee"], people["marcomm"], people["strategist"]
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    # The question texts must differ between runs: the round number alone would repeat.
    run = os.getpid()

    def saved(item_type: str, item_id: int, action: str) -> None:
        os.write(fd, f"{item_type} {item_id} {action}\n".encode())

    n = 0
    while rounds is None or n < rounds:
        n += 1
        with rt.ctx(employee) as ctx:
            perm = posting.request(ctx, {"account_id": account, "scope": f"stories {run}-{n}",
                                         "reason": "the team's series"})
        saved("posting_permission", perm.id, "request")
        action = "grant" if n % 3 else "deny"
        with rt.ctx(marcomm) as ctx:
            posting.act(ctx, perm.id, action, "ok", {"scope": "stories"})
        saved("posting_permission", perm.id, action)
        if action == "grant":
            with rt.ctx(marcomm) as ctx:
                posting.act(ctx, perm.id, "revoke", "done")
            saved("posting_permission", perm.id, "revoke")
        with rt.ctx(employee) as ctx:
            q = questions.ask(ctx, f"May I share the photo of our team outing {run}-{n}?")
        saved("question", q.id, "ask")
        # answer and publish: two transitions, two audit events, one FAQ entry, one commit
        with rt.ctx(strategist) as ctx:
            questions.act(ctx, q.id, "answer", "", {
                "answer": "Yes, if everyone in it agreed and no patient is visible.",
                "publish": True, "question": f"Team outing photo {run}-{n}?"})
        saved("question", q.id, "answer+publish")
    os.close(fd)


if __name__ == "__main__":
    main()
