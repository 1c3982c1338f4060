"""Generate docs/rules.md from the policy's rule definitions (one definition per rule)."""

from __future__ import annotations

from clearpost.policy.loader import Policy


def rules_markdown(policy: Policy) -> str:
    lines = [
        f"# Rules of the `{policy.id}` pack",
        "",
        f"Generated from `{policy.label}` by `clearpost rules docs`; do not edit by hand "
        "(a test fails when this page is stale). Each rule lives in one file, "
        "`policy/packs/<pack>/rules/<id>.yaml`: level, section, why, fix, and the examples "
        "that must and must not fire it.",
        "",
        "| rule | level | section | title |",
        "|---|---|---|---|",
    ]
    for r in policy.rules.values():
        lines.append(f"| [`{r.id}`](#{r.id}) | {r.level} | {policy.section(r.section).title} | {r.title} |")
    for r in policy.rules.values():
        sec = policy.section(r.section)
        lines += ["", f"## {r.id}", "", f"**{r.title}**. Level: `{r.level}`"
                  + (" (" + ", ".join(f"`{v}` when the author is a {k}" for k, v in r.escalate.items()) + ")"
                     if r.escalate else "") + f". Section: *{sec.title}* (`{sec.id}`).",
                  "", f"**Why.** {r.why}", "", f"**Fix.** {r.fix}", "", "Fires on:", ""]
        lines += [f"- {_example(ex)}" for ex in r.fires]
        lines += ["", "Does not fire on:", ""]
        lines += [f"- {_example(ex)}" + (f" *({ex.note})*" if ex.note else "") for ex in r.passes]
    return "\n".join(lines) + "\n"


def _example(ex: object) -> str:
    text = getattr(ex, "text", "")
    ctx = []
    account = getattr(ex, "account", {}) or {}
    author = getattr(ex, "author", {}) or {}
    if author.get("role"):
        ctx.append(f"role {author['role']}")
    if account.get("kind") and account["kind"] != "personal":
        ctx.append(f"{account['kind']} account")
    if account.get("approval_id"):
        ctx.append(f"approval {account['approval_id']}")
    if account.get("pseudonymous"):
        ctx.append("pseudonymous")
    if account.get("discloses_affiliation"):
        ctx.append("profile discloses affiliation")
    if getattr(ex, "venue", "own") != "own":
        ctx.append(f"venue {ex.venue}")  # type: ignore[attr-defined]
    profile = getattr(ex, "profile", None)
    if profile:
        ctx.append("profile " + ", ".join(f"{k}: “{v}”" for k, v in profile.items()))
    text = text.replace("|", "\\|")
    return f"“{text}”" + (f" ({'; '.join(ctx)})" if ctx else "")
