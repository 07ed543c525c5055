"""The input data contract: every fault in the interviews, coding and codebook files, at once.

Each table is checked against its Frictionless Table Schema (``workflow/schemas/*.table.yaml``) in
three layers: the file (exists, not empty, UTF-8 without BOM, every row as wide as the header, no
blank lines, the schema's columns and no others), then every cell against its field's ``type`` and
``constraints`` through a pandera schema derived from the Table Schema, then the rules a Table
Schema cannot express (consent tiers, calendar dates, mission lists, the synthetic flag, references
between the tables and to the codebook). Nothing is repaired silently: bad input stops the run with
one :class:`InputError` that names every faulty cell.

A table schema may list ``optionalColumns``: columns that may be absent from the header (they are
filled in as missing). Every other field of the schema must be a column of the file. A field marked
``confidential: true`` holds what must stay in restricted space (names, notes, raw ids, excerpts):
a message about one of its cells names the file, row and column but shows the value only masked
(its initials and length, :func:`~peacekeeping_interviews.restricted.leak_scan.mask`), because
messages reach the terminal and Snakemake's own log in ``.snakemake/log/``.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from peacekeeping_interviews.codebook import Codebook, load_codebook
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.spans import position_problems
from peacekeeping_interviews.table_schema import (
    CheckedTable,
    TableText,
    _did_you_mean,
    _missing_file,
    confidential_columns,
    first_per_cell,
    first_rows,
    masked,
    problems_where,
    read_table,
    repeated_keys,
    typed_frame,
)

_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR_MONTH = r"[0-9]{4}-[0-9]{2}"
_ACRONYM = re.compile(r"[A-Z][A-Z0-9/-]*")
_LEADING_ARTICLE = r"(?i)(?:a|an|the)\s"
_CONSENT_REQUIRES = {"named": ("name", "public_role"), "descriptor": ("descriptor",)}


# The schemas a validation of the confidential inputs reads, in schema_dir.
VALIDATED_SCHEMAS = ("interviews.table.yaml", "coding.table.yaml", "codebook.schema.yaml")
VALIDATED_FORMAT = 1


@dataclass(frozen=True)
class ValidatedInputs:
    """Inputs that passed every check. Text columns hold ``str`` (``""`` when missing), numbers
    ``float64`` (NaN when missing), required integers ``int64``; optional columns absent from a
    file are filled in; rows keep the file's order. ``synthetic`` is the interviews file's flag
    (``False`` when the column is absent), removed from the frame."""

    interviews: pd.DataFrame
    coding: pd.DataFrame
    codebook: Codebook
    synthetic: bool
    # What importing a REFI-QDA project counted (shareable numbers and code ids; empty for CSVs).
    qda_import: Mapping = field(default_factory=dict)


def validate_inputs(
    interviews: Path | TableText,
    coding: Path | TableText,
    codebook: Path,
    schema_dir: Path,
    latest_interview_date: str,
) -> ValidatedInputs:
    """Check the three inputs against the schemas in ``schema_dir`` and return them typed.

    Raise :class:`InputError` listing every problem found, at most one per cell (the first found:
    a malformed date is not also reported as in the future). Codes in the coding file are checked
    only when the codebook itself is valid.
    """
    schema_dir = Path(schema_dir)
    latest = date.fromisoformat(latest_interview_date).isoformat()
    people_schema, segments_schema, book_schema = (schema_dir / n for n in VALIDATED_SCHEMAS)
    people = read_table(_table(interviews), people_schema)
    segments = read_table(_table(coding), segments_schema)
    book, book_problems = _read_codebook(Path(codebook), book_schema)
    problems = [
        *masked(
            first_per_cell(people.problems + interview_rule_problems(people, latest)),
            confidential_columns(people.schema),
        ),
        *masked(
            first_per_cell(segments.problems + coding_rule_problems(segments, people, book)),
            confidential_columns(segments.schema),
        ),
        *book_problems,
    ]
    if problems or book is None:
        raise InputError(problems)
    assert people.cells is not None and segments.cells is not None  # no problems: both were read
    typed_people = typed_frame(people.cells, people.schema)
    return ValidatedInputs(
        interviews=typed_people.drop(columns="synthetic"),
        coding=typed_frame(segments.cells, segments.schema),
        codebook=book,
        synthetic=bool(typed_people["synthetic"].any()),
    )


def _table(source: Path | TableText) -> Path | TableText:
    return source if isinstance(source, TableText) else Path(source)


def _has(cells: pd.DataFrame, *columns: str) -> bool:
    return set(columns) <= set(cells.columns)


def interview_rule_problems(people: CheckedTable, latest: str) -> list[Problem]:
    """Rules of the interviews file that its Table Schema cannot express."""
    cells = people.cells
    if cells is None or cells.empty:
        return []
    file = people.file
    problems = _consent_problems(cells, file)
    if _has(cells, "interview_id"):
        problems += _ids_differing_in_case(cells, file)
    if _has(cells, "descriptor"):
        problems += problems_where(
            file,
            cells,
            cells["descriptor"].str.match(_LEADING_ARTICLE, na=False),
            "descriptor",
            "a descriptor without an article ('former UN official', not 'a former UN official')",
        )
    if _has(cells, "date"):
        problems += _date_problems(cells, file, latest)
    if _has(cells, "missions"):
        problems += problems_where(
            file,
            cells,
            cells["missions"].map(_missions_fault).notna(),
            "missions",
            _missions_expected,
        )
    if _has(cells, "synthetic"):
        problems += _synthetic_problems(cells, file)
    return problems


def _ids_differing_in_case(cells: pd.DataFrame, file: str) -> list[Problem]:
    """Interview ids equal but for case (``MINI-01``, ``mini-01``): most likely one interview
    typed twice, which would otherwise become two interviews with two pseudonyms. Ids repeated
    exactly are left to the ``unique`` constraint."""
    ids = cells["interview_id"].dropna()
    folded = ids.str.casefold()
    first_row_of = first_rows(folded)
    repeated = folded.duplicated() & ~ids.duplicated()
    return [
        Problem(
            file,
            int(row),
            "interview_id",
            ids[row],
            f"an interview_id that differs from row {first_row_of[folded[row]]}'s in more than "
            "capitals: ids are compared ignoring case, so these would be one interview typed twice",
        )
        for row in repeated[repeated].index
    ]


def _consent_problems(cells: pd.DataFrame, file: str) -> list[Problem]:
    """A `named` interviewee needs a name and a public role; a `descriptor` one a descriptor."""
    problems = []
    for consent, columns in _CONSENT_REQUIRES.items():
        for column in columns:
            if _has(cells, "consent", column):
                mask = cells["consent"].eq(consent) & cells[column].isna()
                expected = f"a {column.replace('_', ' ')}, because consent is '{consent}'"
                problems += problems_where(file, cells, mask, column, expected)
    return problems


def _date_problems(cells: pd.DataFrame, file: str, latest: str) -> list[Problem]:
    """Days that the calendar lacks, and days or months after ``latest`` (an ISO date).

    ISO dates of one format compare as text in time order, so no date parsing is needed beyond
    the calendar check; malformed dates are left to the schema's pattern."""
    dates = cells["date"]
    full = dates.str.fullmatch(_FULL_DATE.pattern, na=False)
    month = dates.str.fullmatch(_YEAR_MONTH, na=False)
    latest_month = latest[:7]
    return [
        *problems_where(file, cells, dates.map(_impossible_date), "date", "a real calendar date"),
        *problems_where(
            file,
            cells,
            full & dates.fillna("").gt(latest),
            "date",
            f"a date not after latest_interview_date ({latest}; raise it for a new wave)",
        ),
        *problems_where(
            file,
            cells,
            month & dates.fillna("").gt(latest_month),
            "date",
            f"a month not after {latest_month} (latest_interview_date is {latest})",
        ),
    ]


def _impossible_date(value: object) -> bool:
    """True for YYYY-MM-DD text that names no day, such as 2021-02-30."""
    if not isinstance(value, str) or not _FULL_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return True
    return False


def _missions_fault(value: object) -> str | None:
    """What is wrong with a `;`-separated list of mission acronyms, or ``None``."""
    if not isinstance(value, str):
        return None
    for number, item in enumerate(value.split(";"), start=1):
        if not _ACRONYM.fullmatch(item):
            return f"item {number} is {item!r}"
    return None


def _missions_expected(value: str) -> str:
    return (
        "uppercase mission acronyms separated by ';' without spaces or empty items, such as "
        f"'MONUSCO;MINUSCA' ({_missions_fault(value)})"
    )


def _synthetic_problems(cells: pd.DataFrame, file: str) -> list[Problem]:
    """The flag marks a whole dataset, so every row must carry the value of the first."""
    flags = cells["synthetic"].fillna("")
    first_row, first = flags.index[0], flags.iloc[0]
    expected = f"{first!r} as in row {first_row}: a dataset is synthetic or not as a whole"
    return problems_where(file, cells, flags.ne(first), "synthetic", expected)


def coding_rule_problems(
    segments: CheckedTable, people: CheckedTable, book: Codebook | None
) -> list[Problem]:
    """References to the interviews and the codebook, one row per segment and coder, and the
    spans' positions (:func:`~peacekeeping_interviews.spans.position_problems`)."""
    cells = segments.cells
    if cells is None or cells.empty:
        return []
    problems = []
    if _has(cells, "interview_id"):
        problems += _unknown_interviews(cells, segments.file, people)
    if _has(cells, "code") and book is not None:
        problems += _unknown_codes(cells, segments.file, book)
    keys = segments.schema["primaryKey"]
    if _has(cells, *keys):
        problems += repeated_keys(cells, keys, segments.schema, segments.file)
    problems += position_problems(cells, segments.file, "interview_id")
    return problems


def _unknown_interviews(cells: pd.DataFrame, file: str, people: CheckedTable) -> list[Problem]:
    """Coded interviews missing from the interviews file. Skipped when rows of that file were left
    out: their ids are unknown, and every segment of theirs would be reported falsely."""
    if not people.complete or people.cells is None or not _has(people.cells, "interview_id"):
        return []
    listed = people.cells["interview_id"].dropna()
    known = listed.unique().tolist()
    rows_ignoring_case = first_rows(listed.str.casefold())

    def expected(value: str) -> str:
        row = rows_ignoring_case.get(value.casefold())
        hint = "" if row is None else f" (row {row} of {people.file} has it in other capitals)"
        return f"an interview_id listed in {people.file}{hint}"

    return _not_in(file, cells, "interview_id", known, expected)


def _unknown_codes(cells: pd.DataFrame, file: str, book: Codebook) -> list[Problem]:
    codes = book.ids()
    listing = f"{len(codes)} codes: {_abbreviated(codes)}"

    def expected(value: str) -> str:
        hint = _did_you_mean(value, codes)
        return f"a code of the codebook '{book.framework_id}'{hint}; it has {listing}"

    return _not_in(file, cells, "code", codes, expected)


def _not_in(
    file: str, cells: pd.DataFrame, column: str, allowed: list[str], expected: Callable[[str], str]
) -> list[Problem]:
    """Cells of ``column`` not in ``allowed``; missing cells are left to `required`."""
    values = cells[column]
    mask = values.notna() & ~values.isin(allowed)
    messages = {value: expected(value) for value in values[mask].unique()}
    return problems_where(file, cells, mask, column, messages.__getitem__)


def _abbreviated(items: list[str], shown: int = 6) -> str:
    if len(items) <= shown:
        return ", ".join(items)
    return f"{', '.join(items[:shown])}, ... and {len(items) - shown} more"


def _read_codebook(path: Path, schema_path: Path) -> tuple[Codebook | None, list[Problem]]:
    if not path.is_file():
        return None, [_missing_file(path)]
    try:
        return load_codebook(path, read_yaml(schema_path)), []
    except InputError as error:
        return None, error.problems


def keep_validated(validated: ValidatedInputs, product: Path, digest: str) -> bool:
    """Store the start-up check's validated inputs in restricted space for the anonymisation
    stage, unless the product already holds those of ``digest`` (its date then stays, so the
    rule reading it does not rerun). Whether it was written."""
    product = Path(product)
    if _stored_digest(product) == digest:
        return False
    product.parent.mkdir(parents=True, exist_ok=True)
    partial = product.with_name(f".{product.name}.partial")
    partial.write_bytes(pickle.dumps((VALIDATED_FORMAT, digest, validated)))
    os.replace(partial, product)
    return True


def load_validated(product: Path, digest: str) -> ValidatedInputs:
    """The validated inputs the start-up check stored, if they are those of ``digest`` (the
    inputs as the rule sees them now); an :class:`InputError` otherwise. Pickle, because the
    product is the project's own file in restricted space, written by this code, and holds
    typed frames and the codebook as they are."""
    if _stored_digest(product) != digest:
        expected = (
            "the validated inputs of the start-up check of this run: the confidential inputs, "
            "their schemas or the code changed since; run the workflow again"
        )
        raise InputError([Problem(str(product), None, None, "stale or missing", expected)])
    return pickle.loads(Path(product).read_bytes())[2]


def _stored_digest(product: Path) -> str | None:
    try:
        stored_format, digest, _ = pickle.loads(Path(product).read_bytes())
    except (
        OSError,
        pickle.UnpicklingError,
        ValueError,
        TypeError,
        EOFError,
        AttributeError,
        ImportError,
    ):
        return None
    return digest if stored_format == VALIDATED_FORMAT else None
