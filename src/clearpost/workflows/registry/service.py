"""The registry of official accounts: CRUD, overlap search, CSV import and export."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from clearpost.model import Platform
from clearpost.store.models import RegistryAccount
from clearpost.workflows.audit import service as audit
from clearpost.workflows.context import Ctx
from clearpost.workflows.errors import Conflict, Invalid, NotFound

PLATFORMS: tuple[str, ...] = Platform.__args__  # type: ignore[attr-defined]
STATUSES = ("active", "retired")
#: The visual identity checklist every official profile completes before it goes live.
BRANDING_CHECKLIST = (
    "name_follows_identity_guide",
    "approved_logo_or_avatar",
    "approved_colours",
    "about_links_official_site",
    "two_owners_named",
)
CSV_FIELDS = ("platform", "handle", "name", "url", "department", "audience", "owners", "status")
MAX_CSV_ROWS = 10_000
FIELD_LIMITS = {"handle": 200, "name": 200, "url": 500, "department": 200, "audience": 500}
#: Similarity (0-100) from which names or handles count as overlapping.
SIMILAR = 80
_WORD = re.compile(r"[a-z0-9]+")
_AUDIENCE_STOP = {"and", "or", "the", "of", "for", "to", "in", "a", "an", "our", "their", "with"}


def clean(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    platform = str(out.get("platform", "")).strip().lower()
    if platform not in PLATFORMS:
        raise Invalid(f"unknown platform {platform!r}; platforms are: {', '.join(PLATFORMS)}")
    out["platform"] = platform
    handle = str(out.get("handle") or "").strip()
    if not handle:
        raise Invalid("an account needs a handle")
    out["handle"] = handle
    out["name"] = str(out.get("name") or handle).strip()
    for key, limit in FIELD_LIMITS.items():
        if out.get(key) is not None and len(str(out[key])) > limit:
            raise Invalid(f"{key} is longer than {limit} characters")
    status = out.get("status") or "active"
    if status not in STATUSES:
        raise Invalid(f"unknown status {status!r}; statuses are: {', '.join(STATUSES)}")
    out["status"] = status
    owners = out.get("owners") or []
    if isinstance(owners, str):
        owners = [o for o in re.split(r"[;,\s]+", owners) if o]
    if any("@" not in o for o in owners):
        raise Invalid("owners are e-mail addresses")
    out["owners"] = sorted(dict.fromkeys(o.lower() for o in owners))
    branding = out.get("branding") or {}
    unknown = set(branding) - set(BRANDING_CHECKLIST)
    if unknown:
        raise Invalid(f"unknown branding checklist items: {', '.join(sorted(unknown))}")
    out["branding"] = {k: bool(branding.get(k, False)) for k in BRANDING_CHECKLIST}
    return out


def norm_handle(handle: str) -> str:
    return re.sub(r"[^a-z0-9]", "", handle.lower().lstrip("@"))


def _same_handle(session: Session, platform: str, handle: str, exclude: int | None) -> bool:
    rows = session.execute(select(RegistryAccount).where(RegistryAccount.platform == platform)
                           ).scalars()
    return any(r.id != exclude and norm_handle(r.handle) == norm_handle(handle) for r in rows)


def get(session: Session, account_id: int) -> RegistryAccount:
    account = session.get(RegistryAccount, account_id)
    if account is None:
        raise NotFound(f"no registry account #{account_id}")
    return account


def create(ctx: Ctx, values: dict[str, Any], *, action: str = "create",
           audited: bool = True) -> RegistryAccount:
    """Add an account; `audited=False` when a workflow transition records it in its own event."""
    v = clean(values)
    if _same_handle(ctx.session, v["platform"], v["handle"], None):
        raise Conflict(f"{v['platform']} account {v['handle']} is already in the registry")
    account = RegistryAccount(platform=v["platform"], handle=v["handle"], name=v["name"],
                              url=v.get("url"), department=v.get("department"),
                              audience=v.get("audience"), owners=v["owners"],
                              status=v["status"], branding=v["branding"],
                              created_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(account)
    ctx.session.flush()
    if audited:
        audit.record(ctx.session, ctx.actor, action, "registry_account", account.id,
                     to_state=account.status, data={"platform": account.platform,
                                                    "handle": account.handle}, at=ctx.now)
    return account


def update(ctx: Ctx, account_id: int, changes: dict[str, Any]) -> RegistryAccount:
    account = get(ctx.session, account_id)
    merged = {**as_dict(account), **{k: v for k, v in changes.items() if v is not None}}
    v = clean(merged)
    if _same_handle(ctx.session, v["platform"], v["handle"], account.id):
        raise Conflict(f"{v['platform']} account {v['handle']} is already in the registry")
    before = account.status
    for key in ("platform", "handle", "name", "url", "department", "audience", "owners",
                "status", "branding"):
        setattr(account, key, v.get(key))
    account.updated_at = ctx.now
    ctx.session.flush()
    audit.record(ctx.session, ctx.actor, "update", "registry_account", account.id,
                 from_state=before, to_state=account.status,
                 data={k: changes[k] for k in changes if k in CSV_FIELDS or k == "branding"},
                 at=ctx.now)
    return account


def search(session: Session, *, q: str | None = None, platform: str | None = None,
           department: str | None = None, status: str | None = None, limit: int = 50,
           offset: int = 0) -> tuple[list[RegistryAccount], int]:
    query = select(RegistryAccount)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(RegistryAccount.handle).like(like),
                                func.lower(RegistryAccount.name).like(like)))
    if platform:
        query = query.where(RegistryAccount.platform == platform)
    if department:
        query = query.where(func.lower(RegistryAccount.department) == department.lower())
    if status:
        query = query.where(RegistryAccount.status == status)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(RegistryAccount.id).limit(limit).offset(offset)).scalars()
    return list(rows), int(total)


def _audience_words(text: str | None) -> set[str]:
    return {w for w in _WORD.findall((text or "").lower()) if w not in _AUDIENCE_STOP and len(w) > 2}


def overlap(session: Session, *, name: str = "", handle: str = "", platform: str | None = None,
            department: str | None = None, audience: str | None = None,
            exclude_id: int | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Registry accounts a new one might duplicate, strongest first, each with its reasons."""
    wanted = _audience_words(audience)
    found: list[dict[str, Any]] = []
    for acc in session.execute(select(RegistryAccount).where(RegistryAccount.status == "active")
                               ).scalars():
        if acc.id == exclude_id:
            continue
        reasons: list[str] = []
        name_score = fuzz.token_set_ratio(name.lower(), acc.name.lower()) if name else 0.0
        handle_score = (fuzz.ratio(norm_handle(handle), norm_handle(acc.handle))
                        if handle else 0.0)
        if name_score >= SIMILAR:
            reasons.append(f"similar name ({name_score:.0f}%)")
        if handle_score >= SIMILAR:
            reasons.append(f"similar handle ({handle_score:.0f}%)")
        if (platform and department and acc.platform == platform and acc.department
                and acc.department.lower() == department.lower()):
            reasons.append("same platform and department")
        theirs = _audience_words(acc.audience)
        shared = wanted & theirs
        audience_score = len(shared) / max(1, min(len(wanted), len(theirs))) if wanted and theirs else 0.0
        if audience_score >= 0.5:
            reasons.append(f"overlapping audience ({', '.join(sorted(shared))})")
        if reasons:
            score = max(name_score, handle_score, audience_score * 100,
                        90.0 if "same platform and department" in reasons else 0.0)
            found.append({"account": as_dict(acc), "score": round(score, 1), "reasons": reasons})
    found.sort(key=lambda f: -f["score"])
    return found[:limit]


def as_dict(acc: RegistryAccount) -> dict[str, Any]:
    return {"id": acc.id, "platform": acc.platform, "handle": acc.handle, "name": acc.name,
            "url": acc.url, "department": acc.department, "audience": acc.audience,
            "owners": list(acc.owners or []), "status": acc.status,
            "branding": dict(acc.branding or {})}


def export_csv(session: Session) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for acc in session.execute(select(RegistryAccount).order_by(RegistryAccount.id)).scalars():
        row = as_dict(acc)
        row["owners"] = ";".join(row["owners"])
        writer.writerow(row)
    return buf.getvalue()


def import_csv(ctx: Ctx, text: str) -> dict[str, int]:
    """Add new accounts and update known ones (same platform and handle); all rows or none."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"platform", "handle"} - set(reader.fieldnames or [])
    if missing:
        raise Invalid(f"CSV header lacks: {', '.join(sorted(missing))}")
    created = updated = 0
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_CSV_ROWS:
            raise Invalid(f"more than {MAX_CSV_ROWS} rows")
        values = {k: (row.get(k) or None) for k in CSV_FIELDS}
        try:
            cleaned = clean(values)
            existing = next((a for a in ctx.session.execute(
                select(RegistryAccount).where(RegistryAccount.platform == cleaned["platform"])
            ).scalars() if norm_handle(a.handle) == norm_handle(cleaned["handle"])), None)
            if existing is None:
                create(ctx, cleaned, action="import")
                created += 1
            else:
                update(ctx, existing.id, {k: cleaned[k] for k in CSV_FIELDS if values.get(k)})
                updated += 1
        except (Invalid, Conflict) as exc:
            raise Invalid(f"CSV line {line}: {exc.detail}") from None
    return {"created": created, "updated": updated}
