"""Text features for the small learned models (clearpost.detectors.models).

One function turns a text into n-gram feature strings; the training scripts (train/) and the
run-time scorer both call it, so a model always sees the features it was trained on.
Pure Python and fast: no scikit-learn at run time.
"""

from __future__ import annotations

import html
import re
from itertools import pairwise

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_RETWEET = re.compile(r"^\s*(?:rt\s+)+")
_REPEAT = re.compile(r"(\w)\1{2,}")
_APOS = re.compile(r"['’`]")
_TOKEN = re.compile(r"[a-z0-9#]+|[^\sa-z0-9#]")
# Spacy-tokenised training text ("do n't", "I 'd") joined back to how people type it.
_SPLIT_CLITIC = re.compile(r"\b(\w+) (n't|nt|'s|'re|'d|'ll|'ve|'m)\b")


def prepare(text: str) -> str:
    """Lower-case, unescape HTML, stand-ins for links and mentions, squeeze "sooooo"."""
    t = html.unescape(text).lower()
    t = _URL.sub(" url ", t)
    t = _MENTION.sub(" @user ", t)
    t = _RETWEET.sub("", t)
    t = _SPLIT_CLITIC.sub(r"\1\2", t)
    t = _APOS.sub("", t)
    return _REPEAT.sub(r"\1\1", t)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(prepare(text).replace("@user", "USERTOKEN").lower())


def ngram_features(text: str, *, chars: bool = True) -> list[str]:
    """Word 1-2 grams ("w:", "b:") and, optionally, character 3-4 grams within words ("c:")."""
    toks = tokens(text)
    feats = [f"w:{t}" for t in toks]
    feats += [f"b:{a} {b}" for a, b in pairwise(toks)]
    if chars:
        for t in toks:
            if len(t) < 3 or not t[0].isalpha():
                continue
            padded = f"<{t}>"
            n = len(padded)
            feats += [f"c:{padded[i:i + 3]}" for i in range(n - 2)]
            feats += [f"c:{padded[i:i + 4]}" for i in range(n - 3)]
    return feats
