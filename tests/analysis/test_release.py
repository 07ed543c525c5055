"""The public tier's reader: a tampered release fails with the file, row, column and value."""

import csv
from pathlib import Path

import pandas as pd
import pytest
from conftest import CODEBOOK, LATEST, SCHEMA_DIR

from peacekeeping_interviews.analysis.release import (
    PublicRelease,
    incidence_matrix,
    read_mission_counts,
    read_release,
)
from peacekeeping_interviews.codebook import load_codebook
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.restricted.anonymisation import (
    AnonymisationOutputs,
    ConfidentialInputs,
    run_anonymisation,
)


def edited_copy(path, tmp_path, row, column, value):
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[row - 1, column] = value
    out = tmp_path / path.name
    table.to_csv(out, index=False)
    return out


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        ("coding", "pseudonym", "P-0000000000", "a pseudonym of the interview table"),
        ("coding", "code", "not_a_code", "a code id of the configured codebook"),
        ("coding", "direction", "sideways", "confrontational"),
        ("interviews", "consent", "maybe", "named"),
    ],
)
def test_a_tampered_release_names_file_row_column_and_value(
    mini_release_paths, tmp_path, table, column, value, expected
):
    paths = dict(mini_release_paths)
    paths[table] = edited_copy(paths[table], tmp_path, 2, column, value)
    with pytest.raises(InputError) as caught:
        read_release(**paths, schema_dir=SCHEMA_DIR)
    message = str(caught.value)
    assert f"{table}.csv: row 2 (line 3), column '{column}'" in message
    assert repr(value) in message and expected in message


def test_mission_counts_must_be_counts_or_masked(mini_release_paths, tmp_path):
    path = mini_release_paths["interviews"].parent / "mission_counts.csv"
    assert len(read_mission_counts(path, SCHEMA_DIR)) > 0
    with pytest.raises(InputError, match=r"row 1 \(line 2\), column 'interviews'.*'about 4'"):
        read_mission_counts(edited_copy(path, tmp_path, 1, "interviews", "about 4"), SCHEMA_DIR)


def test_incidence_counts_a_code_once_per_interview_whoever_coded_it():
    book = load_codebook(CODEBOOK, read_yaml(SCHEMA_DIR / "codebook.schema.yaml"))
    first, second = book.ids("factor")[:2]
    release = PublicRelease(
        interviews=pd.DataFrame({"pseudonym": ["P-b", "P-a", "P-c"]}),
        coding=pd.DataFrame(
            {
                "pseudonym": ["P-a", "P-a", "P-a", "P-b"],
                "segment": [1, 1, 2, 1],
                "coder": ["x", "y", "x", "x"],
                "code": [first, second, first, second],
            }
        ),
        codebook=book,
        synthetic=True,
    )
    found = incidence_matrix(release)
    assert list(found.index) == ["P-b", "P-a", "P-c"]
    assert list(found.columns) == book.ids()
    assert found.sum().sum() == 3
    assert found.loc["P-a", first] and found.loc["P-a", second] and found.loc["P-b", second]
    assert not found.loc["P-c"].any()


def test_a_coder_twice_on_one_segment_is_refused(mini_release_paths, tmp_path):
    coding = pd.read_csv(mini_release_paths["coding"], dtype=str, keep_default_na=False)
    repeated = pd.concat([coding, coding.iloc[[0]]], ignore_index=True)
    path = tmp_path / "coding.csv"
    repeated.to_csv(path, index=False)
    with pytest.raises(InputError) as caught:
        read_release(**{**mini_release_paths, "coding": path}, schema_dir=SCHEMA_DIR)
    message = str(caught.value)
    assert f"coding.csv: row {len(repeated)} (line {len(repeated) + 1}), column 'coder'" in message
    assert "not the same coder twice on one segment (first in row 1)" in message


def anonymised_with(
    coding: pd.DataFrame, tmp_path: Path, mini_inputs: dict, settings: dict
) -> AnonymisationOutputs:
    """The anonymisation stage run on the mini fixture with ``coding`` in place of its coding
    (written with every cell quoted, as a spreadsheet may save it)."""
    inputs = {**mini_inputs, "coding": tmp_path / "coding.csv"}
    coding.to_csv(inputs["coding"], index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
    outputs = AnonymisationOutputs.under(tmp_path / "run")
    run_anonymisation(
        ConfidentialInputs(
            **inputs, schema_dir=SCHEMA_DIR, settings=settings, latest_interview_date=LATEST
        ),
        outputs,
        environ={},
    )
    return outputs


def test_formula_like_cells_are_published_inert_and_read_back_as_written(
    tmp_path, mini_inputs, anonymisation_settings
):
    """An excerpt or coder that a spreadsheet would run as a formula is published with a
    leading apostrophe (CSV injection), and the release reader removes it again."""
    formulas = {1: ('=HYPERLINK("http://x","see")', "@coder_a"), 3: ("'quoted", "-coder")}
    coding = pd.read_csv(mini_inputs["coding"], dtype=str, keep_default_na=False)
    for row, (excerpt, coder) in formulas.items():
        coding.loc[row - 1, ["excerpt", "coder"]] = [excerpt, coder]
    outputs = anonymised_with(coding, tmp_path, mini_inputs, anonymisation_settings)
    written = [*formulas.values()]
    published = pd.read_csv(outputs.coding, dtype=str, keep_default_na=False)
    pairs = set(zip(published["excerpt"], published["coder"], strict=True))
    assert {(f"'{excerpt}", f"'{coder}") for excerpt, coder in written} <= pairs
    assert not any(cell.startswith(("=", "@", "-")) for cell in published.to_numpy().ravel())
    release = read_release(outputs.interviews, outputs.coding, CODEBOOK, SCHEMA_DIR)
    pairs = set(zip(release.coding["excerpt"], release.coding["coder"], strict=True))
    assert set(written) <= pairs


def test_an_excerpt_with_a_carriage_return_round_trips_through_the_release(
    tmp_path, mini_inputs, anonymisation_settings
):
    """A bare carriage return (an old Mac line end pasted into a transcript) is a line break to
    CSV readers: the release must quote the cell, so that the reader gets the row and the text
    back as written."""
    excerpt = "We raised it\rin private meetings first."
    coding = pd.read_csv(mini_inputs["coding"], dtype=str, keep_default_na=False)
    coding.loc[1, "excerpt"] = excerpt
    outputs = anonymised_with(coding, tmp_path, mini_inputs, anonymisation_settings)
    release = read_release(outputs.interviews, outputs.coding, CODEBOOK, SCHEMA_DIR)
    assert len(release.coding) == len(coding)
    assert excerpt in set(release.coding["excerpt"])
