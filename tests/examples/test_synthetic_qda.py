"""The synthetic example as a REFI-QDA project: reproducible, labelled synthetic, and imported by
the QDA route into exactly the tables the generator wrote for the CSV route."""

import csv
import io
import re
from collections import defaultdict
from dataclasses import replace

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from peacekeeping_interviews.codebook import load_codebook
from peacekeeping_interviews.examples.synthetic import generate_example_data
from peacekeeping_interviews.examples.synthetic_qda import (
    MIN_OVERLAP,
    ExampleQda,
    example_qda,
)
from peacekeeping_interviews.files import csv_text, read_yaml
from peacekeeping_interviews.qda_exchange import QdaProject, QdaSelection, read_qdpx, write_qdpx
from peacekeeping_interviews.restricted.qda_import import QdaMapping, QdaTables, qda_tables
from peacekeeping_interviews.spans import excerpt

SCHEMAS = ROOT / "workflow" / "schemas"
CODEBOOK = ROOT / "config" / "codebook.yaml"
N_INTERVIEWS = 12
SEED = 7
CANONICAL_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK, read_yaml(SCHEMAS / "codebook.schema.yaml"))


@pytest.fixture(scope="module")
def data(codebook):
    return generate_example_data(codebook, N_INTERVIEWS, seed=SEED)


@pytest.fixture(scope="module")
def example(data, codebook) -> ExampleQda:
    return example_qda(data.interviews, data.coding, codebook, seed=SEED)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _import(project: QdaProject, mapping: dict) -> QdaTables:
    """The QDA route, with the columns and required columns the interviews schema declares."""
    fields = read_yaml(SCHEMAS / "interviews.table.yaml")["fields"]
    columns = [field["name"] for field in fields]
    required = [f["name"] for f in fields if f.get("constraints", {}).get("required")]
    return qda_tables(project, QdaMapping.from_config(mapping), columns, required, "project.qdpx")


def _by_user(project: QdaProject) -> dict[tuple[str, str], list[QdaSelection]]:
    """Selections by (source, user), in transcript order."""
    grouped: dict[tuple[str, str], list[QdaSelection]] = defaultdict(list)
    for selection in project.selections:
        grouped[selection.source, selection.creating_user or ""].append(selection)
    return grouped


def _double_coded_spans(project: QdaProject) -> list[tuple[QdaSelection, QdaSelection]]:
    """Both coders' selections of every double-coded passage (one pair per segment)."""
    by_source: dict[str, list[list[QdaSelection]]] = defaultdict(list)
    for (source, _), selections in sorted(_by_user(project).items()):
        by_source[source].append(selections)
    return [
        (first, second)
        for coders in by_source.values()
        if len(coders) == 2
        for first, second in zip(*coders, strict=True)
    ]


def _overlap(a: QdaSelection, b: QdaSelection) -> float:
    shared = min(a.end, b.end) - max(a.start, b.start)
    return shared / min(a.end - a.start, b.end - b.start)


def test_same_inputs_and_seed_give_the_same_project_and_bytes(data, codebook, example):
    again = example_qda(data.interviews, data.coding, codebook, seed=SEED)
    assert again == example
    assert write_qdpx(again.project) == write_qdpx(example.project)
    other = example_qda(data.interviews, data.coding, codebook, seed=SEED + 1)
    assert [s.text for s in other.project.sources] != [s.text for s in example.project.sources]


def test_the_project_reads_back_as_written(example):
    project = example.project
    assert read_qdpx(write_qdpx(project), "project.qdpx") == project
    guids = [user.guid for user in project.users] + [code.guid for code in project.codes]
    guids += [c.guid for c in project.cases] + [s.guid for s in project.sources]
    guids += [s.guid for s in project.selections]
    guids += [c.guid for s in project.selections for c in s.codings]
    assert all(CANONICAL_GUID.fullmatch(guid) for guid in guids)
    assert len(set(guids)) == len(guids)


def test_the_qda_route_gives_exactly_the_csv_route_tables(example):
    """The key check: the import reproduces the generator's own tables, byte for byte."""
    tables = _import(example.project, example.mapping)
    assert _rows(tables.interviews) == _rows(example.interviews_csv)
    assert _rows(tables.coding) == _rows(example.coding_csv)
    assert tables.interviews == example.interviews_csv
    assert tables.coding == example.coding_csv


def test_every_double_coded_passage_is_aligned_though_the_two_spans_differ(example):
    pairs = _double_coded_spans(example.project)
    assert pairs, "the small example has double-coded segments"
    assert all((a.start, a.end) != (b.start, b.end) for a, b in pairs)
    assert min(_overlap(a, b) for a, b in pairs) >= 1.5 * MIN_OVERLAP
    rows = _rows(example.coding_csv)
    keys = [(r["interview_id"], r["segment"]) for r in rows]
    assert sum(keys.count(key) == 2 for key in set(keys)) == len(pairs)
    # Only double-coded transcripts: every judgement finds its partner, none is unmatched.
    double = {a.source for a, _ in pairs}
    cases = tuple(c for c in example.project.cases if set(c.sources) <= double)
    only_double = replace(
        example.project,
        cases=cases,
        sources=tuple(s for s in example.project.sources if s.guid in double),
        selections=tuple(s for s in example.project.selections if s.source in double),
    )
    tables = _import(only_double, example.mapping)
    assert tables.unmatched == 0
    assert {r["interview_id"] for r in _rows(tables.coding)} == {c.name for c in cases}


def test_single_coded_interviews_have_no_unmatched_codings(example):
    """Unmatched counts a coding alone in its segment only where another coder coded the same
    transcript: the example's double-coded segments all align, and its single-coded
    interviews had no second coder to match."""
    rows = _rows(example.coding_csv)
    keys = [(r["interview_id"], r["segment"]) for r in rows]
    assert sum(keys.count(key) == 1 for key in set(keys)) > 0
    assert _import(example.project, example.mapping).unmatched == 0


def test_the_csv_tables_are_the_generated_data_with_each_coders_own_excerpt_in_whole_words(
    data, example
):
    assert example.interviews_csv == csv_text(data.interviews)
    coding = pd.read_csv(io.StringIO(example.coding_csv), dtype=str, keep_default_na=False)
    generated = data.coding.astype(str)
    assert list(coding.columns) == [
        f["name"] for f in read_yaml(SCHEMAS / "coding.table.yaml")["fields"]
    ]
    keys = ["interview_id", "segment", "coder", "code", "direction"]
    pd.testing.assert_frame_equal(coding[keys], generated[keys])
    assert (coding["excerpt"] != "").all()
    texts = {s.guid: s.text for s in example.project.sources}
    excerpts = [excerpt(texts[s.source], s.start, s.end) for s in example.project.selections]
    assert excerpts == list(coding["excerpt"])
    # Every generated excerpt is in its transcript, selected exactly by at least one coder.
    segments = coding.assign(generated=generated["excerpt"]).groupby(["interview_id", "segment"])
    for _, segment in segments:
        if segment["generated"].iloc[0]:
            assert segment["generated"].iloc[0] in set(segment["excerpt"])


def test_everything_is_labelled_synthetic(example):
    project = example.project
    assert "synthetic" in project.name.lower()
    assert all("synthetic" in (source.name or "") for source in project.sources)
    assert all(source.text.lower().startswith("synthetic") for source in project.sources)
    assert all(dict(case.variables)["Synthetic"] is True for case in project.cases)
    assert {v.name: v.type_of_variable for v in project.variables}["Synthetic"] == "Boolean"
    assert set(_rows(example.interviews_csv)[0]) >= {"synthetic"}
    assert {r["synthetic"] for r in _rows(example.interviews_csv)} == {"true"}


def test_the_project_follows_qda_program_conventions(data, example):
    project = example.project
    assert [u.name for u in project.users] == sorted(set(data.coding["coder"]))
    parents = [code for code in project.codes if code.parent is None]
    assert all(not code.is_codable for code in parents)
    assert [code.name for code in parents][-1] == "Direction"
    children = {code.path for code in project.codes if code.parent is not None}
    assert children == set(example.mapping["codes"]) | set(example.mapping["directions"])
    assert example.mapping["directions"] == {
        "Direction/Confrontational": "confrontational",
        "Direction/Conciliatory": "conciliatory",
    }
    consents = {dict(case.variables)["Consent"] for case in project.cases}
    assert consents <= {"Named", "Descriptor only", "Anonymous"}
    empty = data.interviews["notes"] == ""
    assert empty.any()
    for case, no_notes in zip(project.cases, empty, strict=True):
        assert ("Notes" in dict(case.variables)) != no_notes  # an empty cell is no value
    assert yaml.safe_load(yaml.safe_dump(example.mapping, sort_keys=False)) == example.mapping


def test_data_the_project_cannot_express_is_refused(data, codebook):
    gap = data.coding[data.coding["segment"] != 2]
    with pytest.raises(ValueError, match="segments"):
        example_qda(data.interviews, gap, codebook)
    unknown = data.coding.assign(code="no_such_code")
    with pytest.raises(ValueError, match="code of the codebook"):
        example_qda(data.interviews, unknown, codebook)
