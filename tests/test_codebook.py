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
