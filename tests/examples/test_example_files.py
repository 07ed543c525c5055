"""The example as files: the committed CSV inputs regenerate byte for byte, their coders' spans
are the selections of the example's QDA project, and the QDA twin writes all four files."""

from pathlib import Path

import pandas as pd
import yaml
from conftest import ROOT

from peacekeeping_interviews.codebook import load_codebook
from peacekeeping_interviews.examples.example_files import write_example_data, write_example_qda
from peacekeeping_interviews.examples.synthetic import generate_example_data
from peacekeeping_interviews.examples.synthetic_qda import END_LATE, START_EARLY, example_qda
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.qda_exchange import read_qdpx, write_qdpx
from peacekeeping_interviews.spans import POSITION_COLUMNS

EXAMPLE = ROOT / "data" / "example"
SCHEMAS = ROOT / "workflow" / "schemas"
CODEBOOK = ROOT / "config" / "codebook.yaml"


def test_regenerating_gives_the_committed_files_byte_for_byte(tmp_path: Path):
    write_example_data(tmp_path, codebook_path=CODEBOOK, schema_dir=SCHEMAS)
    for name in ("interviews.csv", "coding.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name


def test_the_committed_spans_are_the_projects_selections(tmp_path: Path):
    """Every coding row's span is its coder's selection in the twin project, and a row's
    excerpt, where the transcript holds it, lies where the span says (a coder selects a few
    characters off the passage, never more)."""
    write_example_qda(tmp_path, codebook_path=CODEBOOK, schema_dir=SCHEMAS)
    project = read_qdpx((tmp_path / "project.qdpx").read_bytes(), "project.qdpx")
    coding = pd.read_csv(EXAMPLE / "coding.csv", dtype=str, keep_default_na=False)
    users = {user.guid: user.name for user in project.users}
    texts = {source.guid: source.text for source in project.sources}
    source_of = {case.name: case.sources[0] for case in project.cases}
    selected = {
        (s.source, users[s.creating_user or ""], s.start, s.end) for s in project.selections
    }
    found = 0
    for row in coding.itertuples(index=False):
        source = source_of[row.interview_id]
        start, end, length = int(row.start), int(row.end), int(row.transcript_length)
        assert row.transcript == "1" and length == len(texts[source])
        assert (source, row.coder, start, end) in selected
        at = (
            texts[source].find(row.excerpt, max(start - START_EARLY - 10, 0)) if row.excerpt else -1
        )
        if at >= 0:
            found += 1
            assert abs(at - start) <= 10 and abs(at + len(row.excerpt) - end) <= END_LATE + 10
    assert len(selected) == len(coding)
    assert found > 0.5 * (coding["excerpt"] != "").sum()


def test_the_committed_coding_has_every_position_column():
    header = (EXAMPLE / "coding.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    fields = [f["name"] for f in read_yaml(SCHEMAS / "coding.table.yaml")["fields"]]
    assert header == fields and set(POSITION_COLUMNS) <= set(header)


def test_writing_the_qda_twin_puts_all_four_files_in_place(tmp_path: Path):
    codebook = load_codebook(CODEBOOK, read_yaml(SCHEMAS / "codebook.schema.yaml"))
    write_example_qda(tmp_path, codebook_path=CODEBOOK, schema_dir=SCHEMAS, n_interviews=5, seed=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "coding.csv",
        "interviews.csv",
        "project.qdpx",
        "refi_qda.yaml",
    ]
    data = generate_example_data(codebook, 5, seed=3)
    expected = example_qda(data.interviews, data.coding, codebook, seed=3)
    assert (tmp_path / "project.qdpx").read_bytes() == write_qdpx(expected.project)
    assert (tmp_path / "coding.csv").read_text(encoding="utf-8") == expected.coding_csv
    assert (tmp_path / "interviews.csv").read_text(encoding="utf-8") == expected.interviews_csv
    mapping = yaml.safe_load((tmp_path / "refi_qda.yaml").read_text(encoding="utf-8"))
    assert mapping == expected.mapping
