"""Outputs are written all or nothing."""

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peacekeeping_interviews import files


def test_all_targets_appear_together(tmp_path):
    targets = {tmp_path / "a" / "one.csv": "1\n", tmp_path / "b" / "two.md": "2\n"}
    files.write_all_or_nothing(targets)
    assert {p: p.read_text() for p in targets} == targets
    assert not list(tmp_path.rglob("*.partial"))


def test_a_failure_part_way_leaves_no_target_and_no_temporary(tmp_path, monkeypatch):
    """Simulates a run killed while writing the second of three files."""
    existing = tmp_path / "old.csv"
    existing.write_text("previous run\n")
    real_write = Path.write_text
    calls = []

    def failing_write(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing_write)
    with pytest.raises(KeyboardInterrupt):
        files.write_all_or_nothing(
            {tmp_path / "new.csv": "x\n", existing: "y\n", tmp_path / "third.csv": "z\n"}
        )
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]
    assert existing.read_text() == "previous run\n"


def test_csv_text_is_deterministic_and_unix_lined():
    table = pd.DataFrame({"a": [1.5, None], "b": ["x,y", ""]})
    assert files.csv_text(table) == 'a,b\n1.5,"x,y"\n,\n'


def test_json_text_refuses_nan_and_json_records_turn_it_into_null():
    with pytest.raises(ValueError):
        files.json_text({"alpha": math.nan})
    table = pd.DataFrame({"n": [np.int64(3), np.int64(4)], "alpha": [0.5, np.nan]})
    assert files.json_records(table) == [{"n": 3, "alpha": 0.5}, {"n": 4, "alpha": None}]
    assert files.json_text(files.json_records(table)).count("null") == 1


def test_csv_text_spells_booleans_as_the_release_does():
    table = pd.DataFrame({"mandated": [True, False], "label": ["a", "b"]})
    assert files.csv_text(table) == "mandated,label\ntrue,a\nfalse,b\n"


FORMULA_LIKE = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "'quoted"]


def test_spreadsheet_safe_cells_cannot_run_as_formulas_and_read_back_unchanged():
    texts = [*FORMULA_LIKE, "plain", "a = b", "", None]
    table = pd.DataFrame({"text": texts, "count": range(-5, len(texts) - 5), "flag": True})
    safe = files.spreadsheet_safe(table)
    escaped = [cell for cell in safe["text"] if isinstance(cell, str) and cell.startswith("'")]
    assert escaped == [f"'{text}" for text in FORMULA_LIKE]
    assert safe["count"].tolist() == table["count"].tolist()  # numbers, negative ones too
    assert files.csv_text(safe).splitlines()[-1] == ",5,true"
    unescaped = safe["text"].map(files.from_spreadsheet_safe, na_action="ignore")
    assert unescaped.equals(table["text"])


@pytest.mark.parametrize("cell", ["x\ry", "x\r\ny", "x\ny", "\rleading"])
def test_a_cell_with_a_line_break_is_quoted_and_reads_back_whole(cell):
    """The file's line end is ``\\n``, but readers take a bare ``\\r`` for one too: a cell
    holding either is quoted, so that the row keeps its fields and the cell its text."""
    text = files.csv_text(pd.DataFrame({"excerpt": [cell, "plain"], "n": [1, 2]}))
    assert text.endswith("plain,2\n") and "\r\n" not in text.replace(f'"{cell}"', "")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["excerpt", "n"],
        [cell, "1"],
        ["plain", "2"],
    ]
