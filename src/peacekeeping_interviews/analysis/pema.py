"""Reading a Peacekeeping Mandates (PEMA) file as its authors publish it.

PEMA (Di Salvatore, Lundgren, Oksamytna & Smidt 2022, *Journal of Conflict Resolution* 66(4-5):
924-951, doi:10.1177/00220027211068897) has one row per Security Council resolution that
establishes, extends or revises a mandate, and one column per task and modality
(``HumanRights_Monitor``, ``HumanRights_Assist``, ...). Its releases differ in column names, case,
date formats and what a task cell holds (a paragraph number, prose, a flag), so the layout is data:
a preset from ``pema_layouts.yaml`` with any key overridden in the study config. No converter is
needed and the file is read as published.

The reader checks only what Figure 1 uses (the identifying columns and the task columns the task
groups read) and leaves every other column alone: a release with forty tasks is not rejected for
a task the study does not use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from peacekeeping_interviews.problems import CONFIG_FILE, Problem
from peacekeeping_interviews.table_schema import check_table
from peacekeeping_interviews.text import without_invisible_characters

LAYOUT_KEY = "mandates.layout"
SYNTHETIC_COLUMN = "synthetic"
PRESETS_FILE = "pema_layouts.yaml"
LAYOUT_FIELDS = (
    "mission_column",
    "resolution_column",
    "resolution_pattern",
    "year_column",
    "date_column",
    "date_formats",
    "column_case",
    "task_column",
    "modalities",
    "ignored_modalities",
    "not_mandated_values",
    "mandated_pattern",
)
COLUMN_CASES = ("exact", "any")


@dataclass(frozen=True)
class Layout:
    """Where a PEMA release keeps what Figure 1 needs (every key documented in config/README.md).

    ``column_case`` is ``exact`` or ``any`` (headers matched without regard to case);
    ``task_column`` is a template with ``{task}`` and ``{modality}``; a task cell is not mandated
    when, stripped, it is one of ``not_mandated_values``, mandated when it fully matches
    ``mandated_pattern``, and an error otherwise. Only ``modalities`` count; the
    ``ignored_modalities`` (PEMA's ``Encouraged``) are columns a resolution merely encourages."""

    mission_column: str
    resolution_column: str
    resolution_pattern: str
    year_column: str | None
    date_column: str | None
    date_formats: tuple[str, ...]
    column_case: str
    task_column: str
    modalities: tuple[str, ...]
    ignored_modalities: tuple[str, ...]
    not_mandated_values: tuple[str, ...]
    mandated_pattern: str

    def task_columns(self, task: str) -> list[str]:
        """The columns of one task in the modalities that count, as the layout spells them."""
        return [self.task_column.format(task=task, modality=m) for m in self.modalities]


@dataclass(frozen=True)
class Resolutions:
    """A PEMA file read and checked. ``table`` has one row per file row, in file order:
    ``mission`` (stripped), ``signature`` (as written), ``resolution`` (the first resolution
    number in it), ``resolution_numbers`` (every number, ``;``-joined: a row may name two
    resolutions), ``year``, ``date`` (ISO, or ``""`` where the file has none) and one boolean
    column per task column that was asked for, named as :meth:`Layout.task_columns` spells it.
    ``synthetic`` is the file's flag (absent: ``False``); ``missions_in_file`` names every mission
    of the file, used or not, and ``resolutions_in_file`` counts the distinct resolution numbers
    of the whole file.

    Where a row has both a year and a date, the date's year is used (PEMA's ``Year`` sometimes
    differs, e.g. for a resolution adopted in January); ``year_differs`` marks those rows."""

    table: pd.DataFrame
    synthetic: bool
    missions_in_file: tuple[str, ...]
    resolutions_in_file: int


def presets() -> dict[str, dict]:
    """The published layouts shipped with the package, by name."""
    text = (resources.files("peacekeeping_interviews.analysis") / PRESETS_FILE).read_text("utf-8")
    return yaml.safe_load(text)


def read_layout(spec: Mapping) -> tuple[Layout | None, list[Problem]]:
    """The layout a study config asks for: its ``preset`` with the config's keys on top.

    Every key must end up set (``year_column`` or ``date_column`` may be ``null``, not both), the
    patterns must compile, and the task template must hold ``{task}`` and ``{modality}``."""
    settings = dict(spec)
    name = settings.pop("preset", None)
    known = presets()
    if name is not None and name not in known:
        expected = f"one of the published layouts ({', '.join(known)})"
        return None, [Problem(CONFIG_FILE, f"{LAYOUT_KEY}.preset", None, name, expected)]
    merged = {**known.get(name, {}), **settings}
    problems = [
        Problem(CONFIG_FILE, f"{LAYOUT_KEY}.{key}", None, None, "a value, or a preset")
        for key in LAYOUT_FIELDS
        if key not in merged
    ]
    if problems:
        return None, problems
    problems += _layout_value_problems(merged)
    if problems:
        return None, problems
    tuples = ("date_formats", "modalities", "ignored_modalities", "not_mandated_values")
    fields: dict[str, Any] = {k: tuple(v) if k in tuples else v for k, v in merged.items()}
    return Layout(**fields), []


def _layout_value_problems(layout: Mapping) -> list[Problem]:
    problems = []

    def bad(key: str, value: object, expected: str) -> None:
        problems.append(Problem(CONFIG_FILE, f"{LAYOUT_KEY}.{key}", None, value, expected))

    for key in ("resolution_pattern", "mandated_pattern"):
        try:
            groups = re.compile(layout[key]).groups
        except (re.error, TypeError):
            bad(key, layout[key], "a regular expression")
            continue
        if key == "resolution_pattern" and groups != 1:
            bad(key, layout[key], "a regular expression with one group: the resolution number")
    if layout["column_case"] not in COLUMN_CASES:
        bad("column_case", layout["column_case"], f"one of {', '.join(COLUMN_CASES)}")
    if not {"{task}", "{modality}"} <= set(re.findall(r"\{\w+\}", str(layout["task_column"]))):
        bad("task_column", layout["task_column"], "a template holding {task} and {modality}")
    if layout["year_column"] is None and layout["date_column"] is None:
        bad("date_column", None, "a date column, a year column, or both")
    for form in layout["date_formats"]:
        if not re.search(r"%[dbBmyY]", form):
            bad("date_formats", form, "strptime formats such as %d-%b-%y or %d/%m/%Y")
    return problems


def read_resolutions(
    path: Path,
    layout: Layout,
    tasks: Sequence[str],
    missions: Collection[str],
    date_range: tuple[str, str],
) -> tuple[Resolutions | None, list[Problem]]:
    """Read a PEMA file and return the rows of ``missions``, or ``None`` with every problem.

    Rows of other missions are only counted (``missions_in_file``): a global release is not
    rejected for a quirk in a mission the study never mentions. ``tasks`` are the task stems whose
    counted modality columns must be present. Dates must parse in one of the layout's formats and
    fall within ``date_range`` (ISO, inclusive); a row without a date needs a year."""
    table = check_table(Path(path), _text_schema, "the PEMA layout")
    if table.cells is None or table.header is None:
        return None, table.problems
    file = table.file
    names, problems = resolve_columns(table.header, layout, tasks, file)
    problems = [*table.problems, *problems]
    if problems:
        return None, problems
    cells = table.cells.apply(lambda column: column.fillna("").astype(str).str.strip())
    cells[names[layout.mission_column]] = cells[names[layout.mission_column]].map(mission_name)
    mission = cells[names[layout.mission_column]]
    problems = _blank_problems(mission, file, f"a mission name ({LAYOUT_KEY}.mission_column)")
    problems += _near_misses(mission, missions, file, layout.mission_column)
    used = cells[mission.isin(missions)]
    task_columns = [column for task in tasks for column in layout.task_columns(task)]
    frame, row_problems = _typed_rows(used, names, layout, task_columns, date_range, file)
    problems += row_problems
    if SYNTHETIC_COLUMN in cells:
        problems += _mixed_flags(cells[SYNTHETIC_COLUMN], file)
    if problems:
        return None, sorted(problems, key=_row_order)
    synthetic = SYNTHETIC_COLUMN in cells and bool(cells[SYNTHETIC_COLUMN].eq("true").all())
    in_file = tuple(sorted(set(mission) - {""}))
    every_number = cells[names[layout.resolution_column]].str.findall(layout.resolution_pattern)
    numbered = len({int(number) for found in every_number for number in found})
    return Resolutions(frame, synthetic, in_file, numbered), []


def _near_misses(
    mission: pd.Series, missions: Collection[str], file: str, column: str
) -> list[Problem]:
    """Names that differ from a mission of the study only in case: silently ignoring them would
    drop the mission from Figure 1 as if the file had no rows for it."""
    by_fold = {name.casefold(): name for name in missions}
    first_rows = mission[~mission.duplicated()]
    return [
        Problem(
            file,
            int(row),
            column,
            name,
            f"'{by_fold[name.casefold()]}' as the study's crosswalk writes it, or this spelling "
            "added to its mandates.missions[].names",
        )
        for row, name in first_rows.items()
        if name not in missions and name.casefold() in by_fold
    ]


def mission_name(text: str) -> str:
    """A mission name as written, without invisible characters (a zero-width space, a
    byte-order mark) and with compatibility forms folded (a non-breaking space is a space), so
    that a name copied from a web page still matches the crosswalk."""
    return " ".join(without_invisible_characters(unicodedata.normalize("NFKC", text)).split())


def _row_order(problem: Problem) -> int:
    return problem.row if isinstance(problem.row, int) else 0


def _text_schema(header: list[str]) -> dict:
    """Every column as optional text: what the file must hold is decided by the layout."""
    fields = [{"name": name, "type": "string"} for name in dict.fromkeys(header)]
    return {
        "fields": fields,
        "missingValues": [""],
        "optionalColumns": [field["name"] for field in fields],
    }


def resolve_columns(
    header: Sequence[str], layout: Layout, tasks: Sequence[str], file: str
) -> tuple[dict[str, str], list[Problem]]:
    """Each column the layout and the tasks need -> its name in this file's header.

    The keys are the layout's spellings; with ``column_case: any`` a header matches whatever
    its case. A missing column is a problem naming the config key or the task that needs it."""
    fold = str.casefold if layout.column_case == "any" else str
    present: dict[str, str] = {}
    problems = []
    for name in header:
        if fold(name) in present:
            expected = f"one column named like '{name}' ({LAYOUT_KEY}.column_case: any)"
            problems.append(Problem(file, "header", name, present[fold(name)], expected))
        present.setdefault(fold(name), name)
    wanted = {
        layout.mission_column: f"{LAYOUT_KEY}.mission_column",
        layout.resolution_column: f"{LAYOUT_KEY}.resolution_column",
    }
    for key in ("year_column", "date_column"):
        if getattr(layout, key) is not None:
            wanted[getattr(layout, key)] = f"{LAYOUT_KEY}.{key}"
    for task in tasks:
        for column in layout.task_columns(task):
            wanted.setdefault(column, f"task '{task}' of mandates.task_groups, {LAYOUT_KEY}")
    names = {}
    for column, why in wanted.items():
        if fold(column) in present:
            names[column] = present[fold(column)]
        else:
            expected = f"a column '{column}' ({why})" + _case_hint(column, header)
            problems.append(Problem(file, "header", column, None, expected))
    return names, problems


def _case_hint(column: str, header: Sequence[str]) -> str:
    """Where the file has the column under another spelling, say which and what to set."""
    spaced = [name for name in header if name != column and name.strip() == column]
    if spaced:
        return f"; the file has {spaced[0]!r}, with spaces: set the {LAYOUT_KEY} key to it"
    same = [name for name in header if name.strip().casefold() == column.casefold()]
    return f"; the file has '{same[0]}': set {LAYOUT_KEY}.column_case: any" if same else ""


def _typed_rows(
    cells: pd.DataFrame,
    names: Mapping[str, str],
    layout: Layout,
    task_columns: Sequence[str],
    date_range: tuple[str, str],
    file: str,
) -> tuple[pd.DataFrame, list[Problem]]:
    numbers, problems = _resolution_numbers(
        cells[names[layout.resolution_column]], layout.resolution_pattern, file
    )
    years, dates, differs, date_problems = _years_and_dates(cells, names, layout, date_range, file)
    problems += date_problems
    frame = pd.DataFrame(
        {
            "mission": cells[names[layout.mission_column]],
            "signature": cells[names[layout.resolution_column]],
            "resolution": numbers.map(lambda found: int(found[0]) if found else 0),
            "resolution_numbers": numbers.map(";".join),
            "year": years,
            "date": dates,
            "year_differs": differs,
        }
    )
    for column in dict.fromkeys(task_columns):
        mandated, cell_problems = _task_cells(cells[names[column]], layout, file)
        frame[column] = mandated
        problems += cell_problems
    return frame.reset_index(drop=True), problems


def _blank_problems(values: pd.Series, file: str, expected: str) -> list[Problem]:
    return [
        Problem(file, int(row), values.name, "", expected) for row in values.index[values == ""]
    ]


def _resolution_numbers(
    signatures: pd.Series, pattern: str, file: str
) -> tuple[pd.Series, list[Problem]]:
    """Every resolution number in each cell (``S/RES/758 AND S/RES/761`` names two)."""
    numbers = signatures.map(lambda text: [str(int(n)) for n in re.findall(pattern, text)])
    expected = f"a resolution symbol matching '{pattern}' ({LAYOUT_KEY}.resolution_pattern)"
    problems = [
        Problem(file, int(row), signatures.name, signatures[row], expected)
        for row in numbers.index[numbers.map(len) == 0]
    ]
    return numbers, problems


def _years_and_dates(
    cells: pd.DataFrame,
    names: Mapping[str, str],
    layout: Layout,
    date_range: tuple[str, str],
    file: str,
) -> tuple[pd.Series, pd.Series, pd.Series, list[Problem]]:
    """Years, ISO dates (``""`` when absent) and whether the two disagree; a row needs one."""
    empty = pd.Series("", index=cells.index, dtype=object)
    raw_dates = cells[names[layout.date_column]] if layout.date_column else empty
    raw_years = cells[names[layout.year_column]] if layout.year_column else empty
    earliest, latest = date_range
    parsed = {text: _parse_date(text, layout.date_formats) for text in set(raw_dates) - {""}}
    problems = []
    formats = " or ".join(layout.date_formats)
    for row, text in raw_dates.items():
        if not text:
            continue
        date = parsed[text]
        if date is None:
            expected = f"a date written as {formats} ({LAYOUT_KEY}.date_formats)"
            problems.append(Problem(file, int(row), raw_dates.name, text, expected))
        elif not earliest <= date <= latest:
            expected = f"a date from {earliest} (mandates.earliest_date) to {latest}"
            problems.append(Problem(file, int(row), raw_dates.name, text, expected))
    dates = raw_dates.map(lambda text: parsed.get(text) or "")
    stated = raw_years.where(raw_years.str.fullmatch("[0-9]{4}"), "")
    for row in raw_years.index[(raw_years != "") & (stated == "")]:
        expected = f"a four-digit year ({LAYOUT_KEY}.year_column)"
        problems.append(Problem(file, int(row), raw_years.name, raw_years[row], expected))
    years = dates.str[:4].where(dates != "", stated)
    for row in years.index[(years == "") & (raw_dates == "") & (raw_years == "")]:
        problems.append(Problem(file, int(row), None, "", "a date or a year for the resolution"))
    for row in years.index[(years != "") & (dates == "")]:
        if not earliest[:4] <= years[row] <= latest[:4]:
            expected = f"a year from {earliest[:4]} to {latest[:4]}"
            problems.append(Problem(file, int(row), raw_years.name, raw_years[row], expected))
    differs = (stated != "") & (dates != "") & (stated != dates.str[:4])
    numeric = pd.to_numeric(years.where(years != "", "0")).astype("int64")
    return numeric, dates, differs, problems


def _parse_date(text: str, formats: Sequence[str]) -> str | None:
    """The ISO date of ``text`` in the first format that reads it (month names in any case)."""
    for form in formats:
        try:
            return datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    return None


def _task_cells(values: pd.Series, layout: Layout, file: str) -> tuple[pd.Series, list[Problem]]:
    """Whether each cell records the task as mandated; a cell that is neither blank-like nor a
    mandated value is a problem, so an unexpected coding is never silently counted."""
    absent = values.isin(layout.not_mandated_values)
    mandated = values.str.fullmatch(layout.mandated_pattern)
    shown = ", ".join(repr(v) for v in layout.not_mandated_values)
    expected = (
        f"a value matching '{layout.mandated_pattern}' (mandated) or one of {shown} "
        f"(not mandated) ({LAYOUT_KEY}.mandated_pattern, not_mandated_values)"
    )
    problems = [
        Problem(file, int(row), values.name, values[row], expected)
        for row in values.index[~absent & ~mandated]
    ]
    return mandated & ~absent, problems


def _mixed_flags(flags: pd.Series, file: str) -> list[Problem]:
    first_row, first = flags.index[0], flags.iloc[0]
    problems = []
    for row, value in flags.items():
        if value not in ("true", "false"):
            problems.append(Problem(file, int(row), flags.name, value, "true or false"))
        elif value != first:
            expected = f"{first!r} as in row {first_row}: a file is synthetic or not as a whole"
            problems.append(Problem(file, int(row), flags.name, value, expected))
    return problems
