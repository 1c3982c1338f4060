"""Answers from what exists: the pack's sections and the published FAQ, ranked by BM25.

Nothing is generated: every hit is a stored section or FAQ answer, with its citation (the
section id) and the contact the pack names for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clearpost.policy.loader import Policy
from clearpost.text.bm25 import BM25Index, terms

MAX_QUESTION = 2000


def tokens(text: str) -> list[str]:
    """The same content words and light stemming as the corpus matcher (clearpost.text.bm25)."""
    return terms(text)


@dataclass(frozen=True)
class Doc:
    kind: str  # "section" or "faq"
    ref: str
    title: str
    text: str
    contact: str | None
    sections: tuple[str, ...]


def _section_docs(policy: Policy) -> list[Doc]:
    return [Doc("section", s.id, s.title, s.summary, s.contact, (s.id,)) for s in policy.pack.sections]


def contact_info(policy: Policy, key: str | None) -> dict[str, Any] | None:
    if not key or key not in policy.pack.contacts:
        return None
    c = policy.pack.contacts[key]
    return {"id": key, **c.model_dump(exclude_none=True)}


def ask(policy: Policy, question: str, faq: list[dict[str, Any]], *, k: int = 3) -> dict[str, Any]:
    """The k most relevant sections and FAQ answers for a free-text question."""
    question = question.strip()[:MAX_QUESTION]
    docs = _section_docs(policy)
    for entry in faq:
        sections = tuple(entry.get("sections") or ())
        contact = None
        for sid in sections:
            try:
                contact = policy.section(sid).contact
                break
            except KeyError:
                continue
        docs.append(Doc("faq", f"faq-{entry['id']}", entry["question"], entry["answer"],
                        contact or "strategist", sections))
    query = tokens(question)
    # the corpus matcher's scorer: one BM25 in the project (titles count twice)
    index = BM25Index((d.ref, f"{d.title} {d.title} {d.text}") for d in docs)
    hits: list[dict[str, Any]] = []
    if query:
        scores = index.scores(question)
        ranked = sorted(range(len(docs)), key=lambda i: -scores[i])
        for i in ranked[:k]:
            if scores[i] <= 0:
                break
            d = docs[i]
            hits.append({"kind": d.kind, "ref": d.ref, "title": d.title, "text": d.text,
                         "score": round(float(scores[i]), 3), "sections": list(d.sections),
                         "contact": contact_info(policy, d.contact)})
    fallback = contact_info(policy, "strategist") or contact_info(policy, next(iter(policy.pack.contacts)))
    return {"question": question, "answers": hits,
            "contact": hits[0]["contact"] if hits else fallback,
            "policy": policy.label,
            "note": None if hits else "Nothing in the guidelines matches; ask the contact below."}
