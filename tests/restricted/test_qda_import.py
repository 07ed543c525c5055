"""A REFI-QDA project as the input contract's tables: cases as interviews, codes as codebook
codes and directions, the coders' selections aligned into segments (hand-worked examples)."""

import csv
import io

import pytest

from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.qda_exchange import (
    QdaCase,
    QdaCode,
    QdaCoding,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    QdaVariable,
)
from peacekeeping_interviews.restricted.qda_import import Judgement, QdaMapping, align, qda_tables

TEXT = "We kept quiet to protect our careers. Then the mission spoke out loudly against it."
CODES = (
    QdaCode("c1", "Individual", "Individual", None, False),
    QdaCode("c2", "Career security", "Individual/Career security", None, True, "c1"),
    QdaCode("c3", "Public criticism", "Responses/Public criticism", None, True),
    QdaCode("d1", "Direction", "Direction", None, False),
    QdaCode("d2", "Confrontational", "Direction/Confrontational", None, True, "d1"),
    QdaCode("d3", "Conciliatory", "Direction/Conciliatory", None, True, "d1"),
)
MAPPING = QdaMapping(
    variables={"interview_id": "Interview", "consent": "Consent", "date": "Date"},
    values={"consent": {"Yes, named": "named", "Anonymous": "anonymous"}},
    codes={"Individual/Career security": "career_security", "Public criticism": "public_criticism"},
    directions={"Direction/Confrontational": "confrontational", "Conciliatory": "conciliatory"},
    min_overlap=0.5,
)
COLUMNS = ["interview_id", "date", "consent", "notes"]


def _selection(guid, start, end, user, *codes):
    return QdaSelection(
        guid, "s1", start, end, user, tuple(QdaCoding(f"{guid}{c}", c, user) for c in codes)
    )


def _project(selections, variables=None):
    case_variables = variables or (
        ("Interview", "Q-17"),
        ("Consent", "Anonymous"),
        ("Date", "2019-07"),
    )
    return QdaProject(
        name="synthetic test project",
        users=(QdaUser("u1", "coder_a"), QdaUser("u2", "coder_b")),
        codes=CODES,
        variables=tuple(
            QdaVariable(f"v{n}", name, "Text") for n, name in enumerate(MAPPING.variables.values())
        ),
        cases=(QdaCase("k1", "Case one", case_variables, ("s1",)),),
        sources=(QdaSource("s1", "transcript one", TEXT),),
        selections=tuple(selections),
    )


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_overlapping_selections_of_two_coders_are_one_segment_and_the_rest_unmatched():
    tables = qda_tables(
        _project(
            [
                _selection("a1", 0, 36, "u1", "c2", "d3"),  # coder_a: career security, conciliatory
                _selection("b1", 3, 30, "u2", "c2"),  # coder_b: 27 of 27 characters shared
                _selection("a2", 38, 82, "u1", "c3"),  # coder_a: public criticism
                _selection("b2", 60, 82, "u2", "c3", "d2"),  # coder_b: 22 shared of 22 -> aligned
                _selection("b3", 0, 4, "u2", "c3"),  # coder_b alone: overlaps a1 by 4 of 4, but
            ]  # a1's unit already holds b1 of coder_b
        ),
        MAPPING,
        COLUMNS,
        ["interview_id", "date", "consent"],
        "project.qdpx",
        optional_columns=["notes"],
    )
    rows = _rows(tables.coding)
    assert [(r["segment"], r["coder"], r["code"], r["direction"]) for r in rows] == [
        ("1", "coder_b", "public_criticism", "none"),  # b3: starts first, ends first
        ("2", "coder_a", "career_security", "conciliatory"),
        ("2", "coder_b", "career_security", "none"),
        ("3", "coder_a", "public_criticism", "none"),
        ("3", "coder_b", "public_criticism", "confrontational"),
    ]
    assert rows[1]["excerpt"] == TEXT[0:36]
    assert tables.unmatched == 1
    assert _rows(tables.interviews) == [
        {"interview_id": "Q-17", "date": "2019-07", "consent": "anonymous", "notes": ""}
    ]
    assert tables.unused_codes == ()


def test_alignment_prefers_a_unit_of_the_same_code_and_needs_the_overlap():
    def judgement(start, end, coder, code):
        return Judgement("s1", start, end, coder, code, "none", f"{coder}{start}")

    a_first, a_second = judgement(0, 10, "a", "x"), judgement(0, 10, "a", "y")
    b_second = judgement(1, 10, "b", "y")
    units = align([a_first, a_second, b_second], 0.5)
    assert units == [[a_first], [a_second, b_second]]
    assert align([judgement(0, 10, "a", "x"), judgement(6, 30, "b", "x")], 0.5) == [
        [judgement(0, 10, "a", "x")],
        [judgement(6, 30, "b", "x")],
    ]  # 4 shared characters of the shorter 10: below half


def test_a_case_without_a_required_variable_names_the_case_and_the_variable():
    with pytest.raises(InputError) as error:
        qda_tables(
            _project([], variables=(("Interview", "Q-17"), ("Consent", "Anonymous"))),
            MAPPING,
            COLUMNS,
            ["interview_id", "date", "consent"],
            "project.qdpx",
            optional_columns=["notes"],
        )
    (problem,) = error.value.problems
    assert "case 'C… o… (8 characters)' (guid k1)" in str(problem) and "'Date'" in str(problem)
    assert "Case one" not in str(problem)  # a case is often named after the interviewee


def test_a_code_the_mapping_does_not_know_is_an_error_naming_it():
    unknown = (*CODES, QdaCode("x1", "Other", "Other", None, True))
    project = _project([_selection("a1", 0, 10, "u1", "x1")])
    project = QdaProject(**{**project.__dict__, "codes": unknown})
    with pytest.raises(InputError) as error:
        qda_tables(project, MAPPING, COLUMNS, ["interview_id"], "project.qdpx", ["notes"])
    assert "code 'Other' (guid x1)" in str(error.value)
    assert TEXT[:10] not in str(error.value)


def test_a_mapped_code_never_applied_is_reported():
    tables = qda_tables(
        _project([_selection("a1", 0, 10, "u1", "c2")]),
        MAPPING,
        COLUMNS,
        ["interview_id"],
        "f",
        ["notes"],
    )
    assert tables.unused_codes == ("public_criticism",)


def _problems(project, mapping=MAPPING, optional=("notes",)):
    with pytest.raises(InputError) as error:
        qda_tables(project, mapping, COLUMNS, ["interview_id"], "project.qdpx", optional)
    return [str(problem) for problem in error.value.problems]


def test_a_column_without_a_variable_or_a_misspelt_variable_is_an_error():
    """A misspelt or missing `name` would leave the scrub without the names it replaces."""
    assert any("'notes'" in p and "no entry" in p for p in _problems(_project([]), optional=()))
    misspelt = QdaMapping(
        **{**MAPPING.__dict__, "variables": {**MAPPING.variables, "notes": "Nots"}}
    )
    (problem,) = _problems(_project([]), misspelt)
    assert "variables.notes" in problem and "Nots" in problem


def test_a_transcript_two_cases_claim_two_users_of_one_name_and_empty_spans_are_errors():
    project = _project([_selection("a1", 5, 5, "u1", "c2")])
    project = QdaProject(
        **{
            **project.__dict__,
            "users": (QdaUser("u1", "coder_a"), QdaUser("u2", "coder_a")),
            "cases": (*project.cases, QdaCase("k2", "Case two", (), ("s1",))),
        }
    )
    problems = "\n".join(_problems(project))
    assert "(guid k1) and case" in problems and "(guid k2)" in problems
    assert "Case two" not in problems
    assert "two users of this name" in problems
    assert "selection (guid a1)" in problems and "no characters" in problems


def test_a_selection_cutting_words_gives_the_whole_words_and_its_own_place():
    """A selection from inside "careers" to inside "mission": the excerpt widens to both words
    (a cut name would slip past the scrub); the positions stay the coder's own."""
    tables = qda_tables(
        _project([_selection("a1", 31, 51, "u1", "c2")]),
        MAPPING,
        COLUMNS,
        ["interview_id"],
        "project.qdpx",
        optional_columns=["notes"],
    )
    (row,) = _rows(tables.coding)
    assert TEXT[31:51] == "reers. Then the miss"
    assert row["excerpt"] == "careers. Then the mission"
    assert (row["transcript"], row["start"], row["end"]) == ("1", "31", "51")
    assert row["transcript_length"] == str(len(TEXT))


def test_a_mapping_entry_that_names_two_codes_is_an_error():
    """A name two branches share maps both codes unseen; each must be mapped by its path."""
    twin = QdaCode("c4", "Career security", "Responses/Career security", None, True)
    project = _project([_selection("a1", 0, 10, "u1", "c2"), _selection("a2", 12, 20, "u1", "c4")])
    project = QdaProject(**{**project.__dict__, "codes": (*CODES, twin)})
    by_name = QdaMapping(**{**MAPPING.__dict__, "codes": {"Career security": "career_security"}})
    (problem,) = _problems(project, by_name)
    assert "'Career security'" in problem and "it names 2" in problem
    assert "Individual/Career security" in problem and "Responses/Career security" in problem
    by_path = QdaMapping(
        **{
            **MAPPING.__dict__,
            "codes": {
                "Individual/Career security": "career_security",
                "Responses/Career security": "career_security",
            },
        }
    )
    tables = qda_tables(project, by_path, COLUMNS, ["interview_id"], "p.qdpx", ["notes"])
    assert len(_rows(tables.coding)) == 2
