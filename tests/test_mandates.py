"""The mandates merge (Figure 1): hand-made PEMA-layout files whose matrix is worked out by hand,
every bad-input case, deterministic outputs, and the synthetic example against the article."""

from __future__ import annotations

import copy
import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from peacekeeping_interviews import mandates as stage
from peacekeeping_interviews.files import csv_text
from peacekeeping_interviews.mandates import (
    EXAMPLE_SEED,
    MandatesOutputs,
    generate_example_mandates,
    interviews_served,
    run_mandates,
)
from peacekeeping_interviews.problems import InputError

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "workflow" / "schemas"
EXAMPLE = ROOT / "data" / "example" / "mandates.csv"
ARTICLE = ROOT.parent / "shared" / "study" / "oksamytna-tansey-von-billerbeck-gippert-2023-isq.txt"
LATEST = "2026-11-23"
MODALITIES = ["monitor", "assist", "secure"]
# The tasks of config's five groups, and one PEMA task that no group reads.
TASKS = ["hr", "democracy", "power_sharing", "election", "civil_society", "gender", "poc"]
TASK_COLUMNS = [f"{task}_{modality}" for task in TASKS for modality in MODALITIES]
GROUPS = ["human_rights", "democratization", "electoral_assistance", "civil_society", "gender"]
DASH = "\N{EN DASH}"  # between years and between bounds, as printed
COUNTS = "mission,interviews\nUNTAC,<3\nMONUC,17\nMONUSCO,59\nUNISFA,5\nUNMIK,6\n"


@pytest.fixture
def settings(project_config) -> dict:
    return copy.deepcopy(project_config["mandates"])


def write_mandates(path: Path, rows: list[tuple], synthetic: str | None = None) -> Path:
    """A mandates file with every task column "0" except those a row sets:
    rows are (mission, resolution, date, {column: value})."""
    header = ["mission", "resolution", "date", *TASK_COLUMNS]
    if synthetic is not None:
        header.append("synthetic")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for mission, resolution, day, cells in rows:
            tasks = [cells.get(column, "0") for column in TASK_COLUMNS]
            flag = [] if synthetic is None else [synthetic]
            writer.writerow([mission, resolution, day, *tasks, *flag])
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
    # democratization from power_sharing (the group's second task) in one modality; UNPROFOR's
    # electoral assistance only from its last resolution, in the `secure` modality. poc is in no
    # group, and UNISFA (excluded) mandates everything.
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [
            ("UNTAC", 745, "1992-02-28", {"hr_monitor": "1", "poc_assist": "2"}),
            ("UNTAC", 766, "1992-07-21", {"power_sharing_assist": "2"}),
            ("UNTAC", 783, "1992-10-13", {}),
            ("UNPROFOR", 743, "1992-02-21", {"poc_monitor": "2"}),
            ("UNPROFOR", 900, "1994-03-04", {"election_secure": "1"}),
            ("UNISFA", 1990, "2011-06-27", dict.fromkeys(TASK_COLUMNS, "2")),
        ],
    )
    outputs, numbers = run(tmp_path, mandates, settings)
    assert ticks(outputs) == {
        "UNPROFOR": {"electoral_assistance"},
        "UNTAC": {"human_rights", "democratization"},
    }
    support = read(outputs.mission_tasks).set_index(["column", "task_group"])
    assert support.loc[("UNTAC", "human_rights"), "first_mandating_resolution"] == "745"
    assert support.loc[("UNTAC", "human_rights"), "task_columns"] == "hr_monitor"
    assert support.loc[("UNTAC", "democratization"), "first_mandating_date"] == "1992-07-21"
    assert support.loc[("UNTAC", "democratization"), "task_columns"] == "power_sharing_assist"
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
    settings["task_values"]["9"] = "not_mandated"
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [("UNTAC", 745, "1992-02-28", {"hr_monitor": "9", "gender_assist": "1"})],
    )
    outputs, _ = run(tmp_path, mandates, settings)
    assert ticks(outputs) == {"UNTAC": {"gender"}}


def test_monuc_and_monusco_are_one_column(tmp_path, settings):
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [
            ("MONUC", 1279, "1999-11-30", {"hr_assist": "1"}),
            ("MONUC", 1291, "2000-02-24", {}),
            ("MONUSCO", 1925, "2010-05-28", {"gender_monitor": "2", "hr_secure": "2"}),
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
            "first_resolution_date": "1999-11-30",
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
    assert support.loc["human_rights", "first_mandating_resolution"] == "1279"
    assert support.loc["human_rights", "mandating_resolutions"] == "2"
    assert support.loc["human_rights", "task_columns"] == "hr_assist;hr_secure"
    assert support.loc["gender", "first_mandating_resolution"] == "1925"
    assert numbers["figure_labels"] == [f"MONUC/MONUSCO, DRC (1999{DASH}ongoing)"]


def test_a_resolution_with_rows_for_both_merged_missions_counts_once(tmp_path, settings):
    # PEMA has one row per mission and resolution, so a transition resolution may carry a row
    # for MONUC and one for MONUSCO: three resolutions, two of them mandating human rights.
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [
            ("MONUC", 1279, "1999-11-30", {"hr_assist": "1"}),
            ("MONUC", 1291, "2000-02-24", {}),
            ("MONUC", 1925, "2010-05-28", {"hr_monitor": "2"}),
            ("MONUSCO", 1925, "2010-05-28", {"hr_monitor": "2"}),
            ("UNISFA", 1925, "2010-05-28", {}),
        ],
    )
    outputs, numbers = run(tmp_path, mandates, settings)
    assert read(outputs.missions).loc[0, "resolutions"] == "3"
    support = read(outputs.mission_tasks).set_index("task_group")
    assert support.loc["human_rights", "mandating_resolutions"] == "2"
    assert (numbers["resolutions"], numbers["resolutions_in_figure"]) == (3, 3)
    assert numbers["resolutions_left_out"] == 0


def test_order_is_chronological_with_ties_in_config_order_and_years_as_printed(tmp_path, settings):
    # UNPROFOR and UNTAC start on the same day: config lists UNTAC first. UNTAES starts earlier.
    # UNTAES runs within one year; UNMISS is ongoing; UNPROFOR's years end at its last resolution.
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [
            ("UNMISS", 1996, "2011-07-08", {}),
            ("UNMISS", 2014, "2011-10-01", {}),
            ("UNPROFOR", 743, "1992-02-21", {}),
            ("UNPROFOR", 1031, "1995-12-15", {}),
            ("UNTAC", 745, "1992-02-21", {}),
            ("UNTAC", 880, "1993-11-04", {}),
            ("UNTAES", 700, "1991-03-01", {}),
            ("UNTAES", 710, "1991-09-01", {}),
        ],
    )
    outputs, numbers = run(tmp_path, mandates, settings)
    assert numbers["figure_labels"] == [
        "UNTAES, Croatia (1991)",
        f"UNTAC, Cambodia (1992{DASH}1993)",
        f"UNPROFOR, former Yugoslavia (1992{DASH}1995)",
        f"UNMISS, South Sudan (2011{DASH}ongoing)",
    ]
    assert list(read(outputs.matrix).columns) == [
        "task_group", "task_group_label", "UNTAES", "UNTAC", "UNPROFOR", "UNMISS",
    ]  # fmt: skip
    assert list(read(outputs.matrix)["task_group"]) == GROUPS


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
    ("UNTAC", 745, "1992-02-28", {"hr_monitor": "1"}),
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
        "unknown-mission",
        _set(2, "mission", "UNAMIX"),
        "mandates.csv: row 2 (line 3), column 'mission': got 'UNAMIX'; expected a mission named in "
        "mandates.missions[].names or mandates.excluded_missions (UNTAC, UNPROFOR,",
    ),
    (
        "task-value",
        _set(1, "election_assist", "3"),
        "mandates.csv: row 1 (line 2), column 'election_assist': got '3'; expected one of 0, 1, 2",
    ),
    (
        "task-value-in-a-column-no-group-reads",
        _set(3, "poc_secure", "yes"),
        "mandates.csv: row 3 (line 4), column 'poc_secure': got 'yes'; expected one of 0, 1, 2",
    ),
    (
        "task-value-missing",
        _set(2, "gender_monitor", ""),
        "mandates.csv: row 2 (line 3), column 'gender_monitor': got ''; expected a value",
    ),
    (
        "malformed-date",
        _set(1, "date", "28/02/1992"),
        "mandates.csv: row 1 (line 2), column 'date': got '28/02/1992'; expected a value "
        "matching the pattern '[0-9]{4}-[0-9]{2}-[0-9]{2}' (YYYY-MM-DD)",
    ),
    (
        "impossible-date",
        _set(2, "date", "1993-02-30"),
        "mandates.csv: row 2 (line 3), column 'date': got '1993-02-30'; expected a real "
        "calendar date",
    ),
    (
        "date-before-the-charter",
        _set(3, "date", "1944-12-31"),
        "mandates.csv: row 3 (line 4), column 'date': got '1944-12-31'; expected a date on or "
        "after 1945-10-24 (mandates.earliest_date)",
    ),
    (
        "date-in-the-future",
        _set(3, "date", "2027-01-05"),
        "mandates.csv: row 3 (line 4), column 'date': got '2027-01-05'; expected a date not "
        "after 2026-11-23 (latest_interview_date)",
    ),
    (
        "resolution-not-a-number",
        _set(1, "resolution", "S/RES/745"),
        "mandates.csv: row 1 (line 2), column 'resolution': got 'S/RES/745'; expected a whole "
        "number",
    ),
    (
        "missing-mission-column",
        _drop_column("mission"),
        "mandates.csv: at header, column 'mission': got None; expected a column 'mission' "
        "(mandates.mission_column)",
    ),
    (
        "missing-date-column",
        _drop_column("date"),
        "expected a column 'date' (mandates.date_column)",
    ),
    (
        "missing-task-column",
        _drop_column("gender_secure"),
        "mandates.csv: at header, column 'gender_secure': got None; expected a column "
        "'gender_secure' (task group 'gender' reads it",
    ),
    (
        "duplicate-resolution",
        _append("UNTAC,0766,1993-01-01" + ",0" * len(TASK_COLUMNS) + ",true"),
        "mandates.csv: row 4 (line 5), column 'resolution': got '0766'; expected one row per "
        "mission and resolution: UNTAC and resolution 0766 are already in row 2",
    ),
    (
        "ragged-row",
        _append("UNTAC,800,1993-01-01"),
        "mandates.csv: row 4 (line 5): got '3 fields'; expected 25 fields, as many as the header",
    ),
    (
        "no-mission-of-the-figure",
        lambda text: text.replace("UNTAC", "UNISFA").replace("UNPROFOR", "UNMIK"),
        "mandates.csv: whole file, column 'mission': got 'no such row'; expected rows of at "
        "least one mission in mandates.missions[].names",
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
    mandates = write_mandates(
        tmp_path / "mandates.csv",
        [("UNTAC", 745, "1992-02-28", {"hr_monitor": "7"}), ("UNAMIX", 1, "1993-13-01", {})],
    )
    with pytest.raises(InputError) as raised:
        run(tmp_path, mandates, settings, COUNTS + "UNOMIG,4\n")
    where = {(p.file, p.row, p.column) for p in raised.value.problems}
    assert where == {
        ("config", "mandates.missions[14].names[1]", None),
        ("mandates.csv", 1, "hr_monitor"),
        ("mandates.csv", 2, "mission"),
        ("mandates.csv", 2, "date"),
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


def test_the_example_is_synthetic_pema_layout_with_tasks_no_group_reads():
    example = read(EXAMPLE)
    assert list(example.columns[:3]) == ["mission", "resolution", "date"]
    assert (example["synthetic"] == "true").all()
    task_columns = list(example.columns[3:-1])
    stems = {column.rsplit("_", 1)[0] for column in task_columns}
    assert stems >= {*TASKS, "ddr", "ssr", "ceasefire"}
    unread = [column for column in task_columns if column.rsplit("_", 1)[0] not in TASKS[:-1]]
    assert (example[unread] != "0").any().any()
    assert "UNISFA" in set(example["mission"])
    assert "UNMIK" not in set(example["mission"])


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
