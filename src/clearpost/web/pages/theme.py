"""The organization's colours from the pack, made safe for WCAG 2.1 AA contrast.

A pack may name any colour; the pages need text on it (buttons, the header) and it as text on
white (links). We pick black or white for text on a colour, and darken a colour used as text
until it reaches 4.5:1 on white.
"""

from __future__ import annotations

from dataclasses import dataclass

AA_TEXT = 4.5


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(hex_colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever reads better on `background`."""
    return "#ffffff" if contrast(background, "#ffffff") >= contrast(background, "#111111") else "#111111"


def readable_on_white(colour: str) -> str:
    """`colour`, darkened step by step until it reaches AA contrast as text on white."""
    r, g, b = _rgb(colour)
    for _ in range(40):
        if contrast(_hex((r, g, b)), "#ffffff") >= AA_TEXT:
            break
        r, g, b = int(r * 0.9), int(g * 0.9), int(b * 0.9)
    return _hex((r, g, b))


@dataclass(frozen=True)
class Theme:
    primary: str
    on_primary: str
    accent: str
    on_accent: str
    link: str

    @classmethod
    def from_colours(cls, colours: dict[str, str]) -> Theme:
        primary = colours.get("primary", "#1f4e79")
        accent = colours.get("accent", primary)
        return cls(primary=primary, on_primary=text_on(primary), accent=accent,
                   on_accent=text_on(accent), link=readable_on_white(primary))
