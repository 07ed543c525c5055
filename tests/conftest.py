"""Shared fixtures: the tiny hand-made dataset under tests/fixtures/mini and the project paths."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"
SCHEMA_DIR = ROOT / "workflow" / "schemas"
CODEBOOK = ROOT / "config" / "codebook.yaml"


@pytest.fixture
def project_config() -> dict:
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def mini_inputs() -> dict:
    return {
        "interviews": MINI / "interviews.csv",
        "coding": MINI / "coding.csv",
        "codebook": CODEBOOK,
    }


@pytest.fixture
def anonymisation_settings(project_config, tmp_path) -> dict:
    """The project's settings with k_min 2 (the mini fixture has only 9 non-named interviews),
    one sensitive name, and a key file path that does not exist."""
    settings = dict(project_config["anonymisation"])
    settings["k_min"] = 2
    settings["max_suppression"] = 0.3
    settings["key_file"] = str(tmp_path / "no-such.key")
    settings["sensitive_names"] = [{"name": "Varo Keltz", "replacement": "[a government minister]"}]
    return settings
