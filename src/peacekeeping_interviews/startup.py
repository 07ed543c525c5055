"""Everything checked before the first rule runs: bad input stops a run with nothing written.

The Snakefile calls :func:`check_study` once, with the config already checked against its schema:
the inputs of the tier the run starts from (the confidential tables, or a deposited release),
the mandates file and its layout, whether every mission an interviewee served in is mapped or
excluded, whether the inputs agree on being synthetic, whether a name the scrub replaces is also
a named interviewee's, whether real data would be deposited with unfinished study metadata, and
the tools the run will need. Every
problem is collected; one :class:`InputError` reports them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from peacekeeping_interviews.analysis.mandates import mandates_problems, unmapped_missions
from peacekeeping_interviews.analysis.pema import Resolutions
from peacekeeping_interviews.analysis.release import (
    PublicRelease,
    read_mission_counts,
    read_release,
)
from peacekeeping_interviews.deposit_layout import RESTRICTED_DIR
from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.restricted.anonymisation import sensitive_name_collisions
from peacekeeping_interviews.restricted.confidential_source import ConfidentialSource
from peacekeeping_interviews.restricted.validation import ValidatedInputs
from peacekeeping_interviews.study_config import unfinished_metadata_problems
from peacekeeping_interviews.tools import missing_tools

# Problems quote the cells they concern, and a confidential input's cells (names, notes, raw ids)
# must stay in restricted space; a run from a release has nothing confidential to quote.
PROBLEMS_LOG = {
    "confidential": Path(RESTRICTED_DIR) / "logs" / "input_problems.log",
    "release": Path("logs") / "startup" / "input_problems.log",
}


def check_study(
    config: Mapping,
    schema_dir: Path,
    release: Mapping[str, str],
    environ: Mapping[str, str],
    project_root: Path,
) -> ValidatedInputs | PublicRelease:
    """The starting data of the run, or an :class:`InputError` naming every problem of every
    input. ``release`` names the release files (read when ``start_from`` is ``release``)."""
    inputs = config["inputs"]
    mandates, problems = mandates_problems(
        Path(inputs["mandates"]), config["mandates"], config["latest_interview_date"]
    )
    data: ValidatedInputs | PublicRelease | None = None
    try:
        data = _starting_data(config, schema_dir, release)
    except InputError as error:
        problems += error.problems
    if config["start_from"] == "confidential":
        problems += _tool_problems(environ, project_root)
    if data is not None:
        problems += _mission_problems(data, config, release, schema_dir)
        problems += synthetic_problems(data.synthetic, mandates, inputs)
        problems += unfinished_metadata_problems(config["study"], data.synthetic)
    if isinstance(data, ValidatedInputs):
        sensitive = config["anonymisation"]["sensitive_names"]
        problems += sensitive_name_collisions(data.interviews, sensitive)
    if problems:
        raise InputError(problems)
    assert data is not None
    return data


def _starting_data(
    config: Mapping, schema_dir: Path, release: Mapping[str, str]
) -> ValidatedInputs | PublicRelease:
    inputs = config["inputs"]
    if config["start_from"] == "confidential":
        return ConfidentialSource.from_config(config).validate(
            Path(inputs["codebook"]), Path(schema_dir), config["latest_interview_date"]
        )
    return read_release(
        Path(release["interviews"]),
        Path(release["coding"]),
        Path(inputs["codebook"]),
        Path(schema_dir),
    )


def _mission_problems(
    data: ValidatedInputs | PublicRelease,
    config: Mapping,
    release: Mapping[str, str],
    schema_dir: Path,
) -> list[Problem]:
    """Missions of the interview data that Figure 1 cannot account for. The confidential table
    lists them per interview; a release may withhold that column, so its mission counts speak."""
    settings = config["mandates"]
    if isinstance(data, ValidatedInputs):
        missions = data.interviews["missions"].set_axis(data.interviews.index + 1)
        file = ConfidentialSource.from_config(config).files[0].name
        return unmapped_missions(missions, settings, file)
    try:
        counts = read_mission_counts(Path(release["mission_counts"]), Path(schema_dir))
    except InputError as error:
        return error.problems
    missions = counts["mission"].set_axis(counts.index + 1)
    return unmapped_missions(missions, settings, Path(release["mission_counts"]).name)


def synthetic_problems(
    synthetic_data: bool, mandates: Resolutions | None, inputs: Mapping[str, str]
) -> list[Problem]:
    """Real interviews with the synthetic example's mandates file would put invented mandates in
    a real paper. (Synthetic interviews with a published PEMA file are fine: every output is
    labelled synthetic when any of its inputs is.)"""
    if synthetic_data or mandates is None or not mandates.synthetic:
        return []
    expected = (
        "a published mandates file: the interview data are not synthetic, but "
        f"inputs.mandates ({inputs['mandates']}) is the synthetic example; set inputs.mandates "
        "to a PEMA release as downloaded (see README, 'The loop')"
    )
    return [Problem(Path(inputs["mandates"]).name, None, "synthetic", "true", expected)]


def _tool_problems(environ: Mapping[str, str], project_root: Path) -> list[Problem]:
    return [
        Problem("this machine", "tools", None, what, "it installed before the run")
        for what in missing_tools(environ, project_root)
    ]


def report_failure(error: InputError, log: Path, withdrawn: Sequence[str] = ()) -> str:
    """The grouped message for the terminal; the full list goes to ``log`` when it is long
    (:data:`PROBLEMS_LOG` names where, by the tier the run starts from). ``withdrawn`` are the
    earlier documents and deposit the failure removed, which the message names."""
    gone = (
        "\nRemoved, so that no earlier paper or deposit stands beside this failure (a rerun "
        "remakes them): " + ", ".join(withdrawn)
        if withdrawn
        else ""
    )
    if len(error.problems) <= len(error.summary().splitlines()):
        return error.summary() + gone
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(error.full_list(), encoding="utf-8")
    return error.summary(full_list=log) + gone
