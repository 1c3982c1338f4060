"""Write, verify and export the hash-chained audit trail.

Each event stores the previous event's hash and the sha256 of its own canonical JSON (which
includes that previous hash), so editing any stored field, deleting an event, or reordering
events breaks the chain. The audit_head row keeps the newest id and hash, so deleting the
newest events shows as well. Writers lock that row, which serialises appends on PostgreSQL.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clearpost.store.models import AuditEvent, AuditHead
from clearpost.workflows.context import Actor

GENESIS = "0" * 64
EXPORT_FIELDS = ("id", "at", "actor_id", "actor", "action", "item_type", "item_id",
                 "from_state", "to_state", "comment", "data", "prev_hash", "hash")


def _at(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(event: AuditEvent) -> bytes:
    body = {
        "id": event.id, "at": _at(event.at), "actor_id": event.actor_id, "actor": event.actor,
        "action": event.action, "item_type": event.item_type, "item_id": event.item_id,
        "from_state": event.from_state, "to_state": event.to_state, "comment": event.comment,
        "data": event.data, "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record(session: Session, actor: Actor, action: str, item_type: str, item_id: int | None,
           *, from_state: str | None = None, to_state: str | None = None, comment: str = "",
           data: dict[str, Any] | None = None, at: datetime | None = None) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with the change)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS, count=0)
        session.add(head)
        session.flush()
    event = AuditEvent(id=head.last_id + 1, at=at or datetime.now(UTC), actor_id=actor.id,
                       actor=actor.email, action=action, item_type=item_type, item_id=item_id,
                       from_state=from_state, to_state=to_state, comment=comment or "",
                       data=data or {}, prev_hash=head.last_hash)
    event.hash = hashlib.sha256(canonical(event)).hexdigest()
    session.add(event)
    head.last_id, head.last_hash, head.count = event.id, event.hash, head.count + 1
    session.flush()
    return event


@dataclass
class VerifyReport:
    ok: bool
    events: int
    problems: list[str]


def verify(session: Session) -> VerifyReport:
    """Recompute the chain; name every event whose content, link or position is wrong."""
    problems: list[str] = []
    prev = GENESIS
    expected_id = 1
    count = 0
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        count += 1
        if event.id != expected_id:
            problems.append(f"events {expected_id}..{event.id - 1} are missing (deleted)")
        if event.prev_hash != prev:
            problems.append(f"event {event.id}: link to the previous event is broken")
        actual = hashlib.sha256(canonical(event)).hexdigest()
        if actual != event.hash:
            problems.append(f"event {event.id}: content was changed (hash mismatch)")
        prev = event.hash
        expected_id = event.id + 1
    head = session.get(AuditHead, 1)
    if head is not None:
        if head.count != count or head.last_id != expected_id - 1:
            problems.append(f"the trail ends at event {expected_id - 1} with {count} events, "
                            f"but {head.count} were written up to event {head.last_id} "
                            "(newest events deleted)")
        elif head.last_hash != prev:
            problems.append("the newest event does not match the recorded head")
    elif count:
        problems.append("the audit head is missing")
    return VerifyReport(ok=not problems, events=count, problems=problems)


def as_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id, "at": _at(event.at), "actor_id": event.actor_id, "actor": event.actor,
        "action": event.action, "item_type": event.item_type, "item_id": event.item_id,
        "from_state": event.from_state, "to_state": event.to_state, "comment": event.comment,
        "data": event.data, "prev_hash": event.prev_hash, "hash": event.hash,
    }


def events(session: Session, *, item_type: str | None = None, item_id: int | None = None,
           limit: int | None = None, offset: int = 0) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    count = select(func.count()).select_from(AuditEvent)
    if item_type:
        query, count = query.where(AuditEvent.item_type == item_type), count.where(AuditEvent.item_type == item_type)
    if item_id is not None:
        query, count = query.where(AuditEvent.item_id == item_id), count.where(AuditEvent.item_id == item_id)
    query = query.order_by(AuditEvent.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.execute(query).scalars()), int(session.execute(count).scalar_one())


def iter_all(session: Session) -> Iterator[dict[str, Any]]:
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        yield as_dict(event)


def export_json(session: Session) -> str:
    return json.dumps(list(iter_all(session)), ensure_ascii=False, indent=1) + "\n"


def export_csv(session: Session) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in iter_all(session):
        row["data"] = json.dumps(row["data"], sort_keys=True, ensure_ascii=False)
        writer.writerow(row)
    return buf.getvalue()
