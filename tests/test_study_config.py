"""A study's own config: written with placeholders by `new-study`, refused until filled, and
checked whole against the schema with no key filled in from the project's config."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SCHEMA_DIR

from peacekeeping_interviews.cli import main
from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.study_config import (
    PLACEHOLDER,
    RESTRICTED_SETTINGS,
    STUDY_VALUES,
    check_config,
    placeholders,
    recorded_config,
)

SCHEMA = SCHEMA_DIR / "config.schema.yaml"
CONFIG = ROOT / "config" / "config.yaml"


def new_study(tmp_path: Path, *extra: str) -> Path:
    status = main(["new-study", str(tmp_path / "study"), "--template", str(CONFIG), *extra])
    assert status == 0
    return tmp_path / "study" / "config.yaml"


def test_the_project_config_passes():
    check_config(yaml.safe_load(CONFIG.read_text(encoding="utf-8")), SCHEMA)


def test_new_study_leaves_a_placeholder_at_every_study_value_and_is_refused(tmp_path):
    written = yaml.safe_load(new_study(tmp_path).read_text(encoding="utf-8"))
    with pytest.raises(InputError) as raised:
        check_config(written, SCHEMA)
    keys = {problem.row for problem in raised.value.problems}
    assert keys == {path for path, _ in placeholders(written)}
    assert {"inputs.mandates", "study.title", "study.creators[0].family_name"} <= keys
    top = {key.split(".")[0].split("[")[0] for key in keys}
    assert top == {keys_[0] for keys_ in STUDY_VALUES if keys_[-1] != "sensitive_names"}
    assert all(str(p.value).startswith(PLACEHOLDER) for p in raised.value.problems)


def test_a_filled_in_study_config_passes_and_keeps_the_chosen_codebook(tmp_path):
    codebook = ROOT / "config" / "codebook-buitelaar-2023.yaml"
    path = new_study(tmp_path, "--codebook", str(codebook))
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert Path(config["inputs"]["codebook"]).read_bytes() == codebook.read_bytes()
    filled = _fill(config)
    check_config(filled, SCHEMA)


FILLED = {"YYYY-MM-DD": "2023-06-30", "DOI": "10.1234/example", "URL": "https://example.org/f"}


def _fill(value):
    if isinstance(value, dict):
        return {key: _fill(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item) for item in value]
    if isinstance(value, str) and value.startswith(PLACEHOLDER):
        for hint, filled in FILLED.items():
            if hint in value:
                return filled
        return "my-study"
    return value


def test_new_study_never_overwrites(tmp_path, capsys):
    new_study(tmp_path)
    assert main(["new-study", str(tmp_path / "study"), "--template", str(CONFIG)]) == 2
    assert "not overwriting" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda c: c["tabulation"].pop("correction"),
            "config: at tabulation.correction: got None; expected a value: every key is required",
        ),
        (lambda c: c.pop("deposit"), "config: at deposit: got None; expected a value"),
        (
            lambda c: c["mandates"]["layout"].update(column_case="upper"),
            "config: at mandates.layout.column_case: got 'upper'; expected 'upper' is not one of",
        ),
        (
            lambda c: c["mandates"].update(modalities=["monitor"]),
            "Additional properties are not allowed ('modalities' was unexpected)",
        ),
        (
            lambda c: c["study"].update(keywords=[]),
            "config: at study.keywords: got []; expected [] should be non-empty",
        ),
        (
            lambda c: c["study"].pop("paper"),
            "config: at study.paper: got None; expected a value",
        ),
    ],
    ids=["missing-key", "missing-section", "bad-enum", "old-layout-key", "no-keyword", "no-paper"],
)
def test_every_schema_violation_is_named_by_its_key(edit, message):
    config = copy.deepcopy(yaml.safe_load(CONFIG.read_text(encoding="utf-8")))
    edit(config)
    with pytest.raises(InputError) as raised:
        check_config(config, SCHEMA)
    assert any(message in str(problem) for problem in raised.value.problems), raised.value


def test_params_record_restricted_settings_only_as_a_digest_that_changes_with_them(
    project_config,
):
    """Snakemake keeps rule params in .snakemake/metadata, outside restricted space: the
    sensitive names, the cities of place_descriptors and the allow-list's path are digests."""
    config = copy.deepcopy(project_config)
    config["anonymisation"]["allow_list"] = "data/restricted/allow_list.yaml"
    original = copy.deepcopy(config)
    recorded = recorded_config(config)
    names = [entry["name"] for entry in config["anonymisation"]["sensitive_names"]]
    cities = list(config["anonymisation"]["place_descriptors"])
    assert names and cities
    for restricted in [*names, *cities, "allow_list.yaml"]:
        assert restricted not in repr(recorded), restricted
    assert config == original
    assert {**recorded["anonymisation"], **dict.fromkeys(RESTRICTED_SETTINGS)} == {
        **original["anonymisation"],
        **dict.fromkeys(RESTRICTED_SETTINGS),
    }
    changed = copy.deepcopy(config)
    changed["anonymisation"]["sensitive_names"][0]["replacement"] = "[a minister]"
    assert recorded_config(changed) != recorded
