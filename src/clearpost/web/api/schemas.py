"""Request bodies of the API. Strings are bounded and may not hold NUL characters."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clearpost.model import Platform

MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Short = Annotated[str, Field(max_length=200)]
Email = Annotated[str, Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]
Text = Annotated[str, Field(max_length=5000)]
Long = Annotated[str, Field(max_length=20_000)]
Date = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    if isinstance(value, list):
        for v in value:
            _no_nul(v)
    if isinstance(value, dict):
        for k, v in value.items():
            _no_nul(k)
            _no_nul(v)
    return value


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _clean(cls, v: Any) -> Any:
        return _no_nul(v)


class LoginIn(In):
    email: Email
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class AccountRequestIn(In):
    platform: Platform
    name: Short
    handle: Short
    department: Short
    audience: Annotated[str, Field(max_length=500)]
    purpose: Text
    owners: Annotated[list[Email], Field(min_length=1, max_length=20)]


class AccountRequestChanges(In):
    platform: Platform | None = None
    name: Short | None = None
    handle: Short | None = None
    department: Short | None = None
    audience: Annotated[str | None, Field(max_length=500)] = None
    purpose: Text | None = None
    owners: Annotated[list[Email] | None, Field(max_length=20)] = None


class MediaFileIn(In):
    name: Annotated[str, Field(min_length=1, max_length=300)]
    kind: Literal["photo", "video"] = "photo"
    sha256: Annotated[str | None, Field(pattern=r"^[0-9a-fA-F]{64}$")] = None


class MediaApprovalIn(In):
    account_id: Id
    caption: Text = ""
    files: Annotated[list[MediaFileIn], Field(min_length=1, max_length=20)]
    intended_date: Date | None = None


class PostingRequestIn(In):
    account_id: Id
    scope: Annotated[str, Field(min_length=1, max_length=500)]
    reason: Text = ""


class GrantIn(In):
    account_id: Id
    holder_email: Email
    scope: Annotated[str, Field(min_length=1, max_length=500)]
    expires_at: Annotated[str | None, Field(max_length=40)] = None
    reason: Text = ""


class ReportIn(In):
    description: Long
    link: Annotated[str | None, Field(max_length=1000)] = None
    pasted_text: Long | None = None
    screenshot_name: Annotated[str | None, Field(max_length=300)] = None
    subject_name: Short | None = None
    subject_email: Email | None = None
    anonymous: bool = False


class QuestionIn(In):
    text: Text


class ActionData(In):
    """Decision details; each action reads the fields it needs (see docs/service.md)."""

    branding: dict[Annotated[str, Field(max_length=60)], bool] | None = None
    overlap_reviewed: bool | None = None
    scope: Annotated[str | None, Field(max_length=500)] = None
    expires_at: Annotated[str | None, Field(max_length=40)] = None
    assignee_email: Email | None = None
    outcome: Annotated[str | None, Field(max_length=40)] = None
    answer: Text | None = None
    question: Text | None = None
    publish: bool | None = None
    sections: Annotated[list[Annotated[str, Field(max_length=60)]] | None, Field(max_length=20)] = None
    changes: AccountRequestChanges | None = None
    caption: Text | None = None
    files: Annotated[list[MediaFileIn] | None, Field(max_length=20)] = None


class ActionIn(In):
    comment: Text = ""
    data: ActionData = ActionData()


class RegistryIn(In):
    platform: Platform
    handle: Short
    name: Short | None = None
    url: Annotated[str | None, Field(max_length=500)] = None
    department: Short | None = None
    audience: Annotated[str | None, Field(max_length=500)] = None
    owners: Annotated[list[Email], Field(max_length=20)] = []
    status: Literal["active", "retired"] = "active"
    branding: dict[Annotated[str, Field(max_length=60)], bool] = {}


class RegistryPatch(In):
    platform: Platform | None = None
    handle: Short | None = None
    name: Short | None = None
    url: Annotated[str | None, Field(max_length=500)] = None
    department: Short | None = None
    audience: Annotated[str | None, Field(max_length=500)] = None
    owners: Annotated[list[Email] | None, Field(max_length=20)] = None
    status: Literal["active", "retired"] | None = None
    branding: dict[Annotated[str, Field(max_length=60)], bool] | None = None


class OverlapIn(In):
    name: Short = ""
    handle: Short = ""
    platform: Platform | None = None
    department: Short | None = None
    audience: Annotated[str | None, Field(max_length=500)] = None


class AskIn(In):
    question: Annotated[str, Field(min_length=1, max_length=2000)]
    k: Annotated[int, Field(ge=1, le=10)] = 3


class ConnectionIn(In):
    relation: Literal["physician-patient", "clinician-patient", "supervisor-report",
                      "report-supervisor", "colleague"]
    knew_before_care: bool = False


class UserIn(In):
    email: Email
    name: Short
    roles: Annotated[list[Literal["employee", "physician", "manager", "marcomm", "strategist",
                                  "admin"]], Field(max_length=6)] = []
    department: Short | None = None
    manager_email: Email | None = None
    password: Annotated[str | None, Field(min_length=10, max_length=1000)] = None


class UserPatch(In):
    name: Short | None = None
    roles: Annotated[list[Literal["employee", "physician", "manager", "marcomm", "strategist",
                                  "admin"]] | None, Field(max_length=6)] = None
    department: Short | None = None
    manager_email: Annotated[str | None, Field(max_length=320)] = None
    active: bool | None = None
    password: Annotated[str | None, Field(min_length=10, max_length=1000)] = None


class TokenIn(In):
    name: Short = "token"
