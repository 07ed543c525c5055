"""Figure 1: the "liberal" tasks in the mandates of the missions the interviewees served in.

The mandate data follow the layout of the Peacekeeping Mandates (PEMA) dataset (Di Salvatore,
Lundgren, Oksamytna & Smidt 2022, "Introducing the Peacekeeping Mandates (PEMA) Dataset", *Journal
of Conflict Resolution* 66(4-5): 924-951): one row per Security Council resolution that establishes,
extends or revises a mandate, and one column per task and modality (``hr_monitor``,
``hr_assist``, ...) recording whether the resolution mandates it and how firmly. Figure 1 of
Oksamytna et al. (2023, *International Studies Quarterly* 67(4), sqad099) marks a task group for a
mission when the mission's mandate contained any of the group's tasks at any point; every mapping
from the file to the figure (task groups, the mission crosswalk, exclusions) is config.

Interview counts per mission come from the release's public aggregate
(``data/anonymised/mission_counts.csv``), in which counts from 1 to k_min - 1 read ``"<k_min"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from peacekeeping_interviews.figures import figure, figure_bytes
from peacekeeping_interviews.files import csv_text, json_text, write_all_or_nothing
from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.release import read_mission_counts
from peacekeeping_interviews.validation import (
    CheckedTable,
    check_table,
    problems_where,
    typed_frame,
)

SETTINGS_FILE = "config"
NOT_MANDATED = "not_mandated"
NO_ROWS_REASON = "no rows in the mandates file"
TICK = "\N{CHECK MARK}"
DATE_PATTERN = "[0-9]{4}-[0-9]{2}-[0-9]{2}"

# The synthetic example: each mission's first and last resolution month (invented, placed so that
# Figure 1's order and years come out as the article prints them), in the article's order.
# UNISFA is in the file so that the exclusion of a listed mission is exercised; UNMIK is not,
# as the article has no mandate data for it.
EXAMPLE_SEED = 20221001
EXAMPLE_MISSIONS = {
    "UNTAC": ("1992-02", "1993-09"), "UNPROFOR": ("1992-03", "1995-11"),
    "UNTAES": ("1996-01", "1998-01"), "UNAMSIL": ("1999-10", "2005-06"),
    "MONUC": ("1999-11", "2010-05"), "MONUSCO": ("2010-06", "2024-12"),
    "UNMISET": ("2002-05", "2005-04"), "UNMIL": ("2003-09", "2018-02"),
    "UNOCI": ("2004-02", "2017-04"), "MINUSTAH": ("2004-04", "2017-04"),
    "UNMIS": ("2005-03", "2011-07"), "UNMIT": ("2006-08", "2012-02"),
    "UNAMID": ("2007-07", "2020-12"), "UNISFA": ("2011-06", "2024-11"),
    "UNMISS": ("2011-07", "2024-04"), "MINUSMA": ("2013-04", "2023-06"),
    "MINUSCA": ("2014-04", "2024-11"),
}  # fmt: skip
# Tasks the example codes besides the ones Figure 1 reads, so that the config mapping has to
# pick its columns out of a wider file, as with PEMA's forty-odd tasks.
EXAMPLE_OTHER_TASKS = ("ceasefire", "ddr", "ssr", "poc", "rule_of_law")
# Chance that a mission's mandate ever contains the task, and that a resolution of such a mission
# repeats it; tasks missing here get EXAMPLE_DEFAULT_SHARE.
EXAMPLE_TASK_SHARES = {
    "hr": 0.95, "democracy": 0.5, "power_sharing": 0.25, "election": 0.75, "civil_society": 0.55,
    "gender": 0.9, "ceasefire": 0.6, "ddr": 0.7, "ssr": 0.6, "poc": 0.8, "rule_of_law": 0.65,
}  # fmt: skip
EXAMPLE_DEFAULT_SHARE = 0.5
EXAMPLE_REPEAT_SHARE = 0.75
# Tasks the Council began to mandate only later: gender after Resolution 1325 (2000), the
# protection of civilians after Resolution 1270 (1999).
EXAMPLE_TASK_FIRST_YEAR = {"gender": 2000, "poc": 1999}
# Invented resolution numbers grow with the date at about the Council's pace (~60 a year).
EXAMPLE_NUMBERING = {"first": 700, "since": date(1992, 1, 1), "per_year": 62}


@dataclass(frozen=True)
class Mandates:
    """Valid resolutions in file order: ``mission``, ``resolution`` (int), ``date`` (ISO text)
    and every task column of the file (its text values); ``synthetic`` is the file's flag."""

    resolutions: pd.DataFrame
    synthetic: bool


@dataclass(frozen=True)
class MandatesOutputs:
    """Where the stage writes; the rule names the same files relative to the project root."""

    matrix: Path
    mission_tasks: Path
    missions: Path
    exclusions: Path
    numbers: Path
    figure_svg: Path
    figure_png: Path

    @classmethod
    def under(cls, root: Path) -> MandatesOutputs:
        """The project's layout below another root (a scratch copy, a test folder)."""
        results = Path(root) / "results/mandates"
        return cls(
            matrix=results / "figure1_matrix.csv",
            mission_tasks=results / "mission_tasks.csv",
            missions=results / "missions.csv",
            exclusions=results / "exclusions.csv",
            numbers=results / "numbers.json",
            figure_svg=results / "figure1.svg",
            figure_png=results / "figure1.png",
        )


def run_mandates(
    mandates_path: Path,
    mission_counts_path: Path,
    settings: Mapping,
    latest_interview_date: str,
    outputs: MandatesOutputs,
    schema_dir: Path,
) -> dict:
    """Check the inputs, merge the mandates onto Figure 1, then write every output or none.

    Raise :class:`InputError` naming every problem in the settings, the mandates file and the
    mission counts at once; nothing is written then."""
    mandates, counts = read_inputs(
        Path(mandates_path), Path(mission_counts_path), settings, latest_interview_date, schema_dir
    )
    resolutions = mandates.resolutions
    missions = figure_missions(resolutions, settings)
    support = task_support(resolutions, missions, settings)
    missions = missions.join(
        interview_columns([_parts(names, counts) for names in missions["names"]])
    )
    excluded = exclusions(settings, missions, counts)
    matrix = figure1_matrix(support, missions, settings)
    numbers = mandates_numbers(mandates, missions, support, excluded, settings)
    drawn = figure1(matrix, missions, mandates.synthetic)
    write_all_or_nothing(
        {
            outputs.matrix: csv_text(matrix),
            outputs.mission_tasks: csv_text(support),
            outputs.missions: csv_text(missions),
            outputs.exclusions: csv_text(excluded),
            outputs.numbers: json_text(numbers),
            outputs.figure_svg: drawn["svg"],
            outputs.figure_png: drawn["png"],
        }
    )
    return numbers


def read_inputs(
    mandates_path: Path,
    mission_counts_path: Path,
    settings: Mapping,
    latest_interview_date: str,
    schema_dir: Path,
) -> tuple[Mandates, pd.DataFrame]:
    """The mandates and the mission counts, checked against the settings; one
    :class:`InputError` lists every problem of all three."""
    problems = settings_problems(settings)
    mandates, mandate_problems = check_mandates(mandates_path, settings, latest_interview_date)
    problems += mandate_problems
    try:
        counts = read_mission_counts(mission_counts_path, schema_dir)
    except InputError as error:
        counts, problems = None, [*problems, *error.problems]
    if counts is not None:
        problems += unknown_counted_missions(counts, settings, mission_counts_path.name)
    if problems:
        raise InputError(problems)
    assert mandates is not None and counts is not None
    return mandates, counts


def validate_mandates(path: Path, settings: Mapping, latest_interview_date: str) -> None:
    """The start-up check: the crosswalk and the mandates file, every problem in one
    :class:`InputError` (the mission counts are checked when the stage runs)."""
    problems = settings_problems(settings)
    problems += check_mandates(Path(path), settings, latest_interview_date)[1]
    if problems:
        raise InputError(problems)


def settings_problems(settings: Mapping) -> list[Problem]:
    """Mission names mapped twice (to two columns, twice to one, or to a column and the
    exclusions), column headings and task group ids used twice: each name must lead to exactly
    one place, and each row and column of Figure 1 must be one group or mission."""
    names = [
        (name, f"mandates.missions[{i}].names[{j}]")
        for i, mission in enumerate(settings["missions"])
        for j, name in enumerate(mission["names"])
    ]
    names += [
        (excluded["name"], f"mandates.excluded_missions[{i}].name")
        for i, excluded in enumerate(settings["excluded_missions"])
    ]
    headings = [
        (mission["column"], f"mandates.missions[{i}].column")
        for i, mission in enumerate(settings["missions"])
    ]
    groups = [
        (group["id"], f"mandates.task_groups[{i}].id")
        for i, group in enumerate(settings["task_groups"])
    ]
    return [
        *_repeats(names, "a mission name mapped once, to one column or to the exclusions"),
        *_repeats(headings, "a column heading used once"),
        *_repeats(groups, "a task group id used once"),
    ]


def _repeats(values: list[tuple[str, str]], expected: str) -> list[Problem]:
    first_at: dict[str, str] = {}
    problems = []
    for value, path in values:
        if value in first_at:
            problems.append(
                Problem(
                    SETTINGS_FILE, path, None, value, f"{expected} (already at {first_at[value]})"
                )
            )
        first_at.setdefault(value, path)
    return problems


def crosswalk(settings: Mapping) -> dict[str, str]:
    """Mission name -> Figure 1 column heading (several names may share a column)."""
    return {name: m["column"] for m in settings["missions"] for name in m["names"]}


def known_missions(settings: Mapping) -> list[str]:
    """Every name the crosswalk or the exclusions account for, in config order."""
    return [*crosswalk(settings), *(e["name"] for e in settings["excluded_missions"])]


def _known_expected(settings: Mapping) -> str:
    return (
        "a mission named in mandates.missions[].names or mandates.excluded_missions "
        f"({', '.join(known_missions(settings))})"
    )


def group_task_columns(settings: Mapping) -> dict[str, list[str]]:
    """Task group id -> the task columns it reads: each of its tasks in every modality."""
    return {
        group["id"]: [f"{task}_{m}" for task in group["tasks"] for m in settings["modalities"]]
        for group in settings["task_groups"]
    }


def is_task_column(name: str, settings: Mapping) -> bool:
    """Whether a column is named ``<task>_<modality>`` for a configured modality."""
    return any(name.endswith(f"_{m}") and len(name) > len(m) + 1 for m in settings["modalities"])


def _id_columns(settings: Mapping) -> dict[str, str]:
    """The file's identifying columns -> the names used here."""
    return {
        settings["mission_column"]: "mission",
        settings["resolution_column"]: "resolution",
        settings["date_column"]: "date",
    }


def mandates_table_schema(settings: Mapping, header: Sequence[str]) -> dict:
    """The Frictionless Table Schema of a mandates file with this header.

    Built here rather than kept in a file because its columns depend on config (the column names,
    the modalities, the values) and on the file (PEMA codes some forty tasks; Figure 1 reads a
    few): the identifying columns, every task column limited to ``task_values``, the optional
    ``synthetic`` flag, and any other column as text. Every field is listed as optional because
    :func:`missing_column_problems` reports absent columns with the config key that needs them.
    """
    mission, resolution, day = _id_columns(settings)
    fields = [
        {"name": mission, "type": "string", "constraints": {"required": True}},
        {"name": resolution, "type": "integer", "constraints": {"required": True, "minimum": 1}},
        {
            "name": day,
            "type": "string",
            "description": "YYYY-MM-DD",
            "constraints": {"required": True, "pattern": DATE_PATTERN},
        },
    ]
    values = [str(value) for value in settings["task_values"]]
    others = [name for name in dict.fromkeys(header) if name not in {mission, resolution, day}]
    for name in others:
        if name == "synthetic":
            fields.append(
                {"name": name, "type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
            )
        elif is_task_column(name, settings):
            fields.append(
                {"name": name, "type": "string", "constraints": {"required": True, "enum": values}}
            )
        else:
            fields.append({"name": name, "type": "string"})
    return {
        "fields": fields,
        "missingValues": [""],
        "optionalColumns": [field["name"] for field in fields],
    }


def missing_column_problems(header: Sequence[str], settings: Mapping, file: str) -> list[Problem]:
    """The identifying columns and every task column a task group reads, if absent."""
    needed = {name: f"mandates.{key}" for key, name in _column_keys(settings)}
    for group, columns in group_task_columns(settings).items():
        for column in columns:
            needed.setdefault(column, f"task group '{group}' reads it: <task>_<modality>")
    return [
        Problem(file, "header", name, None, f"a column '{name}' ({why})")
        for name, why in needed.items()
        if name not in header
    ]


def _column_keys(settings: Mapping) -> list[tuple[str, str]]:
    return [(key, settings[key]) for key in ("mission_column", "resolution_column", "date_column")]


def check_mandates(
    path: Path, settings: Mapping, latest_interview_date: str
) -> tuple[Mandates | None, list[Problem]]:
    """Read a mandates file and return it typed, or ``None`` with every problem found."""
    table = _checked_table(path, settings)
    problems = table.problems
    if table.cells is not None and not table.cells.empty:
        problems += resolution_problems(table.cells, settings, latest_interview_date, table.file)
    problems = sorted(problems, key=lambda p: p.row if isinstance(p.row, int) else 0)
    if problems or table.cells is None:
        return None, problems
    typed = typed_frame(table.cells, table.schema).rename(columns=_id_columns(settings))
    synthetic = "synthetic" in typed and bool(typed["synthetic"].any())
    return Mandates(typed.drop(columns="synthetic", errors="ignore"), synthetic), []


def _checked_table(path: Path, settings: Mapping) -> CheckedTable:
    """The file, header and cell layers of validation, with a schema built from the config and
    the file's header, plus the task columns the config needs."""
    table = check_table(
        path, lambda header: mandates_table_schema(settings, header), "the mandates settings"
    )
    if table.header is not None:
        table.problems.extend(missing_column_problems(table.header, settings, table.file))
    return table


def resolution_problems(
    cells: pd.DataFrame, settings: Mapping, latest_interview_date: str, file: str
) -> list[Problem]:
    """The rules a Table Schema cannot express: known missions, at least one of them in Figure 1,
    real dates in range, one row per mission and resolution, one synthetic flag for the file."""
    mission, resolution, day = _id_columns(settings)
    problems = []
    if mission in cells:
        unknown = cells[mission].notna() & ~cells[mission].isin(known_missions(settings))
        problems += problems_where(file, cells, unknown, mission, _known_expected(settings))
        if not cells[mission].isin(crosswalk(settings)).any():
            expected = "rows of at least one mission in mandates.missions[].names (Figure 1)"
            problems.append(Problem(file, None, mission, "no such row", expected))
    if day in cells:
        problems += _date_problems(
            cells[day], settings["earliest_date"], latest_interview_date, file
        )
    if mission in cells and resolution in cells:
        problems += _repeated_resolutions(cells[mission], cells[resolution], file)
    if "synthetic" in cells:
        flags = cells["synthetic"].fillna("")
        first_row, first = flags.index[0], flags.iloc[0]
        expected = f"{first!r} as in row {first_row}: a file is synthetic or not as a whole"
        problems += problems_where(file, cells, flags.ne(first), "synthetic", expected)
    return problems


def _date_problems(dates: pd.Series, earliest: str, latest: str, file: str) -> list[Problem]:
    """Well-formed dates (the pattern is the schema's) that name no day or fall out of range.
    ISO dates compare in time order as text."""
    problems = []
    for row, text in dates[dates.str.fullmatch(DATE_PATTERN, na=False)].items():
        try:
            date.fromisoformat(text)
        except ValueError:
            expected = "a real calendar date (YYYY-MM-DD)"
        else:
            if text < earliest:
                expected = f"a date on or after {earliest} (mandates.earliest_date)"
            elif text > latest:
                expected = f"a date not after {latest} (latest_interview_date)"
            else:
                continue
        problems.append(Problem(file, int(row), dates.name, text, expected))
    return problems


def _repeated_resolutions(missions: pd.Series, numbers: pd.Series, file: str) -> list[Problem]:
    """Rows repeating an earlier row's mission and resolution number (compared as numbers)."""
    keys = pd.DataFrame({"mission": missions, "number": pd.to_numeric(numbers, errors="coerce")})
    keys = keys.dropna()
    first_row = keys.index.to_series().groupby([keys["mission"], keys["number"]]).transform("min")
    repeated = first_row[first_row.index.to_numpy() != first_row.to_numpy()]
    return [
        Problem(
            file,
            int(row),
            numbers.name,
            numbers[row],
            f"one row per mission and resolution: {missions[row]} and resolution "
            f"{numbers[row]} are already in row {first}",
        )
        for row, first in repeated.items()
    ]


def unknown_counted_missions(counts: pd.DataFrame, settings: Mapping, file: str) -> list[Problem]:
    """Missions of the interview data that neither the crosswalk nor the exclusions account for:
    Figure 1 must say what happened to every mission an interviewee served in."""
    unknown = ~counts["mission"].isin(known_missions(settings))
    expected = f"{_known_expected(settings)}: map it to a column or exclude it with a reason"
    return [
        Problem(file, int(row) + 1, "mission", value, expected)
        for row, value in counts.loc[unknown, "mission"].items()
    ]


def mandated_cells(
    resolutions: pd.DataFrame, columns: list[str], settings: Mapping
) -> pd.DataFrame:
    """True where a task cell holds a value whose meaning is anything but ``not_mandated``."""
    counted = [str(v) for v, meaning in settings["task_values"].items() if meaning != NOT_MANDATED]
    return resolutions[columns].isin(counted)


def figure_missions(resolutions: pd.DataFrame, settings: Mapping) -> pd.DataFrame:
    """Figure 1's columns: the crosswalk's columns that have resolutions, in chronological order of
    their first resolution (ties in config order), with the years printed under each.

    Years run from the first to the last resolution's year, or to "ongoing" for a mission config
    marks as still deployed; a mission with resolutions in one year only shows that year.
    ``resolutions`` counts distinct resolution numbers, so a resolution with rows for two of the
    column's names counts once."""
    column_of = crosswalk(settings)
    mapped = resolutions.assign(column=resolutions["mission"].map(column_of)).dropna(
        subset="column"
    )
    dates = mapped.groupby("column").agg(
        first=("date", "min"), last=("date", "max"), n=("resolution", "nunique")
    )
    rows = []
    for position, mission in enumerate(settings["missions"]):
        heading = mission["column"]
        if heading not in dates.index:
            continue
        first, last, n = dates.loc[heading]
        end = "ongoing" if mission.get("ongoing", False) else last[:4]
        years = first[:4] if end == first[:4] else f"{first[:4]}\N{EN DASH}{end}"
        rows.append(
            {
                "column": heading,
                "label": mission["label"],
                "years": years,
                "figure_label": f"{mission['label']} ({years})",
                "first_resolution_date": first,
                "last_resolution_date": last,
                "resolutions": int(n),
                "names": ";".join(mission["names"]),
                "config_position": position,
            }
        )
    table = pd.DataFrame(rows).sort_values(["first_resolution_date", "config_position"])
    table.insert(0, "order", range(1, len(table) + 1))
    return table.drop(columns="config_position").reset_index(drop=True)


def task_support(
    resolutions: pd.DataFrame, missions: pd.DataFrame, settings: Mapping
) -> pd.DataFrame:
    """One row per Figure 1 column and task group (figure order, then config order).

    A group counts as mandated when any resolution of any of the column's mission names mandated
    any of the group's tasks in any modality: the article's "mandated at any point". The first such
    resolution (by date, then number), how many resolutions (by number) did, and the task columns
    that ever carried it show where each tick comes from."""
    column_of = crosswalk(settings)
    mapped = resolutions.assign(column=resolutions["mission"].map(column_of)).dropna(
        subset="column"
    )
    mapped = mapped.sort_values(["date", "resolution"], kind="stable")
    labels = {group["id"]: group["label"] for group in settings["task_groups"]}
    rows = []
    for mission in missions.itertuples(index=False):
        own = mapped[mapped["column"] == mission.column]
        for group, columns in group_task_columns(settings).items():
            hits = mandated_cells(own, columns, settings)
            mandating = own[hits.any(axis="columns")]
            carried = [column for column in columns if hits[column].any()]
            first = mandating.iloc[0] if len(mandating) else None
            rows.append(
                {
                    "column": mission.column,
                    "label": mission.label,
                    "years": mission.years,
                    "first_resolution_date": mission.first_resolution_date,
                    "order": mission.order,
                    "task_group": group,
                    "task_group_label": labels[group],
                    "mandated": bool(len(mandating)),
                    "first_mandating_resolution": None if first is None else first["resolution"],
                    "first_mandating_date": None if first is None else first["date"],
                    "mandating_resolutions": mandating["resolution"].nunique(),
                    "task_columns": ";".join(carried),
                }
            )
    table = pd.DataFrame(rows)
    table["first_mandating_resolution"] = table["first_mandating_resolution"].astype("Int64")
    return table


def figure1_matrix(
    support: pd.DataFrame, missions: pd.DataFrame, settings: Mapping
) -> pd.DataFrame:
    """Task groups (rows, config order) by Figure 1 columns (figure order): True where mandated."""
    wide = support.pivot(index="task_group", columns="column", values="mandated")
    groups = [group["id"] for group in settings["task_groups"]]
    wide = wide.reindex(index=groups, columns=list(missions["column"])).astype(bool)
    labels = [group["label"] for group in settings["task_groups"]]
    wide.insert(0, "task_group_label", labels)
    wide.columns.name = None
    return wide.reset_index()


def count_bounds(text: str | None) -> tuple[int, int, int | None]:
    """A released count as (at least, at most, masking threshold): ``"12"`` is (12, 12, None),
    ``"<3"`` is (1, 2, 3) since zero is never masked, and a mission absent from the counts is
    (0, 0, None)."""
    if text is None:
        return 0, 0, None
    if text.startswith("<"):
        threshold = int(text[1:])
        return 1, threshold - 1, threshold
    return int(text), int(text), None


def interviews_served(parts: Sequence[str | None]) -> tuple[int, int, str]:
    """Bounds on the interviewees who served in any of several missions, and how to show them.

    The released counts are per mission and count an interviewee once for each mission served in,
    so for a column gathering several missions (MONUC and MONUSCO) the number of distinct
    interviewees lies between the largest count and the sum of the counts; a masked part only
    says 1 to k - 1. Shown as the number when the bounds meet, as ``"<k"`` when even the upper
    bound stays below a masking threshold (the release's own notation), else as low and high
    joined by an en dash.
    Nothing is shown that the public counts do not already imply.
    """
    bounds = [count_bounds(part) for part in parts]
    low = max((b[0] for b in bounds), default=0)
    high = sum(b[1] for b in bounds)
    thresholds = [b[2] for b in bounds if b[2] is not None]
    if thresholds and high < min(thresholds):
        return low, high, f"<{min(thresholds)}"
    if low == high:
        return low, high, str(low)
    return low, high, f"{low}\N{EN DASH}{high}"


def _parts(names: str, counts: pd.DataFrame) -> list[str | None]:
    released = dict(zip(counts["mission"], counts["interviews"]))
    return [released.get(name) for name in names.split(";")]


def interview_columns(parts_per_row: list[list[str | None]]) -> pd.DataFrame:
    """``interviews`` (as shown), ``interviews_at_least`` and ``interviews_at_most`` per row."""
    served = [interviews_served(parts) for parts in parts_per_row]
    return pd.DataFrame(
        served, columns=["interviews_at_least", "interviews_at_most", "interviews"]
    )[["interviews", "interviews_at_least", "interviews_at_most"]]


def exclusions(settings: Mapping, missions: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Missions of the interview data left out of Figure 1, each with its reason and interviews:
    config's exclusions, then crosswalk columns without a single resolution in the file."""
    rows = [(e["name"], e["reason"], e["name"]) for e in settings["excluded_missions"]]
    rows += [
        (m["column"], NO_ROWS_REASON, ";".join(m["names"]))
        for m in settings["missions"]
        if m["column"] not in set(missions["column"])
    ]
    table = pd.DataFrame(rows, columns=["mission", "reason", "names"])
    served = interview_columns([_parts(names, counts) for names in table["names"]])
    return pd.concat([table.drop(columns="names"), served], axis="columns")


def mandates_numbers(
    mandates: Mandates,
    missions: pd.DataFrame,
    support: pd.DataFrame,
    excluded: pd.DataFrame,
    settings: Mapping,
) -> dict:
    """The numbers the paper cites about Figure 1. Resolutions are counted by number: a
    resolution with rows for two missions (MONUC and MONUSCO, say) is one resolution, shown in
    the figure when any of its rows is."""
    resolutions = mandates.resolutions
    in_figure = resolutions["mission"].map(crosswalk(settings)).isin(missions["column"])
    numbered = resolutions["resolution"]
    shown = numbered[in_figure].nunique()
    mandated = support.pivot(index="column", columns="task_group", values="mandated")
    return {
        "resolutions": numbered.nunique(),
        "resolutions_in_figure": shown,
        "resolutions_left_out": numbered.nunique() - shown,
        "missions_in_figure": len(missions),
        "missions_excluded": len(excluded),
        "figure_labels": list(missions["figure_label"]),
        "missions_mandating": {
            group["id"]: int(mandated[group["id"]].sum()) for group in settings["task_groups"]
        },
        "missions_mandating_every_group": int(mandated.all(axis="columns").sum()),
        "synthetic": mandates.synthetic,
    }


def figure1(matrix: pd.DataFrame, missions: pd.DataFrame, synthetic: bool) -> dict[str, bytes]:
    """The tick matrix of Figure 1: task groups as rows, missions (with country and years) as
    rotated column labels, a tick where the mandate contained the group at any point."""
    columns = list(missions["column"])
    ticks = matrix[columns].to_numpy(dtype=bool)
    n_rows, n_columns = ticks.shape
    with figure(1.8 + 0.4 * n_columns, 2.4 + 0.4 * n_rows, synthetic) as fig:
        ax = fig.add_subplot()
        ax.set_aspect("equal")
        ax.set_anchor("S")
        fig.subplots_adjust(left=0.2, right=0.98, bottom=0.08, top=0.98)
        ax.set_xlim(-0.5, n_columns - 0.5)
        ax.set_ylim(n_rows - 0.5, -0.5)
        for row, column in zip(*np.nonzero(ticks)):
            ax.text(column, row, TICK, ha="center", va="center", fontsize=11)
        ax.xaxis.tick_top()
        ax.set_xticks(
            range(n_columns),
            list(missions["figure_label"]),
            rotation=60,
            ha="left",
            rotation_mode="anchor",
        )
        ax.set_yticks(range(n_rows), list(matrix["task_group_label"]))
        ax.tick_params(which="both", length=0)
        ax.set_xticks(np.arange(n_columns + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(n_rows + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="#d0d0d0", linewidth=0.6)
        for side in ax.spines.values():
            side.set_visible(False)
        return figure_bytes(fig)


def generate_example_mandates(settings: Mapping, seed: int = EXAMPLE_SEED) -> pd.DataFrame:
    """A synthetic mandates file in the PEMA layout of ``settings``; a pure function of its
    arguments, one row per invented resolution, flagged ``synthetic=true``.

    Every mission of :data:`EXAMPLE_MISSIONS` gets resolutions from its first to its last month,
    renewed every five to twelve months. Each task enters a mission's mandate with its share in
    :data:`EXAMPLE_TASK_SHARES` and then appears in most of its resolutions, in a random subset of
    the modalities at a random mandated value; the codes, numbers and days are invented and are
    no evidence about any mission."""
    rng = np.random.default_rng(seed)
    tasks = [
        *EXAMPLE_OTHER_TASKS,
        *(task for group in settings["task_groups"] for task in group["tasks"]),
    ]
    tasks = list(dict.fromkeys(tasks))
    modalities = list(settings["modalities"])
    values = {str(v): meaning for v, meaning in settings["task_values"].items()}
    unmandated = next(v for v, meaning in values.items() if meaning == NOT_MANDATED)
    mandated = [v for v, meaning in values.items() if meaning != NOT_MANDATED]
    frames = [
        _example_mission(rng, name, months, tasks, modalities, unmandated, mandated)
        for name, months in EXAMPLE_MISSIONS.items()
    ]
    table = pd.concat(frames, ignore_index=True)
    table.insert(1, "resolution", _example_numbers(table["date"]))
    table["synthetic"] = "true"
    return table.rename(columns={v: k for k, v in _id_columns(settings).items()})


def _example_mission(
    rng: np.random.Generator,
    name: str,
    months: tuple[str, str],
    tasks: list[str],
    modalities: list[str],
    unmandated: str,
    mandated: list[str],
) -> pd.DataFrame:
    dates = _example_dates(rng, *months)
    years = np.array([day.year for day in dates])
    cells = np.full((len(dates), len(tasks), len(modalities)), unmandated, dtype=object)
    for t, task in enumerate(tasks):
        eligible = np.flatnonzero(years >= EXAMPLE_TASK_FIRST_YEAR.get(task, 0))
        share = EXAMPLE_TASK_SHARES.get(task, EXAMPLE_DEFAULT_SHARE)
        if rng.random() >= share or not len(eligible):
            continue
        repeats = eligible[rng.random(len(eligible)) < EXAMPLE_REPEAT_SHARE]
        chosen = np.union1d(repeats, rng.choice(eligible, 1))
        for row in chosen:
            used = rng.random(len(modalities)) < 0.5
            used[rng.integers(len(modalities))] = True
            cells[row, t, used] = rng.choice(mandated, used.sum())
    columns = [f"{task}_{m}" for task in tasks for m in modalities]
    table = pd.DataFrame(cells.reshape(len(dates), -1), columns=columns)
    table.insert(0, "mission", name)
    table.insert(1, "date", [day.isoformat() for day in dates])
    return table


def _example_dates(rng: np.random.Generator, first_month: str, last_month: str) -> list[date]:
    """A first and a last day in the given months, renewals every 150 to 370 days between."""
    first = date.fromisoformat(f"{first_month}-01") + timedelta(days=int(rng.integers(0, 28)))
    last = date.fromisoformat(f"{last_month}-01") + timedelta(days=int(rng.integers(0, 28)))
    dates = [first]
    while (step := dates[-1] + timedelta(days=int(rng.integers(150, 371)))) < last - timedelta(
        days=90
    ):
        dates.append(step)
    return [*dates, last]


def _example_numbers(dates: pd.Series) -> np.ndarray:
    """Invented resolution numbers, increasing with the date at about the Council's pace."""
    order = np.argsort(dates.to_numpy(), kind="stable")
    days = np.array([(date.fromisoformat(d) - EXAMPLE_NUMBERING["since"]).days for d in dates])
    pace = EXAMPLE_NUMBERING["per_year"] / 365.25
    numbers = np.empty(len(dates), dtype=np.int64)
    numbers[order] = (
        EXAMPLE_NUMBERING["first"]
        + np.round(days[order] * pace).astype(np.int64)
        + np.arange(len(dates))
    )
    return numbers
