"""Notification e-mail through a real SMTP server (aiosmtpd on a loopback port)."""

from __future__ import annotations

import socket
import tempfile
from email import message_from_bytes

import pytest

aiosmtpd = pytest.importorskip("aiosmtpd.controller")

from fastapi.testclient import TestClient  # noqa: E402

from clearpost.store.models import OutboxMail  # noqa: E402
from clearpost.web.app import create_app  # noqa: E402
from clearpost.workflows.runtime import Runtime  # noqa: E402

from .conftest import make_org, make_settings, token_for  # noqa: E402


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = _free_port()
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_submit_mails_the_manager_and_approval_mails_the_requester(backend, smtp):
    inbox, port = smtp
    settings = make_settings(tempfile.mkdtemp(), backend.settings.database_url,
                             smtp_host="127.0.0.1", smtp_port=port, mail_from="cp@example.org")
    rt = Runtime.build(settings)
    org = make_org(rt)
    with TestClient(create_app(runtime=rt), base_url="https://testserver") as c:
        h = {"Authorization": f"Bearer {token_for(rt, org.employee)}"}
        body = {"platform": "tiktok", "name": f"T {org.tag}", "handle": f"@t_{org.tag}",
                "department": "Radiology", "audience": "teens",
                "purpose": "SECRET-PURPOSE-TEXT", "owners": [org.employee.email]}
        rid = c.post("/api/v1/account-requests", json=body, headers=h).json()["id"]
        to_manager = [m for rcpt, m in inbox.messages if org.manager.email in rcpt]
        assert to_manager, inbox.messages
        msg = to_manager[-1]
        assert f"#{rid}" in msg["Subject"] and msg["From"] == "cp@example.org"
        assert "SECRET-PURPOSE-TEXT" not in msg.get_payload()
        hm = {"Authorization": f"Bearer {token_for(rt, org.manager)}"}
        c.post(f"/api/v1/account-requests/{rid}/actions/send_back", json={}, headers=hm)
        assert any(org.employee.email in rcpt for rcpt, _ in inbox.messages)
    with rt.factory() as s:
        mine = s.query(OutboxMail).filter(OutboxMail.to_addr.in_([org.manager.email,
                                                                  org.employee.email])).all()
        assert mine and all(m.sent_at is not None for m in mine)
    rt.dispose()


def test_unreachable_smtp_keeps_mail_queued_for_retry(backend):
    from clearpost.workflows.notify import service as notify

    port = _free_port()  # nothing listens here
    settings = make_settings(tempfile.mkdtemp(), backend.settings.database_url,
                             smtp_host="127.0.0.1", smtp_port=port)
    rt = Runtime.build(settings)
    with rt.factory() as s, s.begin():
        notify.queue(s, ["retry@example.org"], "subject", "body")
    assert notify.deliver(rt.factory, settings, batch=1_000_000) == 0
    with rt.factory() as s:
        row = s.query(OutboxMail).filter_by(to_addr="retry@example.org").one()
        assert row.sent_at is None and row.last_error
    inbox = Inbox()
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert notify.deliver(rt.factory, settings, batch=1_000_000) >= 1
    finally:
        controller.stop()
    assert any("retry@example.org" in rcpt for rcpt, _ in inbox.messages)
    rt.dispose()
