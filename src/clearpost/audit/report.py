"""The audit's reports: one self-contained HTML file, JSON, and CSV.

The HTML has no external resource at all (inline CSS, SVG charts drawn here), so it can be
mailed or archived as it is. Every file is written to a temp file beside the target and
renamed into place: a crash or Ctrl-C never leaves half a report.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from clearpost.audit.run import AuditReport, PersonSummary

FORMATS = (".html", ".json", ".csv")
LEVEL_COLOUR = {"block": "#c62828", "review": "#ef6c00", "warn": "#f9a825", "pass": "#2e7d32"}
VERDICT_WORDS = {"block": "Delete", "review": "Review, likely delete", "warn": "Consider editing"}


def write_report(report: AuditReport, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".html":
        data = render_html(report)
    elif suffix == ".json":
        data = json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n"
    elif suffix == ".csv":
        data = render_csv(report)
    else:
        raise ValueError(f"{path}: unknown report type; use .html, .json or .csv")
    write_atomic(path, data)


def write_atomic(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would surprise whoever shares the report
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- CSV ------------------------------------------------------------------------------------
CSV_COLUMNS = ["person", "network", "post_id", "date", "permalink", "verdict", "rule", "level",
               "section", "message", "evidence", "fix", "text"]


def render_csv(report: AuditReport) -> str:
    """One row per finding of each flagged post (a post with two rules has two rows)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for rec in report.flagged:
        for f in rec["findings"]:
            w.writerow([rec["person"], rec["network"], rec["id"], rec["date"] or "",
                        rec["permalink"] or "", rec["verdict"], f["rule"], f["level"],
                        f["section"], f["message"],
                        "; ".join(ev["text"] for ev in f["evidence"]), f["fix"], rec["text"]])
    return buf.getvalue()


# --- HTML -----------------------------------------------------------------------------------
CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{margin:.2em 0}h2{margin-top:2em;border-bottom:2px solid #ddd;padding-bottom:4px}
.muted{color:#666}.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:120px;box-shadow:0 1px 2px #0002}
.card b{display:block;font-size:26px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:6px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{background:#fafafa}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:bold;border-top:2px solid #ccc}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:bold;text-transform:uppercase}
.block{background:#c62828}.review{background:#ef6c00}.warn{background:#f9a825;color:#222}.pass{background:#2e7d32}
article{background:#fff;border-radius:8px;padding:12px 16px;margin:14px 0;box-shadow:0 1px 2px #0002;border-left:6px solid #ccc}
article.v-block{border-left-color:#c62828}article.v-review{border-left-color:#ef6c00}article.v-warn{border-left-color:#f9a825}
.text{white-space:pre-wrap;background:#fafafa;padding:8px;border-radius:6px;overflow-wrap:anywhere}
mark{padding:0 2px;border-radius:3px}mark.l-block{background:#ffcdd2}mark.l-review{background:#ffe0b2}mark.l-warn{background:#fff59d}
ul.checklist{list-style:none;padding-left:0}ul.checklist li{margin:4px 0}
svg text{font:11px system-ui,sans-serif;fill:#444}
details summary{cursor:pointer}
@media print{article{break-inside:avoid}}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def highlight(text: str, findings: list[dict[str, Any]]) -> str:
    """The post text, HTML-escaped, with each evidence span wrapped in a <mark>."""
    spans: list[tuple[int, int, str, str]] = []
    for f in findings:
        for ev in f["evidence"]:
            s, t = ev.get("start"), ev.get("end")
            if isinstance(s, int) and isinstance(t, int) and 0 <= s < t <= len(text):
                spans.append((s, t, f["level"], f"{f['rule']}: {ev.get('kind', '')}"))
    spans.sort()
    out, pos = [], 0
    for s, t, level, title in spans:
        if s < pos:  # overlapping evidence: the first span already marks it
            continue
        out.append(_e(text[pos:s]))
        out.append(f'<mark class="l-{level}" title="{_e(title)}">{_e(text[s:t])}</mark>')
        pos = t
    out.append(_e(text[pos:]))
    return "".join(out)


def svg_by_month(by_month: dict[str, Counter[str]], width: int = 900, height: int = 200) -> str:
    months = sorted(m for m in by_month if m != "undated")
    if not months:
        return '<p class="muted">No dated findings.</p>'
    first_y, first_m = map(int, months[0].split("-"))
    last_y, last_m = map(int, months[-1].split("-"))
    axis = []
    y, m = first_y, first_m
    while (y, m) <= (last_y, last_m):
        axis.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    top = max(sum(by_month.get(k, Counter()).values()) for k in axis) or 1
    left, bottom, plot_h = 34, 24, height - 34
    bw = (width - left - 6) / len(axis)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {height}" '
             'role="img" aria-label="Flagged posts per month">']
    for frac in (0, 0.5, 1):
        gy = height - bottom - frac * plot_h
        parts.append(f'<line x1="{left}" x2="{width}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{gy + 4:.1f}" text-anchor="end">{round(top * frac)}</text>')
    for i, key in enumerate(axis):
        counts = by_month.get(key, Counter())
        x = left + i * bw
        base = float(height - bottom)
        for level in ("warn", "review", "block"):
            n = counts.get(level, 0)
            if not n:
                continue
            h = n / top * plot_h
            base -= h
            parts.append(f'<rect x="{x + 0.5:.1f}" y="{base:.1f}" width="{max(bw - 1, 1):.1f}" '
                         f'height="{h:.1f}" fill="{LEVEL_COLOUR[level]}"><title>{key}: {n} {level}'
                         '</title></rect>')
        if key.endswith("-01") or len(axis) <= 12 or i == 0:
            label = key if len(axis) <= 24 else key[:4]
            parts.append(f'<text x="{x:.1f}" y="{height - 8}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_by_rule(rules: Counter[str], width: int = 900) -> str:
    if not rules:
        return '<p class="muted">No findings.</p>'
    items = rules.most_common()
    row, left = 22, 190
    height = row * len(items) + 8
    top = items[0][1]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {height}" '
             'role="img" aria-label="Flagged posts by rule">']
    for i, (rule, n) in enumerate(items):
        y = 4 + i * row
        w = n / top * (width - left - 60)
        parts.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{_e(rule)}</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="#5c6bc0"/>'
                     f'<text x="{left + w + 6:.1f}" y="{y + 14}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _summary_row(s: PersonSummary, css: str = "") -> str:
    v = s.verdicts
    flagged = v.get("block", 0) + v.get("review", 0) + v.get("warn", 0)
    top = ", ".join(f"{r} ({n})" for r, n in s.rules.most_common(3))
    span = (f"{_e(s.first or '?')}<br>to {_e(s.last or '?')}" if (s.first or s.last) else "")
    return (f'<tr class="{css}"><td>{_e(s.person)}</td><td>{_e(", ".join(sorted(s.networks)))}</td>'
            f'<td class="n">{s.checked:,}</td><td class="n">{flagged:,}</td>'
            f'<td class="n">{v.get("block", 0):,}</td><td class="n">{v.get("review", 0):,}</td>'
            f'<td class="n">{v.get("warn", 0):,}</td><td style="white-space:nowrap">{span}</td>'
            f'<td>{_e(top)}</td></tr>')


def _post_html(rec: dict[str, Any], n: int) -> str:
    verdict = rec["verdict"]
    link = (f'<a href="{_e(rec["permalink"])}" rel="noreferrer noopener">{_e(rec["permalink"])}</a>'
            if rec.get("permalink") else '<span class="muted">no link in the export</span>')
    findings = "".join(
        f'<li><span class="badge {f["level"]}">{_e(f["level"])}</span> <b>{_e(f["rule"])}</b> '
        f'<span class="muted">({_e(f["section"])})</span>: {_e(f["message"])}'
        f'<br><span class="muted">Fix:</span> {_e(f["fix"])}'
        + "".join(f'<br><span class="muted">In {_e(ev["source"])}:</span> {_e(ev["text"])}'
                  for ev in f["evidence"] if ev.get("source"))
        + "</li>" for f in rec["findings"])
    media = ("<p class=\"muted\">Media: " + ", ".join(_e(m) for m in rec["media"]) + "</p>"
             if rec.get("media") else "")
    return (f'<article class="v-{verdict}" id="post-{n}">'
            f'<div><span class="badge {verdict}">{_e(verdict)}</span> '
            f'<b>{_e(VERDICT_WORDS.get(verdict, verdict))}</b> · {_e(rec["network"])} {_e(rec["kind"])}'
            f' · {_e((rec["date"] or "undated")[:10])} · {_e(rec["person"])}</div>'
            f'<div>{link}</div><div class="text">{highlight(rec["text"], rec["findings"])}</div>'
            f'{media}<ul>{findings}</ul></article>')


def _checklist(report: AuditReport, order: list[int]) -> str:
    out = []
    by_person: dict[str, list[int]] = {}
    for i in order:
        if report.flagged[i]["verdict"] in ("block", "review"):
            by_person.setdefault(report.flagged[i]["person"], []).append(i)
    if not by_person:
        return '<p>Nothing needs deleting.</p>'
    for person, idx in by_person.items():
        out.append(f"<h3>{_e(person)}</h3><ul class=\"checklist\">")
        for i in idx:
            rec = report.flagged[i]
            where = (f'<a href="{_e(rec["permalink"])}" rel="noreferrer noopener">{_e(rec["network"])}'
                     f' {_e(rec["kind"])}</a>' if rec.get("permalink")
                     else f'{_e(rec["network"])} {_e(rec["kind"])} (find it by date)')
            rules = ", ".join(f["rule"] for f in rec["findings"])
            out.append(f'<li><label><input type="checkbox"> <span class="badge {rec["verdict"]}">'
                       f'{_e(rec["verdict"])}</span> {_e((rec["date"] or "undated")[:10])} {where}: '
                       f'{_e(rules)} · <a href="#post-{i}">details</a></label></li>')
        out.append("</ul>")
    return "".join(out)


def render_html(report: AuditReport) -> str:
    total = report.total
    v = total.verdicts
    order = sorted(range(len(report.flagged)),
                   key=lambda i: (-_rank(report.flagged[i]["verdict"]), report.flagged[i]["person"],
                                  report.flagged[i]["date"] or ""))
    people_rows = "".join(_summary_row(s) for s in sorted(report.people.values(), key=lambda s: s.person))
    if len(report.people) > 1:
        people_rows += _summary_row(total, "total")
    archives = "".join(
        f'<tr><td>{_e(a.path)}</td><td>{_e(a.network)}</td><td>{_e(a.person)}</td>'
        f'<td class="n">{a.posts:,}</td><td class="n">{a.skipped_before_since:,}</td>'
        f'<td>{len(a.problems)}' + (f'<details><summary>show</summary>{"<br>".join(_e(p) for p in a.problems[:50])}'
                                    f'</details>' if a.problems else "") + "</td></tr>"
        for a in report.archives)
    invalid = (f'<p>{len(report.invalid):,} posts could not be checked (for example: '
               f'{_e(report.invalid[0]["error"])}).</p>' if report.invalid else "")
    since = report.options.since.date().isoformat() if report.options.since else None
    posts = "".join(_post_html(report.flagged[i], i) for i in order)
    flagged = v.get("block", 0) + v.get("review", 0) + v.get("warn", 0)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>clearpost audit: {flagged:,} of {total.checked:,} posts flagged</title><style>{CSS}</style></head>
<body><main>
<h1>Social media audit</h1>
<p class="muted">Checked against {_e(report.policy)} on {_e(report.generated)}{f" · posts since {_e(since)}" if since else ""}.
Findings are suggestions to review, not decisions: read each post in its context.</p>
<div class="cards">
<div class="card"><b>{total.checked:,}</b>posts checked</div>
<div class="card"><b>{flagged:,}</b>flagged</div>
<div class="card"><b style="color:#c62828">{v.get("block", 0):,}</b>delete</div>
<div class="card"><b style="color:#ef6c00">{v.get("review", 0):,}</b>review</div>
<div class="card"><b style="color:#b28704">{v.get("warn", 0):,}</b>consider</div>
<div class="card"><b>{len(report.people)}</b>{"person" if len(report.people) == 1 else "people"}</div>
</div>
<h2>Summary</h2>
<table><tr><th>person</th><th>networks</th><th>checked</th><th>flagged</th><th>block</th><th>review</th><th>warn</th><th>posts from</th><th>top rules</th></tr>
{people_rows}</table>
{invalid}
<h2>Findings over time</h2>
{svg_by_month(report.by_month)}
<p class="muted">Flagged posts per month: <span style="color:#c62828">■</span> block <span style="color:#ef6c00">■</span> review <span style="color:#f9a825">■</span> warn.</p>
<h2>Findings by rule</h2>
{svg_by_rule(total.rules)}
<h2>What to delete</h2>
<p class="muted">Tick each post once you have deleted or edited it. Blocked posts break the guidelines; posts to review most likely do.</p>
{_checklist(report, order)}
<h2>Flagged posts</h2>
{posts or "<p>No post was flagged.</p>"}
<h2>Archives read</h2>
<table><tr><th>archive</th><th>network</th><th>person</th><th>posts</th><th>before --since</th><th>unreadable records</th></tr>
{archives}</table>
</main></body></html>
"""


def _rank(verdict: str) -> int:
    return {"pass": 0, "warn": 1, "review": 2, "block": 3}[verdict]
