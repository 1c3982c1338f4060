"""Charts drawn on the server as inline SVG: no chart library, no JavaScript.

Each chart is an `<svg role="img">` with a title and a description that states the data,
so a screen reader gets the numbers; the page shows the same data as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import count

from markupsafe import Markup

_ids = count(1)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def bar_chart(title: str, items: Sequence[tuple[str, float]], *, unit: str = "",
              colour: str = "#0b3d6e", width: int = 520) -> Markup:
    """Horizontal bars, one per (label, value), largest scale first as given."""
    n = next(_ids)
    row, label_w, pad = 26, 190, 8
    height = max(1, len(items)) * row + 2 * pad
    top = max((v for _, v in items), default=0) or 1
    bar_space = width - label_w - 70
    desc = "; ".join(f"{label}: {_fmt(v)}{unit}" for label, v in items) or "no data"
    parts = [f'<svg class="chart" role="img" aria-labelledby="chart{n}t chart{n}d" '
             f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
             f'preserveAspectRatio="xMinYMin meet">',
             f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(desc)}</desc>']
    for i, (label, value) in enumerate(items):
        y = pad + i * row
        w = max(1.0, bar_space * value / top) if value else 0
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" class="chart-label">'
                     f'{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
                     f'fill="{escape(colour)}" rx="2"></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" class="chart-value">'
                     f'{_fmt(value)}{escape(unit)}</text>')
    if not items:
        parts.append(f'<text x="{pad}" y="{pad + 14}" class="chart-label">No data yet</text>')
    parts.append("</svg>")
    # Every interpolated string above went through escape(); numbers are formatted.
    svg = "".join(parts)
    return Markup(svg)  # nosec B704


def column_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]],
                 *, width: int = 900, height: int = 240) -> Markup:
    """Columns per label (e.g. per week), one coloured column per series, side by side."""
    n = next(_ids)
    left, bottom, top_pad = 36, 34, 10
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = max((v for _, vals, _ in series for v in vals), default=0) or 1
    groups = max(1, len(labels))
    group_w = plot_w / groups
    col_w = max(2.0, (group_w - 6) / max(1, len(series)))
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{name} {_fmt(vals[i])}" for name, vals, _ in series)
        for i, label in enumerate(labels)) or "no data"
    parts = [f'<svg class="chart" role="img" aria-labelledby="chart{n}t chart{n}d" '
             f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
             f'preserveAspectRatio="xMinYMin meet">',
             f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(desc)}</desc>',
             f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 4}" y2="{top_pad + plot_h}" '
             f'stroke="#555"></line>',
             f'<text x="{left - 4}" y="{top_pad + 10}" text-anchor="end" class="chart-value">'
             f'{_fmt(top)}</text>',
             f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end" class="chart-value">0</text>']
    for i, label in enumerate(labels):
        x0 = left + i * group_w + 3
        for j, (_name, vals, colour) in enumerate(series):
            v = vals[i] if i < len(vals) else 0
            h = plot_h * v / top
            parts.append(f'<rect x="{x0 + j * col_w:.1f}" y="{top_pad + plot_h - h:.1f}" '
                         f'width="{col_w - 1:.1f}" height="{h:.1f}" fill="{escape(colour)}"></rect>')
        parts.append(f'<text x="{x0 + group_w / 2 - 3:.1f}" y="{height - bottom + 16}" '
                     f'text-anchor="middle" class="chart-label">{escape(label)}</text>')
    if not labels:
        parts.append(f'<text x="{left + 8}" y="{top_pad + 20}" class="chart-label">No data yet</text>')
    legend_x = left
    for name, _vals, colour in series:
        parts.append(f'<rect x="{legend_x}" y="{height - 12}" width="10" height="10" '
                     f'fill="{escape(colour)}"></rect><text x="{legend_x + 14}" y="{height - 3}" '
                     f'class="chart-label">{escape(name)}</text>')
        legend_x += 14 + 8 * len(name) + 16
    parts.append("</svg>")
    # Every interpolated string above went through escape(); numbers are formatted.
    svg = "".join(parts)
    return Markup(svg)  # nosec B704
