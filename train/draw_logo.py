"""Draw the default pack's synthetic logo (logos/emblem.png). Deterministic; run once.

It is a made-up emblem, not any organization's real mark: a shield with crossed bands,
a ring and a row of blocks, so that ORB has corners to match. Run:
    .venv/bin/python train/draw_logo.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "src/clearpost/policy/packs/msk/logos/emblem.png"


def draw(size: int = 400) -> Image.Image:
    img = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(img)
    s = size / 400
    d.polygon([(40 * s, 30 * s), (360 * s, 30 * s), (360 * s, 210 * s), (200 * s, 370 * s),
               (40 * s, 210 * s)], fill="#0b3d6e")
    d.polygon([(70 * s, 60 * s), (330 * s, 60 * s), (330 * s, 200 * s), (200 * s, 330 * s),
               (70 * s, 200 * s)], fill="white")
    for i in range(5):
        x = 90 + i * 48
        d.rectangle([x * s, 80 * s, (x + 22) * s, 110 * s], fill="#c8102e")
    d.ellipse([140 * s, 130 * s, 260 * s, 250 * s], outline="#0b3d6e", width=int(14 * s))
    d.line([(100 * s, 290 * s), (300 * s, 130 * s)], fill="#0b3d6e", width=int(16 * s))
    d.line([(100 * s, 130 * s), (300 * s, 290 * s)], fill="#c8102e", width=int(10 * s))
    d.polygon([(185 * s, 165 * s), (215 * s, 165 * s), (200 * s, 215 * s)], fill="#c8102e")
    return img


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    draw().save(OUT, optimize=True)
    print(f"wrote {OUT}")
