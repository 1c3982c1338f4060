"""Each identifier recogniser, through extract_identifiers (no care context needed)."""

from __future__ import annotations

import pytest

from clearpost.detectors.identifiers import extract_identifiers


def kinds(text: str, **kw: object) -> dict[str, str]:
    """text of each identifier -> its label."""
    return {i.text: i.label for i in extract_identifiers(text, ner=False, **kw)}  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "span", "label"), [
    ("Mrs. Okonkwo is back", "Mrs. Okonkwo", "titled-name"),
    ("seen by mrs cohen today", "mrs cohen", "titled-name"),
    ("MR. EDWIN PRZYBYLO is an 83 yr old", "MR. EDWIN PRZYBYLO", "titled-name"),
    ("pt J.R. pulled his line", "J.R.", "initials"),
    ("spoke with her son Rob about the plan", "Rob", "relative-name"),
    ("LIVES W/ DAUGHTER VERONICA WHO IS PROXY", "VERONICA", "relative-name"),
    ("Ask Priya Raman about it", "Priya Raman", "full-name"),
])
def test_names(text: str, span: str, label: str) -> None:
    assert kinds(text).get(span) == label


def test_name_shaped_run_of_unknown_words() -> None:
    found = kinds("We talked with Szabina J Gelencser yesterday.")
    assert any("Gelencser" in t for t in found)


def test_clinical_words_are_not_names() -> None:
    found = kinds("Started Neo and Lasix, Foley draining well.")
    assert not any(label.endswith("name") for label in found.values())


@pytest.mark.parametrize(("text", "span", "label"), [
    ("a 97 y/o woman", "97 y/o", "age>89"),
    ("a 45-year-old woman", "45-year-old", "age"),
    ("retired at the age of 71", "age of 71", "age"),
    ("Our oldest resident, 103, loves dogs", "resident, 103", "age>89"),
])
def test_ages(text: str, span: str, label: str) -> None:
    assert kinds(text).get(span) == label


@pytest.mark.parametrize(("text", "span"), [
    ("admitted 7/22 from home", "7/22"),
    ("born on 5/5/1937", "5/5/1937"),
    ("surgery March 3, 2021", "March 3, 2021"),
    ("s/p CABG '92", "'92"),
    ("note 10-18-20 7a", "10-18-20"),
    ("2018-01-14 03:07:43 login", "2018-01-14 03:07:43"),
])
def test_dates(text: str, span: str) -> None:
    assert span in kinds(text)


def test_strength_scores_are_not_dates() -> None:
    assert "5/5" not in kinds("grips 5/5 bilaterally")


@pytest.mark.parametrize(("text", "span", "label"), [
    ("call 917-555-0143 tonight", "917-555-0143", "phone"),
    ("Pager #54321 for questions", "54321", "phone"),
    ("phone: 0393 1144137", "0393 1144137", "phone"),
    ("write to rkowal55@gmail.com", "rkowal55@gmail.com", "email"),
    ("SSN 219-09-9999 on file", "219-09-9999", "ssn"),
    ("MRN 40082917 in chart", "MRN 40082917", "record-number"),
    ("member ID: XJ44820193", "member ID: XJ44820193", "record-number"),
    ("VIN 1HGCM82633A004352 towed", "VIN 1HGCM82633A004352", "record-number"),
    ("from 192.168.10.4 at night", "192.168.10.4", "ip"),
    ("see https://example.org/p/1", "https://example.org/p/1", "url"),
])
def test_contacts_and_numbers(text: str, span: str, label: str) -> None:
    assert kinds(text).get(span) == label


@pytest.mark.parametrize("ssn", ["000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567",
                                 "123-45-0000"])
def test_invalid_ssns_are_rejected(ssn: str) -> None:
    assert kinds(f"ssn {ssn}").get(ssn) != "ssn"


def test_time_ranges_are_not_phones() -> None:
    assert "1900-0700" not in kinds("shift 1900-0700 uneventful")


@pytest.mark.parametrize(("text", "span"), [
    ("lives at 48 Maple Ridge Rd with her son", "48 Maple Ridge Rd"),
    ("The restaurant is at Via Roma 131", "Via Roma 131"),
    ("my new address is 77 Oak Lane, Pelham NY 10803", "77 Oak Lane, Pelham NY 10803"),
])
def test_addresses(text: str, span: str) -> None:
    assert any(span in t or t in span for t in kinds(text) if len(t) > 5)


@pytest.mark.parametrize(("text", "span"), [
    ("a kid from Yonkers", "Yonkers"),
    ("transferred to Kernan for rehab", "Kernan"),
    ("d/c'd to Sacred Heart Memorial today", "Sacred Heart Memorial"),
    ("lives nearby in yonkers", "yonkers"),
])
def test_places(text: str, span: str) -> None:
    assert span in kinds(text)


def test_rooms() -> None:
    found = kinds("pt in bed 12, moved to room 4B")
    assert found.get("bed 12") == "room"
    assert found.get("room 4B") == "room"


def test_offsets_point_into_the_original_after_evasion() -> None:
    text = "M r s . G a r c i a in r00m 4one2"
    spans = extract_identifiers(text, ner=False)
    assert any(text[i.start:i.end] == "M r s . G a r c i a" for i in spans)
    assert all(text[i.start:i.end] == i.text for i in spans)


def test_ner_is_optional_and_adds_people() -> None:
    from clearpost.detectors import ner

    if not ner.available():
        pytest.skip("spaCy model not installed (the `phi` extra)")
    found = {i.text for i in extract_identifiers("Yesterday Toshimi Arata called about it.",
                                                 ner=True)}
    assert any("Arata" in t for t in found)


# --- clinical-note shapes (synthetic), each with the near miss it must leave alone -----------
@pytest.mark.parametrize(("text", "span"), [
    ("MR ZELNICK HAD A GOOD NIGHT", "MR ZELNICK"),
    ("mr tobiasz slept well", "mr tobiasz"),
    ("gi: mrs. Field ate some toast", "mrs. Field"),
    ("PER SON, MS VANTERPOOL IS DNR", "MS VANTERPOOL"),
    ("ASKED FOR CHAPLAIN - RABBI WEXLER CAME", "RABBI WEXLER"),
    ("HAS TWO SONS,SON MARCO CALLED", "MARCO"),
    ("visited by her daughter Grace this am", "Grace"),
    ("FAMILY: ODALYS VENTURA (DAUGHTER) IS PROXY", "ODALYS VENTURA"),
])
def test_note_names(text: str, span: str) -> None:
    assert span in kinds(text)


@pytest.mark.parametrize("text", [
    "MS CHANGES NOTED OVERNIGHT",         # mental status
    "her son will call tomorrow",         # "will" is a verb here
    "Mr. and Mrs. Smith",                 # the names are found, never "and"
])
def test_note_name_near_misses(text: str) -> None:
    found = kinds(text)
    assert not any(t.lower().split()[-1] in ("changes", "will", "and") for t in found)


@pytest.mark.parametrize(("text", "span"), [
    ("PT SENT TO ED AT KMC FOR CT", "KMC"),
    ("arrived via amb from brenholt ew", "brenholt"),
    ("lives alone in Hollisport, daughter nearby", "Hollisport"),
    ("transferred from Ardent Memorial Hospital 9/13", "Ardent Memorial Hospital"),
    ("TAKEN TO SACRED HEART HOSPITAL", "SACRED HEART HOSPITAL"),
    ("insulin per U Wessex scale", "U Wessex"),
])
def test_note_places(text: str, span: str) -> None:
    assert span in kinds(text)


@pytest.mark.parametrize("text", [
    "CHANGED FROM A/C TO PS THIS AFTERNOON",  # a ventilator mode, not a hospital
    "Pt in SR rate 80s, no ectopy",           # a rhythm
    "went to the nursing home",               # a generic facility
    "returned to NSR after the bolus",
])
def test_note_place_near_misses(text: str) -> None:
    assert not any(i.kind == "location" for i in extract_identifiers(text, ner=False))


def test_a_name_found_once_marks_its_other_mentions() -> None:
    text = "MR ZELNICK SLEPT. PLAN: UPDATE ZELNICK FAMILY AT 5PM."
    found = [i.text for i in extract_identifiers(text, ner=False)]
    assert "ZELNICK" in found and "MR ZELNICK" in found


@pytest.mark.parametrize(("text", "span"), [
    ("PMH: CABG '92, CVA 74'.", "'92"),
    ("PMH: CABG '92, CVA 74'.", "74'"),
    ("prostate CA'88, GERD", "'88"),
    ("PMH: MI 81, HTN", "81"),
    ("echo 8/87 showing EF 20%", "8/87"),
    ("S/P UTI 6/85. PRESENTED", "6/85"),
])
def test_history_years(text: str, span: str) -> None:
    assert span in kinds(text)


@pytest.mark.parametrize("text", [
    "PS 10/5, FIO2 40%",      # ventilator settings
    "on 5/40% mask",          # oxygen
    "BP 120/80 HR 72",
])
def test_history_year_near_misses(text: str) -> None:
    assert not any(i.kind == "date" for i in extract_identifiers(text, ner=False))


def test_slash_separated_phone() -> None:
    assert kinds("wife (201/555/0134) confirms").get("201/555/0134") == "phone"
