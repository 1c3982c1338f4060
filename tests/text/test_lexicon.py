"""clearpost.text.lexicon: whole-word phrase matching, and emoji between a phrase's words."""

from __future__ import annotations

from clearpost.text import Lexicon, normalize
from clearpost.text.lexicon import squeeze_emoji


def test_emoji_between_words_become_one_space_with_an_index_map() -> None:
    text = "a little bird 🐦 told me"
    squeezed, index = squeeze_emoji(text)  # type: ignore[misc]
    assert squeezed == "a little bird told me"
    assert len(index) == len(squeezed)
    assert all(text[index[i]] == c for i, c in enumerate(squeezed) if c != " ")
    start = squeezed.index("told")
    assert text[index[start]:index[start] + 4] == "told"


def test_joined_and_skin_toned_emoji_squeeze_too() -> None:
    # as detectors see it: normalisation has already dropped the joiner and the selector
    lower = normalize("so done 🤦🏽\u200d♀️ with it").lower
    squeezed, _ = squeeze_emoji(lower)  # type: ignore[misc]
    assert squeezed == "so done with it"
    assert squeeze_emoji(normalize("well — i mean, ok 😅").lower) is None  # punctuation stays
    squeezed, _ = squeeze_emoji("bird🐦told me")  # type: ignore[misc]
    assert squeezed == "bird told me"


def test_nothing_to_squeeze() -> None:
    assert squeeze_emoji("plain ascii text") is None
    assert squeeze_emoji("emoji at the end 🎉") is None  # not between two words
    assert squeeze_emoji("🎉 emoji first") is None
    assert squeeze_emoji("café, naïve, 東京") is None  # letters beyond ASCII are words


def test_lexicon_prefixes_and_whole_words() -> None:
    lex = Lexicon(["oncolog*", "so done with"], "x")
    assert [m.phrase for m in lex.find_all("the oncologist is so done with it")] == [
        "oncologist", "so done with"]
    assert lex.search("gastroncology") is None
