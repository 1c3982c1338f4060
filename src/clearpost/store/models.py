"""The tables of the service (SQLAlchemy 2). Alembic migrations in store/migrations create them.

Free text that people submit (report text, captions, questions) lives only in `*_enc` columns,
encrypted by store.crypto.Cipher; structured fields stay plain so the workflows can query them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class TZDateTime(TypeDecorator[datetime]):
    """Timezone-aware everywhere: stored as UTC; SQLite drops tzinfo, so UTC is put back on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Role names, sorted; everyone is an employee whatever is stored here.
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    oidc_subject: Mapped[str | None] = mapped_column(String(300), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: sha256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class RegistryAccount(Base):
    __tablename__ = "registry_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(40), index=True)
    handle: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    audience: Mapped[str | None] = mapped_column(String(500))
    #: Owners' e-mail addresses.
    owners: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="active")
    branding: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)


class _Item:
    """Columns every workflow item has."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(40), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow, index=True)


class AccountRequest(_Item, Base):
    __tablename__ = "account_requests"
    platform: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(500))
    purpose: Mapped[str] = mapped_column(Text)
    owners: Mapped[list[str]] = mapped_column(JSON, default=list)
    overlap: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    branding: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    registry_account_id: Mapped[int | None] = mapped_column(ForeignKey("registry_accounts.id"))


class MediaApproval(_Item, Base):
    __tablename__ = "media_approvals"
    account_id: Mapped[int] = mapped_column(ForeignKey("registry_accounts.id"), index=True)
    #: [{"name", "sha256", "kind"}]: which files were approved, not the files.
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    caption_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The automatic check (verdict and findings), encrypted: evidence quotes the caption.
    check_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    check_verdict: Mapped[str | None] = mapped_column(String(10))
    intended_date: Mapped[str | None] = mapped_column(String(10))
    approval_id: Mapped[str | None] = mapped_column(String(40), unique=True, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(TZDateTime())


class PostingPermission(_Item, Base):
    __tablename__ = "posting_permissions"
    #: Who may post (the requester, or the person marcomm granted directly).
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("registry_accounts.id"), index=True)
    scope: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(TZDateTime())


class Report(_Item, Base):
    __tablename__ = "reports"
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    link: Mapped[str | None] = mapped_column(String(1000))
    subject_name: Mapped[str | None] = mapped_column(String(200))
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    description_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    pasted_text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    screenshot_name: Mapped[str | None] = mapped_column(String(300))
    #: Verdict and rule ids of the automatic check of the pasted text (no quoted text).
    check_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(40))
    purged_at: Mapped[datetime | None] = mapped_column(TZDateTime())


class Question(_Item, Base):
    __tablename__ = "questions"
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Section ids the pack retrieval suggested when the question was asked.
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    purged_at: Mapped[datetime | None] = mapped_column(TZDateTime())


class FaqEntry(Base):
    __tablename__ = "faq_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))
    #: The question as published: edited by the strategist so it names nobody.
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)


class AuditEvent(Base):
    """Append-only (database triggers refuse UPDATE and DELETE) and hash-chained."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(TZDateTime())
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(60))
    item_type: Mapped[str] = mapped_column(String(40), index=True)
    item_id: Mapped[int | None] = mapped_column(Integer, index=True)
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """One row: the last event's id and hash, so that deleting the newest events shows too."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=0)


class OutboxMail(Base):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(TZDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
