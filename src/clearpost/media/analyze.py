"""Run every media check on a post's photos and videos and turn what they show into hits.

Per picture: metadata (GPS inside a site of the pack), text (OCR, then every text rule on it
and the labelled-field patterns of clearpost.media.fields), faces, and the pack's logos.
Evidence from a picture carries `source="image:PATH"` and a box (x, y, w, h); from a video,
`source="video:PATH"` plus the frame's time.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from clearpost.detectors import DETECTORS
from clearpost.detectors.base import Hit, PostView, Span
from clearpost.media.exif import PhotoMeta, read_meta, site_at
from clearpost.media.faces import FACE_MAX_SIDE, Face, find_faces
from clearpost.media.fields import Field, find_fields, is_patient_record
from clearpost.media.loader import LoadedImage, load_image
from clearpost.media.logos import LogoMatch, find_logos, policy_refs
from clearpost.media.ocr import OCR_MAX_SIDE, OcrLine, read_text, scaled
from clearpost.model import Evidence, Post

# The engine treats an ImportError from this module as "the media extra is not installed";
# fail here, at import, rather than halfway through a check.
for _needed in ("cv2", "rapidocr", "onnxruntime"):
    if importlib.util.find_spec(_needed) is None:
        raise ImportError(f"clearpost's media extra is not installed (missing {_needed})")

#: Rules about the media itself: decided from metadata, faces and logos, not from the text
#: that happens to be in the picture (a "No photography" sign is not a photo of a lobby).
_MEDIA_RULES = frozenset({"media-approval", "onsite-photo", "faces"})
#: Smallest face counted as identifiable, as a share of the picture's area.
MIN_IDENTIFIABLE_FACE = 0.0004

_PROMO = re.compile(r"\b(?:code|promo)\s+[A-Z0-9]{4,}\b|\b\d{1,2}\s?% off\b|\bbuy now\b|"
                     r"\bshop now\b|\bdiscount\b", re.IGNORECASE)
_POLITICS = re.compile(r"\bvote (?:for|yes|no)\b|#vote\w+|\bprop(?:osition)?\s?\d+\b|"
                        r"\bfor (?:city council|senate|congress|mayor|governor|president)\b|"
                        r"\belect\b|\bre-?elect\b", re.IGNORECASE)


@dataclass
class ImageReport:
    """What one picture (or one video frame) shows."""

    source: str  # image:PATH, or video:PATH
    size: tuple[int, int]
    meta: PhotoMeta | None = None
    site: tuple[str, float] | None = None  # site name, metres from its centre
    lines: list[OcrLine] = field(default_factory=list)
    faces: list[Face] = field(default_factory=list)
    logos: list[LogoMatch] = field(default_factory=list)
    time_s: float | None = None  # video frames

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


def analyze_picture(image: Any, policy: Any, source: str, *, ocr: bool = True,
                    logos: bool = True, time_s: float | None = None,
                    scale: float = 1.0, face_max_side: int = FACE_MAX_SIDE) -> ImageReport:
    """OCR, faces and logos of an RGB Pillow image; boxes are multiplied by `scale` (the
    original's pixels per pixel of `image`)."""
    work, f = scaled(image, OCR_MAX_SIDE)  # one downscale shared by every check
    k = scale / f
    rep = ImageReport(source=source, size=(round(image.width * scale), round(image.height * scale)),
                      time_s=time_s)
    rep.faces = [Face(box=_mul(fc.box, k), share=fc.share) for fc in find_faces(work, face_max_side)
                 if fc.share >= MIN_IDENTIFIABLE_FACE]
    rep.logos = [LogoMatch(lg.name, _mul(lg.box, k), lg.inliers)
                 for lg in (find_logos(work, policy_refs(policy)) if logos else [])]
    if ocr:
        rep.lines = [OcrLine(ln.text, _mul(ln.box, k), ln.score) for ln in read_text(work)]
    return rep


def _mul(box: tuple[int, int, int, int], k: float) -> tuple[int, int, int, int]:
    if k == 1.0:
        return box
    x, y, w, h = box
    return (round(x * k), round(y * k), round(w * k), round(h * k))


def analyze_image(loaded: LoadedImage, policy: Any) -> ImageReport:
    rep = analyze_picture(loaded.image, policy, f"image:{loaded.path}", scale=loaded.scale)
    rep.meta = read_meta(loaded.exif, loaded.info)
    if rep.meta.has_gps:
        assert rep.meta.latitude is not None and rep.meta.longitude is not None
        found = site_at(rep.meta.latitude, rep.meta.longitude, policy.org.sites)
        if found:
            rep.site = (found[0].name, round(found[1], 1))
    return rep


def reports_for(post: Post, policy: Any) -> list[ImageReport]:
    reports = [analyze_image(load_image(path, max_side=OCR_MAX_SIDE), policy)
               for path in post.images]
    if post.videos:
        from clearpost.media.video import analyze_video

        for path in post.videos:
            reports.extend(analyze_video(path, policy))
    return reports


def media_hits(view: PostView) -> dict[str, list[Hit]]:
    """Hits per rule id from the post's photos and videos (the engine's entry point)."""
    return hits_from_reports(view, reports_for(view.post, view.policy))


# --- from reports to hits ----------------------------------------------------------------

def _ev(rep: ImageReport, text: str, kind: str, box: tuple[int, int, int, int] | None,
        **extra: Any) -> Evidence:
    if rep.time_s is not None:
        extra["time_s"] = rep.time_s
    return Evidence(text=text, kind=kind, source=rep.source, box=box, **extra)


def _union(boxes: Iterable[tuple[int, int, int, int]]) -> tuple[int, int, int, int] | None:
    bs = list(boxes)
    if not bs:
        return None
    x0 = min(b[0] for b in bs)
    y0 = min(b[1] for b in bs)
    x1 = max(b[0] + b[2] for b in bs)
    y1 = max(b[1] + b[3] for b in bs)
    return (x0, y0, x1 - x0, y1 - y0)


@dataclass
class _OcrText:
    """The OCR lines of one picture joined into a text, after the post's caption for context."""

    text: str
    offset: int  # where the picture's text starts (after the caption)
    line_spans: list[tuple[int, int, OcrLine]]

    def box(self, start: int, end: int) -> tuple[int, int, int, int] | None:
        return _union(ln.box for s, e, ln in self.line_spans if s < end and start < e)

    def lines_in(self, start: int, end: int) -> list[OcrLine]:
        return [ln for s, e, ln in self.line_spans if s < end and start < e]


def _ocr_text(rep: ImageReport, caption: str) -> _OcrText:
    head = caption.strip()
    head = f"{head}\n\n" if head else ""
    parts, spans, pos = [], [], len(head)
    for ln in rep.lines:
        parts.append(ln.text)
        spans.append((pos, pos + len(ln.text), ln))
        pos += len(ln.text) + 1
    return _OcrText(head + "\n".join(parts), len(head), spans)


def text_rule_hits(view: PostView, rep: ImageReport) -> dict[str, list[Hit]]:
    """Every text rule, and the labelled patient fields, on the text in one picture."""
    if not rep.lines:
        return {}
    ocr = _ocr_text(rep, view.post.text)
    post = view.post.model_copy(update={"text": ocr.text, "images": (), "videos": (),
                                        "profile": None})
    sub = PostView(post, view.policy)
    out: dict[str, list[Hit]] = {}
    for rule_id, detector in DETECTORS.items():
        if rule_id in _MEDIA_RULES:
            continue
        for hit in detector(sub):
            ev = _image_evidence(sub, ocr, rep, hit.evidence)
            if ev:
                out.setdefault(rule_id, []).append(Hit(
                    message=f"In the picture ({_where(rep)}): {hit.message}", evidence=ev,
                    fix=hit.fix, score=hit.score, level=hit.level,
                    explain={**hit.explain, "source": rep.source}))
    fields = [f for f in find_fields(ocr.text) if f.start >= ocr.offset]
    if is_patient_record(fields):
        out.setdefault("phi", []).append(_fields_hit(ocr, rep, fields))
    return out


def _image_evidence(sub: PostView, ocr: _OcrText, rep: ImageReport,
                    evidence: Iterable[Span | Evidence]) -> tuple[Evidence, ...]:
    """The hit's spans that fall in the picture's text, as image evidence with boxes."""
    out = []
    for sp in evidence:
        if not isinstance(sp, Span):
            continue
        ev = sub.evidence(sp.start, sp.end, sp.kind)
        assert ev.start is not None and ev.end is not None
        if ev.start < ocr.offset:
            continue
        out.append(_ev(rep, ev.text, ev.kind, ocr.box(ev.start, ev.end)))
    return tuple(out)


def _fields_hit(ocr: _OcrText, rep: ImageReport, fields: list[Field]) -> Hit:
    labels = list(dict.fromkeys(f.label for f in fields))
    ev = tuple(_ev(rep, ocr.text[f.start:f.end], f.kind, ocr.box(f.start, f.end)) for f in fields)
    return Hit(message=f"The picture ({_where(rep)}) shows patient information: "
                       + ", ".join(labels) + ".",
               evidence=ev, fix="Do not post it; `clearpost redact` blacks out the text and "
                                "blurs faces, but a picture of a chart or wristband is best not "
                                "shared at all.",
               explain={"fields": labels, "source": rep.source})


def _where(rep: ImageReport) -> str:
    where = rep.source.split(":", 1)[1]
    return f"{where} at {rep.time_s:.0f}s" if rep.time_s is not None else where


def hits_from_reports(view: PostView, reports: list[ImageReport]) -> dict[str, list[Hit]]:
    out: dict[str, list[Hit]] = {}

    def add(rule: str, hit: Hit) -> None:
        out.setdefault(rule, []).append(hit)

    related: list[str] = []  # why the media is about the organization
    for rep in reports:
        text_hits = text_rule_hits(view, rep)
        for rule, hits in text_hits.items():
            for h in hits:
                add(rule, h)
        if "phi" in text_hits:
            related.append("showing patient information")
        if rep.site:
            name, dist = rep.site
            add("onsite-photo", Hit(
                message=f"The picture ({_where(rep)}) was taken at {name} (its location "
                        f"metadata is {dist:.0f} m from the site), where photography in "
                        "common areas is not allowed.",
                evidence=(_ev(rep, name, "location", None, distance_m=dist),),
                explain={"site": name, "distance_m": dist, "source": rep.source}))
            related.append("taken on the organization's premises")
        if rep.faces:
            n = len(rep.faces)
            largest = max(f.share for f in rep.faces)
            add("faces", Hit(
                message=f"The picture ({_where(rep)}) shows {n} face{'s' if n > 1 else ''} "
                        f"(the largest covers {largest:.1%} of it); everyone shown must agree, "
                        "and patients must never be shown.",
                evidence=tuple(_ev(rep, "face", "face", f.box, share=f.share) for f in rep.faces),
                explain={"count": n, "boxes": [list(f.box) for f in rep.faces],
                         "shares": [f.share for f in rep.faces], "source": rep.source}))
        if rep.logos:
            related.append("showing the organization's logo")
            _logo_endorsement(view, rep, add)
        if rep.lines and _shows_org_name(view, rep):
            related.append("showing the organization's name")
        if rep.lines and is_patient_record(find_fields(rep.text)):
            related.append("showing patient information")
    if related and not view.post.account.approval_id:
        reasons = list(dict.fromkeys(related))
        add("media-approval", Hit(
            message="Photo or video " + ", ".join(reasons) + ", with no approval from "
                    "Marketing & Communications.",
            evidence=tuple(_ev(r, r.source.split(":", 1)[0].replace("image", "photo"), "media", None)
                           for r in reports[:1]),
            explain={"reasons": reasons}))
    elif view.is_org_account and not view.post.account.approval_id and reports:
        add("media-approval", Hit(
            message=f"Photo or video posted from a {view.post.account.kind} account with no "
                    "approval from Marketing & Communications.",
            evidence=tuple(_ev(r, r.source.split(":", 1)[0].replace("image", "photo"), "media", None)
                           for r in reports[:1]),
            explain={"reasons": ["department or official account"]}))
    return out


def _shows_org_name(view: PostView, rep: ImageReport) -> bool:
    post = view.post.model_copy(update={"text": rep.text, "images": (), "videos": ()})
    return bool(PostView(post, view.policy).org_mentions)


def _logo_endorsement(view: PostView, rep: ImageReport, add: Any) -> None:
    """A logo in the picture next to product or political text (in the picture or caption)."""
    text = f"{view.post.text}\n{rep.text}"
    post = view.post.model_copy(update={"text": text, "images": (), "videos": ()})
    sub = PostView(post, view.policy)
    promo = bool(sub.find("promo")) or bool(_PROMO.search(text))
    politics = bool(sub.find("politics")) or bool(_POLITICS.search(text))
    kinds = (["a product"] if promo else []) + (["a political cause or candidate"] if politics else [])
    if not kinds:
        return
    logo = rep.logos[0]
    add("name-logo-endorsement", Hit(
        message=f"The organization's logo appears ({_where(rep)}) next to text promoting "
                + " and ".join(kinds) + ".",
        evidence=(_ev(rep, logo.name, "logo", logo.box, inliers=logo.inliers),),
        explain={"kinds": kinds, "logo": logo.name, "source": rep.source}))
