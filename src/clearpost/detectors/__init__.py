"""Detectors, one module per concern, registered explicitly per rule id.

A detector is a pure function `(PostView) -> list[Hit]` (see clearpost.detectors.base).
Add a rule: write the function, add it here, add rules/<id>.yaml to the pack.
"""

from __future__ import annotations

from clearpost.detectors import (
    advice,
    conduct,
    confidential,
    context,
    copyright,
    endorsement,
    phi,
    profile,
)
from clearpost.detectors.base import Detector, Hit, PostView, Span

DETECTORS: dict[str, Detector] = {
    "phi": phi.detect,
    "confidential": confidential.confidential,
    "not-yet-public": confidential.not_yet_public,
    "harassment": conduct.harassment,
    "medical-advice": advice.detect,
    "undisclosed-endorsement": endorsement.undisclosed_endorsement,
    "name-logo-endorsement": endorsement.name_logo_endorsement,
    "speaking-for-org": context.speaking_for_org,
    "media-approval": context.media_approval,
    "onsite-photo": context.onsite_photo,
    "faces": context.faces,
    "professionalism": conduct.professionalism,
    "pseudonym": context.pseudonym,
    "copyright": copyright.detect,
}

PROFILE_DETECTORS: dict[str, Detector] = {
    "profile-disclaimer": profile.profile_disclaimer,
    "physician-notice": profile.physician_notice,
    "work-email": profile.work_email,
    "pseudonym": profile.pseudonym,
}

__all__ = ["DETECTORS", "PROFILE_DETECTORS", "Detector", "Hit", "PostView", "Span"]
