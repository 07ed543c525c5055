"""Where each coder's span lies in its transcript: the four position columns a coding table may
carry (``transcript``, ``start``, ``end``, ``transcript_length``), written once for the input
contract, the release and the reliability stage.

A coding imported from a QDA program knows them (REFI-QDA selections are character ranges of a
text source); a coding typed as a table usually does not. They come as a set: a table has all
four columns with every row filled, or no position at all (no such column, or only empty cells:
the release always has the columns). Offsets are 0-based Unicode code points,
``end`` exclusive, as REFI-QDA's ``startPosition``/``endPosition``; ``transcript`` numbers an
interview's transcripts from 1, and one transcript has one length.
"""

from __future__ import annotations

import re

import pandas as pd

from peacekeeping_interviews.problems import Problem
from peacekeeping_interviews.table_schema import problems_where

POSITION_COLUMNS = ("transcript", "start", "end", "transcript_length")


def has_positions(table: pd.DataFrame) -> bool:
    """Whether the table's rows carry positions (all four columns, filled)."""
    return set(POSITION_COLUMNS) <= set(table.columns) and bool(
        table[list(POSITION_COLUMNS)].notna().all(axis=None) and len(table)
    )


def position_problems(cells: pd.DataFrame, file: str, interview_column: str) -> list[Problem]:
    """The rules a Table Schema cannot say about positions, on a table's text cells: all four
    columns or none; with a position anywhere, every row filled, ``start < end <=
    transcript_length``, and one length per transcript of an interview. Cells that are not
    integers are left to the schema."""
    present = [c for c in POSITION_COLUMNS if c in cells.columns]
    if not present:
        return []
    if len(present) < len(POSITION_COLUMNS):
        absent = [c for c in POSITION_COLUMNS if c not in present]
        return [
            Problem(file, None, ", ".join(absent), "no such column", _ALL_FOUR + f" ({present})")
        ]
    if cells[list(POSITION_COLUMNS)].isna().all(axis=None):
        return []
    numbers = cells[list(POSITION_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    problems = [
        problem
        for column in POSITION_COLUMNS
        for problem in problems_where(
            file, cells, cells[column].isna(), column, _ALL_FOUR + ", so every row has it"
        )
    ]
    start, end, length = numbers["start"], numbers["end"], numbers["transcript_length"]
    problems += problems_where(
        file, cells, end <= start, "end", lambda _: "an end after the row's start"
    )
    beyond = (end > length) & (end > start)
    lengths = cells["transcript_length"]
    problems += _per_row(
        problems_where(file, cells, beyond, "end", ""),
        {row: f"at most the row's transcript_length ({lengths[row]})" for row in cells.index},
    )
    problems += _length_problems(cells, numbers, file, interview_column)
    return problems


_ALL_FOUR = f"the position columns {', '.join(POSITION_COLUMNS)} together"


def _length_problems(
    cells: pd.DataFrame, numbers: pd.DataFrame, file: str, interview_column: str
) -> list[Problem]:
    if interview_column not in cells.columns:
        return []
    keyed = numbers.assign(key=cells[interview_column]).dropna()
    first = keyed.groupby(["key", "transcript"], sort=False)["transcript_length"].transform("first")
    row_of_first = keyed.reset_index().groupby(["key", "transcript"], sort=False)["index"]
    first_row = row_of_first.transform("first").set_axis(keyed.index)
    differs = keyed["transcript_length"] != first
    lengths = cells["transcript_length"]
    expected = {
        row: f"{lengths[first_row[row]]} as in row {first_row[row]}: one length per transcript"
        for row in keyed.index[differs]
    }
    mask = pd.Series(False, index=cells.index)
    mask[keyed.index[differs]] = True
    return _per_row(problems_where(file, cells, mask, "transcript_length", ""), expected)


def _per_row(problems: list[Problem], expected: dict) -> list[Problem]:
    """The problems with what each row's cell should have been."""
    return [Problem(p.file, p.row, p.column, p.value, expected[p.row]) for p in problems]


_WORD = re.compile(r"\w(?:[\w'\u2019-]*\w)?")
_REACH = 200  # no word is longer: how far to look for the word a span cuts


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to the words it cuts. A coder's selection often starts or ends
    inside a word, and the excerpt taken from it would then hold part of a name (``Ysmer
    Dallo``) that the name scrub does not recognise; widened, it holds the whole name for the
    scrub to replace. A word here is letters and digits, with apostrophes and hyphens inside."""
    for word in _WORD.finditer(text, max(start - _REACH, 0), min(start + _REACH, len(text))):
        if word.start() < start < word.end():
            start = word.start()
            break
    for word in _WORD.finditer(text, max(end - _REACH, 0), min(end + _REACH, len(text))):
        if word.start() < end < word.end():
            end = word.end()
            break
    return start, end


def excerpt(text: str, start: int, end: int) -> str:
    """The excerpt a coder's span gives: its text, widened to whole words (:func:`whole_words`)."""
    first, last = whole_words(text, start, end)
    return text[first:last]
