"""Outputs are written all or nothing."""

from pathlib import Path

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
