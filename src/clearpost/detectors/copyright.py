"""copyright: reproducing material the author likely does not own."""

from __future__ import annotations

import re

from clearpost.detectors.base import Hit, PostView, Span
from clearpost.text.patterns import fast

_NOTICE = fast(r"\ball rights reserved\b|©\s?\d{4}|\(c\)\s?\d{4}|\bcopyright\s+(?:©\s*)?\d{4}\b"
                     r"|©\s?(?-i:[A-Z])\w+|\bno part of this (?:publication|book|work|material) may be "
                     r"reproduced\b|\bwithout (?:the )?(?:prior )?written permission of the publisher\b"
                     r"|\b(?-i:[Cc]opyright\s+(?:©\s*)?(?:[A-Z][\w&.]*\s?){1,4})(?=[.,;!]|$)",
                     re.IGNORECASE)
_COPIED = fast(
    r"\b(?:copying|copied|pasting|pasted|copy-pasting|copy pasting|reposting|posting)\b[^.!?\n]{0,40}"
    r"\b(?:article|piece|story|column|op-ed|editorial|essay|chapter|paper|report|newsletter|"
    r"feature|investigation|profile|interview|long ?read|book|whole thing|entire thing|"
    r"full text)\b"
    r"|\b(?:full|complete|entire|whole) text of\b|\btext of the (?:whole|entire|full)\b"
    r"|\b(?:full|whole|entire|paid|paywalled|subscriber-only|premium) (?:\w+ )?(?:post|newsletter|"
    r"issue|edition|substack)\b[^.!?\n]{0,60}\b(?:here|below|pasted|copied)\b"
    r"|\bnot everyone can afford (?:the|a|their) subscription\b|\bthis post is for paid subscribers\b"
    r"|\btyping (?:out|up)\b[^.!?\n]{0,40}\b(?:chapter|article|book|textbook|pages?|section)\b"
    r"|\bpages? \d+\s?[–-]\s?\d+ (?:below|here|pasted|attached)\b"
    r"|\bread it (?:for )?free\b"
    r"|\b(?:chapter|article|book|textbook|paper|piece|story|column)\b[^.!?\n]{0,15}\bin full\b"
    r"|\bcopy of the (?:full|whole|entire)\b|\b(?:full|whole|entire) paywalled\b"
    r"|\bpage by page\b|\b(?:photographed|photographing)\b[^.!?\n]{0,30}\b(?:page|pages|chapter|book)\b"
    r"|\b(?:whole|entire|full)\s+(?:\w+\s+)?(?:article|piece|story|column|op-ed|editorial|essay|"
    r"chapter|paper|case study)\b[^.!?\n]{0,60}\b(?:pasted|copied|below|reproduced)\b"
    r"|\breproduc(?:ed|ing)\b[^.!?\n]{0,20}\bin full\b|\b(?:without|with no) (?:permission|"
    r"the (?:author|publisher)'s permission)\b"
    r"|\b(?:photocopied|photocopying|scanned|scanning|posting|uploaded)\b[^.!?\n]{0,20}\b(?:whole|"
    r"entire|full|complete|every page)\b"
    r"|\b(?:uploaded|uploading|shared|sharing|posted|posting|attached|attaching|here's|here is|"
    r"dropped)\b"
    r"[^.!?\n]{0,20}\b(?:whole|entire|full|complete)\s+(?:\w+\s+)?(?:textbook|book|pdf|chapter|"
    r"article|paper|issue|report|editorial|column|e-?book|workbook|manual)\b"
    r"|\b(?:so )?(?:nobody|no one|you don't) (?:has|have|needs?) to (?:buy|pay for) (?:it|the)\b"
    r"|\bpaywalled\b[^.!?\n]{0,60}\b(?:pasted|copied|below|here)\b"
    r"|\blocked behind a (?:subscription|paywall)\b|\bsubscription only\b"
    r"|\bpaywall\b[^.!?\n]{0,40}\b(?:here's|here is|so here|pasted|copied|below)\b"
    r"|(?<=\[)\b(?:the )?(?:full |whole )?(?:article|text|story|piece) continues\]"
    r"|\bnot everyone has (?:a subscription|access)\b|\bfor (?:those|anyone|people) without "
    r"(?:a subscription|access)\b|\b(?:because|since|bc) of the paywall\b",
    re.IGNORECASE,
)
_PAYWALL_ONLY = fast(r"\b(?:article|piece|story)\b[^.!?\n]{0,60}\b(?:paywalled|behind a "
                           r"paywall)\b", re.IGNORECASE)
_LINK = fast(r"https?://|www\.")
_QUOTED = fast(r"['\"“‘]([^'\"”’]{280,})")


#: Someone else's image passed off as one's own: "cropped out the watermark".
_UNCREDITED = fast(r"\b(?:cropped|crop|cropping|removed|remove|removing|edited|photoshopped|"
                         r"blurred) (?:out )?(?:the|their|his|her|its) (?:watermark|credit|signature|tag)\b",
                         re.IGNORECASE)
#: The author's own work under the author's own notice: "© 2024 Jess Park Photography, all
#: mine", "new print up in my shop".
_OWN_WORK = fast(r"\ball mine\b|\bmy (?:own )?(?:shop|print|photo|photograph|painting|drawing|"
                       r"poem|art|artwork|comic|book|zine)\b|\bi (?:shot|took|painted|drew|wrote) "
                       r"(?:this|it)\b|\bshot (?:last|on|this|it)\b", re.IGNORECASE)


def detect(view: PostView) -> list[Hit]:
    ev: list[Span] = []
    reasons = []
    for m in _UNCREDITED.finditer(view.text):
        ev.append(Span(m.start(), m.end(), "copied"))
        reasons.append("someone else's image passed off as yours")
    notices = list(_NOTICE.finditer(view.text))
    if notices and _OWN_WORK.search(view.text) and not (_PAYWALL_ONLY.search(view.text)
                                                        or _COPIED.search(view.text)):
        notices = []
    for m in notices:
        ev.append(Span(m.start(), m.end(), "notice"))
        reasons.append("a copyright notice")
    for m in _PAYWALL_ONLY.finditer(view.text):
        if not _LINK.search(view.text):  # linking to a paywalled piece is not copying it
            ev.append(Span(m.start(), m.end(), "copied"))
            reasons.append("a copied or paywalled article")
    for m in _COPIED.finditer(view.text):
        ev.append(Span(m.start(), m.end(), "copied"))
        reasons.append("a copied or paywalled article")
    long_quote = _QUOTED.search(view.text)
    if long_quote and (ev or view.has("hint_cues")):
        reasons.append("a long quotation")
    if not ev:
        return []
    return [Hit(message="Reproduces material you likely do not own: "
                        + ", ".join(dict.fromkeys(reasons)) + ".",
                evidence=tuple(sorted(set(ev))),
                explain={"reasons": list(dict.fromkeys(reasons))})]
