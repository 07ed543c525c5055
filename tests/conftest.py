"""Shared fixtures: the tiny hand-made dataset under tests/fixtures/mini and the project paths."""

import os
from pathlib import Path

import pytest
import yaml
from project_copy import copy_project, snakemake
from xdist_sharing import built_once, worker_order

from peacekeeping_interviews.analysis.release import PublicRelease, read_release
from peacekeeping_interviews.restricted.anonymisation import (
    AnonymisationOutputs,
    ConfidentialInputs,
    run_anonymisation,
)

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"
# The adversary's ways of slipping a restricted name, date or city past the scrub and the leak scan.
EVASIONS = yaml.safe_load(
    (ROOT / "tests" / "fixtures" / "evasions.yaml").read_text(encoding="utf-8")
)
SCHEMA_DIR = ROOT / "workflow" / "schemas"
CODEBOOK = ROOT / "config" / "codebook.yaml"
LATEST = "2026-11-23"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if hasattr(config, "workerinput"):  # on a pytest-xdist worker
        items[:] = worker_order(items, config.workerinput["workercount"])


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
def example_run(pytestconfig, tmp_path_factory) -> Path:
    """The whole workflow, run on the example data in a clean copy of the project: once per test
    session, whatever the number of xdist workers. Tests only read it (they may run at the same
    time on other workers)."""
    return built_once(pytestconfig, tmp_path_factory, "example_first", _run_example)


@pytest.fixture(scope="session")
def example_runs(example_run, pytestconfig, tmp_path_factory) -> tuple[Path, Path]:
    """The first run and a second, in another copy and made after it, for the tests that compare
    the two."""
    return example_run, built_once(pytestconfig, tmp_path_factory, "example_second", _run_example)


def _run_example(folder: Path) -> Path:
    copy = copy_project(folder)
    result = snakemake("--cores", "2", cwd=copy, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return copy


def write_files(root: Path, files: dict[str, str]) -> None:
    """Each text at its path below ``root``, folders made as needed."""
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
