"""Coding from QDA software: a REFI-QDA project (what NVivo, ATLAS.ti, MAXQDA and QualCoder
export) as the interview and coding tables of the input contract, through the study config's
``refi_qda`` mapping. The project is confidential input, read by the restricted tier alone, and
the tables it gives are then validated exactly as the CSV files are.

- **Cases become interviews.** Each contract column is read from the case variable the mapping
  names (``variables``), its values translated where ``values`` says how; the interview id is
  the case's name unless a variable is named for it. A case without a required variable is an
  error naming the case (name and guid) and the variable.
- **Codes become codebook codes** by their path in the project's codebook (``Individual/Career
  security``) or, failing that, their name (``codes``); codes named in ``directions`` give the
  direction of the coder's overlapping coding instead. A code applied in the project that the
  mapping does not know is an error; a mapped code never applied is reported.
- **Users become coders** (by user name); each coding becomes one coder's judgement of a span.
- **Selections become segments** by aligning the coders' codings of one source (see
  :func:`align`): two coders' codings are the same segment when their spans overlap by at least
  ``min_overlap`` of the shorter, as MAXQDA's intercoder check counts segments; what no other
  coder matched is a segment of its own coder, counted as unmatched. The excerpt is the span's
  text widened to the words it cuts (:func:`~peacekeeping_interviews.spans.excerpt`), which
  the excerpt scrub then reads as it reads an excerpt of the CSV route; the span's
  place (the case's transcript, start, end, and the transcript's length) fills the position
  columns (:mod:`peacekeeping_interviews.spans`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from peacekeeping_interviews.masking import mask
from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.qda_exchange import (
    QdaCase,
    QdaCode,
    QdaProject,
    QdaSelection,
    VariableValue,
)
from peacekeeping_interviews.spans import POSITION_COLUMNS, excerpt

CODING_COLUMNS = (
    "interview_id",
    "segment",
    "coder",
    "code",
    "direction",
    "excerpt",
    *POSITION_COLUMNS,
)
NO_DIRECTION = "none"


@dataclass(frozen=True)
class QdaMapping:
    """The study config's ``refi_qda`` section: contract column -> case variable, contract
    column -> {variable value: contract value}, code path or name -> codebook code, code path
    or name -> direction, and the overlap that makes two coders' codings one segment."""

    variables: Mapping[str, str]
    codes: Mapping[str, str]
    directions: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    min_overlap: float = 0.5

    @classmethod
    def from_config(cls, section: Mapping) -> QdaMapping:
        return cls(
            variables=section["variables"],
            codes=section["codes"],
            directions=section["directions"],
            values=section.get("values", {}),
            min_overlap=float(section.get("min_overlap", 0.5)),
        )


@dataclass(frozen=True)
class Judgement:
    """One coder's codebook code on a span of one source, and the direction they gave it."""

    source: str
    start: int
    end: int
    coder: str
    code: str
    direction: str
    selection: str  # the selection's guid, for messages

    def overlap(self, other: Judgement) -> float:
        """The shared characters as a share of the shorter span (1.0 for identical spans)."""
        shared = min(self.end, other.end) - max(self.start, other.start)
        shorter = min(self.end - self.start, other.end - other.start)
        return max(shared, 0) / shorter if shorter > 0 else float(shared >= 0)


@dataclass(frozen=True)
class QdaTables:
    """The contract's two tables as CSV text, and what the import counted."""

    interviews: str
    coding: str
    unmatched: int
    unused_codes: tuple[str, ...]


def qda_tables(
    project: QdaProject,
    mapping: QdaMapping,
    interview_columns: Sequence[str],
    required: Iterable[str],
    file: str,
    optional_columns: Iterable[str] = (),
) -> QdaTables:
    """The interview and coding tables of ``project`` (see the module doc), or an
    :class:`InputError` naming every case, code or selection that cannot be mapped, and every
    mapping entry that reads nothing: a column the CSV route must have (all but
    ``optional_columns``) needs a variable, so that a misspelt ``name`` cannot leave the scrub
    without the names it replaces."""
    problems = _mapping_problems(project, mapping, interview_columns, optional_columns, file)
    problems += _ambiguity_problems(project, file)
    interviews, id_by_source, case_problems = _interview_rows(
        project, mapping, interview_columns, set(required), file
    )
    problems += case_problems
    judgements, judgement_problems = _judgements(project, mapping, file)
    problems += judgement_problems
    names = {source.guid: source.name for source in project.sources}
    problems += [
        Problem(
            file,
            None,
            _element("source", names[guid] or "", guid),
            "coded, in no case",
            "a source that exactly one case refers to (its interview)",
        )
        for guid in sorted({j.source for j in judgements} - set(id_by_source))
    ]
    if problems:
        raise InputError(problems)
    rows, unmatched = _coding_rows(judgements, id_by_source, project, mapping.min_overlap)
    used = {j.code for j in judgements}
    return QdaTables(
        interviews=_csv([*interview_columns], interviews),
        coding=_csv(list(CODING_COLUMNS), rows),
        unmatched=unmatched,
        unused_codes=tuple(sorted(set(mapping.codes.values()) - used)),
    )


_MAPPING = "the config's refi_qda"


def _mapping_problems(
    project: QdaProject,
    mapping: QdaMapping,
    columns: Sequence[str],
    optional: Iterable[str],
    file: str,
) -> list[Problem]:
    """Mapping entries that read nothing: an unmapped column, a variable no case can have, a
    code mapped both to a codebook code and to a direction."""
    defined = {variable.name for variable in project.variables}
    defined |= {name for case in project.cases for name, _ in case.variables}
    unmapped = [
        c for c in columns if c != "interview_id" and c not in {*optional, *mapping.variables}
    ]
    problems = [
        Problem(file, _MAPPING, "variables", "no entry", f"the case variable that holds {c!r}")
        for c in unmapped
    ]
    problems += [
        Problem(file, _MAPPING, f"variables.{column}", variable, "a variable of the project")
        for column, variable in mapping.variables.items()
        if variable not in defined
    ]
    problems += [
        Problem(file, _MAPPING, "codes and directions", code, "a code in one of the two")
        for code in sorted(set(mapping.codes) & set(mapping.directions))
    ]
    return problems + _ambiguous_keys(project, mapping, file)


def _ambiguous_keys(project: QdaProject, mapping: QdaMapping, file: str) -> list[Problem]:
    """Mapping entries that name more than one code of the project: a name two branches share
    (``Themes/Silence``, ``Response types/Silence``), or a path that a code named with a slash
    repeats. Each such code would be mapped without anyone having chosen it."""
    codes_of: dict[str, list[QdaCode]] = {}
    for code in project.codes:
        for table in (mapping.codes, mapping.directions):
            key = code.path if code.path in table else code.name if code.name in table else None
            if key is not None:
                codes_of.setdefault(key, []).append(code)
    return [
        Problem(
            file,
            _MAPPING,
            "codes" if key in mapping.codes else "directions",
            key,
            f"a code path or name that names one code; it names {len(codes)}: "
            + "; ".join(_element("code", c.path, c.guid) for c in codes)
            + " (map each by its path)",
        )
        for key, codes in sorted(codes_of.items())
        if len(codes) > 1
    ]


def _ambiguity_problems(project: QdaProject, file: str) -> list[Problem]:
    """What would make the tables say something the project does not: a transcript two cases
    claim (its excerpts would go to one of them), two users of one name (one coder), a coded
    selection of no characters or by nobody."""
    cases_of: dict[str, list[QdaCase]] = {}
    for case in project.cases:
        for source in case.sources:
            cases_of.setdefault(source, []).append(case)
    problems = [
        Problem(
            file,
            None,
            " and ".join(_element("case", c.name or "", c.guid) for c in cases),
            f"both refer to source (guid {source})",
            "each transcript in one case: its interview",
        )
        for source, cases in cases_of.items()
        if len(cases) > 1
    ]
    names = [user.name or user.guid for user in project.users]
    problems += [
        Problem(file, None, f"user {name!r}", "two users of this name", "one name per coder")
        for name in sorted({n for n in names if names.count(n) > 1})
    ]
    for selection in project.selections:
        where = f"selection (guid {selection.guid})"
        if selection.codings and selection.end <= selection.start:
            problems.append(Problem(file, None, where, "no characters", "a coded span of text"))
        if any(not (c.creating_user or selection.creating_user) for c in selection.codings):
            problems.append(Problem(file, None, where, "a coding by nobody", "its coder"))
    return problems


def _element(kind: str, name: str, guid: str) -> str:
    """An element as a message names it; a case's or a source's name (often the interviewee's)
    masked to initials and length."""
    shown = mask(name, kind) if kind in ("case", "source") else name
    return f"{kind} '{shown}' (guid {guid})"


def _interview_rows(
    project: QdaProject,
    mapping: QdaMapping,
    columns: Sequence[str],
    required: set[str],
    file: str,
) -> tuple[list[list[str]], dict[str, tuple[str, int]], list[Problem]]:
    """The interview rows, and each source's interview id and its number among the case's
    transcripts."""
    rows, id_by_source, problems = [], {}, []
    for case in project.cases:
        row, missing = _case_row(case, mapping, columns, required)
        problems += [
            Problem(
                file,
                None,
                _element("case", case.name or "", case.guid),
                "no such variable",
                f"a case variable '{mapping.variables[c]}' for the column '{c}'",
            )
            for c in missing
        ]
        rows.append(row)
        interview_id = row[list(columns).index("interview_id")]
        for number, source in enumerate(case.sources, start=1):
            id_by_source[source] = (interview_id, number)
    return rows, id_by_source, problems


def _case_row(
    case: QdaCase, mapping: QdaMapping, columns: Sequence[str], required: set[str]
) -> tuple[list[str], list[str]]:
    """The case's cells in ``columns``, and the required columns whose variable it lacks."""
    variables = {name: _text(value) for name, value in case.variables if value is not None}
    row, missing = [], []
    for column in columns:
        variable = mapping.variables.get(column)
        if variable is None:
            value = (case.name or case.guid) if column == "interview_id" else ""
        elif variable in variables:
            value = variables[variable]
            value = mapping.values.get(column, {}).get(value, value)
        else:
            value = ""
            if column in required:
                missing.append(column)
        row.append(value)
    return row, missing


def _judgements(
    project: QdaProject, mapping: QdaMapping, file: str
) -> tuple[list[Judgement], list[Problem]]:
    """Each coding of a codebook code, with the direction its coder gave the span (the
    direction coding of theirs that overlaps it most; ``none`` without one)."""
    paths = {code.guid: code for code in project.codes}
    users = {user.guid: user.name or user.guid for user in project.users}
    coded, directed, problems = [], [], []
    for selection in project.selections:
        for coding in selection.codings:
            code = paths[coding.code]
            coder = users.get(coding.creating_user or selection.creating_user or "", "")
            if (target := _mapped(code, mapping.codes)) is not None:
                coded.append((selection, coder, target))
            elif (direction := _mapped(code, mapping.directions)) is not None:
                directed.append((selection, coder, direction))
            else:
                problems.append(
                    Problem(
                        file,
                        None,
                        _element("code", code.path, code.guid),
                        "a code the mapping does not know",
                        "a code path or name listed under refi_qda.codes or refi_qda.directions",
                    )
                )
    judgements = [
        Judgement(s.source, s.start, s.end, coder, target, _direction(s, coder, directed), s.guid)
        for s, coder, target in coded
    ]
    return judgements, problems


def _mapped(code: QdaCode, mapping: Mapping[str, str]) -> str | None:
    return mapping.get(code.path, mapping.get(code.name))


def _direction(
    selection: QdaSelection, coder: str, directed: list[tuple[QdaSelection, str, str]]
) -> str:
    """The direction of the coder's direction coding that shares most characters with the
    selection (the first of equals), or ``none``."""
    best, best_shared = NO_DIRECTION, 0
    for other, other_coder, direction in directed:
        if other_coder == coder and other.source == selection.source:
            shared = min(other.end, selection.end) - max(other.start, selection.start)
            if shared > best_shared:
                best, best_shared = direction, shared
    return best


def align(judgements: Sequence[Judgement], min_overlap: float) -> list[list[Judgement]]:
    """The coders' judgements of one source as units, at most one judgement of each coder in a
    unit: best pairs first. Every two judgements of different coders whose spans overlap by at
    least ``min_overlap`` of the shorter are a candidate pair; pairs of the same code come first,
    then the larger overlap, then the earlier spans. Taken in that order, a pair joins its two
    units when no coder is in both and every two judgements of the joined unit overlap enough.
    Units are ordered by their earliest start."""
    ordered = sorted(judgements, key=lambda j: (j.start, j.end, j.coder, j.code, j.selection))
    unit_of = list(range(len(ordered)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(ordered))}
    pairs = sorted(
        (
            (first.code != second.code, -first.overlap(second), i, k)
            for i, first in enumerate(ordered)
            for k, second in enumerate(ordered[i + 1 :], start=i + 1)
            if first.coder != second.coder and first.overlap(second) >= min_overlap
        )
    )
    for _, _, i, k in pairs:
        left, right = unit_of[i], unit_of[k]
        joined = members[left] + members[right]
        if left != right and _joinable([ordered[m] for m in joined], min_overlap):
            members[left] = sorted(joined)
            for m in members.pop(right):
                unit_of[m] = left
    return [[ordered[m] for m in unit] for unit in sorted(members.values())]


def _joinable(unit: list[Judgement], min_overlap: float) -> bool:
    coders = [j.coder for j in unit]
    return len(set(coders)) == len(coders) and all(
        a.overlap(b) >= min_overlap for i, a in enumerate(unit) for b in unit[i + 1 :]
    )


def _coding_rows(
    judgements: list[Judgement],
    id_by_source: Mapping[str, tuple[str, int]],
    project: QdaProject,
    min_overlap: float,
) -> tuple[list[list[str]], int]:
    """One row per segment and coder, segments numbered within each interview in the order its
    case lists its transcripts (their ``transcript`` numbers) and, within one, of their start;
    and the number of unmatched judgements (alone in their unit in a source that more than one
    coder coded: a single-coded interview has nothing to match)."""
    texts = {source.guid: source.text for source in project.sources}
    rows: list[list[str]] = []
    segment_of: dict[str, int] = {}
    unmatched = 0
    in_case_order = sorted(project.sources, key=lambda s: id_by_source.get(s.guid, ("", 0))[1])
    for source in in_case_order:
        on_source = [j for j in judgements if j.source == source.guid]
        if not on_source:
            continue
        interview, transcript = id_by_source[source.guid]
        for unit in align(on_source, min_overlap):
            segment = segment_of[interview] = segment_of.get(interview, 0) + 1
            unmatched += len(unit) == 1 and len({j.coder for j in on_source}) > 1
            rows += [
                [
                    interview,
                    str(segment),
                    j.coder,
                    j.code,
                    j.direction,
                    excerpt(texts[j.source], j.start, j.end),
                    str(transcript),
                    str(j.start),
                    str(j.end),
                    str(len(texts[j.source])),
                ]
                for j in sorted(unit, key=lambda j: j.coder)
            ]
    return rows, unmatched


def _csv(header: list[str], rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _text(value: VariableValue) -> str:
    """A case variable's value as the CSV route writes it: a date in ISO form, a truth value as
    ``true``/``false``, a number as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
