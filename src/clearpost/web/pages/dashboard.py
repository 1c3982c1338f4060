"""The dashboard's figures: findings by rule, department and week; queue times; decisions.

Read through the workflow services only: items the reviewer may see, their stored automatic
checks (decrypted in memory, only rule ids are kept) and the audit log.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from clearpost.web.pages import items as it
from clearpost.web.pages.charts import bar_chart, column_chart
from clearpost.workflows.audit import service as audit
from clearpost.workflows.context import Ctx

DECISIONS = {"approve", "reject", "send_back", "request_changes", "grant", "deny", "answer",
             "publish", "triage_to_supervisor", "triage_to_marcomm", "resolve", "revoke", "expire"}
WEEKS = 8


def _week(when: datetime) -> str:
    start = (when - timedelta(days=when.weekday())).date()
    return start.strftime("%b %d")


def _rules_of(ctx: Ctx, kind: it.Kind, item: Any) -> list[str]:
    if kind.key == "media" and item.check_enc:
        found = json.loads(ctx.cipher.decrypt(item.check_enc) or "{}")
        return [f["rule"] for f in found.get("findings", [])]
    if kind.key == "reports" and item.check_summary:
        return [f["rule"] for f in item.check_summary.get("findings", [])]
    return []


def figures(ctx: Ctx) -> dict[str, Any]:
    by_rule: Counter[str] = Counter()
    by_dept: Counter[str] = Counter()
    by_week: dict[str, Counter[str]] = defaultdict(Counter)
    checked = 0
    open_counts: dict[str, int] = {}
    all_items: dict[tuple[str, int], Any] = {}
    for kind in it.KINDS.values():
        rows = it.listing(ctx, kind, limit=5000)
        open_counts[kind.label] = sum(1 for r in rows if r.state in kind.waiting)
        names = it.people(ctx, {r.requester_id for r in rows})
        for item in rows:
            all_items[(kind.item_type, item.id)] = item
            rules = _rules_of(ctx, kind, item)
            if kind.key in ("media", "reports"):
                checked += 1
            by_rule.update(rules)
            person = names.get(item.requester_id)
            anonymous = kind.key == "reports" and item.anonymous
            dept = "(anonymous)" if anonymous else (person.department if person else None) or "(none)"
            by_dept[dept] += len(rules)
            by_week[_week(it.aware(item.created_at))]["findings"] += len(rules)
            by_week[_week(it.aware(item.created_at))]["requests"] += 1
    events, _ = audit.events(ctx.session)
    decisions: Counter[str] = Counter()
    waits: dict[str, list[float]] = defaultdict(list)
    created: dict[tuple[str, int], datetime] = {}
    for e in events:
        key = (e.item_type, e.item_id or 0)
        if e.from_state is None and e.to_state is not None:
            created[key] = it.aware(e.at)
        elif e.action in DECISIONS and key in created:
            decisions[e.action.replace("_", " ")] += 1
            waits[e.item_type.replace("_", " ")].append((it.aware(e.at) - created[key]).total_seconds() / 3600)
            created[key] = it.aware(e.at)
    today = ctx.now
    weeks = [_week(today - timedelta(weeks=n)) for n in range(WEEKS - 1, -1, -1)]
    queue_hours = sorted(((k, median(v)) for k, v in waits.items()), key=lambda kv: -kv[1])
    # Short waits read better in minutes than as "0.0 h".
    in_minutes = bool(queue_hours) and max(h for _, h in queue_hours) < 2
    queue_times = [(k, round(h * 60 if in_minutes else h, 1)) for k, h in queue_hours]
    colours = {"primary": ctx.policy.org.colours.get("primary", "#0b3d6e")}
    return {
        "totals": {"items": len(all_items), "checked": checked, "findings": sum(by_rule.values()),
                   "decisions": sum(decisions.values())},
        "open_counts": open_counts,
        "by_rule": by_rule.most_common(), "by_dept": by_dept.most_common(),
        "by_week": [(w, by_week[w]["requests"], by_week[w]["findings"]) for w in weeks],
        "queue_times": queue_times, "decisions": decisions.most_common(),
        "chart_rules": bar_chart("Findings by rule", by_rule.most_common(), colour=colours["primary"]),
        "chart_depts": bar_chart("Findings by department", by_dept.most_common(),
                                 colour=colours["primary"]),
        "chart_weeks": column_chart("Requests and findings by week", weeks, [
            ("requests", [by_week[w]["requests"] for w in weeks], colours["primary"]),
            ("findings", [by_week[w]["findings"] for w in weeks], "#a4161a")]),
        "chart_queue": bar_chart(
            f"Median {'minutes' if in_minutes else 'hours'} from arrival to decision",
            queue_times, unit=" min" if in_minutes else " h", colour=colours["primary"]),
        "chart_decisions": bar_chart("Decisions", decisions.most_common(), colour=colours["primary"]),
    }
