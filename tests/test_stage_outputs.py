"""Each stage's outputs, declared once: the rules take their outputs from the same classes."""

import re
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import ROOT

from peacekeeping_interviews import stage_outputs
from peacekeeping_interviews.stage_outputs import StageOutputs

CLASSES = [c for c in vars(stage_outputs).values() if isinstance(c, type) and c is not StageOutputs]
CLASSES = [c for c in CLASSES if issubclass(c, StageOutputs)]


@pytest.mark.parametrize("outputs", CLASSES, ids=lambda c: c.__name__)
def test_under_places_every_declared_file_below_the_root(outputs, tmp_path):
    placed = outputs.under(tmp_path)
    layout = outputs.layout()
    assert [f.name for f in fields(outputs)] == list(layout)
    for name, relative in layout.items():
        assert getattr(placed, name) == tmp_path / relative
        assert not Path(relative).is_absolute()


def test_every_outputs_class_is_some_rules_output_and_no_rule_repeats_its_paths():
    rules = "".join(p.read_text() for p in (ROOT / "workflow" / "rules").glob("*.smk"))
    for outputs in CLASSES:
        assert f"**{outputs.__name__}.layout()" in rules, outputs.__name__
        for relative in outputs.layout().values():
            assert not re.search(rf'"{re.escape(relative)}"', rules), relative


def test_no_two_stages_write_the_same_file():
    paths = [p for outputs in CLASSES for p in outputs.layout().values()]
    assert len(paths) == len(set(paths))
