"""A CSV file against its Frictionless Table Schema, every fault at once: the generic layer
under the interview and coding contract (:mod:`validation`) and the release's reader
(:mod:`release`).

Two layers: the file (exists, not empty, UTF-8 without BOM, every row as wide as the header, no
blank lines, the schema's columns and no others), then every cell against its field's ``type``
and ``constraints`` through a pandera schema derived from the Table Schema. A schema may list
``optionalColumns``: columns that may be absent from the header (they are filled in as
missing). A field marked ``confidential: true`` holds what must stay in restricted space (names,
notes, raw ids, excerpts): a message about one of its cells names the file, row and column but
shows the value only masked (its initials and length,
:func:`~peacekeeping_interviews.masking.mask`), because messages reach the terminal
and Snakemake's own log in ``.snakemake/log/``."""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from peacekeeping_interviews.files import from_spreadsheet_safe, read_yaml
from peacekeeping_interviews.masking import mask
from peacekeeping_interviews.problems import Problem

_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_INTEGER = r"[+-]?[0-9]+"
_SUPPORTED_CONSTRAINTS = {"required", "unique", "enum", "pattern", "minimum"}
# The widest whole number a typed column holds (int64); a longer one would fail only in pandas.
_LARGEST_INTEGER = 2**63 - 1
# Python's csv module refuses a longer cell by default (128 KiB); so does this check. Fixed here
# rather than read from csv.field_size_limit(), which a library (frictionless) raises process-wide.
MAX_CELL_CHARACTERS = 131_072
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # undecodable bytes, as "surrogateescape" keeps them
_NUL = re.compile("\x00")
# Files that are not text at all, by their first bytes, and what they are.
_NOT_TEXT = {
    b"PK\x03\x04": "a ZIP archive, probably an Excel workbook (.xlsx) or an OpenDocument sheet",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Excel workbook (.xls)",
    codecs.BOM_UTF16_LE: "UTF-16 text (it starts with a UTF-16 byte-order mark)",
    codecs.BOM_UTF16_BE: "UTF-16 text (it starts with a UTF-16 byte-order mark)",
}
_SNIFFED_BYTES = 4096
_SHOWN_CHARACTERS = 40  # of a cell too long to show whole
# Frictionless defaults for boolean fields without trueValues/falseValues.
_TRUE_VALUES = ["true", "True", "TRUE", "1"]
_FALSE_VALUES = ["false", "False", "FALSE", "0"]


@dataclass(frozen=True)
class CheckedTable:
    """A CSV file read as text. ``cells`` holds the well-formed data rows, indexed by 1-based data
    row, one column per schema field present, missing values as NaN; ``None`` when the file could
    not be read at all. ``complete`` is false when rows were left out (blank, ragged or unparsed).
    ``problems`` are the faults found in the file and in its cells; ``header`` is the file's header
    row when it could be read."""

    file: str
    schema: dict
    cells: pd.DataFrame | None
    complete: bool
    problems: list[Problem]
    header: list[str] | None = None


@dataclass(frozen=True)
class TableText:
    """A table that is no file of its own but text made in memory (the cases of a REFI-QDA
    project as the interviews table), and how problems name it (``file``)."""

    file: str
    text: str


def read_table(
    path: Path | TableText, schema_path: Path, spreadsheet_escaped: bool = False
) -> CheckedTable:
    """Read a CSV file as text and check it against the Table Schema at ``schema_path``;
    ``spreadsheet_escaped`` files (the release) are unescaped first (see :func:`check_table`)."""
    return check_table(path, read_yaml(schema_path), schema_path.name, spreadsheet_escaped)


def check_table(
    path: Path | TableText,
    schema: dict | Callable[[list[str]], dict],
    schema_name: str,
    spreadsheet_escaped: bool = False,
) -> CheckedTable:
    """Read a CSV file as text and check it against a Table Schema given as a dict, or as a
    function of the file's header (for layouts whose columns the config decides).

    A ``spreadsheet_escaped`` file was written through
    :func:`~peacekeeping_interviews.files.spreadsheet_safe`: its cells are checked and returned
    as they were before the escape."""
    known = schema if isinstance(schema, dict) else {}
    file = path.file if isinstance(path, TableText) else path.name
    text, problems = (
        (path.text, [])
        if isinstance(path, TableText)
        else _read_text(path, confidential_columns(known))
    )
    if text is None:
        return CheckedTable(file, known, None, False, problems)
    header, rows, row_problems = _split_rows(text, file)
    problems += row_problems
    if header is None or rows is None:
        return CheckedTable(file, known, None, False, problems)
    if callable(schema):
        schema = schema(header)
    problems += _nul_problems(text, file)
    problems += _header_problems(header, schema, schema_name, file)
    if spreadsheet_escaped:
        rows = rows.map(from_spreadsheet_safe, na_action="ignore")
    cells = _named_cells(header, rows, schema)
    problems += cell_problems(cells, schema, file)
    return CheckedTable(file, schema, cells, not row_problems, problems, header)


def confidential_columns(schema: dict) -> frozenset[str]:
    """The fields a Table Schema marks ``confidential``: their values never appear in a message."""
    return frozenset(f["name"] for f in schema.get("fields", []) if f.get("confidential"))


def masked(problems: list[Problem], confidential: frozenset[str]) -> list[Problem]:
    """``problems`` with the text of every cell of a ``confidential`` column masked (initials
    and length); the file, row, column and what was expected stay as they are."""
    return [
        replace(problem, value=mask(str(problem.value), str(problem.column)))
        if _quotes_confidential_cell(problem, confidential)
        else problem
        for problem in problems
    ]


def _quotes_confidential_cell(problem: Problem, confidential: frozenset[str]) -> bool:
    """Whether a problem shows the text of a data cell of a ``confidential`` column (a header
    problem shows a column name, which is no secret)."""
    return (
        isinstance(problem.row, int)
        and problem.column in confidential
        and isinstance(problem.value, str)
        and bool(problem.value)
    )


def _missing_file(path: Path) -> Problem:
    return Problem(path.name, None, None, str(path), "an existing file")


def _read_text(path: Path, confidential: frozenset[str]) -> tuple[str | None, list[Problem]]:
    """The file's text, or ``None`` when it is missing, empty, a workbook or UTF-16, or not
    UTF-8. A byte-order mark is reported, then skipped so that the header can still be checked.
    The first byte that is not UTF-8 is shown in its context unless its column is
    ``confidential``."""
    if not path.is_file():
        return None, [_missing_file(path)]
    data = path.read_bytes()
    if not data:
        expected = "a header row and data rows, but the file is empty (0 bytes)"
        return None, [Problem(path.name, None, None, data, expected)]
    not_text = _not_text(data)
    if not_text is not None:
        expected = (
            f"a CSV file of UTF-8 text; this is {not_text}: open it in the spreadsheet and save "
            "it as 'CSV UTF-8 (comma delimited)'"
        )
        return None, [Problem(path.name, None, None, data[:8], expected)]
    problems = []
    if data.startswith(codecs.BOM_UTF8):
        expected = "UTF-8 without a byte-order mark (BOM): save the file as UTF-8 without BOM"
        problems.append(Problem(path.name, None, None, codecs.BOM_UTF8, expected))
        data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as error:
        return None, [*problems, _encoding_problem(data, error, path.name, confidential)]


def _not_text(data: bytes) -> str | None:
    """What a file is when it is no text a CSV reader could take: a workbook or UTF-16 (whose
    ASCII characters alternate with NUL bytes, so that it may even decode as UTF-8)."""
    for signature, kind in _NOT_TEXT.items():
        if data.startswith(signature):
            return kind
    start = data[:_SNIFFED_BYTES]
    if start.count(0) * 4 >= len(start):
        return "UTF-16 text (every other byte is a NUL byte) or another binary file"
    return None


def _encoding_problem(
    data: bytes, error: UnicodeDecodeError, file: str, confidential: frozenset[str]
) -> Problem:
    """Locate the first byte that is not UTF-8: its row and column, the bytes and, unless the
    column is ``confidential``, the text of its cell around them (never a neighbouring cell's,
    which may be confidential)."""
    line = data.count(b"\n", 0, error.start) + 1
    text = data.decode("utf-8", errors="surrogateescape")
    row, column, cell = next(
        _cells_matching(text, _NOT_UTF8), (line - 1 if line > 1 else "header", None, None)
    )
    context = (
        "" if cell is None or column in confidential else f", in {_around_first_bad_byte(cell)!r}"
    )
    expected = (
        f"UTF-8 text; this is the first byte that is not UTF-8{context} (the file is probably "
        "Latin-1 or Windows-1252): save it as UTF-8"
    )
    return Problem(file, row, column, error.object[error.start : error.end], expected)


def _around_first_bad_byte(cell: str, width: int = 30) -> str:
    """The text of ``cell`` up to ``width`` characters either side of its first undecodable
    byte, undecodable bytes shown as the replacement character."""
    start = min(match.start() for match in _NOT_UTF8.finditer(cell))
    return _NOT_UTF8.sub("\ufffd", cell[max(0, start - width) : start + width + 1]).strip()


def _cells_matching(text: str, pattern: re.Pattern) -> Iterator[tuple[int | str, str | None, str]]:
    """(data row or ``"header"``, column name, cell) of every CSV cell in which ``pattern``
    occurs, in file order; a cell beyond the header's width has no column name. Stops quietly at
    a row :mod:`csv` cannot read (the row checks report it)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    try:
        for number, fields in enumerate(reader):
            if number == 0:
                header = fields
            for position, cell in enumerate(fields):
                if pattern.search(cell):
                    name = header[position] if number and position < len(header) else None
                    yield (number if number else "header"), name, cell
    except csv.Error:
        return


def _nul_problems(text: str, file: str) -> list[Problem]:
    """Cells holding a NUL byte, which the CSV parser takes for the end of the cell, silently
    cutting the text short."""
    if "\x00" not in text:
        return []
    expected = (
        "text without NUL bytes (\\x00): the cell would be cut short at the first one; remove "
        "them (was the text pasted from a PDF or a binary file?)"
    )
    return [
        Problem(file, row, column, cell, expected)
        for row, column, cell in _cells_matching(text, _NUL)
    ]


def _split_rows(
    text: str, file: str
) -> tuple[list[str] | None, pd.DataFrame | None, list[Problem]]:
    """Split CSV text into the header and the data rows as wide as the header.

    Blank lines and rows with more or fewer fields than the header are reported and left out, so
    that the rest can still be checked; the index keeps every row's number. Field counts come from
    :mod:`csv` (pandas pads short rows silently), the cells from pandas (faster).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        lengths = np.fromiter(map(len, reader), dtype=np.int64)
    except csv.Error:
        return None, None, _oversized_cells(text, file) or [_unreadable(text, file)]
    if len(text) > MAX_CELL_CHARACTERS and (oversized := _oversized_cells(text, file)):
        return None, None, oversized
    if not header:
        return None, None, [Problem(file, "header", None, "", "a header row on line 1")]
    if not len(lengths):
        return None, None, [Problem(file, None, None, 0, "at least one data row below the header")]
    width = len(header)
    problems = [
        _shape_problem(file, int(row), int(n), width) for row, n in _bad_widths(lengths, width)
    ]
    rows, parse_problems = _parse_rows(text, lengths, width, file)
    return header, rows, problems + parse_problems


def _parse_rows(
    text: str, lengths: np.ndarray, width: int, file: str
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The data rows with ``width`` fields, as text, indexed by data row; ``lengths`` are the field
    counts of all data rows as :mod:`csv` split them."""
    try:
        wide = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),
            header=None,
            names=range(max(width, int(lengths.max()))),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except pd.errors.ParserError as error:
        message = str(error).removeprefix("Error tokenizing data. C error: ").strip()
        return None, [Problem(file, None, None, message, "well-formed CSV: every quote closed")]
    if len(wide) != len(lengths) + 1:
        expected = "rows that csv and pandas split alike: check quotes around line breaks"
        return None, [Problem(file, None, None, f"{len(wide) - 1} rows", expected)]
    rows = wide.iloc[1:, :width]
    return (rows if (lengths == width).all() else rows[lengths == width]), []


def _unreadable(text: str, file: str) -> Problem:
    """The whole file, when neither csv nor pandas can split it into cells."""
    return Problem(file, None, None, f"{len(text):,} characters", _TOO_LONG)


def _oversized_cells(text: str, file: str) -> list[Problem]:
    """Cells longer than :data:`MAX_CELL_CHARACTERS`, found by pandas (which has no limit),
    with the row and column of each; none when pandas cannot split the file either."""
    expected = _TOO_LONG
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError):
        return []
    lengths = table.apply(lambda column: column.str.len())
    return [
        Problem(
            file,
            int(row) + 1,
            str(column),
            f"{table.at[row, column][:_SHOWN_CHARACTERS]}…",
            f"{expected} (this one has {lengths.at[row, column]:,})",
        )
        for row, column in lengths.stack().loc[lambda n: n > MAX_CELL_CHARACTERS].index
    ]


def _bad_widths(lengths: np.ndarray, width: int) -> Iterable[tuple[int, int]]:
    """(1-based data row, field count) of every row not as wide as the header."""
    bad = np.flatnonzero(lengths != width)
    return zip(bad + 1, lengths[bad], strict=True)


def _shape_problem(file: str, row: int, fields: int, width: int) -> Problem:
    if fields == 0:
        return Problem(file, row, None, "", "no blank lines: delete this empty line")
    expected = (
        f"{width} fields, as many as the header has columns (an unquoted comma in a value, or a "
        "missing separator?)"
    )
    return Problem(file, row, None, f"{fields} field{'s' if fields != 1 else ''}", expected)


def _header_problems(header: list[str], schema: dict, schema_name: str, file: str) -> list[Problem]:
    """Duplicate, missing and unknown columns. Columns in ``optionalColumns`` may be absent."""
    names = [field["name"] for field in schema["fields"]]
    optional = set(schema.get("optionalColumns", []))
    problems = []
    first_position: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in first_position:
            twice = f"'{name}' is column {first_position[name]} and column {position}"
            expected = f"each column name once ({twice})"
            problems.append(Problem(file, "header", name, name, expected))
        first_position.setdefault(name, position)
    problems += [
        Problem(file, "header", name, None, f"a column '{name}' ({schema_name} requires it)")
        for name in names
        if name not in first_position and name not in optional
    ]
    problems += [
        Problem(
            file,
            "header",
            name,
            name,
            f"only columns defined in {schema_name}{_column_hint(name, names)}",
        )
        for name in first_position
        if name not in names
    ]
    return problems


def _column_hint(name: str, names: list[str]) -> str:
    """Why an unknown column may be there: a separator other than a comma, or a typo."""
    if ";" in name or "\t" in name:
        return " (the file seems separated by ';' or tabs: save it comma-separated)"
    return _did_you_mean(name, names)


def _did_you_mean(value: str, choices: list[str]) -> str:
    """A hint naming the closest choice, ignoring case."""
    lowered = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1)
    return f" (did you mean '{lowered[close[0]]}'?)" if close else ""


def _named_cells(header: list[str], rows: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """The schema's columns present in the file (the first of duplicates), missing values as NaN."""
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        position.setdefault(name, index)
    present = [field["name"] for field in schema["fields"] if field["name"] in position]
    cells = rows.iloc[:, [position[name] for name in present]].set_axis(present, axis="columns")
    return cells.mask(cells.isin(schema.get("missingValues", [""])))


def cell_problems(cells: pd.DataFrame, schema: dict, file: str) -> list[Problem]:
    """Every cell that breaks its field's ``type`` or ``constraints``, checked by pandera."""
    fields = [field for field in schema["fields"] if field["name"] in cells.columns]
    try:
        pandera_schema(fields).validate(cells, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _failure_problems(errors.failure_cases, cells, file)
    return []


def pandera_schema(fields: list[dict]) -> pa.DataFrameSchema:
    """A pandera schema for text cells (NaN = missing) equivalent to the Table Schema ``fields``.

    Raise ``ValueError`` for a type or constraint that is not translated, so that a schema edit
    can never be silently ignored.
    """
    return pa.DataFrameSchema({field["name"]: _pandera_column(field) for field in fields})


def _pandera_column(field: dict) -> pa.Column:
    constraints = field.get("constraints", {})
    unsupported = set(constraints) - _SUPPORTED_CONSTRAINTS
    if unsupported:
        raise ValueError(
            f"field {field['name']}: constraints {sorted(unsupported)} are not checked"
        )
    return pa.Column(
        None,
        checks=[*_type_checks(field), *_constraint_checks(field)],
        nullable=not constraints.get("required", False),
        unique=constraints.get("unique", False),
        report_duplicates="exclude_first",
    )


def _full_match(pattern: str, expected: str) -> pa.Check:
    return pa.Check(lambda text: text.str.fullmatch(pattern), error=expected)


def _type_checks(field: dict) -> list[pa.Check]:
    kind = field.get("type", "string")
    if kind == "string":
        return []
    if kind == "number":
        return [
            _full_match(_NUMBER, "a number such as 3 or 1.5 (a decimal point, not a comma)"),
            _finite(),
        ]
    if kind == "integer":
        return [_full_match(_INTEGER, "a whole number such as 3"), _not_too_long()]
    if kind == "boolean":
        true_values, false_values = _boolean_values(field)
        allowed = [*true_values, *false_values]
        return [pa.Check.isin(allowed, error=f"one of {', '.join(allowed)}")]
    raise ValueError(f"field {field['name']}: type {kind!r} is not checked")


def _finite() -> pa.Check:
    """Numbers too large for a float (``1e999``), which would be read as infinity."""
    return pa.Check(
        lambda text: text.map(_is_finite, na_action="ignore").fillna(True).astype(bool),
        error="a finite number: this one is too large to compute with (beyond about 1.8e308)",
    )


def _is_finite(text: str) -> bool:
    """True for text that is no number (left to the type check) or a finite one."""
    return not re.fullmatch(_NUMBER, text) or math.isfinite(float(text))


def _not_too_long() -> pa.Check:
    """Whole numbers a typed column cannot hold, which would fail only later, in pandas."""
    return pa.Check(
        lambda text: text.map(_fits_integer_column, na_action="ignore").fillna(True).astype(bool),
        error=f"a whole number of at most {_LARGEST_INTEGER:,} in size",
    )


def _fits_integer_column(text: str) -> bool:
    """True for text that is no whole number (left to the type check) or one int64 holds."""
    return not re.fullmatch(_INTEGER, text) or abs(int(text)) <= _LARGEST_INTEGER


def _boolean_values(field: dict) -> tuple[list[str], list[str]]:
    return field.get("trueValues", _TRUE_VALUES), field.get("falseValues", _FALSE_VALUES)


def _constraint_checks(field: dict) -> list[pa.Check]:
    constraints = field.get("constraints", {})
    checks = []
    if "enum" in constraints:
        allowed = [str(value) for value in constraints["enum"]]
        checks.append(pa.Check.isin(allowed, error=f"one of {', '.join(allowed)}"))
    if "pattern" in constraints:
        described = f" ({field['description']})" if "description" in field else ""
        expected = f"a value matching the pattern {constraints['pattern']!r}{described}"
        checks.append(_full_match(constraints["pattern"], expected))
    if "minimum" in constraints:
        checks.append(_at_least(constraints["minimum"]))
    return checks


def _at_least(minimum: float) -> pa.Check:
    """Numbers below ``minimum``; text that is not a number is left to the type check."""
    return pa.Check(
        lambda text: ~(pd.to_numeric(text, errors="coerce") < minimum),
        error=f"a number of at least {minimum}",
    )


def _failure_problems(failures: pd.DataFrame, cells: pd.DataFrame, file: str) -> list[Problem]:
    """Turn pandera's failure cases into problems, naming the first row a duplicate repeats."""
    first_row_of = {
        column: first_rows(cells[column])
        for column in failures.loc[failures["check"].eq("field_uniqueness"), "column"].unique()
    }
    problems = []
    for column, check, row in failures[["column", "check", "index"]].itertuples(index=False):
        value = cells.at[row, column]
        if check == "not_nullable":
            expected = "a value (the column is required)"
        elif check == "field_uniqueness":
            expected = (
                f"a value not already in row {first_row_of[column][value]} ({column} is unique)"
            )
        else:
            expected = check
        problems.append(Problem(file, int(row), column, "" if pd.isna(value) else value, expected))
    return problems


def problems_where(
    file: str,
    cells: pd.DataFrame,
    mask: pd.Series,
    column: str,
    expected: str | Callable[[str], str],
) -> list[Problem]:
    """One problem per row where ``mask`` holds; ``expected`` may depend on the cell's text."""
    problems = []
    for row, value in cells.loc[mask.fillna(False).astype(bool), column].items():
        text = "" if pd.isna(value) else value
        problems.append(
            Problem(
                file, int(row), column, text, expected(text) if callable(expected) else expected
            )
        )
    return problems


def repeated_keys(cells: pd.DataFrame, keys: list[str], schema: dict, file: str) -> list[Problem]:
    """Rows repeating an earlier row's primary key, compared as typed values (segment 01 is 1)."""
    types = {field["name"]: field.get("type", "string") for field in schema["fields"]}
    key_values = pd.DataFrame(
        {
            key: cells[key]
            if types[key] == "string"
            else pd.to_numeric(cells[key], errors="coerce")
            for key in keys
        }
    ).dropna()
    repeated = key_values[key_values.duplicated(keep=False)]
    first_row = repeated.index.to_series().groupby([repeated[key] for key in keys]).transform("min")
    later = first_row[first_row.index.to_numpy() != first_row.to_numpy()]
    column = keys[-1]
    return [
        Problem(
            file,
            int(row),
            column,
            cells.at[row, column],
            f"one row per {', '.join(keys)}: not the same coder twice on one segment "
            f"(first in row {first})",
        )
        for row, first in later.items()
    ]


def first_per_cell(problems: list[Problem]) -> list[Problem]:
    """Keep the first problem found for each cell, whole-file and header problems first, then by
    row (stable, so each row keeps the order in which its checks ran)."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for problem in problems:
        if isinstance(problem.row, int) and problem.column is not None:
            if (problem.row, problem.column) in seen:
                continue
            seen.add((problem.row, problem.column))
        kept.append(problem)
    return sorted(kept, key=lambda problem: problem.row if isinstance(problem.row, int) else 0)


def typed_frame(cells: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Valid cells as the schema's columns in schema order, typed; absent optional columns are
    filled in as missing."""
    columns = {}
    for field in schema["fields"]:
        name = field["name"]
        values = (
            cells[name] if name in cells else pd.Series(np.nan, index=cells.index, dtype=object)
        )
        columns[field["name"]] = _typed_column(values, field)
    return pd.DataFrame(columns).reset_index(drop=True)


def _typed_column(values: pd.Series, field: dict) -> pd.Series:
    kind = field.get("type", "string")
    if kind == "number":
        return pd.to_numeric(values).astype("float64")
    if kind == "integer":
        required = field.get("constraints", {}).get("required", False)
        return pd.to_numeric(values).astype("int64" if required else "Int64")
    if kind == "boolean":
        return values.isin(_boolean_values(field)[0])
    return values.fillna("")


_TOO_LONG = (
    f"a cell of at most {MAX_CELL_CHARACTERS:,} characters (128 KiB): is a closing quote "
    "missing, or does one excerpt hold a whole transcript?"
)


def first_rows(values: pd.Series) -> dict[str, int]:
    firsts = values[~values.duplicated()]
    return dict(zip(firsts, firsts.index, strict=True))
