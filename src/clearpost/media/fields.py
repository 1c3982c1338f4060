"""Labelled patient fields in pictures of wristbands, charts, whiteboards and screens.

Text from a picture has no sentences: a wristband reads "SMITH, JOHN  MRN 00123456  DOB
03/14/1962". The text rules look for identifiers in a care context; in a picture the label
itself ("MRN", "DOB", "Patient:") is the context, so these patterns read the labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    start: int
    end: int
    kind: str  # id-number, date, name, location
    label: str


# OCR often reads O as 0 inside labels ("D0B", "MRN"); the patterns allow both.
_MRN = re.compile(r"\b(?:MRN|MR[#N]|M\.R\.N\.?|Med(?:ical)?\s*Rec(?:ord)?\s*(?:N[o0]\.?|#)?|"
                  r"Acc(?:oun)?t\s*(?:N[o0]\.?|#)?|Chart\s*#|Patient\s*ID|Pt\s*ID|ID\s*#)"
                  r"\s*[:#.]?\s*[A-Z]{0,2}\d[\d\- ]{3,12}\d", re.IGNORECASE)
_DOB = re.compile(r"\b(?:D[O0]B|D\.[O0]\.B\.?|Date\s+[o0]f\s+Birth|Birth\s*date|Born)\s*[:#.]?\s*"
                  r"(?:\d{1,2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{2,4}|\d{4}-\d{2}-\d{2}|"
                  r"[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4})",
                  re.IGNORECASE)
_LABELLED_NAME = re.compile(r"\b(?:Patient(?:\s*Name)?|Pt(?:\s*Name)?|Name)\s*[:#\-]\s*"
                            r"([A-Z][A-Za-z'\-]+(?:\s*,\s*|\s+)[A-Z][A-Za-z'\-]+)")
_CAPS_NAME = re.compile(r"\b([A-Z][A-Z'\-]{1,20}),\s*([A-Z][A-Z'\-]{1,20})\b")
_ROOM = re.compile(r"\b(?:Room|Rm|Bed)\s*[:#.]?\s*\d{1,4}[A-Z]?\b", re.IGNORECASE)


def find_fields(text: str) -> list[Field]:
    out = [Field(m.start(), m.end(), "id-number", "record number") for m in _MRN.finditer(text)]
    out += [Field(m.start(), m.end(), "date", "date of birth") for m in _DOB.finditer(text)]
    out += [Field(m.start(1), m.end(1), "name", "patient name")
            for m in _LABELLED_NAME.finditer(text)]
    if out:  # a LAST, FIRST line is a name when it sits next to a record field
        out += [Field(m.start(), m.end(), "name", "patient name") for m in _CAPS_NAME.finditer(text)]
    out += [Field(m.start(), m.end(), "location", "room") for m in _ROOM.finditer(text)]
    out.sort(key=lambda f: f.start)
    return out


def is_patient_record(fields: list[Field]) -> bool:
    """A record number or a birth date, or a named patient with a room, in the picture."""
    kinds = {f.kind for f in fields}
    return bool(kinds & {"id-number", "date"}) or {"name", "location"} <= kinds
