"""The coded release as a REFI-QDA project: it reads back (through the format's reader and the
project's own importer) to exactly the release, holds nothing the release does not publish, and
is the same bytes every time."""

import io
import re
import zipfile

import pandas as pd
import pytest
import yaml
from conftest import CODEBOOK, ROOT

from peacekeeping_interviews.analysis.release import PublicRelease
from peacekeeping_interviews.archive.qda_export import (
    CODED_RELEASE,
    NO_EXCERPT,
    coded_release_files,
    release_codebook,
    release_project,
)
from peacekeeping_interviews.codebook import load_codebook
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.module_imports import module_closure
from peacekeeping_interviews.qda_codebook import DIRECTION_GROUP
from peacekeeping_interviews.qda_exchange import (
    QdaProject,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)
from peacekeeping_interviews.restricted.qda_import import QdaMapping, QdaTables, qda_tables
from peacekeeping_interviews.spans import POSITION_COLUMNS

TITLE = "Peacekeeping interviews"
CONFIDENTIAL = ROOT / "data" / "example" / "interviews.csv"
PACKAGE_DIR = ROOT / "src" / "peacekeeping_interviews"


@pytest.fixture(scope="module")
def exported(example_release) -> tuple[QdaProject, dict, bytes]:
    project, mapping = release_project(example_release, example_release.codebook, TITLE, True)
    return project, mapping, write_qdpx(project)


def read_back(project: QdaProject, mapping: dict) -> QdaTables:
    """The project through the QDA route's importer, with the release's columns as the layout."""
    columns = ["interview_id", *mapping["variables"]]
    required = ["pseudonym", "collection_order", "month", "consent", "citation", "location"]
    return qda_tables(project, QdaMapping(**mapping), columns, required, "release.qdpx")


def table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def expected_excerpts(coding: pd.DataFrame) -> pd.Series:
    """The released excerpt, or the placeholder line of a segment that released none."""
    placeholders = coding["segment"].map(lambda s: NO_EXCERPT.format(segment=s))
    return coding["excerpt"].where(coding["excerpt"] != "", placeholders)


def test_the_project_reads_back_as_written_and_is_the_same_bytes_every_time(
    exported, example_release
):
    project, _, data = exported
    assert read_qdpx(data, "release.qdpx") == project
    again, _ = release_project(example_release, example_release.codebook, TITLE, True)
    assert write_qdpx(again) == data


def test_the_importer_gives_back_the_released_coding(exported, example_release):
    _, mapping, data = exported
    tables = read_back(read_qdpx(data, "release.qdpx"), mapping)
    got = table(tables.coding).drop(columns=list(POSITION_COLUMNS))
    released = example_release.coding.sort_values(["pseudonym", "segment", "coder"])
    expected = pd.DataFrame(
        {
            "interview_id": released["pseudonym"],
            "segment": released["segment"].astype(str),
            "coder": released["coder"],
            "code": released["code"],
            "direction": released["direction"],
            "excerpt": expected_excerpts(released),
        }
    )
    key = ["interview_id", "segment", "coder"]
    got = got.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected.sort_values(key).reset_index(drop=True))
    assert tables.unmatched == 0  # both coders of a double-coded segment select one passage


def test_the_cases_carry_the_released_interview_columns(exported, example_release):
    project, mapping, _ = exported
    got = table(read_back(project, mapping).interviews)
    released = example_release.interviews.drop(columns="year").astype(str)
    released["synthetic"] = "true"
    assert list(got.columns) == ["interview_id", *released.columns]
    assert list(got["interview_id"]) == list(released["pseudonym"])
    pd.testing.assert_frame_equal(got.drop(columns="interview_id"), released)
    assert (got == "*").to_numpy().any()  # withheld cells stay as the release writes them
    assert {v.name for v in project.variables} == {*released.columns}


def test_counts_users_codes_and_directions(exported, example_release):
    project, _, _ = exported
    coding, codebook = example_release.coding, example_release.codebook
    groups = {c.category for c in codebook.codes if c.kind == "factor"}
    groups |= {c.kind for c in codebook.codes if c.kind != "factor"}
    assert len(project.cases) == len(project.sources) == len(example_release.interviews)
    assert len(project.selections) == len(coding)
    n_codings = sum(len(s.codings) for s in project.selections)
    assert n_codings == len(coding) + (coding["direction"] != "none").sum()
    assert [u.name for u in project.users] == sorted(coding["coder"].unique())
    assert len(project.codes) == len(codebook.codes) + len(groups) + 1 + 2
    parents = [c for c in project.codes if c.parent is None]
    assert not any(c.is_codable for c in parents)
    assert parents[-1].name == DIRECTION_GROUP
    directions = [c.name for c in project.codes if c.parent == parents[-1].guid]
    assert directions == ["Confrontational", "Conciliatory"]


def test_codes_are_described_by_their_definitions(exported, example_release):
    project, _, _ = exported
    definitions = {c.id: " ".join(c.definition.split()) for c in example_release.codebook.codes}
    assert all(definitions.values())
    described = {c.path: c.description or "" for c in project.codes if c.parent is not None}
    for path, code_id in exported[1]["codes"].items():
        assert described[path].startswith(definitions[code_id])
        assert f"Codebook id: {code_id}." in described[path]


def test_the_qdc_reads_back_to_the_projects_codes(exported, example_release):
    codebook = release_codebook(example_release.codebook)
    data = write_qdc(codebook)
    assert read_qdc(data, "release.qdc") == codebook
    assert codebook.codes == exported[0].codes
    assert write_qdc(release_codebook(example_release.codebook)) == data


def test_labelled_synthetic_only_when_synthetic(example_release):
    synthetic, _ = release_project(example_release, example_release.codebook, TITLE, True)
    real, _ = release_project(example_release, example_release.codebook, TITLE, False)
    assert "synthetic" in synthetic.name
    assert all("(synthetic)" in (s.name or "") for s in synthetic.sources)
    assert "synthetic" not in real.name.lower()
    assert not any("synthetic" in (s.name or "").lower() for s in real.sources)
    assert all(dict(c.variables)["synthetic"] is False for c in real.cases)


def qdpx_text(data: bytes) -> str:
    """Every member of the written .qdpx (project.qde and the source files), as one text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert "project.qde" in names and any(n.startswith("sources/") for n in names)
        return "\n".join(archive.read(name).decode("utf-8") for name in names)


def test_the_written_project_holds_nothing_restricted(exported):
    text = qdpx_text(exported[2])
    confidential = pd.read_csv(CONFIDENTIAL, dtype=str, keep_default_na=False)
    assert "INT-" not in text
    assert not any(i in text for i in confidential["interview_id"])
    hidden = confidential.loc[confidential["consent"] != "named", "name"]
    assert len(hidden) > 0
    assert [name for name in hidden if name and name in text] == []
    words = set(re.findall(r"\w+", text))
    assert words.isdisjoint(name.split()[-1] for name in hidden if name)
    notes = [note for note in confidential["notes"] if note]
    assert len(notes) > 0 and [note for note in notes if note in text] == []
    dates = [d for d in confidential["date"] if len(d) == len("2019-07-01")]
    assert [d for d in dates if d in text] == []


def test_the_exporter_runs_no_restricted_code():
    module = PACKAGE_DIR / "archive" / "qda_export.py"
    closure = module_closure(module, PACKAGE_DIR)
    assert PACKAGE_DIR / "qda_exchange.py" in closure
    assert [p for p in closure if "restricted" in p.relative_to(PACKAGE_DIR).parts] == []


# ---------------------------------------------------------------------------------------------
# Coders whose released excerpts differ, and segments without an excerpt


def tiny_release(excerpts: list[tuple[int, str, str]]) -> PublicRelease:
    """One interview coded by (segment, coder, excerpt) rows, all with the first codebook code."""
    codebook = load_codebook(CODEBOOK, read_yaml(ROOT / "workflow/schemas/codebook.schema.yaml"))
    interviews = pd.DataFrame(
        {
            "pseudonym": ["P-0000000001"],
            "collection_order": [1],
            "month": ["*"],
            "consent": ["anonymous"],
            "name": [""],
            "citation": ["an anonymous source"],
            "year": ["*"],
        }
    )
    coding = pd.DataFrame(
        [
            ("P-0000000001", segment, coder, codebook.codes[0].id, "conciliatory", excerpt)
            for segment, coder, excerpt in excerpts
        ],
        columns=["pseudonym", "segment", "coder", "code", "direction", "excerpt"],
    )
    return PublicRelease(interviews, coding, codebook, synthetic=False)


def imported_excerpts(release: PublicRelease) -> list[tuple[str, str, str]]:
    project, mapping = release_project(release, release.codebook, TITLE, False)
    project = read_qdpx(write_qdpx(project), "tiny.qdpx")
    rows = table(read_back(project, mapping).coding)
    return list(rows[["segment", "coder", "excerpt"]].itertuples(index=False, name=None))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("We told them clearly.", "We told them clearly."),
        ("Interviewee: We told them clearly.", "We told them clearly"),
        ("We told them clearly, in private.", "e: We told them clearly,"),
        ("them clearly, in private. That is all.", "We told them clearly, in private."),
    ],
)
def test_each_coder_reads_back_their_own_excerpt_of_one_segment(first, second):
    release = tiny_release([(1, "coder_a", first), (1, "coder_b", second), (2, "coder_a", "")])
    assert imported_excerpts(release) == [
        ("1", "coder_a", first),
        ("1", "coder_b", second),
        ("2", "coder_a", NO_EXCERPT.format(segment=2)),
    ]


def test_excerpts_that_cannot_be_merged_stay_one_segment():
    release = tiny_release([(1, "coder_a", "Quite unrelated."), (1, "coder_b", "Another text.")])
    whole = "Quite unrelated.\nAnother text."
    assert imported_excerpts(release) == [("1", "coder_a", whole), ("1", "coder_b", whole)]


def test_a_coder_without_an_excerpt_selects_the_whole_passage():
    release = tiny_release([(1, "coder_a", "We told them."), (1, "coder_b", "")])
    assert imported_excerpts(release) == [
        ("1", "coder_a", "We told them."),
        ("1", "coder_b", "We told them."),
    ]


def test_an_interview_without_coding_has_an_empty_source():
    release = tiny_release([])
    project, _ = release_project(release, release.codebook, TITLE, False)
    assert [s.text for s in project.sources] == [""] and project.selections == ()
    assert read_qdpx(write_qdpx(project), "tiny.qdpx") == project


def test_the_deposit_files_read_back_with_the_mapping_deposited_beside_them(example_release):
    """What a reuser finds: the project, the refi_qda section that imports it with this
    pipeline, and the codebook alone, each readable on its own."""
    files = coded_release_files(example_release, "A synthetic study")
    assert set(files) == set(CODED_RELEASE.values())
    project = read_qdpx(files[CODED_RELEASE["project"]], "coded_release.qdpx")
    mapping = yaml.safe_load(files[CODED_RELEASE["mapping"]])
    tables = read_back(project, mapping)
    assert tables.unmatched == 0
    assert len(table(tables.coding)) == len(example_release.coding)
    codebook = read_qdc(files[CODED_RELEASE["codebook"]], "codebook.qdc")
    assert [c.path for c in codebook.codes] == [c.path for c in project.codes]
    assert coded_release_files(example_release, "A synthetic study") == files
