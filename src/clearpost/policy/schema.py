"""The policy pack: an organization's social media guidelines as data.

A pack is a directory:

    pack.yaml          organization, contacts, sections, workflow settings
    rules/<id>.yaml    one file per rule: level, section, why, fix, examples, parameters
    lexicons/<n>.txt   extra phrases, one per line ("#" starts a comment); they extend the
                       built-in lexicon of the same name (see clearpost.text.lexicons)
    logos/             image files of the organization's marks (for the media checks)
    corpus/            the organization's published posts and releases (already public)

docs/policy-packs.md documents every field; `clearpost policy init DIR` writes a starter pack.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clearpost.model import Level, Role

#: The rule ids of the contract. A pack configures them; it cannot invent new ones
#: (a rule needs a detector, and detectors are code).
POST_RULES = (
    "phi", "confidential", "not-yet-public", "harassment", "medical-advice",
    "undisclosed-endorsement", "name-logo-endorsement", "speaking-for-org", "media-approval",
    "onsite-photo", "faces", "professionalism", "pseudonym", "copyright",
)
PROFILE_RULES = ("profile-disclaimer", "physician-notice", "work-email", "pseudonym")
ALL_RULES = tuple(dict.fromkeys(POST_RULES + PROFILE_RULES))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Strict):
    name: str
    email: str | None = None
    url: str | None = None
    phone: str | None = None


class Site(_Strict):
    """A place of the organization. Photos whose GPS falls inside are taken on site."""

    name: str
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius_m: float = Field(gt=0, le=50_000)


class Section(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    summary: str
    contact: str | None = None


class Example(_Strict):
    """A post that must fire the rule (in `fires`) or must not (in `passes`)."""

    text: str
    author: dict[str, Any] = Field(default_factory=dict)
    account: dict[str, Any] = Field(default_factory=dict)
    venue: str = "own"
    images: list[str] = Field(default_factory=list)
    profile: dict[str, Any] | None = None
    note: str = ""

    def as_post(self) -> dict[str, Any]:
        post: dict[str, Any] = {"text": self.text, "author": self.author,
                                "account": self.account, "venue": self.venue}
        if self.images:
            post["images"] = self.images
        if self.profile is not None:
            post["profile"] = self.profile
        return post


class Rule(_Strict):
    id: str
    title: str
    level: Level
    section: str
    why: str
    fix: str
    enabled: bool = True
    #: Raise the level for some author roles (medical advice from a physician is reviewed).
    escalate: dict[Role, Level] = Field(default_factory=dict)
    #: Detector tuning; each detector documents the keys it reads.
    params: dict[str, Any] = Field(default_factory=dict)
    fires: list[Example] = Field(min_length=3)
    passes: list[Example] = Field(min_length=3)

    @field_validator("id")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in ALL_RULES:
            raise ValueError(f"unknown rule id {v!r}; rules are: {', '.join(ALL_RULES)}")
        return v


class Organization(_Strict):
    name: str
    #: Other names people use: "MSK", "Sloan Kettering", "Memorial Sloan Kettering".
    aliases: list[str] = Field(default_factory=list)
    #: Names that are ambiguous alone and count only with other signals ("Sloan", "Memorial").
    weak_aliases: list[str] = Field(default_factory=list)
    institutes: list[str] = Field(default_factory=list)
    schools: list[str] = Field(default_factory=list)
    marks: list[str] = Field(default_factory=list)
    #: Short marks that count only when written exactly so ("SKI", not "ski trip").
    case_sensitive_marks: list[str] = Field(default_factory=list)
    official_handles: list[str] = Field(default_factory=list)
    hashtags: list[str] = Field(default_factory=list)
    email_domains: list[str] = Field(default_factory=list)
    web_domains: list[str] = Field(default_factory=list)
    intranet_hosts: list[str] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
    embargo_terms: list[str] = Field(default_factory=list)
    #: The organization's own fundraising campaigns and events: raising money for them with
    #: its name is not lending the name to an outside cause.
    own_campaigns: list[str] = Field(default_factory=list)
    published_corpus: str | None = None
    colours: dict[str, str] = Field(default_factory=lambda: {"primary": "#1f4e79", "accent": "#f2a900"})
    disclaimer_example: str = "I work for the organization, but the views here are my own."
    physician_notice_example: str = (
        "Posts are not medical advice. Please don't post personal medical information here."
    )

    @field_validator("colours")
    @classmethod
    def _hex(cls, v: dict[str, str]) -> dict[str, str]:
        for key, value in v.items():
            if not (value.startswith("#") and len(value) in (4, 7)):
                raise ValueError(f"colour {key!r} must be a hex colour like #1f4e79")
        return v

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases, *self.institutes, *self.schools, *self.marks]


class Workflows(_Strict):
    expiry_days: int = Field(default=30, ge=1, le=3650)
    retention_days: int = Field(default=365, ge=1, le=3650)
    approval_id_prefix: str = "MC"


class PackFile(_Strict):
    """The contents of pack.yaml."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str
    title: str
    language: Literal["en"] = "en"
    organization: Organization
    contacts: dict[str, Contact]
    sections: list[Section] = Field(min_length=1)
    workflows: Workflows = Workflows()

    @model_validator(mode="after")
    def _contacts_exist(self) -> PackFile:
        for sec in self.sections:
            if sec.contact and sec.contact not in self.contacts:
                raise ValueError(f"section {sec.id!r} names unknown contact {sec.contact!r}")
        return self
