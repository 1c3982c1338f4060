"""The contract's data: a post goes in, a result comes out (see docs/contract.md).

Field names and values here are fixed by the contract; add fields freely, never rename or drop.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Role = Literal["employee", "physician", "nurse", "researcher", "manager", "marcomm"]
AccountKind = Literal["personal", "department", "official"]
Platform = Literal[
    "x", "facebook", "instagram", "linkedin", "youtube", "tiktok", "threads",
    "bluesky", "mastodon", "blog", "other",
]
Venue = Literal["own", "org-channel"]
Level = Literal["block", "review", "warn"]
Verdict = Literal["block", "review", "warn", "pass"]

#: Verdict order: the verdict of a result is the highest level among its findings.
LEVEL_RANK: dict[str, int] = {"pass": 0, "warn": 1, "review": 2, "block": 3}

#: Largest post text accepted, in characters. Real posts are far shorter (a long LinkedIn
#: article is ~120,000); past this we refuse rather than spend seconds on one input.
MAX_TEXT_CHARS = 200_000
MAX_MEDIA_FILES = 20


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=False)


class Author(_Frozen):
    role: Role = "employee"
    department: str | None = None
    name: str | None = None


class Account(_Frozen):
    kind: AccountKind = "personal"
    platform: Platform = "other"
    handle: str | None = None
    pseudonymous: bool = False
    discloses_affiliation: bool = False
    approval_id: str | None = None


class Profile(_Frozen):
    about: str = ""
    email: str | None = None
    display_name: str | None = None


class Post(_Frozen):
    """One draft post, as the contract's section 1 describes it. Only `text` is required."""

    id: str | None = None
    text: str = Field(max_length=MAX_TEXT_CHARS)
    author: Author = Author()
    account: Account = Account()
    venue: Venue = "own"
    images: tuple[str, ...] = Field(default=(), max_length=MAX_MEDIA_FILES)
    videos: tuple[str, ...] = Field(default=(), max_length=MAX_MEDIA_FILES)
    profile: Profile | None = None


class Evidence(_Frozen):
    """Where a finding comes from: a span of the post text, or a region of an image."""

    model_config = ConfigDict(frozen=True, extra="allow")

    start: int | None = None
    end: int | None = None
    text: str
    kind: str
    source: str | None = None
    box: tuple[int, int, int, int] | None = None


class Finding(_Frozen):
    rule: str
    level: Level
    section: str
    message: str
    evidence: tuple[Evidence, ...] = ()
    fix: str
    score: float = 1.0
    #: How the detector decided: patterns, context words, model scores. For people and logs.
    explain: dict[str, Any] = Field(default_factory=dict)


class Result(_Frozen):
    id: str | None = None
    verdict: Verdict
    findings: tuple[Finding, ...] = ()
    redacted: str
    policy: str

    def to_json_dict(self) -> dict[str, Any]:
        """The contract's result object; image evidence keeps `source` and drops offsets."""
        out = self.model_dump(mode="json", exclude_none=False)
        for finding in out["findings"]:
            if not finding["explain"]:
                del finding["explain"]
            for ev in finding["evidence"]:
                for key in ("source", "box"):
                    if ev.get(key) is None:
                        ev.pop(key, None)
                if ev.get("source"):
                    ev.pop("start", None)
                    ev.pop("end", None)
        return out


class PostInputError(ValueError):
    """The documented input error: bad JSON, unknown field values, oversized or binary text."""


def parse_post(data: Any, *, where: str = "post") -> Post:
    """Validate a decoded JSON value into a Post, raising PostInputError with one clear line."""
    if not isinstance(data, dict):
        raise PostInputError(f"{where}: expected a JSON object, got {type(data).__name__}")
    text = data.get("text")
    if isinstance(text, str) and "\x00" in text:
        raise PostInputError(f"{where}: text contains binary data (NUL bytes)")
    try:
        return Post.model_validate(data)
    except ValidationError as exc:
        raise PostInputError(f"{where}: {describe_validation_error(exc)}") from None


def describe_validation_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "(root)"
    msg = err["msg"]
    if err["type"] == "literal_error":
        msg = f"unknown value {err.get('input')!r}; {msg[0].lower()}{msg[1:]}"
    elif err["type"] == "string_too_long":
        msg = f"too long ({len(str(err.get('input', '')))} characters; the limit is {MAX_TEXT_CHARS})"
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"field '{loc}': {msg}{more}"
