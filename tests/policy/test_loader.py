from __future__ import annotations

from pathlib import Path

import pytest

from clearpost.policy.loader import PolicyError, load_policy
from clearpost.policy.scaffold import init_pack
from clearpost.policy.schema import ALL_RULES


def test_default_pack_covers_every_rule_and_section(policy) -> None:  # type: ignore[no-untyped-def]
    assert set(policy.rules) == set(ALL_RULES)
    assert policy.label.startswith("msk@")
    sections = {s.id for s in policy.pack.sections}
    assert {r.section for r in policy.rules.values()} <= sections
    assert len(sections) >= 15  # every paragraph of the guidelines has a home


def test_no_sentence_of_the_seed_is_copied(policy, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The pack summarises the guidelines in the project's own words."""
    import re

    seed = " ".join(p.read_text() for p in (shared_dir / "seed").glob("*.txt"))
    seed_sentences = {s.strip().lower() for s in re.split(r"(?<=[.!?])\s+", seed)
                      if len(s.split()) >= 8}
    pack_text = " ".join(
        [s.summary for s in policy.pack.sections]
        + [r.why + " " + r.fix for r in policy.rules.values()]).lower()
    copied = [s for s in seed_sentences if s in pack_text]
    assert not copied, copied[:3]


def _starter(tmp_path: Path) -> Path:
    d = tmp_path / "pack"
    init_pack(d, org_id="acme", name="Acme Health")
    return d


def test_init_writes_a_valid_pack_for_another_org(tmp_path: Path) -> None:
    from clearpost.evaluate import run_examples

    pol = load_policy(_starter(tmp_path))
    assert pol.label == "acme@0.1.0"
    assert pol.org.name == "Acme Health"
    assert run_examples(pol) == []


def test_init_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    d = _starter(tmp_path)
    with pytest.raises(FileExistsError):
        init_pack(d, org_id="acme", name="Acme")


@pytest.mark.parametrize(("old", "new", "file", "field"), [
    ("expiry_days: 30", "expiry_days: many", "pack.yaml", "workflows.expiry_days"),
    ("language: en", "language: fr", "pack.yaml", "language"),
])
def test_errors_name_file_line_and_field(tmp_path: Path, old: str, new: str, file: str,
                                         field: str | None) -> None:
    d = _starter(tmp_path)
    path = d / file
    text = path.read_text()
    if old not in text:
        pytest.skip("starter has no such line")
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(PolicyError) as err:
        load_policy(d)
    assert err.value.path.endswith(file)
    assert err.value.line is not None
    if field:
        assert err.value.field == field
        line = path.read_text().splitlines()[err.value.line - 1]
        assert new.split(":")[0] in line


def test_bad_rule_file_names_its_field(tmp_path: Path) -> None:
    d = _starter(tmp_path)
    f = d / "rules" / "copyright.yaml"
    f.write_text(f.read_text().replace("level: warn", "level: loud"))
    with pytest.raises(PolicyError) as err:
        load_policy(d)
    assert "copyright.yaml:" in str(err.value) and err.value.field == "level"
    assert err.value.line == 3


def test_missing_rule_file_and_bad_yaml(tmp_path: Path) -> None:
    d = _starter(tmp_path)
    (d / "rules" / "faces.yaml").unlink()
    with pytest.raises(PolicyError, match="faces"):
        load_policy(d)
    d2 = tmp_path / "other"
    init_pack(d2, org_id="b", name="B")
    (d2 / "pack.yaml").write_text("id: [unclosed\n")
    with pytest.raises(PolicyError, match="invalid YAML"):
        load_policy(d2)


def test_pack_lexicons_extend_the_builtin_ones(tmp_path: Path) -> None:
    from clearpost.engine import check

    d = _starter(tmp_path)
    (d / "lexicons" / "common_areas.txt").write_text("sky bridge\n")
    pol = load_policy(d)
    assert "sky bridge" in pol.lexicon("common_areas") and "lobby" in pol.lexicon("common_areas")
    r = check({"text": "photo from the sky bridge 📸"}, pol)
    assert "onsite-photo" in {f.rule for f in r.findings}


def test_embargo_terms_match_fuzzily(tmp_path: Path) -> None:
    import yaml

    from clearpost.engine import check

    d = _starter(tmp_path)
    data = yaml.safe_load((d / "pack.yaml").read_text())
    data["organization"]["embargo_terms"] = ["Kestrel Trial"]
    (d / "pack.yaml").write_text(yaml.safe_dump(data))
    pol = load_policy(d)
    for text in ("so excited about the kestrel trial readout", "KESTRL TRIAL news soon",
                 "k e s t r e l trial"):
        assert "confidential" in {f.rule for f in check({"text": text}, pol).findings}, text
    assert "confidential" not in {f.rule for f in check({"text": "saw a kestrel today"}, pol).findings}
