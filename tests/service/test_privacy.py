"""Privacy: /check stores and logs no post text; submissions are encrypted, rotated, purged."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from clearpost.store.crypto import Cipher
from clearpost.store.models import Report
from clearpost.web.app import create_app
from clearpost.workflows import privacy
from clearpost.workflows.context import SYSTEM
from clearpost.workflows.reports import service as reports
from clearpost.workflows.runtime import Runtime

from .conftest import make_org, make_settings, token_for

CANARY = "Canary-Q7ZX-Larkin-14B-zebra-quartz"


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_check_text_is_stored_and_logged_nowhere(tmp_path, caplog, capsys):
    log_file = tmp_path / "logs" / "service.log"
    log_file.parent.mkdir()
    handler = logging.FileHandler(log_file)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    data = tmp_path / "data"
    try:
        rt = Runtime.build(make_settings(data, None))
        org = make_org(rt)
        h = {"Authorization": f"Bearer {token_for(rt, org.employee)}"}
        with TestClient(create_app(runtime=rt), base_url="https://testserver") as c:
            for body in ({"text": f"{CANARY} went home after chemo"},
                         {"text": CANARY, "author": {"role": "nope"}},
                         {"text": CANARY, "images": ["x.jpg"]},
                         {"text": CANARY * 10, "account": {"kind": "official",
                                                           "platform": "x"}}):
                r = c.post("/api/v1/check", json=body, headers=h)
                assert r.status_code in (200, 422)
                assert CANARY not in r.text or r.status_code == 200  # errors never echo it
            # Positive control: plain registry data does reach the database file.
            c.post("/api/v1/registry", headers={"Authorization":
                   f"Bearer {token_for(rt, org.marcomm)}"},
                   json={"platform": "x", "handle": "@control_handle_plain"})
        rt.dispose()
    finally:
        root.removeHandler(handler)
        handler.close()
    stored = _all_bytes(data)
    assert b"@control_handle_plain" in stored
    assert CANARY.encode() not in stored
    assert CANARY not in log_file.read_text()
    assert CANARY not in caplog.text
    out = capsys.readouterr()
    assert CANARY not in out.out and CANARY not in out.err


def test_report_text_is_encrypted_at_rest(tmp_path):
    data = tmp_path / "data"
    rt = Runtime.build(make_settings(data, None))
    org = make_org(rt)
    with rt.ctx(org.employee) as ctx:
        item = reports.file(ctx, {"description": f"desc {CANARY}", "pasted_text": f"{CANARY} text",
                                  "link": "https://example.org/z"})
        rid = item.id
    with rt.ctx(org.marcomm) as ctx:
        assert CANARY in reports.view(ctx, reports.load(ctx, rid))["pasted_text"]
    rt.dispose()
    assert CANARY.encode() not in _all_bytes(data)


def test_key_rotation_keeps_data_readable(backend, org):
    with backend.ctx(org.employee) as ctx:
        rid = reports.file(ctx, {"description": "rotate me", "link": "https://example.org/r"}).id
    new_key = Cipher.generate_key()
    old_keys = backend.settings.encryption_keys.get_secret_value()
    rotated = Cipher([new_key, old_keys])
    with backend.ctx(SYSTEM) as ctx:
        ctx.cipher = rotated
        assert privacy.rotate_keys(ctx) >= 1
    only_new = Cipher([new_key])
    with backend.factory() as s:
        assert only_new.decrypt(s.get(Report, rid).description_enc) == "rotate me"


def test_purge_after_retention_erases_text_but_keeps_the_item(backend, org):
    with backend.ctx(org.employee) as ctx:
        rid = reports.file(ctx, {"description": "old news", "link": "https://example.org/p"}).id
    days = backend.policy.pack.workflows.retention_days
    with backend.ctx(SYSTEM) as ctx:
        ctx.now = ctx.now + timedelta(days=days - 1)
        privacy.purge(ctx)
    with backend.factory() as s:
        assert s.get(Report, rid).description_enc is not None
    with backend.ctx(SYSTEM) as ctx:
        ctx.now = ctx.now + timedelta(days=days + 1)
        counts = privacy.purge(ctx)
    assert counts["reports"] >= 1
    with backend.factory() as s:
        row = s.get(Report, rid)
        assert row.description_enc is None and row.purged_at is not None and row.state == "new"
