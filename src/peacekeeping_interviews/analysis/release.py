"""The public tier's entry point: every stage after anonymisation reads the release through here.

The release (``data/anonymised/``) is checked against the same Table Schemas that the
anonymisation stage wrote it with, so a hand-edited or truncated release fails loudly instead of
skewing an analysis. Nothing here can open a confidential input. Its text cells were written
spreadsheet-safe (:func:`~peacekeeping_interviews.files.spreadsheet_safe`: a leading apostrophe
before a cell that a spreadsheet would take for a formula); they are read back as they were.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from peacekeeping_interviews.codebook import Codebook, load_codebook
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.spans import position_problems
from peacekeeping_interviews.table_schema import read_table, repeated_keys, typed_frame


@dataclass(frozen=True)
class PublicRelease:
    """The anonymised interviews (in collection order, with a derived ``year``), their coded
    segments, the codebook, whether the data are the synthetic example, and the file names that
    error messages cite."""

    interviews: pd.DataFrame
    coding: pd.DataFrame
    codebook: Codebook
    synthetic: bool
    interviews_file: str = "interviews.csv"
    coding_file: str = "coding.csv"


def read_release(interviews: Path, coding: Path, codebook: Path, schema_dir: Path) -> PublicRelease:
    """Read and check the release; raise :class:`InputError` naming every fault."""
    schema_dir = Path(schema_dir)
    people = read_table(
        Path(interviews), schema_dir / "anonymised_interviews.table.yaml", spreadsheet_escaped=True
    )
    segments = read_table(
        Path(coding), schema_dir / "anonymised_coding.table.yaml", spreadsheet_escaped=True
    )
    problems = [*people.problems, *segments.problems]
    if segments.cells is not None and not segments.problems:
        keys = segments.schema["primaryKey"]
        problems += repeated_keys(segments.cells, keys, segments.schema, segments.file)
        problems += position_problems(segments.cells, segments.file, "pseudonym")
    book = load_codebook(Path(codebook), read_yaml(schema_dir / "codebook.schema.yaml"))
    if problems:
        raise InputError(problems)
    assert people.cells is not None and segments.cells is not None
    interviews_frame = typed_frame(people.cells, people.schema)
    coding_frame = typed_frame(segments.cells, segments.schema)
    problems = _unknown_pseudonyms(coding_frame, interviews_frame, Path(coding).name)
    problems += _unknown_codes(coding_frame, book, Path(coding).name)
    if problems:
        raise InputError(problems)
    interviews_frame = interviews_frame.sort_values("collection_order", kind="stable")
    interviews_frame = interviews_frame.reset_index(drop=True)
    interviews_frame["year"] = interviews_frame["month"].str[:4]
    return PublicRelease(
        interviews=interviews_frame.drop(columns="synthetic"),
        coding=coding_frame.drop(columns="synthetic"),
        codebook=book,
        synthetic=bool(interviews_frame["synthetic"].any() or coding_frame["synthetic"].any()),
        interviews_file=str(interviews),
        coding_file=str(coding),
    )


def read_mission_counts(path: Path, schema_dir: Path) -> pd.DataFrame:
    """The release's interviews-per-mission aggregate (``mission``, ``interviews`` as text:
    a count or ``"<k"``), checked against its Table Schema."""
    table = read_table(
        Path(path),
        Path(schema_dir) / "anonymised_mission_counts.table.yaml",
        spreadsheet_escaped=True,
    )
    if table.problems:
        raise InputError(table.problems)
    assert table.cells is not None
    return typed_frame(table.cells, table.schema)


def _unknown_pseudonyms(coding: pd.DataFrame, interviews: pd.DataFrame, file: str) -> list[Problem]:
    unknown = ~coding["pseudonym"].isin(interviews["pseudonym"])
    return [
        Problem(file, int(row) + 1, "pseudonym", value, "a pseudonym of the interview table")
        for row, value in coding.loc[unknown, "pseudonym"].items()
    ]


def _unknown_codes(coding: pd.DataFrame, book: Codebook, file: str) -> list[Problem]:
    unknown = ~coding["code"].isin(book.ids())
    return [
        Problem(file, int(row) + 1, "code", value, "a code id of the configured codebook")
        for row, value in coding.loc[unknown, "code"].items()
    ]


def incidence_matrix(release: PublicRelease) -> pd.DataFrame:
    """Interviews (rows, collection order) by codebook codes (columns, codebook order): True
    where any segment of the interview, by any coder, carries the code.

    Double-coded segments count once per coder, so a code either coder assigned is "found"; the
    incidence is what the saturation and factor stages share.
    """
    codes = list(release.codebook.ids())
    found = pd.crosstab(release.coding["pseudonym"], release.coding["code"]) > 0
    found = found.reindex(index=release.interviews["pseudonym"], columns=codes, fill_value=False)
    return found.astype(np.bool_)


# Every attribute the interview table publishes about an interview (besides the pseudonym and the
# collection order, which identify rows, not people): by default each is a quasi-identifier.
RELEASED_ATTRIBUTES = (
    "month",
    "consent",
    "descriptor",
    "location",
    "status",
    "level",
    "function",
    "posting",
    "missions",
    "region_of_origin",
    "tenure_band",
)


ROW_KEYS = ("pseudonym", "collection_order")


def tenure_bands(years: pd.Series, edges: list[float]) -> pd.Series:
    """Years at the duty station as bands ``a-b`` (a inclusive, b exclusive) and ``z+``."""
    labels = [f"{_num(lo)}-{_num(hi)}" for lo, hi in itertools.pairwise(edges)]
    labels.append(f"{_num(edges[-1])}+")
    bands = pd.cut(years, bins=[*edges, np.inf], right=False, labels=labels)
    return bands.astype(object).where(bands.notna(), "")


def _num(value: float) -> str:
    return f"{value:g}"
