"""The PEMA reader: the published layouts by preset, a hand-written file in the published layout
whose Figure 1 is worked out by hand, the real release from ../shared/pema/ against an independent
reading with the csv module, other releases' layouts derived from it, and bad layouts."""

from __future__ import annotations

import copy
import csv
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT
from test_mandates import run, ticks

from peacekeeping_interviews.analysis.pema import presets, read_layout, read_resolutions
from peacekeeping_interviews.problems import InputError

FIXTURE = ROOT / "tests" / "fixtures" / "pema" / "published_layout.csv"
PEMA = ROOT.parent / "shared" / "pema" / "PEMA_raw_v2.csv"
COUNTED = ("Monitor", "Assist", "Security")


@pytest.fixture
def settings(project_config) -> dict:
    return copy.deepcopy(project_config["mandates"])


@pytest.fixture(scope="module")
def pema() -> Path:
    """The published release; CI has it beside the project, so a missing file fails there."""
    if not PEMA.is_file():
        import os

        if os.environ.get("CI") == "true":
            pytest.fail(f"the PEMA release is not at {PEMA}")
        pytest.skip(f"the PEMA release is not at {PEMA}; clone the project beside shared/")
    return PEMA


@pytest.fixture(scope="module")
def published(pema, tmp_path_factory) -> tuple:
    """The published release through the stage with the project's settings: run once for the
    tests that read its outputs."""
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    return run(tmp_path_factory.mktemp("published"), pema, config["mandates"])


def test_the_hand_written_published_layout_gives_the_hand_worked_figure(tmp_path, settings):
    # UNTAC: human rights (paragraph 3) and electoral assistance (2c); civil society is only
    # encouraged. UNPROFOR: protection of civilians is in no group, human rights only encouraged,
    # and its democratization cell holds a space. MONUC/MONUSCO: human rights in prose and in
    # "3, 24", gender in 12a(i). UNISFA is excluded, UNOSOM II is no mission of the study.
    outputs, numbers = run(tmp_path, FIXTURE, settings)
    assert ticks(outputs) == {
        "UNPROFOR": set(),
        "UNTAC": {"human_rights", "electoral_assistance"},
        "MONUC/MONUSCO": {"human_rights", "gender"},
    }
    assert numbers["figure_labels"] == [
        "UNPROFOR, former Yugoslavia (1992)",
        "UNTAC, Cambodia (1992)",
        "MONUC/MONUSCO, DRC (1999\N{EN DASH}ongoing)",
    ]
    # 745, 783, 743, 758, 761, 1279, 1925 in the figure; 1990 (UNISFA) and 814 (UNOSOM II) not.
    assert (numbers["resolutions"], numbers["resolutions_in_figure"]) == (9, 7)
    assert numbers["missions_not_in_study"] == ["UNOSOM II"]
    missions = pd.read_csv(outputs.missions, dtype=str, keep_default_na=False).set_index("column")
    assert missions.loc["UNPROFOR", "resolutions"] == "3"
    assert missions.loc["MONUC/MONUSCO", "last_resolution"] == "S/RES/1925 (2010)"
    assert missions.loc["MONUC/MONUSCO", "last_resolution_date"] == ""


def test_every_preset_sets_every_key_and_is_accepted():
    for name in presets():
        layout, problems = read_layout({"preset": name})
        assert problems == [] and layout is not None, name


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"preset": "pema-v9"}, "expected one of the published layouts (pema-v2, pema-v1"),
        ({"mission_column": "NamePKO"}, "at mandates.layout.resolution_column: got None"),
        ({"preset": "pema-v2", "resolution_pattern": "S/RES/[0-9]+"}, "with one group"),
        ({"preset": "pema-v2", "mandated_pattern": "("}, "expected a regular expression"),
        ({"preset": "pema-v2", "task_column": "{task}"}, "holding {task} and {modality}"),
        ({"preset": "pema-v2", "date_column": None, "year_column": None}, "a year column"),
        ({"preset": "pema-v2", "date_formats": ["dd/mm/yyyy"]}, "strptime formats"),
    ],
    ids=["unknown", "incomplete", "no-group", "bad-regex", "template", "no-dates", "format"],
)
def test_a_bad_layout_is_named_by_its_config_key(spec, message):
    layout, problems = read_layout(spec)
    assert layout is None
    assert any(message in str(problem) for problem in problems), problems


def independent_figure(path: Path, settings: dict) -> dict[str, set[str]]:
    """Figure 1 read with the csv module alone: a group is ticked for a column when any row of
    any of its names has a non-blank cell in a counted modality of any of the group's tasks."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    figure = {}
    for mission in settings["missions"]:
        own = [row for row in rows if row["NamePKO"].strip() in mission["names"]]
        if own:
            figure[mission["column"]] = {
                group["id"]
                for group in settings["task_groups"]
                for row in own
                for task in group["tasks"]
                for modality in COUNTED
                if row[f"{task}_{modality}"].strip()
            }
    return figure


def test_the_published_release_gives_figure_1_for_the_fifteen_missions(published, settings, pema):
    outputs, numbers = published
    assert ticks(outputs) == independent_figure(pema, settings)
    assert numbers["missions_in_figure"] == 15
    assert numbers["missions_in_file"] == 48
    assert numbers["missions_in_file_not_in_study"] == 48 - 15 - 2  # MONUC and MONUSCO, UNISFA
    assert numbers["synthetic"] is False
    excluded = pd.read_csv(outputs.exclusions, dtype=str, keep_default_na=False)
    assert list(excluded["mission"]) == ["UNISFA", "UNMIK"]
    assert {label.split(",")[0] for label in numbers["figure_labels"]} == {
        mission["column"] for mission in settings["missions"]
    }
    assert numbers["missions_mandating"]["human_rights"] == 15


def _rewrite(source: Path, target: Path, header, cell) -> Path:
    """A copy of a release with its header and cells transformed, as another release has them."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([header(name) for name in rows[0]])
        for row in rows[1:]:
            writer.writerow([cell(name, value) for name, value in zip(rows[0], row)])
    return target


def _reformat_date(value: str, form: str) -> str:
    return datetime.strptime(value, "%d-%b-%y").strftime(form).lower() if value else ""


PROSE = "Mandated in previous resolution in S/RES/2410 paragraph(s) {}"


@pytest.mark.parametrize(
    ("preset", "header", "cell"),
    [
        (
            # Later web releases: lower-case names, `date` as 13may2003, prose in task cells.
            "pema-web",
            lambda name: "date" if name == "Date2" else name.lower(),
            lambda name, value: (
                _reformat_date(value, "%d%b%Y")
                if name == "Date2"
                else PROSE.format(value.strip())
                if re.fullmatch(r"[0-9]+", value.strip()) and name.endswith("_Assist")
                else value
            ),
        ),
        (
            # The first release: `Date` as dd/mm/yyyy.
            "pema-v1",
            lambda name: "Date" if name == "Date2" else name,
            lambda name, value: _reformat_date(value, "%d/%m/%Y") if name == "Date2" else value,
        ),
    ],
    ids=["web-release", "first-release"],
)
def test_other_releases_read_by_their_preset_give_the_same_figure(
    tmp_path, settings, pema, published, preset, header, cell
):
    expected, _ = published
    variant = _rewrite(pema, tmp_path / "variant.csv", header, cell)
    settings["layout"] = {"preset": preset}
    outputs, _ = run(tmp_path / "variant", variant, settings)
    assert ticks(outputs) == ticks(expected)
    assert outputs.missions.read_text() == expected.missions.read_text()


def test_a_lower_case_release_read_with_the_wrong_preset_gets_a_short_grouped_report(
    tmp_path, settings, pema
):
    variant = _rewrite(pema, tmp_path / "lower.csv", str.lower, lambda name, value: value)
    with pytest.raises(InputError) as raised:
        run(tmp_path, variant, settings)
    message = str(raised.value)
    assert "set mandates.layout.column_case: any" in message
    assert len(message.splitlines()) <= 45
    assert len(message) < 10_000


def test_many_problems_are_grouped_by_column_and_rule_with_the_full_list_kept(
    tmp_path, settings, pema
):
    variant = _rewrite(
        pema,
        tmp_path / "dates.csv",
        str,
        lambda name, v: v.replace("-", "/") if name == "Date2" else v,
    )
    with pytest.raises(InputError) as raised:
        run(tmp_path, variant, settings)
    error = raised.value
    assert len(error.problems) > 200
    summary = error.summary(full_list="logs/x.log")
    assert len(summary.splitlines()) == 2
    assert f"{len(error.problems)} problems in the input, in 1 kinds" in summary
    assert "column 'Date2'" in summary and "every one is listed in logs/x.log" in summary
    assert "e.g. row 1 (line 2) got '21/Feb/92'" in summary
    assert len(error.full_list().splitlines()) == len(error.problems)


def test_rows_of_missions_outside_the_study_are_not_checked(tmp_path):
    layout, _ = read_layout({"preset": "pema-v2"})
    assert layout is not None
    text = FIXTURE.read_text(encoding="utf-8").replace("26-Mar-93", "sometime in 1993")
    path = tmp_path / "quirk.csv"
    path.write_text(text, encoding="utf-8")
    read, problems = read_resolutions(path, layout, ["HumanRights"], ["UNTAC"], ("1945", "2026"))
    assert problems == [] and read is not None
    assert set(read.table["mission"]) == {"UNTAC"}
    assert "UNOSOM II" in read.missions_in_file


def test_mission_names_match_despite_invisible_characters_and_odd_spaces(tmp_path, settings):
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace(",UNTAC,", ",\u200bUNTAC\u00a0,").replace("UNOSOM II", "UNOSOM\u00a0 II")
    path = tmp_path / "odd.csv"
    path.write_text(text, encoding="utf-8")
    outputs, numbers = run(tmp_path, path, settings)
    assert ticks(outputs)["UNTAC"] == {"human_rights", "electoral_assistance"}
    assert numbers["missions_not_in_study"] == ["UNOSOM II"]


@pytest.mark.parametrize(
    ("cell", "counted"),
    [("3", True), ("12a(i)", True), ("11\nsee also\r\nparagraph 5", True), ("0", None)],
    ids=["paragraph", "sub-paragraph", "line-breaks", "a-flag-zero"],
)
def test_a_cell_counts_when_it_cites_a_paragraph_and_a_flag_is_never_guessed(
    tmp_path, settings, cell, counted
):
    rows = list(csv.reader(FIXTURE.read_text(encoding="utf-8").splitlines()))
    rows[1][rows[0].index("Gender_Assist")] = cell  # UNTAC, whose gender is otherwise blank
    path = tmp_path / "cell.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    if counted is None:
        with pytest.raises(InputError, match="Gender_Assist': got '0'; expected a value matching"):
            run(tmp_path, path, settings)
    else:
        outputs, _ = run(tmp_path, path, settings)
        assert ("gender" in ticks(outputs)["UNTAC"]) is counted


def test_headers_equal_but_for_case_are_refused_when_case_is_ignored(tmp_path, settings):
    text = FIXTURE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "twice.csv"
    path.write_text(
        "\n".join([text[0] + ",HUMANRIGHTS_MONITOR", *(line + "," for line in text[1:])]) + "\n"
    )
    settings["layout"]["column_case"] = "any"
    with pytest.raises(InputError) as raised:
        run(tmp_path, path, settings)
    assert [str(p) for p in raised.value.problems] == [
        "twice.csv: at header, column 'HUMANRIGHTS_MONITOR': got 'HumanRights_Monitor'; "
        "expected one column named like 'HUMANRIGHTS_MONITOR' (mandates.layout.column_case: any)"
    ]


def test_a_study_mission_spelt_in_another_case_is_not_silently_dropped(tmp_path, settings):
    path = tmp_path / "case.csv"
    path.write_text(FIXTURE.read_text(encoding="utf-8").replace(",UNTAC,", ",Untac,"))
    with pytest.raises(InputError) as raised:
        run(tmp_path, path, settings)
    assert [str(p) for p in raised.value.problems] == [
        "case.csv: row 1 (line 2), column 'NamePKO': got 'Untac'; expected 'UNTAC' as the study's "
        "crosswalk writes it, or this spelling added to its mandates.missions[].names"
    ]


def test_a_header_with_a_stray_space_is_pointed_out(tmp_path, settings):
    path = tmp_path / "spaced.csv"
    path.write_text(FIXTURE.read_text(encoding="utf-8").replace("NamePKO,", "NamePKO ,", 1))
    with pytest.raises(InputError, match=r"the file has 'NamePKO ', with spaces"):
        run(tmp_path, path, settings)
