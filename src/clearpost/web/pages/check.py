"""The "Check a post" page: the engine's verdict as the employee types, and safe copies.

The text and photos are checked in memory (photos pass through a private temporary folder
that is removed before the response is sent) and never stored or logged.
"""

from __future__ import annotations

import importlib.util
import tempfile
import time
from pathlib import Path
from typing import Any, get_args

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from clearpost.engine import check
from clearpost.model import (
    MAX_TEXT_CHARS,
    AccountKind,
    Platform,
    Post,
    PostInputError,
    Role,
    Venue,
    parse_post,
)
from clearpost.web.pages.highlight import segments
from clearpost.web.pages.routing import PageRouter
from clearpost.web.pages.session import check_csrf, page_context, policy_of, require_user
from clearpost.web.pages.templating import render

router = PageRouter()

PLATFORMS: tuple[str, ...] = get_args(Platform)
ACCOUNT_KINDS: tuple[str, ...] = get_args(AccountKind)
ROLES: tuple[str, ...] = get_args(Role)
VENUES: tuple[str, ...] = get_args(Venue)
MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif"}


def media_redaction_available() -> bool:
    """True when the media module's photo redaction is installed (issue 5)."""
    try:
        return importlib.util.find_spec("clearpost.media.redact") is not None
    except (ImportError, ValueError):
        return False


def _choice(value: Any, allowed: tuple[str, ...], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def _form_values(form: FormData) -> dict[str, Any]:
    return {
        "text": str(form.get("text") or "")[:MAX_TEXT_CHARS],
        "platform": _choice(form.get("platform"), PLATFORMS, "other"),
        "account_kind": _choice(form.get("account_kind"), ACCOUNT_KINDS, "personal"),
        "role": _choice(form.get("role"), ROLES, "employee"),
        "venue": _choice(form.get("venue"), VENUES, "own"),
        "discloses": form.get("discloses") in ("on", "true", "1"),
    }


def _photos(form: FormData) -> list[UploadFile]:
    files = [f for f in form.getlist("photos") if isinstance(f, UploadFile) and f.filename]
    if len(files) > MAX_PHOTOS:
        raise PostInputError(f"attach at most {MAX_PHOTOS} photos")
    return files


async def _save(files: list[UploadFile], folder: Path) -> list[str]:
    paths = []
    for i, upload in enumerate(files):
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in PHOTO_SUFFIXES:
            raise PostInputError(f"{upload.filename}: not a photo (use JPEG, PNG, WebP, GIF or HEIC)")
        data = await upload.read(MAX_PHOTO_BYTES + 1)
        if len(data) > MAX_PHOTO_BYTES:
            raise PostInputError(f"{upload.filename}: larger than {MAX_PHOTO_BYTES // 2**20} MB")
        path = folder / f"photo{i}{suffix}"
        path.write_bytes(data)
        paths.append(str(path))
    return paths


def _plain(message: str, folder: Path, files: list[UploadFile]) -> str:
    """An error about a saved photo names the file the person chose, not our temporary path."""
    for i, upload in enumerate(files):
        for path in folder.glob(f"photo{i}.*"):
            message = message.replace(str(path), upload.filename or "the photo")
    return message.replace(str(folder), "").splitlines()[0] if message else "invalid input"


def _post(values: dict[str, Any], images: list[str]) -> Post:
    return parse_post({"text": values["text"], "author": {"role": values["role"]},
                       "account": {"kind": values["account_kind"], "platform": values["platform"],
                                   "discloses_affiliation": values["discloses"]},
                       "venue": values["venue"], "images": images})


async def run_check(request: Request, form: FormData) -> dict[str, Any]:
    """Check the form's post; returns the template context for the result panel."""
    values = _form_values(form)
    policy = policy_of(request)
    started = time.perf_counter()
    try:
        files = _photos(form)
    except PostInputError as exc:
        return {"values": values, "error": str(exc), "result": None}
    with tempfile.TemporaryDirectory(prefix="clearpost-check-") as tmp:
        try:
            images = await _save(files, Path(tmp))
            result = check(_post(values, images), policy)
        except PostInputError as exc:
            return {"values": values, "error": _plain(str(exc), Path(tmp), files), "result": None}
        names = {p: (f.filename or p) for p, f in zip(images, files, strict=True)}
    sections = {s.id: s.title for s in policy.pack.sections}
    image_findings = [
        (f, [ev.model_copy(update={"source": names.get((ev.source or "")[6:], "a photo")})
             for ev in f.evidence if ev.source])
        for f in result.findings]
    return {
        "values": values,
        "error": None,
        "result": result,
        "segments": segments(values["text"], result),
        "sections": sections,
        "image_evidence": {f.rule: evs for f, evs in image_findings if evs},
        "has_photos": bool(files),
        "elapsed_ms": (time.perf_counter() - started) * 1000,
    }


def _choices() -> dict[str, Any]:
    return {"platforms": PLATFORMS, "account_kinds": ACCOUNT_KINDS, "roles": ROLES,
            "venues": VENUES, "safe_photo": media_redaction_available(),
            "max_photos": MAX_PHOTOS}


@router.get("/check")
async def check_page(request: Request) -> Response:
    user = require_user(request)
    ctx = page_context(request, user, title="Check a post", active="check")
    ctx.update(_choices())
    ctx.update({"values": _form_values(FormData()), "result": None, "error": None})
    return render(request, "check.html", ctx)


@router.post("/check")
async def check_submit(request: Request) -> Response:
    """With JavaScript the result panel is swapped in place; without it the page reloads."""
    user = require_user(request)
    form = await request.form()
    checked = await run_check(request, form)
    if request.headers.get("HX-Request") == "true":
        return render(request, "_check_result.html", {**checked, "safe_photo":
                                                      media_redaction_available()})
    ctx = page_context(request, user, title="Check a post", active="check")
    ctx.update(_choices())
    ctx.update(checked)
    return render(request, "check.html", ctx)


@router.post("/check/safe-photo")
async def safe_photo(request: Request) -> Response:
    """A copy of the first attached photo with faces blurred, patient text hidden, no metadata."""
    user = require_user(request)
    if not media_redaction_available():
        return render(request, "error.html", {**page_context(request, user, title="Not available"),
                      "status": 404, "message": "Safe photos need the media module, which is not installed."},
                      status_code=404)
    from clearpost.media.redact import redact_image  # the media extra: loaded only when asked

    form = await request.form()
    check_csrf(user, form)
    files: list[UploadFile] = []
    with tempfile.TemporaryDirectory(prefix="clearpost-redact-") as tmp:
        try:
            files = _photos(form)[:1]
            if not files:
                raise PostInputError("attach a photo first")
            (src,) = await _save(files, Path(tmp))
            suffix = Path(src).suffix if Path(src).suffix in {".jpg", ".jpeg", ".png", ".webp"} else ".png"
            dst = Path(tmp) / f"safe{suffix}"
            redact_image(src, dst, policy_of(request))
            data = dst.read_bytes()
        except (PostInputError, ValueError, OSError) as exc:
            ctx = page_context(request, user, title="Could not make a safe photo")
            return render(request, "error.html", {**ctx, "status": 422,
                          "message": _plain(str(exc), Path(tmp), files)}, status_code=422)
    stem = Path(files[0].filename or "photo").stem[:60] or "photo"
    media_type = {".png": "image/png", ".webp": "image/webp"}.get(suffix, "image/jpeg")
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{stem}-safe{suffix}"',
        "Cache-Control": "no-store"})
