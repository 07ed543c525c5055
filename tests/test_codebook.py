"""Codebooks parse into codes whatever the framework."""

import pytest
import yaml
from conftest import ROOT, SCHEMA_DIR

from peacekeeping_interviews.codebook import load_codebook

SCHEMA = yaml.safe_load((SCHEMA_DIR / "codebook.schema.yaml").read_text())


def test_study_codebook_has_nine_factors_in_three_categories_and_an_ordered_spectrum():
    codebook = load_codebook(ROOT / "config" / "codebook.yaml", SCHEMA)
    assert [c for c, _ in codebook.categories] == ["individual", "departmental", "positional"]
    factors = [c for c in codebook.codes if c.kind == "factor"]
    assert len(factors) == 9
    assert {c.category for c in factors} == {"individual", "departmental", "positional"}
    responses = [c for c in codebook.codes if c.kind == "response"]
    assert responses[0].id == "enforcement_action" and responses[-1].id == "downplaying"
    assert [c.rank for c in responses] == list(range(1, len(responses) + 1))


@pytest.mark.parametrize("name", ["codebook.yaml", "codebook-buitelaar-2023.yaml"])
def test_codebooks_have_unique_ids_and_every_kind(name):
    codebook = load_codebook(ROOT / "config" / name, SCHEMA)
    ids = codebook.ids()
    assert len(ids) == len(set(ids))
    assert {c.kind for c in codebook.codes} == {"factor", "response", "theme"}


def test_alternative_framework_is_agent_level():
    codebook = load_codebook(ROOT / "config" / "codebook-buitelaar-2023.yaml", SCHEMA)
    assert [c for c, _ in codebook.categories] == [
        "socialising_experiences",
        "personality_traits",
        "value_frameworks",
    ]


@pytest.mark.parametrize(
    ("name", "derived", "key"),
    [
        ("codebook.yaml", True, "oksamytna2023"),
        ("codebook-buitelaar-2023.yaml", False, "buitelaar2023"),
    ],
)
def test_codebooks_say_where_their_framework_comes_from(name, derived, key):
    codebook = load_codebook(ROOT / "config" / name, SCHEMA)
    assert codebook.derived_from_interviews is derived
    assert codebook.citation_key == key
    assert f"{{{key}," in (ROOT / "reports" / "references.bib").read_text(encoding="utf-8")
    assert codebook.outcome


def test_framework_origin_and_citation_are_optional(tmp_path):
    document = yaml.safe_load((ROOT / "config" / "codebook.yaml").read_text())
    del document["framework"]["derived_from_interviews"], document["framework"]["citation_key"]
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(document))
    codebook = load_codebook(path, SCHEMA)
    assert codebook.derived_from_interviews is False and codebook.citation_key is None
