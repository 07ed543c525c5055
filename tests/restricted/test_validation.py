"""The input data contract: the mini fixture passes, and every case of the bad-input corpus
(tests/bad_inputs/cases.yaml) is rejected with a message naming file, row, column, value and
what was expected."""

from __future__ import annotations

import csv
import sys
from itertools import cycle
from pathlib import Path

import pandas as pd
import pytest
from bad_inputs import (
    BAD_INPUT_CASES,
    LATEST_INTERVIEW_DATE,
    REPO,
    SCHEMA_DIR,
    SOURCES,
    apply_edit,
    build_bad_case,
)

from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.restricted.validation import ValidatedInputs, validate_inputs
from peacekeeping_interviews.table_schema import pandera_schema

# Every kind of fault the contract promises to catch; each needs at least one corpus case.
REQUIRED_KINDS = [
    # the file as a whole
    "missing_file",
    "empty_file",
    "header_only",
    "bom",
    "non_utf8",
    "ragged_row",
    "blank_line",
    "unclosed_quote",
    "workbook",
    "utf16",
    "nul_byte",
    "duplicate_column",
    "missing_column",
    "unknown_column",
    # cells against the Table Schema
    "required",
    "enum",
    "pattern",
    "unique",
    "unique_ignoring_case",
    "type_number",
    "type_integer",
    "type_boolean",
    "minimum",
    # rules across fields and tables
    "consent_named",
    "consent_descriptor",
    "descriptor_article",
    "calendar_date",
    "future_date",
    "future_month",
    "missions",
    "synthetic_mixed",
    "unknown_interview",
    "unknown_code",
    "same_coder_twice",
    "positions",
    # the codebook
    "codebook_syntax",
    "codebook_duplicate_id",
    "codebook_missing_key",
    "codebook_unknown_key",
]
BUITELAAR = REPO / "config" / "codebook-buitelaar-2023.yaml"


def validate(paths: dict[str, Path], latest: str = LATEST_INTERVIEW_DATE) -> ValidatedInputs:
    return validate_inputs(
        paths["interviews"], paths["coding"], paths["codebook"], SCHEMA_DIR, latest
    )


def problems_of(paths: dict[str, Path], latest: str = LATEST_INTERVIEW_DATE) -> list[str]:
    with pytest.raises(InputError) as caught:
        validate(paths, latest)
    return [str(problem) for problem in caught.value.problems]


def edited(tmp_path: Path, breaks: str, *edits: dict) -> dict[str, Path]:
    return build_bad_case({"breaks": breaks, "edits": list(edits)}, tmp_path)


def test_mini_fixture_is_valid_and_typed():
    inputs = validate(SOURCES)
    assert inputs.synthetic is True
    assert inputs.codebook.framework_id == "oksamytna-et-al-2023"
    interviews, coding = inputs.interviews, inputs.coding
    assert list(interviews["interview_id"]) == [f"MINI-{n:02d}" for n in range(1, 13)]
    assert "synthetic" not in interviews
    assert interviews["years_at_duty_station"].dtype == "float64"
    missing_years = interviews["years_at_duty_station"].isna()
    assert list(interviews.loc[missing_years, "interview_id"]) == ["MINI-06", "MINI-12"]
    assert interviews.loc[0, "descriptor"] == "" and interviews.loc[2, "descriptor"] != ""
    text_columns = interviews.columns.drop("years_at_duty_station")
    assert all(isinstance(value, str) for value in interviews[text_columns].to_numpy().ravel())
    assert coding["segment"].dtype == "int64"
    assert len(coding) == 28 and coding.loc[2, "excerpt"] == ""
    assert list(coding.index) == list(range(28))


def test_optional_columns_may_be_absent(tmp_path):
    paths = edited(tmp_path, "interviews", {"drop_column": "synthetic"})
    paths["coding"].write_bytes(
        apply_edit(paths["coding"].read_bytes(), {"drop_column": "excerpt"})
    )
    inputs = validate(paths)
    assert inputs.synthetic is False
    assert "synthetic" not in inputs.interviews
    assert (inputs.coding["excerpt"] == "").all()


def test_files_saved_with_windows_line_ends_are_valid(tmp_path):
    paths = edited(tmp_path, "interviews", {"replace": {"old": "\n", "new": "\r\n"}})
    assert len(validate(paths).interviews) == 12


@pytest.mark.parametrize("case", BAD_INPUT_CASES, ids=[case["id"] for case in BAD_INPUT_CASES])
def test_bad_input_is_rejected_with_a_precise_message(case, tmp_path):
    problems = problems_of(build_bad_case(case, tmp_path))
    matching = [p for p in problems if all(part in p for part in case["expect"])]
    assert matching, f"no problem contains all of {case['expect']}; got:\n" + "\n".join(problems)


@pytest.mark.parametrize("kind", REQUIRED_KINDS)
def test_corpus_covers_kind(kind):
    assert any(case["kind"] == kind for case in BAD_INPUT_CASES)


def test_corpus_is_well_formed():
    ids = [case["id"] for case in BAD_INPUT_CASES]
    assert len(ids) >= 45
    assert len(set(ids)) == len(ids)
    assert {case["kind"] for case in BAD_INPUT_CASES} <= set(REQUIRED_KINDS)
    assert {case["breaks"] for case in BAD_INPUT_CASES} == set(SOURCES)


def test_build_bad_case_changes_only_the_broken_input(tmp_path):
    case = {"breaks": "coding", "edits": [{"set": {"row": 1, "column": "coder", "value": "x"}}]}
    paths = build_bad_case(case, tmp_path)
    assert paths["interviews"].read_bytes() == SOURCES["interviews"].read_bytes()
    assert paths["codebook"].read_bytes() == SOURCES["codebook"].read_bytes()
    changed = paths["coding"].read_bytes().splitlines()
    original = SOURCES["coding"].read_bytes().splitlines()
    assert [n for n, (a, b) in enumerate(zip(changed, original, strict=True)) if a != b] == [1]


def test_every_problem_in_a_file_is_reported_in_one_error(tmp_path):
    paths = edited(
        tmp_path,
        "interviews",
        {"set": {"row": 2, "column": "level", "value": "boss"}},
        {"set": {"row": 4, "column": "date", "value": "2021-02-30"}},
        {"set": {"row": 4, "column": "missions", "value": "MONUSCO;"}},
        {"set": {"row": 7, "column": "name", "value": ""}},
        {"set": {"row": 9, "column": "years_at_duty_station", "value": "-1"}},
        {"set": {"row": 11, "column": "posting", "value": ""}},
    )
    problems = problems_of(paths)
    assert [p.split(":")[1].strip() for p in problems] == [
        "row 2 (line 3), column 'level'",
        "row 4 (line 5), column 'date'",
        "row 4 (line 5), column 'missions'",
        "row 7 (line 8), column 'name'",
        "row 9 (line 10), column 'years_at_duty_station'",
        "row 11 (line 12), column 'posting'",
    ]


def test_every_repeated_row_is_reported(tmp_path):
    paths = edited(
        tmp_path,
        "interviews",
        {"set": {"row": 2, "column": "interview_id", "value": "MINI-01"}},
        {"set": {"row": 3, "column": "interview_id", "value": "MINI-01"}},
        {"insert_line": {"before_row": 6, "text": ""}},
        {"insert_line": {"before_row": 9, "text": "MINI-99,2020-01-01"}},
    )
    problems = problems_of(paths)
    assert sum("a value not already in row 1" in p for p in problems) == 2
    assert any("row 6 (line 7)" in p and "no blank lines" in p for p in problems)
    assert any("row 9 (line 10)" in p and "got '2 fields'" in p for p in problems)


def test_problems_in_all_three_inputs_are_reported_together(tmp_path):
    paths = edited(tmp_path, "codebook", {"yaml_delete": ["responses"]})
    for name, edit in [
        ("interviews", {"set": {"row": 1, "column": "status", "value": "retired"}}),
        ("coding", {"set": {"row": 2, "column": "coder", "value": ""}}),
    ]:
        paths[name].write_bytes(apply_edit(paths[name].read_bytes(), edit))
    problems = problems_of(paths)
    assert {p.split(":")[0] for p in problems} == {"interviews.csv", "coding.csv", "codebook.yaml"}


def test_a_ragged_interview_row_is_not_blamed_on_its_coded_segments(tmp_path):
    paths = edited(tmp_path, "interviews", {"replace": {"old": "Orla Venstrade", "new": "V, O"}})
    problems = problems_of(paths)
    assert len(problems) == 1 and "got '18 fields'" in problems[0]


def test_only_a_case_slip_in_an_interview_id_gets_a_suggestion(tmp_path):
    paths = edited(
        tmp_path,
        "coding",
        {"set": {"row": 1, "column": "interview_id", "value": "MINI-13"}},
        {"set": {"row": 8, "column": "interview_id", "value": "mini-03"}},
    )
    first, second = problems_of(paths)
    assert "other capitals" not in first
    assert "(row 3 of interviews.csv has it in other capitals)" in second
    assert "MINI-03" not in second


@pytest.mark.parametrize(
    ("breaks", "edit", "secret"),
    [
        (
            "interviews",
            {"replace": {"old": "Teodor", "new": "Téodor", "encoding": "latin-1"}},
            "Balq",
        ),
        ("interviews", {"set": {"row": 2, "column": "notes", "value": "Met\0 Teodor"}}, "Teodor"),
        ("interviews", {"set": {"row": 4, "column": "interview_id", "value": "KW OP"}}, "KW OP"),
        ("coding", {"replace": {"old": "Teodor Balquist", "new": "T\0 Balquist"}}, "Balquist"),
        ("coding", {"set": {"row": 3, "column": "interview_id", "value": "X-99"}}, "X-99"),
        # A bad byte in a public column is quoted with its own cell, never a neighbouring one.
        (
            "interviews",
            {"replace": {"old": ",UN official", "new": ",UN officiél", "encoding": "cp1252"}},
            "Rookwyn",
        ),
    ],
)
def test_messages_never_quote_a_confidential_cell(tmp_path, breaks, edit, secret):
    """Messages reach the terminal and .snakemake/log: confidential cells show initials and
    length, with the file, row and column that locate them."""
    problems = problems_of(edited(tmp_path, breaks, edit))
    assert problems and all(".csv: row " in p and ", column '" in p for p in problems)
    assert not [p for p in problems if secret in p]


def test_a_cell_too_long_for_the_csv_module_is_located(tmp_path):
    """Also when a library has raised the csv module's limit for the whole process."""
    limit = csv.field_size_limit(sys.maxsize)
    try:
        transcript = "word " * 30_000
        paths = edited(
            tmp_path, "coding", {"set": {"row": 5, "column": "excerpt", "value": transcript}}
        )
        (problem,) = problems_of(paths)
    finally:
        csv.field_size_limit(limit)
    assert problem.startswith("coding.csv: row 5 (line 6), column 'excerpt': got 'w… w… w… …")
    assert "a cell of at most 131,072 characters (128 KiB)" in problem
    assert "(this one has 150,000)" in problem


def test_a_cell_is_reported_once(tmp_path):
    paths = edited(
        tmp_path, "interviews", {"set": {"row": 3, "column": "date", "value": "2099-02-30"}}
    )
    problems = problems_of(paths)
    assert len(problems) == 1 and "a real calendar date" in problems[0]


def test_rows_after_a_bad_byte_are_not_guessed(tmp_path):
    paths = edited(
        tmp_path, "coding", {"replace": {"old": "coder_d", "new": "cödér", "encoding": "latin-1"}}
    )
    problems = problems_of(paths)
    assert len(problems) == 1 and "coding.csv: row 14 (line 15)" in problems[0]


@pytest.mark.parametrize(
    ("date", "valid"),
    [("2026-11", True), ("2026-11-23", True), ("2026-12", False), ("2026-11-24", False)],
)
def test_latest_interview_date_is_inclusive_for_days_and_months(tmp_path, date, valid):
    paths = edited(tmp_path, "interviews", {"set": {"row": 12, "column": "date", "value": date}})
    if valid:
        validate(paths, latest="2026-11-23")
    else:
        assert "column 'date'" in problems_of(paths, latest="2026-11-23")[0]


def test_the_rival_codebook_validates_with_its_own_codes(tmp_path):
    coding = pd.read_csv(SOURCES["coding"], dtype=str, keep_default_na=False)
    book = read_yaml(BUITELAAR)
    codes = [factor["id"] for category in book["categories"] for factor in category["factors"]]
    coding["code"] = [code for code, _ in zip(cycle(codes), coding.index, strict=False)]
    coding.to_csv(tmp_path / "coding.csv", index=False)
    inputs = validate(
        {
            "interviews": SOURCES["interviews"],
            "coding": tmp_path / "coding.csv",
            "codebook": BUITELAAR,
        }
    )
    assert inputs.codebook.framework_id == "buitelaar-2023"
    assert set(inputs.coding["code"]) == set(codes)


def test_codes_are_checked_against_the_chosen_codebook():
    paths = {**SOURCES, "codebook": BUITELAAR}
    problems = problems_of(paths)
    assert len(problems) == len(pd.read_csv(SOURCES["coding"]))
    assert all("a code of the codebook 'buitelaar-2023'" in p for p in problems)


def test_a_schema_constraint_that_is_not_translated_is_refused():
    field = {"name": "x", "type": "string", "constraints": {"maxLength": 3}}
    with pytest.raises(ValueError, match="maxLength"):
        pandera_schema([field])
