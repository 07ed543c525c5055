"""Shared fixtures: the tiny hand-made dataset under tests/fixtures/mini and the project paths."""

import os
from pathlib import Path

import pytest
import yaml
from project_copy import copy_project, snakemake

from peacekeeping_interviews.anonymisation import (
    AnonymisationOutputs,
    ConfidentialInputs,
    run_anonymisation,
)
from peacekeeping_interviews.release import PublicRelease, read_release

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"
# The adversary's ways of slipping a restricted name, date or city past the scrub and the leak scan.
EVASIONS = yaml.safe_load(
    (ROOT / "tests" / "fixtures" / "evasions.yaml").read_text(encoding="utf-8")
)
SCHEMA_DIR = ROOT / "workflow" / "schemas"
CODEBOOK = ROOT / "config" / "codebook.yaml"
LATEST = "2026-11-23"


# Tests that share an expensive fixture run on one pytest-xdist worker (pyproject.toml's ``--dist
# loadgroup``), so that the fixture is built once per test session, not once on every worker: the
# end-to-end runs of the example (``example_runs``: two whole runs of the workflow) and of the
# second study (``second_study``, module-scoped). Each test that uses one, however indirectly, is
# put in the group named after it.
SHARED_FIXTURES = ("example_runs", "second_study")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        shared = [name for name in SHARED_FIXTURES if name in item.fixturenames]
        if shared:
            item.add_marker(pytest.mark.xdist_group(shared[0]))
    yield
    if hasattr(config, "workerinput"):
        # On an xdist worker: the end-to-end tests first, so that xdist hands out the longest
        # tests before the short ones, and no worker is still running one while the others idle.
        items.sort(key=lambda item: item.get_closest_marker("end_to_end") is None)


def missing_tool(reason: str) -> None:
    """A check cannot run because a system tool is missing: skipped with the reason locally, a
    failure in CI (``CI`` set), where ``make test`` installs the tool, so that a missing tool
    never hides a check there."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def project_config() -> dict:
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def confidential(mini_inputs, anonymisation_settings) -> ConfidentialInputs:
    """The mini fixture's confidential inputs with the test settings."""
    return ConfidentialInputs(
        **mini_inputs,
        schema_dir=SCHEMA_DIR,
        settings=anonymisation_settings,
        latest_interview_date=LATEST,
    )


def written_index(
    inputs: ConfidentialInputs, folder: Path, environ: dict[str, str] | None = None
) -> Path:
    """The restricted-string index the anonymisation stage writes for these inputs (with the key
    ``environ`` gives, the demo key by default), in ``folder``."""
    path = Path(folder) / "restricted_strings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(inputs.anonymise(environ or {})[1].restricted_index.text(), encoding="utf-8")
    return path


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


def _anonymised(root: Path, inputs: dict, settings: dict) -> dict:
    """Run the anonymisation stage into ``root``; return the release paths a public stage reads."""
    outputs = AnonymisationOutputs.under(root)
    run_anonymisation(
        ConfidentialInputs(
            **inputs, schema_dir=SCHEMA_DIR, settings=settings, latest_interview_date=LATEST
        ),
        outputs,
        environ={},
    )
    return {"interviews": outputs.interviews, "coding": outputs.coding, "codebook": CODEBOOK}


@pytest.fixture
def mini_release_paths(tmp_path, mini_inputs, anonymisation_settings) -> dict:
    """The mini fixture's release (12 interviews), as written by the anonymisation stage."""
    return _anonymised(tmp_path / "mini", mini_inputs, anonymisation_settings)


@pytest.fixture(scope="session")
def example_release_paths(tmp_path_factory) -> dict:
    """The committed example data's release (210 interviews) with the project's settings."""
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    settings = dict(config["anonymisation"], key_file=str(tmp_path_factory.mktemp("k") / "none"))
    inputs = {
        "interviews": ROOT / "data/example/interviews.csv",
        "coding": ROOT / "data/example/coding.csv",
        "codebook": CODEBOOK,
    }
    return _anonymised(tmp_path_factory.mktemp("example"), inputs, settings)


@pytest.fixture(scope="session")
def example_release(example_release_paths) -> PublicRelease:
    return read_release(**example_release_paths, schema_dir=SCHEMA_DIR)


@pytest.fixture(scope="session")
def example_runs(tmp_path_factory) -> tuple[Path, Path]:
    """The whole workflow, run twice on the example data in two clean copies."""
    copies = []
    for name in ("first", "second"):
        copy = copy_project(tmp_path_factory.mktemp("example") / name)
        result = snakemake("--cores", "2", cwd=copy, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        copies.append(copy)
    return copies[0], copies[1]


def write_files(root: Path, files: dict[str, str]) -> None:
    """Each text at its path below ``root``, folders made as needed."""
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
