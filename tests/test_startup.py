"""The start-up check: every input, the crosswalk's coverage of the interview data, the synthetic
flags and the tools, all reported at once before any rule runs."""

from __future__ import annotations

import copy
import shutil

import pandas as pd
import pytest
from conftest import ROOT, SCHEMA_DIR

from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.startup import check_study, report_failure

EXAMPLE = ROOT / "data" / "example"
RELEASE = {"interviews": "", "coding": "", "mission_counts": ""}


@pytest.fixture
def study(project_config, tmp_path) -> dict:
    """The project config on copies of the example inputs, with a cffconvert that exists."""
    for name in ("interviews.csv", "coding.csv", "mandates.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    config = copy.deepcopy(project_config)
    config["inputs"] = {
        "interviews": str(tmp_path / "interviews.csv"),
        "coding": str(tmp_path / "coding.csv"),
        "mandates": str(tmp_path / "mandates.csv"),
        "codebook": str(ROOT / "config" / "codebook.yaml"),
    }
    tool = tmp_path / "cffconvert"
    tool.write_text("#!/bin/sh\n", encoding="utf-8")
    tool.chmod(0o755)
    return {"config": config, "environ": {"PKI_CFFCONVERT": str(tool)}, "root": tmp_path}


def check(study: dict):
    return check_study(study["config"], SCHEMA_DIR, RELEASE, study["environ"], study["root"])


def edit_csv(path: str, edit) -> None:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table)
    table.to_csv(path, index=False, lineterminator="\n")


def messages(raised) -> list[str]:
    return [str(problem) for problem in raised.value.problems]


def test_the_example_passes_and_is_synthetic(study):
    assert check(study).synthetic is True


def test_a_mission_outside_the_crosswalk_is_found_at_start_up(study):
    def serve_in_unsmil(table):
        table.loc[4, "missions"] = "UNMIL;UNSMIL"

    edit_csv(study["config"]["inputs"]["interviews"], serve_in_unsmil)
    with pytest.raises(InputError) as raised:
        check(study)
    assert messages(raised) == [
        "interviews.csv: row 5 (line 6), column 'missions': got 'UNSMIL'; expected a mission "
        "named in mandates.missions[].names or mandates.excluded_missions (UNTAC, UNPROFOR, "
        "UNTAES, UNAMSIL, MONUC, MONUSCO, UNMISET, UNMIL, UNOCI, MINUSTAH, UNMIS, UNMIT, "
        "UNAMID, UNMISS, MINUSMA, MINUSCA, UNISFA, UNMIK): map it to a column or exclude it "
        "with a reason"
    ]


def test_real_interviews_with_the_synthetic_example_mandates_are_refused(study):
    edit_csv(study["config"]["inputs"]["interviews"], lambda t: t.__setitem__("synthetic", "false"))
    with pytest.raises(InputError) as raised:
        check(study)
    (message,) = [m for m in messages(raised) if m.startswith("mandates.csv")]
    assert message.startswith("mandates.csv: whole file, column 'synthetic': got 'true'")
    assert "inputs.mandates" in message and "PEMA release" in message
    # Real data also need finished study metadata: the example's creators have no affiliation.
    assert any("study.creators[0].affiliation" in m for m in messages(raised))


def test_a_scrubbed_name_that_is_a_named_interviewee_is_found_at_start_up(study):
    interviews = pd.read_csv(study["config"]["inputs"]["interviews"], dtype=str)
    named = interviews.loc[interviews["consent"] == "named", "name"].iloc[0]
    study["config"]["anonymisation"]["sensitive_names"].append(
        {"name": named.upper(), "replacement": "[an official]"}
    )
    with pytest.raises(InputError) as raised:
        check(study)
    (message,) = messages(raised)
    assert "anonymisation.sensitive_names[6]" in message and named not in message


def test_synthetic_interviews_may_use_a_published_mandates_file(study, project_config):
    edit_csv(
        study["config"]["inputs"]["mandates"], lambda t: t.drop(columns="synthetic", inplace=True)
    )
    assert check(study).synthetic is True


@pytest.mark.parametrize("tool", ["nowhere", "not-executable"])
def test_a_missing_tool_is_found_before_the_run_and_says_how_to_get_it(study, tool):
    (study["root"] / "not-executable").write_text("", encoding="utf-8")
    study["environ"] = {"PKI_CFFCONVERT": str(study["root"] / tool)}
    with pytest.raises(InputError) as raised:
        check(study)
    (message,) = messages(raised)
    assert "cffconvert" in message and "make venv" in message


def test_a_run_from_a_release_needs_no_tool_and_checks_the_mission_counts(study, tmp_path):
    counts = tmp_path / "mission_counts.csv"
    counts.write_text("mission,interviews\nUNMIL,12\nUNAMA,<3\n", encoding="utf-8")
    release = {"interviews": "no.csv", "coding": "no.csv", "mission_counts": str(counts)}
    study["config"]["start_from"] = "release"
    study["environ"] = {}
    with pytest.raises(InputError) as raised:
        check_study(study["config"], SCHEMA_DIR, release, {}, tmp_path)
    found = messages(raised)
    assert not any("cffconvert" in message for message in found)
    assert any("no.csv" in message for message in found)


def test_every_input_is_reported_at_once_and_a_long_list_goes_to_a_log(study, tmp_path):
    edit_csv(study["config"]["inputs"]["interviews"], lambda t: t.__setitem__("consent", "secret"))
    edit_csv(study["config"]["inputs"]["mandates"], lambda t: t.__setitem__("Date2", "sometime"))
    with pytest.raises(InputError) as raised:
        check(study)
    files = {problem.file for problem in raised.value.problems}
    assert files == {"interviews.csv", "mandates.csv"}
    log = tmp_path / "logs" / "input_problems.log"
    summary = report_failure(raised.value, log)
    assert len(summary.splitlines()) < 10 and str(log) in summary
    assert len(log.read_text(encoding="utf-8").splitlines()) == len(raised.value.problems)


def test_the_message_names_what_a_failed_start_up_removed(study, tmp_path):
    edit_csv(study["config"]["inputs"]["interviews"], lambda t: t.__setitem__("consent", "secret"))
    with pytest.raises(InputError) as raised:
        check(study)
    log = tmp_path / "logs" / "input_problems.log"
    removed = ["results/deposit", "results/paper"]
    assert "results/deposit, results/paper" in report_failure(raised.value, log, removed)
    assert "Removed" not in report_failure(raised.value, log)
