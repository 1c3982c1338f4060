"""Human output of the CLI (Rich): readable in an 80-column terminal, colour optional."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from clearpost.model import Post, Result

VERDICT_STYLE = {"pass": "bold white on green", "warn": "bold black on yellow",
                 "review": "bold white on dark_orange3", "block": "bold white on red"}
LEVEL_STYLE = {"warn": "yellow", "review": "dark_orange3", "block": "red"}
VERDICT_WORDS = {
    "pass": "Looks fine to post.",
    "warn": "You can post, but consider the notes below.",
    "review": "Have this reviewed before posting.",
    "block": "Do not post this as it is.",
}

DEMO_POSTS: list[dict[str, Any]] = [
    {"id": "demo-1", "text": "Proud of my team today! Long shift, happy heart 💙",
     "author": {"role": "nurse"}},
    {"id": "demo-2", "text": "Mrs. Larkin in 14B finally went home after her third round of chemo!!",
     "author": {"role": "nurse"}},
    {"id": "demo-3", "text": "MSK has the best cancer doctors on the planet, nowhere else comes close",
     "author": {"role": "employee"}},
    {"id": "demo-4", "text": "@kim_r if the nausea is bad just double your ondansetron tonight",
     "author": {"role": "physician"}},
    {"id": "demo-5", "text": "the wifi password on 6 is Sunfish!2231, you're welcome",
     "author": {"role": "employee"}},
]


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def highlighted_text(post: Post, result: Result) -> Text:
    text = Text(post.text)
    for f in result.findings:
        for ev in f.evidence:
            if ev.start is not None and ev.end is not None and ev.source is None:
                text.stylize(f"bold underline {LEVEL_STYLE[f.level]}", ev.start, ev.end)
    return text


def print_result(post: Post, result: Result, policy: Any, out: Console | None = None) -> None:
    c = out or console()
    badge = Text(f" {result.verdict.upper()} ", style=VERDICT_STYLE[result.verdict])
    head = Text.assemble(badge, "  ", (VERDICT_WORDS[result.verdict], "bold"))
    if result.id:
        head.append(f"   ({result.id})", style="dim")
    c.print(head)
    c.print(Panel(highlighted_text(post, result), border_style="dim", padding=(0, 1)))
    for f in result.findings:
        try:
            section = policy.section(f.section).title
        except KeyError:
            section = f.section
        c.print(Text.assemble((f"● {f.rule}", f"bold {LEVEL_STYLE[f.level]}"),
                              (f" [{f.level}]", LEVEL_STYLE[f.level]),
                              ("  · ", "dim"), (section, "italic")))
        c.print(Text("  " + f.message))
        quoted = [ev for ev in f.evidence if ev.kind != "care"][:6]
        if quoted:
            c.print(Text("  evidence: ", style="dim") + Text(
                ", ".join(f'"{ev.text}" ({ev.kind}{_where(ev)})' for ev in quoted)))
        c.print(Text.assemble(("  fix: ", "bold green"), f.fix))
    if result.findings and result.redacted != post.text:
        c.print(Text("  safe version: ", style="bold") + Text(result.redacted))
    c.print(Text(f"policy {result.policy}", style="dim"))
    c.print()


def _where(ev: Any) -> str:
    """Where image evidence is: ", in photo.jpg at x,y" (text evidence: nothing)."""
    if not ev.source:
        return ""
    where = ev.source.split(":", 1)[-1].rsplit("/", 1)[-1]
    if ev.box:
        where += f" at {ev.box[0]},{ev.box[1]}"
    time_s = (ev.model_extra or {}).get("time_s")
    if time_s is not None:
        where += f", {time_s:.0f}s"
    return f", in {where}"


def print_eval(report: Any) -> None:
    c = console()
    t = Table(title="clearpost eval: per-rule scores", title_justify="left")
    for col in ("rule", "n", "P", "R", "F1", "fp", "fn"):
        t.add_column(col, justify="left" if col == "rule" else "right")
    for rule, s in report.rules.items():
        if s.support == 0 and s.fp == 0:
            continue
        style = "" if s.support < 3 or s.f1 >= 0.85 else "red"
        t.add_row(rule, str(s.support), f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}",
                  str(s.fp), str(s.fn), style=style)
    c.print(t)
    c.print(f"posts {report.posts} · exact {report.exact} · clean posts {report.clean} · "
            f"clean with any finding {report.clean_flagged} "
            f"({report.clean_false_alarm_rate:.1%})")
    if report.mistakes:
        c.print(Text("missed or extra:", style="bold"))
        for m in report.mistakes:
            parts = []
            if m["missed"]:
                parts.append("missed " + ",".join(m["missed"]))
            if m["extra"]:
                parts.append("extra " + ",".join(m["extra"]))
            c.print(Text(f"  {m['id']}: {'; '.join(parts)}  ", style="yellow")
                    + Text(m["text"][:90].replace("\n", " "), style="dim"))


def print_rules(policy: Any) -> None:
    c = console()
    t = Table(title=f"Rules of {policy.label}", title_justify="left")
    t.add_column("rule")
    t.add_column("level")
    t.add_column("section")
    t.add_column("what")
    for rule in policy.rules.values():
        t.add_row(rule.id + ("" if rule.enabled else " (off)"),
                  Text(rule.level, style=LEVEL_STYLE[rule.level]), rule.section, rule.title)
    c.print(t)
    c.print(Text("clearpost rules explain RULE shows why, examples and the fix.", style="dim"))


def print_rule(policy: Any, rule: Any) -> None:
    c = console()
    section = policy.section(rule.section)
    c.print(Text.assemble((rule.id, "bold"), "  ", (rule.level, LEVEL_STYLE[rule.level]),
                          "  · ", (section.title, "italic")))
    c.print(Text(rule.title, style="bold"))
    if rule.escalate:
        c.print(Text("escalates: " + ", ".join(f"{k} -> {v}" for k, v in rule.escalate.items()),
                     style="dim"))
    c.print(Text.assemble(("why: ", "bold"), rule.why))
    c.print(Text.assemble(("fix: ", "bold green"), rule.fix))
    c.print(Text("fires on:", style="bold"))
    for ex in rule.fires:
        c.print(Text(f"  ✗ {ex.text}", style="red"))
    c.print(Text("does not fire on:", style="bold"))
    for ex in rule.passes:
        c.print(Text(f"  ✓ {ex.text}", style="green") + (Text(f"  ({ex.note})", style="dim")
                                                          if ex.note else Text("")))
    contact = policy.pack.contacts.get(section.contact or "")
    if contact:
        c.print(Text(f"questions: {contact.name}", style="dim"))


def print_policy(policy: Any) -> None:
    c = console()
    org = policy.org
    c.print(Text(f"{policy.pack.title}", style="bold"))
    c.print(f"pack {policy.label} · {policy.root}")
    c.print(f"organization: {org.name} (also: {', '.join(org.aliases[:6])})")
    c.print(f"sites: {len(org.sites)} · official handles: {', '.join(org.official_handles)}")
    t = Table(title="Sections", title_justify="left")
    t.add_column("id")
    t.add_column("title")
    t.add_column("rules")
    for sec in policy.pack.sections:
        rules = [r.id for r in policy.rules.values() if r.section == sec.id]
        t.add_row(sec.id, sec.title, ", ".join(rules))
    c.print(t)
    for key, contact in policy.pack.contacts.items():
        c.print(f"contact {key}: {contact.name}")
