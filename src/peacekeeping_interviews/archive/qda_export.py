"""The coded release as a REFI-QDA project (``.qdpx``) and its codebook (``.qdc``), so that a
reuser of the deposit can open the coding in NVivo, ATLAS.ti, MAXQDA or QualCoder.

Built from the public release alone (this module imports nothing restricted): what a reuser
finds in the project is exactly what the release's CSV files publish, arranged as a QDA program
arranges it. The conventions are those of the synthetic example project
(:mod:`peacekeeping_interviews.examples.synthetic_qda`), so that the project's own importer reads
the export back with the mapping :func:`release_project` returns:

- **Codes**: the codebook as :func:`~peacekeeping_interviews.qda_codebook.code_tree` nests it
  (shared with the example): one uncodable parent per codebook group (a factor category by its
  label, ``Response types``, ``Themes``), the codebook's codes as codable children named by their
  labels, described by their definitions and codebook ids; then a ``Direction`` parent with
  ``Confrontational`` and ``Conciliatory``. A direction of ``none`` has no code.
- **Cases**: one per released interview, named by its pseudonym, with one variable per released
  column of the interview table (named as the column, its cell as released: a withheld ``*``
  stays ``*``, an empty cell leaves the variable unset, as a QDA program leaves an attribute
  unset). ``collection_order`` is an Integer variable, ``synthetic`` a Boolean, the rest Text.
  The derived ``year`` of :class:`~peacekeeping_interviews.analysis.release.PublicRelease` is
  not a released column and is left out.
- **Sources**: one text per interview, holding nothing but its released excerpts: one passage
  per coded segment, in segment order, passages separated by a blank line. No transcript exists
  in the release, so none is invented around the passages.
- **Users and selections**: one user per coder; each coding row is a selection by its coder over
  its segment's passage, coded with the row's code and, unless the direction is ``none``, the
  direction code. The coders of a double-coded segment select the same passage.
- **Positions.** The release's position columns place each coder's span in a transcript the
  release does not hold, so the export cannot carry them: its selections are over the passages
  above, and reading the project back gives the release's coding rows without its positions.

**Segments without an excerpt.** An excerpt withheld (or never written) leaves nothing to select,
and a zero-length selection, though the format's checks allow one (start <= end), is both
invisible in a QDA program and ambiguous to read back: the importer counts an empty span as
overlapping any span that touches it, so it could be aligned with the neighbouring segment. Such
a segment's passage is therefore a fixed placeholder line, ``[segment N: no excerpt released]``
(:data:`NO_EXCERPT`), in brackets as the scrub's replacements are; its coders select that line.

**Coders whose excerpts differ.** Each row's excerpt is scrubbed on its own, so the coders of a
segment can release different texts (two people's selections of one passage differ by a few
characters). The passage is then their excerpts merged: one contained in the other, or one's end
the other's beginning; each coder selects their own excerpt in it, so reading back gives every
coder's excerpt as released. When they cannot be merged so that the selections overlap by at
least :data:`MIN_OVERLAP` of the shorter (which the importer needs to see one segment), the
passage is the distinct excerpts one per line and every coder selects all of it: the segment
stays one segment, and the excerpt read back is that whole passage. A coder without an excerpt
in a segment where another has one selects the whole passage.

Deterministic: GUIDs are UUID5 of stable keys (pseudonym, segment, coder, code path; see
:func:`~peacekeeping_interviews.qda_codebook.qda_guid`), so the same release always gives the
same dataclasses and, through :func:`~peacekeeping_interviews.qda_exchange.write_qdpx`, the same
bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import yaml

from peacekeeping_interviews.analysis.release import PublicRelease
from peacekeeping_interviews.codebook import Codebook
from peacekeeping_interviews.deposit_layout import LAYOUT
from peacekeeping_interviews.qda_codebook import DIRECTION_CODES, CodeTree, code_tree, qda_guid
from peacekeeping_interviews.qda_exchange import (
    QdaCase,
    QdaCodebook,
    QdaCoding,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    QdaVariable,
    VariableKind,
    VariableValue,
    write_qdc,
    write_qdpx,
)

MIN_OVERLAP = 0.5
PROJECT_NAME = "{title}: coded interviews as released"
SYNTHETIC_PROJECT = " (synthetic example: invented interviews, no real people)"
SOURCE_NAME = "{pseudonym} released excerpts"
SYNTHETIC_SOURCE = " (synthetic)"
NO_EXCERPT = "[segment {segment}: no excerpt released]"
PASSAGE_SEPARATOR = "\n\n"
# Columns PublicRelease adds to the released interview table (not published as such).
DERIVED_COLUMNS = frozenset({"year"})
# The released flag that read_release drops from the table; the project carries it per case.
SYNTHETIC_COLUMN = "synthetic"
INTEGER_COLUMNS = frozenset({"collection_order"})


# The coded release's files in the deposit, with the documentation: made from the release, they
# are no input a rerun starts from, and so stay out of the data fingerprint (deposit_layout).
CODED_RELEASE = {
    "project": f"{LAYOUT['documentation']}/coded_release.qdpx",
    "mapping": f"{LAYOUT['documentation']}/coded_release_refi_qda.yaml",
    "codebook": f"{LAYOUT['documentation']}/codebook.qdc",
}


def coded_release_files(release: PublicRelease, study_title: str) -> dict[str, bytes | str]:
    """The coded release for QDA software, by its path in the deposit (:data:`CODED_RELEASE`):
    the project (:func:`release_project`), the ``refi_qda`` mapping that imports it again, and
    the codebook alone (:func:`release_codebook`)."""
    project, mapping = release_project(release, release.codebook, study_title, release.synthetic)
    heading = "# The refi_qda config section that reads coded_release.qdpx back into the tables.\n"
    return {
        CODED_RELEASE["project"]: write_qdpx(project),
        CODED_RELEASE["mapping"]: heading
        + yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True),
        CODED_RELEASE["codebook"]: write_qdc(release_codebook(release.codebook)),
    }


def release_project(
    release: PublicRelease, codebook: Codebook, study_title: str, synthetic: bool
) -> tuple[QdaProject, dict]:
    """The release as a REFI-QDA project (see the module doc) and the ``refi_qda`` mapping (a
    plain, YAML-able dict, shaped as the study config's section) that reads it back: codes by
    path, case variables by column name, the interview id being the case's name (the pseudonym).

    The codes are described by their definitions (:class:`~peacekeeping_interviews.codebook.Code`
    keeps them). ``synthetic`` labels the project and every source as invented, and sets each
    case's ``synthetic`` variable. Raises ``ValueError`` for what the project cannot express
    unambiguously (a code or group name with "/", two codes of one group with one label, a
    category named ``Direction``)."""
    tree = code_tree(codebook)
    columns = _released_columns(release.interviews)
    rows = _segment_rows(release.coding)
    sources, selections = [], []
    for pseudonym in release.interviews["pseudonym"]:
        segments = rows.get(str(pseudonym), {})
        text, spans = _source_text(segments)
        sources.append(_source(str(pseudonym), text, synthetic))
        selections += [_selection(str(pseudonym), span, tree) for span in spans]
    project = QdaProject(
        name=PROJECT_NAME.format(title=study_title) + (SYNTHETIC_PROJECT if synthetic else ""),
        users=tuple(QdaUser(qda_guid("user", c), c) for c in sorted(set(release.coding["coder"]))),
        codes=tree.codes,
        variables=_variables(columns),
        cases=tuple(_case(record, columns, synthetic) for record in _records(release, columns)),
        sources=tuple(sources),
        selections=tuple(selections),
    )
    return project, _mapping(columns, tree)


def release_codebook(codebook: Codebook) -> QdaCodebook:
    """The codebook alone (for a ``.qdc``): the same codes, GUIDs and descriptions as the
    project's, so a reuser can load it into a project of their own and code new material."""
    return QdaCodebook(code_tree(codebook).codes)


# ---------------------------------------------------------------------------------------------
# Cases


def _released_columns(interviews: pd.DataFrame) -> list[str]:
    """The interview table's released columns, in its order, with its ``synthetic`` flag last."""
    columns = [str(c) for c in interviews.columns if c not in DERIVED_COLUMNS]
    return [*columns, SYNTHETIC_COLUMN] if SYNTHETIC_COLUMN not in columns else columns


def _kind(column: str) -> VariableKind:
    if column == SYNTHETIC_COLUMN:
        return "Boolean"
    return "Integer" if column in INTEGER_COLUMNS else "Text"


def _variables(columns: Sequence[str]) -> tuple[QdaVariable, ...]:
    return tuple(QdaVariable(qda_guid("variable", c), c, _kind(c)) for c in columns)


def _records(release: PublicRelease, columns: Sequence[str]) -> list[dict[str, object]]:
    present = [c for c in columns if c in release.interviews.columns]
    return [
        dict(zip(present, row, strict=True))
        for row in release.interviews[present].itertuples(index=False)
    ]


def _value(column: str, cell: object) -> VariableValue | None:
    """A released cell as a variable value; None (the variable left unset) for an empty cell."""
    if cell is None or (isinstance(cell, float) and cell != cell) or cell == "":
        return None
    if column in INTEGER_COLUMNS:
        return int(str(cell))
    return str(cell)


def _case(record: dict[str, object], columns: Sequence[str], synthetic: bool) -> QdaCase:
    """A case named by its pseudonym, with a value for every released cell that is not empty."""
    pseudonym = str(record["pseudonym"])
    values: list[tuple[str, VariableValue | None]] = []
    for column in columns:
        value = synthetic if column == SYNTHETIC_COLUMN else _value(column, record.get(column))
        if value is not None:
            values.append((column, value))
    return QdaCase(
        qda_guid("case", pseudonym), pseudonym, tuple(values), (qda_guid("source", pseudonym),)
    )


def _mapping(columns: Sequence[str], tree: CodeTree) -> dict:
    """The ``refi_qda`` section reading the project back: each column from its own variable,
    the interview id from the case's name (the pseudonym), values as they are."""
    return {
        "variables": {column: column for column in columns},
        "values": {},
        "codes": dict(tree.to_code),
        "directions": dict(tree.to_direction),
        "min_overlap": MIN_OVERLAP,
    }


# ---------------------------------------------------------------------------------------------
# Sources and selections


@dataclass(frozen=True)
class _Row:
    """One coding row of a segment: its coder's code, direction and released excerpt."""

    coder: str
    code: str
    direction: str
    excerpt: str


@dataclass(frozen=True)
class _Span:
    """A coding row placed in its interview's text: the characters its coder selects."""

    segment: int
    row: _Row
    start: int
    end: int


def _segment_rows(coding: pd.DataFrame) -> dict[str, dict[int, list[_Row]]]:
    """Pseudonym -> segment -> its rows, segments in number order and rows in coder order."""
    table = coding.sort_values(["pseudonym", "segment", "coder"], kind="stable")
    rows: dict[str, dict[int, list[_Row]]] = {}
    for record in table.itertuples(index=False):
        excerpt = record.excerpt if isinstance(record.excerpt, str) else ""
        row = _Row(str(record.coder), str(record.code), str(record.direction), excerpt)
        rows.setdefault(str(record.pseudonym), {}).setdefault(int(record.segment), []).append(row)
    return rows


def _source_text(segments: dict[int, list[_Row]]) -> tuple[str, list[_Span]]:
    """The interview's text (a passage per segment, blank lines between) and every row's span."""
    text, spans = "", []
    for segment, rows in segments.items():
        if text:
            text += PASSAGE_SEPARATOR
        passage, bounds = _passage(segment, [row.excerpt for row in rows])
        spans += [
            _Span(segment, row, len(text) + start, len(text) + end)
            for row, (start, end) in zip(rows, bounds, strict=True)
        ]
        text += passage
    return (text + "\n" if text else ""), spans


def _passage(segment: int, excerpts: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A segment's passage and each coder's (start, end) in it (see the module doc)."""
    distinct = list(dict.fromkeys(e for e in excerpts if e))
    if not distinct:
        placeholder = NO_EXCERPT.format(segment=segment)
        return placeholder, [(0, len(placeholder))] * len(excerpts)
    merged = _merged(distinct)
    if merged is not None:
        bounds = [_bounds(merged, excerpt) for excerpt in excerpts]
        if _aligned(bounds):
            return merged, bounds
    passage = "\n".join(distinct)
    return passage, [(0, len(passage))] * len(excerpts)


def _merged(excerpts: list[str]) -> str | None:
    """One text that holds every excerpt, each merged into the last by containment or by an
    overlap of its beginning with the other's end; None when two share neither."""
    merged: str | None = excerpts[0]
    for excerpt in excerpts[1:]:
        merged = _merge_two(merged, excerpt) if merged is not None else None
    return merged


def _merge_two(first: str, second: str) -> str | None:
    if second in first:
        return first
    if first in second:
        return second
    for size in range(min(len(first), len(second)) - 1, 0, -1):
        if first.endswith(second[:size]):
            return first + second[size:]
        if second.endswith(first[:size]):
            return second + first[size:]
    return None


def _bounds(passage: str, excerpt: str) -> tuple[int, int]:
    """The excerpt's place in the passage; all of it for a coder who released no excerpt."""
    start = passage.find(excerpt) if excerpt else -1
    return (start, start + len(excerpt)) if start >= 0 else (0, len(passage))


def _aligned(bounds: list[tuple[int, int]]) -> bool:
    """Whether every two spans share at least MIN_OVERLAP of the shorter (the importer's test
    of one segment)."""
    return all(
        min(a_end, b_end) - max(a_start, b_start)
        >= MIN_OVERLAP * min(a_end - a_start, b_end - b_start)
        for i, (a_start, a_end) in enumerate(bounds)
        for b_start, b_end in bounds[i + 1 :]
    )


def _source(pseudonym: str, text: str, synthetic: bool) -> QdaSource:
    name = SOURCE_NAME.format(pseudonym=pseudonym) + (SYNTHETIC_SOURCE if synthetic else "")
    return QdaSource(qda_guid("source", pseudonym), name, text)


def _selection(pseudonym: str, span: _Span, tree: CodeTree) -> QdaSelection:
    """The coder's selection with their code and, unless the direction is none, the direction
    code on the same selection (by the same user), as the importer reads a direction."""
    key = (pseudonym, span.segment, span.row.coder)
    user = qda_guid("user", span.row.coder)
    code = tree.code_guid(span.row.code)
    codings = [QdaCoding(qda_guid("coding", *key, "code"), code, user)]
    if span.row.direction in DIRECTION_CODES:
        direction = tree.direction_guid(span.row.direction)
        codings.append(QdaCoding(qda_guid("coding", *key, "direction"), direction, user))
    source = qda_guid("source", pseudonym)
    return QdaSelection(
        qda_guid("selection", *key), source, span.start, span.end, user, tuple(codings)
    )
