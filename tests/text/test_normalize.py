from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearpost.text import normalize

CASES = [
    ("r o o m 4 1 2 today", "room 412 today"),
    ("M r s . G a r c i a is here", "Mrs. Garcia is here"),
    ("p@tient in r00m 412", "patient in room 412"),
    ("Gar🌸cia", "Garcia"),
    ("𝐩𝐚𝐭𝐢𝐞𝐧𝐭 ｒｏｏｍ", "patient room"),
    ("раtient", "patient"),  # Cyrillic а and р
    ("pa\u200btient", "patient"),
    ("pa\u202etient", "patient"),  # bidi override
    ("Tomás", "Tomas"),
    ("hello world", "hello world"),
    ("this place can kiss my a$$", "this place can kiss my ass"),  # dollar signs ending a word
    ("US$5 or HK$ 100", "US$5 or HK$ 100"),  # currencies stay
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_undoes_tricks(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_offsets_point_into_the_original(raw: str, expected: str) -> None:
    n = normalize(raw)
    assert n.original_text(0, len(n.text)) == raw


def test_span_of_a_word_maps_back() -> None:
    raw = "the p@tient in r 0 0 m 4 1 2"
    n = normalize(raw)
    i = n.text.index("patient")
    assert n.original_text(i, i + len("patient")) == "p@tient"


def test_numbers_and_passwords_are_left_alone() -> None:
    for raw in ("call 917-555-0143", "F***ThisPlace2024!", "2024 was great", "MRN 40082917"):
        assert normalize(raw).text == raw


def test_lower_has_the_same_length() -> None:
    n = normalize("İstanbul ẞtraße")
    assert len(n.lower) == len(n.text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_idempotent(raw: str) -> None:
    once = normalize(raw).text
    assert normalize(once).text == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_every_char_maps_inside_the_original(raw: str) -> None:
    n = normalize(raw)
    for i in range(len(n.text)):
        s, e = n.span(i, i + 1)
        assert 0 <= s <= e <= len(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("pt in rm 4one2 coded", "pt in rm 412 coded"),
    ("r00m 4one2", "room 412"),
    ("one2three", "123"),
])
def test_spelled_digits_inside_numbers(raw: str, expected: str) -> None:
    n = normalize(raw)
    assert n.text == expected
    assert n.original_text(0, len(n.text)) == raw


@pytest.mark.parametrize("raw", ["mail rkowal55@gmail.com now", "see www.h3llo.com/p4ge",
                                 "https://ex4mple.org/a1b2", "tone2 is a word", "2 one 3"])
def test_addresses_and_plain_words_are_kept(raw: str) -> None:
    assert normalize(raw).text == raw


def test_spelled_digit_span_maps_to_the_whole_word() -> None:
    raw = "room 4one2 now"
    n = normalize(raw)
    i = n.text.index("412")
    assert n.original_text(i, i + 3) == "4one2"
    assert n.original_text(i + 1, i + 2) == "one"
