"""The mandates merge (Figure 1): hand-made PEMA-layout files whose matrix is worked out by hand,
every bad-input case, deterministic outputs, and the synthetic example against the article."""

from __future__ import annotations

import copy
import csv
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from peacekeeping_interviews.analysis import mandates as stage
from peacekeeping_interviews.analysis.mandates import (
    MandatesOutputs,
    interviews_served,
    run_mandates,
)
from peacekeeping_interviews.examples.synthetic_mandates import (
    EXAMPLE_SEED,
    generate_example_mandates,
)
from peacekeeping_interviews.files import csv_text
from peacekeeping_interviews.problems import InputError

SCHEMA_DIR = ROOT / "workflow" / "schemas"
EXAMPLE = ROOT / "data" / "example" / "mandates.csv"
ARTICLE = ROOT.parent / "shared" / "study" / "oksamytna-tansey-von-billerbeck-gippert-2023-isq.txt"
LATEST = "2026-11-23"
MODALITIES = ["Monitor", "Assist", "Security", "Encouraged"]
# The tasks of config's five groups, and one PEMA task that no group reads.
TASKS = ["HumanRights", "Democratization", "ElectAssist", "CivilSociety", "Gender", "CivProtect"]
TASK_COLUMNS = [f"{task}_{modality}" for task in TASKS for modality in MODALITIES]
GROUPS = ["human_rights", "democratization", "electoral_assistance", "civil_society", "gender"]
DASH = "\N{EN DASH}"  # between years and between bounds, as printed
COUNTS = "mission,interviews\nUNTAC,<3\nMONUC,17\nMONUSCO,59\nUNISFA,5\nUNMIK,6\n"


@pytest.fixture
def settings(project_config) -> dict:
    return copy.deepcopy(project_config["mandates"])


def write_mandates(path: Path, rows: list[tuple], synthetic: str | None = None) -> Path:
    """A file in PEMA's published layout (pema-v2) with every task cell blank except those a
    row sets: rows are (mission, resolution number, ISO date, {column: paragraph})."""
    header = ["Signature", "NamePKO", "Country", "Year", "Date2", "Mandate_Renewal", *TASK_COLUMNS]
    if synthetic is not None:
        header.append("synthetic")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for mission, resolution, day, cells in rows:
            when = date.fromisoformat(day)
            identity = [f"S/RES/{resolution}", mission, "Somewhere", when.year]
            tasks = [cells.get(column, "") for column in TASK_COLUMNS]
            flag = [] if synthetic is None else [synthetic]
            writer.writerow([*identity, when.strftime("%d-%b-%y"), "1", *tasks, *flag])
    return path


def run(tmp_path: Path, mandates: Path, settings: dict, counts: str = COUNTS) -> tuple:
    tmp_path.mkdir(parents=True, exist_ok=True)
    counts_path = tmp_path / "mission_counts.csv"
    counts_path.write_text(counts, encoding="utf-8")
    outputs = MandatesOutputs.under(tmp_path / "out")
    numbers = run_mandates(mandates, counts_path, settings, LATEST, outputs, SCHEMA_DIR)
    return outputs, numbers


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def ticks(outputs: MandatesOutputs) -> dict[str, set[str]]:
    """Mission column -> the task groups ticked in figure1_matrix.csv."""
    matrix = read(outputs.matrix).set_index("task_group").drop(columns="task_group_label")
    return {column: set(matrix.index[matrix[column] == "true"]) for column in matrix.columns}


def test_a_group_counts_if_any_resolution_mandated_any_of_its_tasks_in_any_modality(
    tmp_path, settings
):
    # Worked by hand: UNTAC's human rights come only from its first resolution, its
    # democratization from one modality of a later one; UNPROFOR's electoral assistance only from
    # its last resolution, in the `Security` modality, and its human rights are only encouraged,
    # which does not count. CivProtect is in no group, and UNISFA (excluded) mandates everything.
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [
            ("UNTAC", 745, "1992-02-28", {"HumanRights_Monitor": "1", "CivProtect_Assist": "2"}),
            ("UNTAC", 766, "1992-07-21", {"Democratization_Assist": "2"}),
            ("UNTAC", 783, "1992-10-13", {}),
            (
                "UNPROFOR",
                743,
                "1992-02-21",
                {"CivProtect_Monitor": "2", "HumanRights_Encouraged": "4"},
            ),
            ("UNPROFOR", 900, "1994-03-04", {"ElectAssist_Security": "1"}),
            ("UNISFA", 1990, "2011-06-27", dict.fromkeys(TASK_COLUMNS, "2")),
        ],
    )
    outputs, numbers = run(tmp_path, mandates, settings)
    assert ticks(outputs) == {
        "UNPROFOR": {"electoral_assistance"},
        "UNTAC": {"human_rights", "democratization"},
    }
    support = read(outputs.mission_tasks).set_index(["column", "task_group"])
    assert support.loc[("UNTAC", "human_rights"), "first_mandating_resolution"] == "S/RES/745"
    assert support.loc[("UNTAC", "human_rights"), "task_columns"] == "HumanRights_Monitor"
    assert support.loc[("UNTAC", "democratization"), "first_mandating_year"] == "1992"
    assert support.loc[("UNTAC", "democratization"), "task_columns"] == "Democratization_Assist"
    assert support.loc[("UNPROFOR", "electoral_assistance"), "mandating_resolutions"] == "1"
    assert support.loc[("UNTAC", "gender"), "mandated"] == "false"
    assert support.loc[("UNTAC", "gender"), "first_mandating_resolution"] == ""
    assert numbers["missions_mandating"] == {
        "human_rights": 1, "democratization": 1, "electoral_assistance": 1, "civil_society": 0,
        "gender": 0,
    }  # fmt: skip
    assert numbers["resolutions"] == 6
    assert numbers["resolutions_left_out"] == 1


def test_a_value_meaning_not_mandated_does_not_count(tmp_path, settings):
    settings["layout"]["not_mandated_values"] = ["", "none"]
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [("UNTAC", 745, "1992-02-28", {"HumanRights_Monitor": "none", "Gender_Assist": "1"})],
    )
    outputs, _ = run(tmp_path, mandates, settings)
    assert ticks(outputs) == {"UNTAC": {"gender"}}


def test_monuc_and_monusco_are_one_column(tmp_path, settings):
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [
            ("MONUC", 1279, "1999-11-30", {"HumanRights_Assist": "1"}),
            ("MONUC", 1291, "2000-02-24", {}),
            ("MONUSCO", 1925, "2010-05-28", {"Gender_Monitor": "2", "HumanRights_Security": "2"}),
        ],
    )
    outputs, numbers = run(tmp_path, mandates, settings)
    assert ticks(outputs) == {"MONUC/MONUSCO": {"human_rights", "gender"}}
    missions = read(outputs.missions)
    assert missions.to_dict("records") == [
        {
            "order": "1",
            "column": "MONUC/MONUSCO",
            "label": "MONUC/MONUSCO, DRC",
            "years": f"1999{DASH}ongoing",
            "figure_label": f"MONUC/MONUSCO, DRC (1999{DASH}ongoing)",
            "first_resolution": "S/RES/1279",
            "first_resolution_date": "1999-11-30",
            "last_resolution": "S/RES/1925",
            "last_resolution_date": "2010-05-28",
            "resolutions": "3",
            "names": "MONUC;MONUSCO",
            # 17 and 59 interviewees, some possibly in both: between 59 and 17 + 59.
            "interviews": f"59{DASH}76",
            "interviews_at_least": "59",
            "interviews_at_most": "76",
        }
    ]
    support = read(outputs.mission_tasks).set_index("task_group")
    assert support.loc["human_rights", "first_mandating_resolution"] == "S/RES/1279"
    assert support.loc["human_rights", "mandating_resolutions"] == "2"
    assert support.loc["human_rights", "task_columns"] == "HumanRights_Assist;HumanRights_Security"
    assert support.loc["gender", "first_mandating_resolution"] == "S/RES/1925"
    assert numbers["figure_labels"] == [f"MONUC/MONUSCO, DRC (1999{DASH}ongoing)"]


def test_a_resolution_with_rows_for_both_merged_missions_counts_once(tmp_path, settings):
    # PEMA has one row per mission and resolution, so a transition resolution may carry a row
    # for MONUC and one for MONUSCO: three resolutions, two of them mandating human rights.
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [
            ("MONUC", 1279, "1999-11-30", {"HumanRights_Assist": "1"}),
            ("MONUC", 1291, "2000-02-24", {}),
            ("MONUC", 1925, "2010-05-28", {"HumanRights_Monitor": "2"}),
            ("MONUSCO", 1925, "2010-05-28", {"HumanRights_Monitor": "2"}),
            ("UNISFA", 1925, "2010-05-28", {}),
        ],
    )
    outputs, numbers = run(tmp_path, mandates, settings)
    assert read(outputs.missions).loc[0, "resolutions"] == "3"
    support = read(outputs.mission_tasks).set_index("task_group")
    assert support.loc["human_rights", "mandating_resolutions"] == "2"
    assert (numbers["resolutions"], numbers["resolutions_in_figure"]) == (3, 3)
    assert numbers["resolutions_left_out"] == 0


def test_order_is_by_first_resolution_with_ties_in_config_order_and_years_as_printed(
    tmp_path, settings
):
    # UNPROFOR's first resolution (743) precedes UNTAC's (745) in the same year. UNMISS and
    # MINUSCA share a first resolution: config lists UNMISS first. UNTAES runs within one year;
    # UNMISS is ongoing; UNPROFOR's years end at its last resolution.
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [
            ("MINUSCA", 1996, "2011-07-08", {}),
            ("UNMISS", 1996, "2011-07-08", {}),
            ("UNMISS", 2014, "2011-10-01", {}),
            ("UNTAC", 745, "1992-02-28", {}),
            ("UNTAC", 880, "1993-11-04", {}),
            ("UNPROFOR", 743, "1992-02-21", {}),
            ("UNPROFOR", 1031, "1995-12-15", {}),
            ("UNTAES", 700, "1991-03-01", {}),
            ("UNTAES", 710, "1991-09-01", {}),
        ],
    )
    outputs, numbers = run(tmp_path, mandates, settings)
    assert numbers["figure_labels"] == [
        "UNTAES, Croatia (1991)",
        f"UNPROFOR, former Yugoslavia (1992{DASH}1995)",
        f"UNTAC, Cambodia (1992{DASH}1993)",
        f"UNMISS, South Sudan (2011{DASH}ongoing)",
        f"MINUSCA, CAR (2011{DASH}ongoing)",
    ]
    assert list(read(outputs.matrix).columns) == [
        "task_group", "task_group_label", "UNTAES", "UNPROFOR", "UNTAC", "UNMISS", "MINUSCA",
    ]  # fmt: skip
    assert list(read(outputs.matrix)["task_group"]) == GROUPS


def test_rows_without_a_date_are_placed_by_year_and_number(tmp_path, settings):
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [("UNTAC", 745, "1992-02-28", {}), ("UNPROFOR", 743, "1992-02-21", {})],
    )
    text = mandates.read_text(encoding="utf-8").replace("21-Feb-92", "")
    mandates.write_text(text, encoding="utf-8")
    outputs, numbers = run(tmp_path, mandates, settings)
    assert numbers["figure_labels"][0] == "UNPROFOR, former Yugoslavia (1992)"
    assert read(outputs.missions).loc[0, "first_resolution_date"] == ""


def test_exclusions_list_config_reasons_and_columns_without_rows(tmp_path, settings):
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [("UNTAC", 745, "1992-02-28", {}), ("UNISFA", 1990, "2011-06-27", {})],
    )
    outputs, numbers = run(tmp_path, mandates, settings)
    excluded = read(outputs.exclusions)
    assert excluded.iloc[:2].to_dict("records") == [
        {
            "mission": "UNISFA",
            "reason": "not a multidimensional operation",
            "interviews": "5",
            "interviews_at_least": "5",
            "interviews_at_most": "5",
        },
        {
            "mission": "UNMIK",
            "reason": "no mandate data",
            "interviews": "6",
            "interviews_at_least": "6",
            "interviews_at_most": "6",
        },
    ]
    # Every other crosswalk column has no row; MONUC/MONUSCO keeps its interviews.
    rest = excluded.iloc[2:].set_index("mission")
    assert len(rest) == 14
    assert set(rest["reason"]) == {"no rows in the mandates file"}
    assert rest.loc["MONUC/MONUSCO", "interviews"] == f"59{DASH}76"
    assert rest.loc["UNPROFOR", "interviews"] == "0"
    assert numbers["missions_excluded"] == 16
    assert read(outputs.missions).loc[0, "interviews"] == "<3"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["12"], (12, 12, "12")),
        (["<3"], (1, 2, "<3")),  # a masked count is 1 or 2: zero is never masked
        ([None], (0, 0, "0")),  # a mission nobody served in is absent from the counts
        (["<3", None], (1, 2, "<3")),
        (["17", "59"], (59, 76, f"59{DASH}76")),  # each interviewee counts once per mission
        (["<3", "<3"], (1, 4, f"1{DASH}4")),  # up to 4: no longer provably below 3
        (["5", "<3"], (5, 7, f"5{DASH}7")),
    ],
)
def test_interviews_over_several_missions_are_bounded_honestly(parts, expected):
    assert interviews_served(parts) == expected


VALID_ROWS = [
    ("UNTAC", 745, "1992-02-28", {"HumanRights_Monitor": "1"}),
    ("UNTAC", 766, "1992-07-21", {}),
    ("UNPROFOR", 743, "1992-02-21", {}),
]


def _set(row: int, column: str, value: str):
    """Edit of a CSV text: set the cell of data row ``row`` (1-based) in ``column``."""

    def edit(text: str) -> str:
        table = list(csv.reader(text.splitlines()))
        table[row][table[0].index(column)] = value
        return "".join(",".join(cells) + "\n" for cells in table)

    return edit


def _drop_column(column: str):
    def edit(text: str) -> str:
        table = list(csv.reader(text.splitlines()))
        position = table[0].index(column)
        return "".join(",".join(c[:position] + c[position + 1 :]) + "\n" for c in table)

    return edit


def _append(line: str):
    return lambda text: text + line + "\n"


def _map_twice(settings: dict) -> None:
    settings["missions"][14]["names"].append("MONUC")


def _map_and_exclude(settings: dict) -> None:
    settings["excluded_missions"].append({"name": "UNTAC", "reason": "test"})


def _heading_twice(settings: dict) -> None:
    settings["missions"][1]["column"] = "UNTAC"


def _group_twice(settings: dict) -> None:
    settings["task_groups"][1]["id"] = "human_rights"


BAD_MANDATES = [
    (
        "malformed-date",
        _set(1, "Date2", "28/02/1992"),
        "mandates.csv: row 1 (line 2), column 'Date2': got '28/02/1992'; expected a date "
        "written as %d-%b-%y (mandates.layout.date_formats)",
    ),
    (
        "impossible-date",
        _set(2, "Date2", "30-Feb-93"),
        "mandates.csv: row 2 (line 3), column 'Date2': got '30-Feb-93'; expected a date written",
    ),
    (
        "year-before-the-charter",
        lambda text: _set(3, "Year", "1944")(_set(3, "Date2", "")(text)),
        "mandates.csv: row 3 (line 4), column 'Year': got '1944'; expected a year from 1945 "
        "to 2026",
    ),
    (
        "date-in-the-future",
        _set(3, "Date2", "05-Jan-27"),
        "mandates.csv: row 3 (line 4), column 'Date2': got '05-Jan-27'; expected a date from "
        "1945-10-24 (mandates.earliest_date) to 2026-11-23",
    ),
    (
        "neither-date-nor-year",
        lambda text: _set(2, "Year", "")(_set(2, "Date2", "")(text)),
        "mandates.csv: row 2 (line 3): got ''; expected a date or a year for the resolution",
    ),
    (
        "resolution-without-a-symbol",
        _set(1, "Signature", "Res 745"),
        "mandates.csv: row 1 (line 2), column 'Signature': got 'Res 745'; expected a resolution "
        "symbol matching 'S/RES/([0-9]+)' (mandates.layout.resolution_pattern)",
    ),
    (
        "blank-mission",
        _set(2, "NamePKO", ""),
        "mandates.csv: row 2 (line 3), column 'NamePKO': got ''; expected a mission name",
    ),
    (
        "missing-mission-column",
        _drop_column("NamePKO"),
        "mandates.csv: at header, column 'NamePKO': got None; expected a column 'NamePKO' "
        "(mandates.layout.mission_column)",
    ),
    (
        "missing-date-column",
        _drop_column("Date2"),
        "expected a column 'Date2' (mandates.layout.date_column)",
    ),
    (
        "missing-task-column",
        _drop_column("Gender_Security"),
        "mandates.csv: at header, column 'Gender_Security': got None; expected a column "
        "'Gender_Security' (task 'Gender' of mandates.task_groups",
    ),
    (
        "header-in-another-case",
        lambda text: text.replace("Gender_Monitor", "gender_monitor", 1),
        "the file has 'gender_monitor': set mandates.layout.column_case: any",
    ),
    (
        "ragged-row",
        _append("S/RES/800,UNTAC"),
        "mandates.csv: row 4 (line 5): got '2 fields'; expected 31 fields, as many as the header",
    ),
    (
        "no-mission-of-the-figure",
        lambda text: text.replace("UNTAC", "UNISFA").replace("UNPROFOR", "UNMIK"),
        "mandates.csv: whole file, column 'NamePKO': got 'no such row'; expected rows of at "
        "least one mission in mandates.missions[].names (Figure 1); the file has UNISFA",
    ),
    (
        "mixed-synthetic-flag",
        _set(3, "synthetic", "false"),
        "mandates.csv: row 3 (line 4), column 'synthetic': got 'false'; expected 'true' as in "
        "row 1",
    ),
]


@pytest.mark.parametrize(
    ("edit", "message"), [case[1:] for case in BAD_MANDATES], ids=[c[0] for c in BAD_MANDATES]
)
def test_bad_mandates_stop_the_stage_with_nothing_written(tmp_path, settings, edit, message):
    mandates = write_mandates(tmp_path / "mandates.csv", VALID_ROWS, synthetic="true")
    mandates.write_text(edit(mandates.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        run(tmp_path, mandates, settings)
    assert any(message in str(problem) for problem in raised.value.problems), raised.value
    assert not (tmp_path / "out").exists()


def test_a_cell_the_layout_does_not_recognise_stops_the_stage(tmp_path, settings):
    settings["layout"]["mandated_pattern"] = "[0-9].*"
    rows = [("UNTAC", 745, "1992-02-28", {"ElectAssist_Assist": "yes"})]
    with pytest.raises(InputError) as raised:
        run(tmp_path, write_mandates(tmp_path / "mandates.csv", rows), settings)
    assert [str(problem) for problem in raised.value.problems] == [
        "mandates.csv: row 1 (line 2), column 'ElectAssist_Assist': got 'yes'; expected a value "
        "matching '[0-9].*' (mandated) or one of '' (not mandated) "
        "(mandates.layout.mandated_pattern, not_mandated_values)"
    ]


def test_missions_no_interview_mentions_and_their_quirks_are_ignored_and_counted(
    tmp_path, settings
):
    # UNAMIX is in the file but not in the study: its bad date and symbol are not the study's
    # concern. A repeated row of a study mission counts once.
    rows = [*VALID_ROWS, ("UNAMIX", 1, "1993-01-01", {}), ("UNTAC", 766, "1992-07-21", {})]
    mandates = write_mandates(tmp_path / "mandates.csv", rows)
    text = mandates.read_text(encoding="utf-8").replace(
        "S/RES/1,UNAMIX,Somewhere,1993,01-Jan-93", "n/a,UNAMIX,Somewhere,1993,Jan 1993"
    )
    mandates.write_text(text, encoding="utf-8")
    outputs, numbers = run(tmp_path, mandates, settings)
    assert numbers["missions_not_in_study"] == ["UNAMIX"]
    assert numbers["missions_in_file_not_in_study"] == 1
    assert numbers["missions_in_file"] == 3
    assert read(outputs.missions).set_index("column").loc["UNTAC", "resolutions"] == "2"


def test_a_missing_mandates_file_is_named(tmp_path, settings):
    with pytest.raises(InputError) as raised:
        run(tmp_path, tmp_path / "mandates.csv", settings)
    assert [str(problem) for problem in raised.value.problems] == [
        f"mandates.csv: whole file: got '{tmp_path / 'mandates.csv'}'; expected an existing file"
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _map_twice,
            "config: at mandates.missions[14].names[1]: got 'MONUC'; expected a mission name "
            "mapped once, to one column or to the exclusions (already at "
            "mandates.missions[4].names[0])",
        ),
        (
            _map_and_exclude,
            "config: at mandates.excluded_missions[2].name: got 'UNTAC'; expected a mission name "
            "mapped once, to one column or to the exclusions (already at "
            "mandates.missions[0].names[0])",
        ),
        (
            _heading_twice,
            "config: at mandates.missions[1].column: got 'UNTAC'; expected a column heading used "
            "once (already at mandates.missions[0].column)",
        ),
        (
            # Before this check, the second group silently replaced the first one's tasks and
            # both rows of the matrix were headed human_rights.
            _group_twice,
            "config: at mandates.task_groups[1].id: got 'human_rights'; expected a task group "
            "id used once (already at mandates.task_groups[0].id)",
        ),
    ],
    ids=["name-in-two-columns", "name-mapped-and-excluded", "heading-twice", "group-twice"],
)
def test_bad_crosswalk_in_config_is_reported_with_its_key(tmp_path, settings, change, message):
    change(settings)
    mandates = write_mandates(tmp_path / "mandates.csv", VALID_ROWS)
    with pytest.raises(InputError) as raised:
        run(tmp_path, mandates, settings)
    assert [str(problem) for problem in raised.value.problems] == [message]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (
            COUNTS + "UNOMIG,4\n",
            "mission_counts.csv: row 6 (line 7), column 'mission': got 'UNOMIG'; expected a "
            "mission named in mandates.missions[].names or mandates.excluded_missions",
        ),
        (
            "mission,interviews\nUNTAC,about 5\n",
            "mission_counts.csv: row 1 (line 2), column 'interviews': got 'about 5'; expected a "
            "value matching the pattern '[0-9]+|<[0-9]+'",
        ),
        (
            "mission,count\nUNTAC,5\n",
            "mission_counts.csv: at header, column 'interviews': got None; expected a column "
            "'interviews'",
        ),
    ],
    ids=["unknown-mission", "count-not-a-count", "missing-column"],
)
def test_bad_mission_counts_stop_the_stage(tmp_path, settings, counts, message):
    mandates = write_mandates(tmp_path / "mandates.csv", VALID_ROWS)
    with pytest.raises(InputError) as raised:
        run(tmp_path, mandates, settings, counts)
    assert any(message in str(problem) for problem in raised.value.problems), raised.value
    assert not (tmp_path / "out").exists()


def test_every_problem_of_every_input_is_reported_at_once(tmp_path, settings):
    _map_twice(settings)
    mandates = write_mandates(tmp_path / "mandates.csv", VALID_ROWS)
    text = _set(2, "Date2", "13-13-93")(_set(1, "Signature", "745")(mandates.read_text()))
    mandates.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        run(tmp_path, mandates, settings, COUNTS + "UNOMIG,4\n")
    where = {(p.file, p.row, p.column) for p in raised.value.problems}
    assert where == {
        ("config", "mandates.missions[14].names[1]", None),
        ("mandates.csv", 1, "Signature"),
        ("mandates.csv", 2, "Date2"),
        ("mission_counts.csv", 6, "mission"),
    }


def test_outputs_are_byte_identical_across_runs(tmp_path, settings):
    first, _ = run(tmp_path / "first", EXAMPLE, settings)
    second, _ = run(tmp_path / "second", EXAMPLE, settings)
    for name, path in vars(first).items():
        assert path.read_bytes() == getattr(second, name).read_bytes(), name


def test_synthetic_flag_marks_the_figure_and_numbers(tmp_path, settings, monkeypatch):
    marks = []
    real_figure = stage.figure

    def recording_figure(width, height, synthetic):
        marks.append(synthetic)
        return real_figure(width, height, synthetic)

    monkeypatch.setattr(stage, "figure", recording_figure)
    _, flagged = run(
        tmp_path / "a", write_mandates(tmp_path / "a.csv", VALID_ROWS, "true"), settings
    )
    _, plain = run(tmp_path / "b", write_mandates(tmp_path / "b.csv", VALID_ROWS), settings)
    assert (flagged["synthetic"], plain["synthetic"]) == (True, False)
    assert marks == [True, False]


def test_the_committed_example_is_what_the_generator_makes(settings):
    assert csv_text(generate_example_mandates(settings, EXAMPLE_SEED)) == EXAMPLE.read_text(
        encoding="utf-8"
    )


def test_the_generator_is_a_pure_function_of_settings_and_seed(settings):
    first = generate_example_mandates(settings, 7)
    pd.testing.assert_frame_equal(first, generate_example_mandates(settings, 7))
    assert not first.equals(generate_example_mandates(settings, 8))


def test_the_example_is_synthetic_in_the_published_pema_layout_with_tasks_no_group_reads():
    example = read(EXAMPLE)
    assert list(example.columns[:5]) == ["Signature", "NamePKO", "Country", "Year", "Date2"]
    assert (example["synthetic"] == "true").all()
    task_columns = [c for c in example.columns if c.rsplit("_", 1)[-1] in MODALITIES]
    stems = {column.rsplit("_", 1)[0] for column in task_columns}
    assert stems >= {*TASKS, "Ceasefire", "DisarmDemob"}
    unread = [column for column in task_columns if column.rsplit("_", 1)[0] not in TASKS[:-1]]
    assert (example[unread] != "").any().any()
    encouraged = [column for column in task_columns if column.endswith("_Encouraged")]
    assert (example[encouraged] != "").any().any()
    assert {"UNISFA", "UNOMIG"} <= set(example["NamePKO"])
    assert "UNMIK" not in set(example["NamePKO"])


@pytest.fixture
def article_labels() -> list[str]:
    """Figure 1's column labels as the article prints them (hyphens between years)."""
    if not ARTICLE.is_file():
        pytest.skip(f"the article is not at {ARTICLE}; clone the project beside shared/ to check")
    text = ARTICLE.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "UNTAC, Cambodia (" in line)
    return [label.strip() for label in line.split("\t") if label.strip()]


def test_the_example_reproduces_the_articles_fifteen_labels_in_order(
    tmp_path, settings, article_labels
):
    outputs, numbers = run(tmp_path, EXAMPLE, settings)
    assert len(article_labels) == 15
    expected = [re.sub(r"\((\d{4})-", "(\\1" + DASH, label) for label in article_labels]
    assert numbers["figure_labels"] == expected
    assert json.loads(outputs.numbers.read_text())["missions_in_figure"] == 15
    assert list(read(outputs.exclusions)["mission"]) == ["UNISFA", "UNMIK"]
