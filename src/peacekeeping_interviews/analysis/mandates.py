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
from pathlib import Path

import numpy as np
import pandas as pd

from peacekeeping_interviews.analysis.figures import figure, figure_bytes
from peacekeeping_interviews.analysis.pema import Layout, Resolutions, read_layout, read_resolutions
from peacekeeping_interviews.analysis.release import read_mission_counts
from peacekeeping_interviews.files import csv_text, json_text, write_all_or_nothing
from peacekeeping_interviews.problems import CONFIG_FILE, InputError, Problem
from peacekeeping_interviews.stage_outputs import MandatesOutputs

NO_ROWS_REASON = "no rows in the mandates file"
TICK = "\N{CHECK MARK}"


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
    mandates, layout, counts = read_inputs(
        Path(mandates_path), Path(mission_counts_path), settings, latest_interview_date, schema_dir
    )
    resolutions = mandates.table
    missions = figure_missions(resolutions, settings)
    support = task_support(resolutions, missions, group_task_columns(settings, layout), settings)
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
) -> tuple[Resolutions, Layout, pd.DataFrame]:
    """The mandates, their layout and the mission counts, checked against the settings; one
    :class:`InputError` lists every problem of all three."""
    layout, problems = read_layout(settings["layout"])
    problems += settings_problems(settings)
    mandates = None
    if layout is not None:
        mandates, mandate_problems = check_mandates(
            mandates_path, settings, layout, latest_interview_date
        )
        problems += mandate_problems
    try:
        counts = read_mission_counts(mission_counts_path, schema_dir)
    except InputError as error:
        counts, problems = None, [*problems, *error.problems]
    if counts is not None:
        problems += unknown_counted_missions(counts, settings, mission_counts_path.name)
    if problems:
        raise InputError(problems)
    assert mandates is not None and layout is not None and counts is not None
    return mandates, layout, counts


def mandates_problems(
    path: Path, settings: Mapping, latest_interview_date: str
) -> tuple[Resolutions | None, list[Problem]]:
    """The start-up check of the layout, the crosswalk and the mandates file (the missions of
    the interview data are checked with :func:`unmapped_missions`)."""
    layout, problems = read_layout(settings["layout"])
    problems += settings_problems(settings)
    if layout is None:
        return None, problems
    mandates, file_problems = check_mandates(Path(path), settings, layout, latest_interview_date)
    return mandates, [*problems, *file_problems]


def unmapped_missions(missions: pd.Series, settings: Mapping, file: str) -> list[Problem]:
    """Missions of the interview data (``;``-separated per row, indexed by data row) that neither
    the crosswalk nor the exclusions account for: Figure 1 must say what happened to every
    mission an interviewee served in. Withheld (``*``) and blank cells name no mission."""
    known = set(known_missions(settings))
    expected = f"{_known_expected(settings)}: map it to a column or exclude it with a reason"
    return [
        Problem(file, int(row), missions.name, name, expected)
        for row, text in missions.items()
        for name in dict.fromkeys(part.strip() for part in str(text).split(";"))
        if name not in known and name not in {"", "*"}
    ]


def check_mandates(
    path: Path, settings: Mapping, layout: Layout, latest_interview_date: str
) -> tuple[Resolutions | None, list[Problem]]:
    """The rows of the missions the study accounts for, or every problem; at least one mission
    of Figure 1 must have rows, or the figure would be empty."""
    tasks = list(dict.fromkeys(t for group in settings["task_groups"] for t in group["tasks"]))
    mandates, problems = read_resolutions(
        Path(path),
        layout,
        tasks,
        known_missions(settings),
        (settings["earliest_date"], latest_interview_date),
    )
    if mandates is not None and not mandates.table["mission"].isin(crosswalk(settings)).any():
        expected = (
            "rows of at least one mission in mandates.missions[].names (Figure 1); the file "
            f"has {_abbreviated(mandates.missions_in_file)}"
        )
        return None, [
            Problem(Path(path).name, None, layout.mission_column, "no such row", expected)
        ]
    return mandates, problems


def _abbreviated(names: Sequence[str], shown: int = 12) -> str:
    more = f", ... ({len(names) - shown} more)" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


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
                    CONFIG_FILE, path, None, value, f"{expected} (already at {first_at[value]})"
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


def group_task_columns(settings: Mapping, layout: Layout) -> dict[str, list[str]]:
    """Task group id -> the task columns it reads: each of its tasks in every counted modality."""
    return {
        group["id"]: [column for task in group["tasks"] for column in layout.task_columns(task)]
        for group in settings["task_groups"]
    }


def unknown_counted_missions(counts: pd.DataFrame, settings: Mapping, file: str) -> list[Problem]:
    """Missions of the release's mission counts that the crosswalk does not account for."""
    missions = counts["mission"].set_axis(counts.index + 1)
    return unmapped_missions(missions, settings, file)


def figure_missions(resolutions: pd.DataFrame, settings: Mapping) -> pd.DataFrame:
    """Figure 1's columns: the crosswalk's columns that have resolutions, in chronological order of
    their first resolution (ties in config order), with the years printed under each.

    Resolutions are ordered by year, then number: Security Council resolutions are numbered in
    the order they are adopted, so the order holds for rows without a date. Years run from the
    first to the last resolution's year, or to "ongoing" for a mission config marks as still
    deployed; a mission with resolutions in one year only shows that year. ``resolutions`` counts
    distinct resolution numbers, so a resolution with rows for two of the column's names, or a
    row repeated in the file, counts once."""
    mapped = _in_crosswalk(resolutions, settings)
    rows = []
    for position, mission in enumerate(settings["missions"]):
        own = mapped[mapped["column"] == mission["column"]]
        if own.empty:
            continue
        first, last = own.iloc[0], own.iloc[-1]
        start = str(first["year"])
        end = "ongoing" if mission.get("ongoing", False) else str(last["year"])
        years = start if end == start else f"{start}\N{EN DASH}{end}"
        rows.append(
            {
                "column": mission["column"],
                "label": mission["label"],
                "years": years,
                "figure_label": f"{mission['label']} ({years})",
                "first_resolution": first["signature"],
                "first_resolution_date": first["date"],
                "last_resolution": last["signature"],
                "last_resolution_date": last["date"],
                "resolutions": len(resolution_numbers(own)),
                "names": ";".join(mission["names"]),
                "sort_key": (int(first["year"]), int(first["resolution"]), position),
            }
        )
    table = pd.DataFrame(rows).sort_values("sort_key")
    table.insert(0, "order", range(1, len(table) + 1))
    return table.drop(columns="sort_key").reset_index(drop=True)


def _in_crosswalk(resolutions: pd.DataFrame, settings: Mapping) -> pd.DataFrame:
    """Rows of Figure 1's missions with their ``column``, in chronological order."""
    mapped = resolutions.assign(column=resolutions["mission"].map(crosswalk(settings)))
    return mapped.dropna(subset="column").sort_values(["year", "resolution"], kind="stable")


def resolution_numbers(rows: pd.DataFrame) -> set[int]:
    """The distinct resolution numbers that rows name (a row may name several)."""
    return {int(n) for text in rows["resolution_numbers"] for n in text.split(";") if n}


def task_support(
    resolutions: pd.DataFrame,
    missions: pd.DataFrame,
    group_columns: Mapping[str, list[str]],
    settings: Mapping,
) -> pd.DataFrame:
    """One row per Figure 1 column and task group (figure order, then config order).

    A group counts as mandated when any resolution of any of the column's mission names mandated
    any of the group's tasks in any counted modality: the article's "mandated at any point". The
    first such resolution (by year, then number), how many resolutions did, and the task columns
    that ever carried it show where each tick comes from."""
    mapped = _in_crosswalk(resolutions, settings)
    labels = {group["id"]: group["label"] for group in settings["task_groups"]}
    rows = []
    for mission in missions.itertuples(index=False):
        own = mapped[mapped["column"] == mission.column]
        for group, columns in group_columns.items():
            hits = own[columns]
            mandating = own[hits.any(axis="columns")]
            carried = [column for column in columns if hits[column].any()]
            first = mandating.iloc[0] if len(mandating) else None
            rows.append(
                {
                    "column": mission.column,
                    "label": mission.label,
                    "years": mission.years,
                    "order": mission.order,
                    "task_group": group,
                    "task_group_label": labels[group],
                    "mandated": bool(len(mandating)),
                    "first_mandating_resolution": "" if first is None else first["signature"],
                    "first_mandating_year": None if first is None else first["year"],
                    "mandating_resolutions": len(resolution_numbers(mandating)),
                    "task_columns": ";".join(carried),
                }
            )
    table = pd.DataFrame(rows)
    table["first_mandating_year"] = table["first_mandating_year"].astype("Int64")
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
    mandates: Resolutions,
    missions: pd.DataFrame,
    support: pd.DataFrame,
    excluded: pd.DataFrame,
    settings: Mapping,
) -> dict:
    """The numbers the paper cites about Figure 1, and what the file held besides. Resolutions
    are counted by number: a resolution with rows for two missions (MONUC and MONUSCO, say) is
    one resolution, shown in the figure when any of its rows is. Missions of the file that the
    study neither maps nor excludes are ignored and only counted here."""
    resolutions = mandates.table
    shown = len(resolution_numbers(_in_crosswalk(resolutions, settings)))
    mandated = support.pivot(index="column", columns="task_group", values="mandated")
    not_in_study = sorted(set(mandates.missions_in_file) - set(known_missions(settings)))
    return {
        "resolutions": mandates.resolutions_in_file,
        "resolutions_in_figure": shown,
        "resolutions_left_out": mandates.resolutions_in_file - shown,
        "missions_in_file": len(mandates.missions_in_file),
        "missions_in_file_not_in_study": len(not_in_study),
        "missions_not_in_study": not_in_study,
        "rows_whose_year_differs_from_their_date": int(resolutions["year_differs"].sum()),
        "missions_in_figure": len(missions),
        "missions_excluded": len(excluded),
        "figure_labels": list(missions["figure_label"]),
        "task_group_labels": {group["id"]: group["label"] for group in settings["task_groups"]},
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
