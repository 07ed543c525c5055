"""The synthetic example as a QDA program would export it: a REFI-QDA project (``.qdpx``), the
same data as the CSV route's two tables, and the ``refi_qda`` config section that maps one onto
the other.

The QDA route has to be tested against something it did not produce itself, so the tables here
are written from this module's own model of the project (where each passage sits in each
transcript, which coder selected which characters), never by importing the project. A test then
imports the project and must get these tables back exactly.

The project follows the conventions of QDA programs rather than of the contract: a nested
codebook (:func:`~peacekeeping_interviews.qda_codebook.code_tree`, shared with the release's
export: one uncodable parent per codebook group, the codes as children named by their labels,
and a ``Direction`` parent whose children are applied to the same selection), one case per
interview with variables named as a person would type them (consent in words), one transcript per
interview, and two coders whose selections of a double-coded passage differ by a few characters,
as two people's selections do. Everything in it is invented and says so: the project's name,
every transcript's name and first line, and a ``Synthetic`` case variable.

A pure function of its arguments: GUIDs are UUID5 of stable keys
(:func:`~peacekeeping_interviews.qda_codebook.qda_guid`), all draws come from one
``numpy.random.default_rng(seed)``, so the same inputs give the same dataclasses and, through
:func:`~peacekeeping_interviews.qda_exchange.write_qdpx`, the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from peacekeeping_interviews.codebook import Codebook
from peacekeeping_interviews.examples.synthetic import (
    DEFAULT_SEED,
)
from peacekeeping_interviews.files import csv_text
from peacekeeping_interviews.qda_codebook import DIRECTION_CODES, CodeTree, code_tree, qda_guid
from peacekeeping_interviews.qda_exchange import (
    QdaCase,
    QdaCoding,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    QdaVariable,
    VariableValue,
)
from peacekeeping_interviews.spans import POSITION_COLUMNS, excerpt

PROJECT_NAME = "Synthetic example project (invented interviews, no real people)"
SOURCE_NAME = "{interview_id} transcript (synthetic)"
MIN_OVERLAP = 0.5

# Contract column -> case variable, as a person would name it in a QDA program.
VARIABLE_NAMES = {
    "date": "Date", "location": "Location", "consent": "Consent", "name": "Name",
    "public_role": "Public role", "descriptor": "Descriptor", "status": "Status",
    "level": "Level", "function": "Function", "posting": "Posting", "missions": "Missions",
    "years_at_duty_station": "Years at duty station", "region_of_origin": "Region of origin",
    "interviewer": "Interviewer", "notes": "Notes", "synthetic": "Synthetic",
}  # fmt: skip
BOOLEAN_COLUMNS = frozenset({"synthetic"})
# Consent tiers as words in a case variable; the mapping's ``values`` translates them back.
CONSENT_WORDS = {"named": "Named", "descriptor": "Descriptor only", "anonymous": "Anonymous"}

HEADER = "Synthetic transcript of interview {interview_id}: invented text, no real conversation.\n"
INTERVIEWER = "Interviewer: "
INTERVIEWEE = "Interviewee: "
CLOSING = "Interviewer: Thank you. That is the end of this synthetic transcript.\n"
QUESTIONS = (
    "How did the mission respond?",
    "What shaped that decision, in your view?",
    "Can you say more about that?",
    "How did headquarters see it at the time?",
    "What happened after that?",
    "Was that typical of your work there?",
)
# Said after each passage; at least END_LATE + 1 characters, so a late end stays in the line.
TAILS = (
    " That is how I remember it.",
    " It was not a simple time.",
    " Others may tell it differently.",
    " We talked about it for weeks.",
    " I still think about it.",
)
# A passage for a segment whose coding row has no excerpt, around the code's label.
PASSAGES = (
    "Looking back, a lot of it had to do with {label}.",
    "If you ask me what mattered most, I would say {label}.",
    "We came back to {label} more often than to anything else that year.",
    "It is hard to explain what we did without talking about {label}.",
)
# How far another coder's selection of a double-coded passage may be off the passage: starting up
# to START_EARLY characters early (into the speaker label) or START_LATE late, ending up to
# END_EARLY early or END_LATE late. Shrinking is also capped at a quarter of the passage, so the
# spans always share well over MIN_OVERLAP of the shorter.
START_EARLY, START_LATE, END_EARLY, END_LATE = 3, 6, 6, 4


@dataclass(frozen=True)
class ExampleQda:
    """A synthetic QDA project, the same data as the CSV route's tables, and the ``refi_qda``
    config section (a plain, YAML-able dict) that maps the project onto the contract."""

    project: QdaProject
    interviews_csv: str
    coding_csv: str
    mapping: dict
    # Where each coding row's span lies (compared through coding_csv, which carries them).
    positions: pd.DataFrame = field(compare=False)


@dataclass(frozen=True)
class _Span:
    """One coding row placed in its transcript: the characters its coder selected."""

    interview_id: str
    segment: int
    coder: str
    code: str
    direction: str
    start: int
    end: int


def example_qda(
    interviews: pd.DataFrame,
    coding: pd.DataFrame,
    codebook: Codebook,
    seed: int = DEFAULT_SEED,
) -> ExampleQda:
    """The example's tables as a REFI-QDA project, with the CSV tables and the mapping that the
    import of that project must reproduce. A pure function of its arguments.

    ``interviews`` and ``coding`` are in the input layout (as :func:`generate_example_data`
    makes them). Segments of an interview must be numbered 1, 2, ... without gaps, because the
    import numbers them by position; excerpts become passages of the transcripts, and a row
    without one gets an invented sentence around its code's label. Raises ``ValueError`` for
    data the project cannot express (an unknown column, consent, interview or code, gaps in
    segment numbers, a code label with "/", two codes of one group with the same label, or a
    category named like the direction parent)."""
    rng = np.random.default_rng(seed)
    tree = code_tree(codebook)
    cells = _interview_cells(interviews)
    rows = _coding_rows(coding, {row["interview_id"] for row in cells})
    labels = {code.id: code.label for code in codebook.codes}
    texts: dict[str, str] = {}
    spans: list[_Span] = []
    for row in cells:
        interview_id = row["interview_id"]
        texts[interview_id], placed = _transcript(
            rng, interview_id, rows.get(interview_id, []), labels
        )
        spans += placed
    coders = sorted({span.coder for span in spans})
    project = QdaProject(
        name=PROJECT_NAME,
        users=tuple(QdaUser(qda_guid("user", coder), coder) for coder in coders),
        codes=tree.codes,
        variables=_variables([c for c in interviews.columns if c != "interview_id"]),
        cases=tuple(_case(row) for row in cells),
        sources=tuple(_source(interview_id, text) for interview_id, text in texts.items()),
        selections=tuple(_selection(span, tree) for span in spans),
    )
    positions = _positions(spans, texts)
    return ExampleQda(
        project=project,
        interviews_csv=csv_text(interviews),
        coding_csv=_coding_csv(spans, texts, positions),
        mapping=_mapping(list(interviews.columns), tree),
        positions=positions,
    )


def with_positions(coding: pd.DataFrame, positions: pd.DataFrame) -> pd.DataFrame:
    """The coding table with each row's span placed (:data:`~peacekeeping_interviews.spans.
    POSITION_COLUMNS`), rows in their order: the CSV route's coding as a QDA program would
    export it, its excerpts as they were."""
    keys = ["interview_id", "segment", "coder"]
    placed = coding.merge(positions, on=keys, how="left", validate="one_to_one")
    if placed[list(POSITION_COLUMNS)].isna().any(axis=None):
        raise ValueError("a coding row without a span in the example project")
    return placed


# ---------------------------------------------------------------------------------------------
# Cases


def _interview_cells(interviews: pd.DataFrame) -> list[dict[str, str]]:
    """The interview rows as the CSV route writes their cells (the case variables must hold the
    same text, so they are read back from that text rather than formatted a second time)."""
    unknown = [c for c in interviews.columns if c != "interview_id" and c not in VARIABLE_NAMES]
    if unknown or "interview_id" not in interviews.columns:
        raise ValueError(f"the interview columns of the input layout, got also {unknown}")
    return list(csv.DictReader(io.StringIO(csv_text(interviews))))


def _variables(columns: list[str]) -> tuple[QdaVariable, ...]:
    return tuple(
        QdaVariable(
            qda_guid("variable", VARIABLE_NAMES[column]),
            VARIABLE_NAMES[column],
            "Boolean" if column in BOOLEAN_COLUMNS else "Text",
        )
        for column in columns
    )


def _variable_value(column: str, cell: str) -> VariableValue:
    """A cell as a person would enter it: consent in words, a flag as a truth value."""
    if column in BOOLEAN_COLUMNS:
        return cell == "true"
    if column == "consent":
        if cell not in CONSENT_WORDS:
            raise ValueError(f"a consent of {sorted(CONSENT_WORDS)}, got {cell!r}")
        return CONSENT_WORDS[cell]
    return cell


def _case(row: dict[str, str]) -> QdaCase:
    """A case named by its interview id; an empty cell gives no value for its variable, as a
    QDA program leaves an attribute unset."""
    interview_id = row["interview_id"]
    values = tuple(
        (VARIABLE_NAMES[column], _variable_value(column, cell))
        for column, cell in row.items()
        if column != "interview_id" and cell != ""
    )
    return QdaCase(
        qda_guid("case", interview_id), interview_id, values, (_source_guid(interview_id),)
    )


def _source_guid(interview_id: str) -> str:
    return qda_guid("source", interview_id)


def _source(interview_id: str, text: str) -> QdaSource:
    name = SOURCE_NAME.format(interview_id=interview_id)
    return QdaSource(_source_guid(interview_id), name, text)


# ---------------------------------------------------------------------------------------------
# Transcripts and selections


# One coding row as the transcript needs it: (segment, coder, code, direction, excerpt).
_Row = tuple[int, str, str, str, str]


def _coding_rows(coding: pd.DataFrame, interview_ids: set[str]) -> dict[str, list[_Row]]:
    """The coding rows by interview, sorted by segment and coder; ``ValueError`` for a row of
    an unknown interview or segments not numbered 1, 2, ... (the import numbers by position)."""
    rows: dict[str, list[_Row]] = {}
    for record in coding.itertuples(index=False):
        excerpt = record.excerpt if isinstance(record.excerpt, str) else ""
        row = (int(record.segment), str(record.coder), str(record.code), str(record.direction))
        rows.setdefault(str(record.interview_id), []).append((*row, excerpt))
    for interview_id, interview_rows in rows.items():
        interview_rows.sort(key=lambda row: row[:2])
        segments = sorted({row[0] for row in interview_rows})
        if interview_id not in interview_ids or segments != list(range(1, len(segments) + 1)):
            raise ValueError(f"segments 1, 2, ... of a known interview, got {interview_id!r}")
    return rows


def _passage(rng: np.random.Generator, rows: list[_Row], labels: dict[str, str]) -> str:
    """The segment's excerpt (its first coder's, when they differ), else an invented sentence
    around the first coder's code."""
    excerpt = next((row[4] for row in rows if row[4]), "")
    if excerpt:
        return excerpt
    label = labels.get(rows[0][2], rows[0][2])
    label = label[0].lower() + label[1:] if label[1:2].islower() else label
    return str(PASSAGES[rng.integers(len(PASSAGES))]).format(label=label)


def _transcript(
    rng: np.random.Generator, interview_id: str, rows: list[_Row], labels: dict[str, str]
) -> tuple[str, list[_Span]]:
    """An invented exchange of questions and answers, one answer per segment in segment order,
    and every coding row's span over its segment's passage."""
    parts = [HEADER.format(interview_id=interview_id)]
    length = len(parts[0])
    spans: list[_Span] = []
    for segment in sorted({row[0] for row in rows}):
        members = [row for row in rows if row[0] == segment]
        question = INTERVIEWER + str(QUESTIONS[rng.integers(len(QUESTIONS))]) + "\n"
        passage = _passage(rng, members, labels)
        answer = INTERVIEWEE + passage + str(TAILS[rng.integers(len(TAILS))]) + "\n"
        start = length + len(question) + len(INTERVIEWEE)
        bounds = _coder_bounds(rng, start, start + len(passage), len(members))
        spans += [
            _Span(interview_id, segment, coder, code, direction, *bound)
            for (_, coder, code, direction, _), bound in zip(members, bounds)
        ]
        parts += [question, answer]
        length += len(question) + len(answer)
    parts.append(CLOSING)
    return "".join(parts), spans


def _coder_bounds(
    rng: np.random.Generator, start: int, end: int, n_coders: int
) -> list[tuple[int, int]]:
    """Each coder's (start, end) over a passage: one coder, drawn, selects it exactly; every
    other starts or ends a few characters off (never both exact), within the answer's line."""
    exact = int(rng.integers(n_coders)) if n_coders > 1 else 0
    shrink = min(START_LATE, END_EARLY, (end - start) // 4)
    bounds = []
    for coder in range(n_coders):
        early_start, late_end = 0, 0
        while coder != exact and early_start == late_end == 0:
            early_start = int(rng.integers(-shrink, START_EARLY + 1))
            late_end = int(rng.integers(-shrink, END_LATE + 1))
        bounds.append((start - early_start, end + late_end))
    return bounds


def _selection(span: _Span, tree: CodeTree) -> QdaSelection:
    """The coder's selection with their code and, unless the direction is none, the direction
    code on the same selection (by the same user)."""
    key = (span.interview_id, span.segment, span.coder)
    user = qda_guid("user", span.coder)
    code = tree.code_guid(span.code)
    codings = [QdaCoding(qda_guid("coding", *key, "code"), code, user)]
    if span.direction in DIRECTION_CODES:
        direction = tree.direction_guid(span.direction)
        codings.append(QdaCoding(qda_guid("coding", *key, "direction"), direction, user))
    source = _source_guid(span.interview_id)
    return QdaSelection(
        qda_guid("selection", *key), source, span.start, span.end, user, tuple(codings)
    )


# ---------------------------------------------------------------------------------------------
# The CSV route's coding table and the mapping


def _positions(spans: Iterable[_Span], texts: dict[str, str]) -> pd.DataFrame:
    """Each span's place: one transcript per interview."""
    return pd.DataFrame(
        [
            (s.interview_id, s.segment, s.coder, 1, s.start, s.end, len(texts[s.interview_id]))
            for s in spans
        ],
        columns=["interview_id", "segment", "coder", *POSITION_COLUMNS],
    )


def _coding_csv(spans: list[_Span], texts: dict[str, str], positions: pd.DataFrame) -> str:
    """The coding table of the input layout, each excerpt the coder's own selection widened to
    whole words, as the import takes it. The spans
    are already in the table's order: interviews as listed, then segment, then coder."""
    table = pd.DataFrame(
        [
            (
                s.interview_id,
                s.segment,
                s.coder,
                s.code,
                s.direction,
                excerpt(texts[s.interview_id], s.start, s.end),
            )
            for s in spans
        ],
        columns=["interview_id", "segment", "coder", "code", "direction", "excerpt"],
    )
    return csv_text(with_positions(table, positions))


def _mapping(columns: list[str], tree: CodeTree) -> dict:
    """The ``refi_qda`` section: the interview id is the case's name, so it is not a variable."""
    return {
        "variables": {c: VARIABLE_NAMES[c] for c in columns if c != "interview_id"},
        "values": {"consent": {word: tier for tier, word in CONSENT_WORDS.items()}},
        "codes": dict(tree.to_code),
        "directions": dict(tree.to_direction),
        "min_overlap": MIN_OVERLAP,
    }
