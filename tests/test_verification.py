"""make verify on the example deposit: a clean deposit reproduces; tampering is caught and named;
bad input gets a clear message and nothing is written outside the scratch folder."""

import shutil
from pathlib import Path

import bagit
import pytest
from PIL import Image

from peacekeeping_interviews import __version__
from peacekeeping_interviews.cli import main as cli
from peacekeeping_interviews.verification import (
    VerificationError,
    compare_csv,
    compare_image,
    compare_in_text,
    verify_deposit,
)

pytestmark = pytest.mark.end_to_end


@pytest.fixture(scope="session")
def deposit(example_runs) -> Path:
    bags = [p.parent for p in (example_runs[0] / "results" / "deposit").glob("*/bagit.txt")]
    assert len(bags) == 1
    return bags[0]


def tampered(deposit: Path, destination: Path, change, rebag: bool = True) -> Path:
    """A copy of the bag with one change; re-bagged, as a careless or dishonest depositor would."""
    copy = destination / deposit.name
    shutil.copytree(deposit, copy)
    change(copy / "data")
    if rebag:
        bagit.Bag(str(copy)).save(manifests=True)
    return copy


def files_outside(folder: Path, scratch: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if scratch not in p.parents and p != scratch}


def test_the_example_deposit_reproduces_from_its_zip(deposit, tmp_path, capsys):
    zips = sorted((deposit.parent / f"{deposit.name}-zip").glob("*.zip"))
    assert [z.name for z in zips] == [f"{deposit.name}.zip"]
    assert cli(["verify", str(zips[0]), "--scratch", str(tmp_path)]) == 0
    assert "reproduced" in capsys.readouterr().out
    report = (tmp_path / deposit.name / "REPLICATION.md").read_text()
    assert "**every exhibit and in-text value reproduced**" in report
    assert "SYNTHETIC EXAMPLE DATA" in report
    assert (
        "| paper | Table 3 (`tbl-factors`) | `results/tabulation/factor_mentions.csv` |" in report
    )
    assert "**differs**" not in report
    assert "- rerun: " in report and "- environment: " in report


def test_a_changed_table_number_is_caught_and_named(deposit, tmp_path):
    def change(payload: Path) -> None:
        table = payload / "results/tabulation/factor_mentions.csv"
        lines = table.read_text().splitlines()
        header, first = lines[0].split(","), lines[1].split(",")
        column = header.index("interviews")
        first[column] = str(int(first[column]) + 1)
        lines[1] = ",".join(first)
        table.write_text("\n".join(lines) + "\n")

    bag = tampered(deposit, tmp_path / "in", change)
    result = verify_deposit(bag, tmp_path / "scratch")
    assert not result.reproduced
    report = (tmp_path / "scratch" / bag.name / "REPLICATION.md").read_text()
    assert (
        "| paper | Table 3 (`tbl-factors`) | `results/tabulation/factor_mentions.csv` | "
        "**differs** |" in report
    )
    assert "Table 3 of the paper (tbl-factors)): row 1, column interviews" in report


def test_an_altered_figure_is_caught_and_named(deposit, tmp_path):
    def change(payload: Path) -> None:
        figure = payload / "results/tabulation/spectrum.png"
        with Image.open(figure) as image:
            image = image.convert("RGBA")
            image.putpixel((5, 5), (255, 0, 0, 255))
            image.save(figure)

    bag = tampered(deposit, tmp_path / "in", change)
    assert cli(["verify", str(bag), "--scratch", str(tmp_path / "scratch")]) == 1
    report = (tmp_path / "scratch" / bag.name / "REPLICATION.md").read_text()
    assert "Figure 2 (`fig-spectrum`)" in report
    assert "Figure 2 of the paper (fig-spectrum)): 1 of " in report


def test_an_edited_in_text_value_is_caught(deposit, tmp_path):
    paper = f"results/paper/paper-v{__version__}.html"

    def change(payload: Path) -> None:
        html = payload / paper
        text = html.read_text()
        start = text.index('class="pki-value"')
        close = text.index("</span>", start)
        opening = text.index(">", start) + 1
        html.write_text(text[:opening] + "999999" + text[close:])

    bag = tampered(deposit, tmp_path / "in", change)
    result = verify_deposit(bag, tmp_path / "scratch")
    count, differences = result.in_text[paper]
    assert count > 10 and len(differences) == 2
    assert "in-text value 1 (" in differences[0].detail and "'999999'" in differences[0].detail
    assert differences[1].detail.startswith("the text differs at word ")
    report = (tmp_path / "scratch" / bag.name / "REPLICATION.md").read_text()
    assert f"| `{paper}` | {count} | **differs** |" in report


def test_a_corrupted_payload_file_fails_the_fixity_check(deposit, tmp_path):
    def change(payload: Path) -> None:
        (payload / "results/tabulation/tests.csv").write_text("corrupted\n")

    bag = tampered(deposit, tmp_path / "in", change, rebag=False)
    with pytest.raises(VerificationError, match=r"data/results/tabulation/tests.csv: sha256 is"):
        verify_deposit(bag, tmp_path / "scratch")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: (p / "release/coding.csv").unlink(),
            "data/release/coding.csv: listed in the manifest but missing",
        ),
        (
            lambda p: (p / "extra.csv").write_text("a\n"),
            "data/extra.csv: in the bag but not in the manifest",
        ),
    ],
    ids=["missing payload file", "extra payload file"],
)
def test_missing_or_extra_payload_files_are_named(deposit, tmp_path, change, message):
    bag = tampered(deposit, tmp_path / "in", change, rebag=False)
    scratch = tmp_path / "scratch"
    before = files_outside(tmp_path, scratch)
    with pytest.raises(VerificationError, match=message):
        verify_deposit(bag, scratch)
    assert files_outside(tmp_path, scratch) == before


def test_a_newer_layout_is_refused_with_the_version_to_use(deposit, tmp_path):
    bag = tmp_path / "in" / deposit.name
    shutil.copytree(deposit, bag)
    info = bag / "bag-info.txt"
    info.write_text(
        info.read_text().replace("Deposit-Layout-Version: 1", "Deposit-Layout-Version: 2")
    )
    bagit.Bag(str(bag)).save()
    with pytest.raises(
        VerificationError,
        match=r"deposit layout '2' .* newer than this verifier reads \(layout 1\)",
    ):
        verify_deposit(bag, tmp_path / "scratch")


@pytest.mark.parametrize("kind", ["folder", "text file", "missing"])
def test_what_is_not_a_bag_is_refused_and_nothing_is_written_outside_scratch(
    tmp_path, kind, capsys
):
    target = tmp_path / "input"
    if kind == "folder":
        target.mkdir()
        (target / "data.csv").write_text("a\n1\n")
        expected = "not a BagIt bag (no bagit.txt"
    elif kind == "text file":
        target.write_text("not a zip\n")
        expected = "not a deposit (expected a BagIt bag folder or a zip of one)"
    else:
        expected = "no such file or folder"
    scratch = tmp_path / "scratch"
    before = files_outside(tmp_path, scratch)
    assert cli(["verify", str(target), "--scratch", str(scratch)]) == 2
    assert expected in capsys.readouterr().err
    assert files_outside(tmp_path, scratch) == before


# ---------------------------------------------------------------------------- comparisons


def test_csv_comparison_is_exact_unless_a_tolerance_is_declared(tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("name,estimate\na,1.0000\nb,2\n")
    new.write_text("name,estimate\na,1.0001\nb,2\n")
    assert compare_csv(old, new, {}) == ["row 1, column estimate: deposit '1.0000', rerun '1.0001'"]
    assert compare_csv(old, new, {"estimate": 1e-3}) == []
    assert compare_csv(old, new, {"estimate": 1e-5}) != []
    new.write_text("name,estimate\na,1.0000\n")
    assert compare_csv(old, new, {}) == ["2 rows in the deposit, 1 in the rerun"]


def test_images_with_the_same_pixels_but_other_bytes_reproduce(tmp_path):
    a, b, c = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    image = Image.new("RGB", (4, 3), (10, 20, 30))
    image.save(a, compress_level=1)
    image.save(b, compress_level=9, optimize=True)
    assert a.read_bytes() != b.read_bytes()
    assert compare_image(a, b) == ([], "identical pixels, different bytes")
    image.putpixel((0, 0), (0, 0, 0))
    image.save(c)
    assert compare_image(a, c) == (["1 of 12 pixels differ"], "")


def test_in_text_values_are_compared_in_order_with_their_source(tmp_path):
    span = '<span class="pki-value" data-source="results/x.json" data-key="{k}">{v}</span>'
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text(
        "<p>" + span.format(k="n", v="210") + " and " + span.format(k="m", v="3") + "</p>"
    )
    new.write_text(
        "<p>" + span.format(k="n", v="211") + " and " + span.format(k="m", v="3") + "</p>"
    )
    count, differences = compare_in_text(old, new)
    assert count == 2
    assert [d.detail for d in differences] == [
        "in-text value 1 (results/x.json: n): deposit '210', rerun '211'",
        "the text differs at word 1: deposit '… 210 and 3 …', rerun '… 211 and 3 …'",
    ]


def test_a_nested_span_cannot_hide_a_changed_value(tmp_path):
    value = '<span class="pki-value" data-source="r.json" data-key="n">{}</span>'
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text("<p>" + value.format("210") + "</p>")
    new.write_text("<p>" + value.format("210<span></span>999") + "</p>")
    _, differences = compare_in_text(old, new)
    assert "deposit '210', rerun '210999'" in differences[0].detail


def test_text_outside_values_is_compared_but_not_the_stamp_or_commit(tmp_path):
    page = (
        '<header class="pki-top"><div>commit {c} on {d}</div></header>'
        "<table><tr><td>MINUSCA ({n})</td></tr></table><p>Stamp commit {c}</p>"
    )
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text(page.format(c="abc123+dirty", d="Monday", n=33))
    new.write_text(page.format(c="unknown (not a git checkout)", d="Tuesday", n=33))
    commits = ("abc123+dirty", "unknown (not a git checkout)")
    assert compare_in_text(old, new, commits) == (0, [])
    new.write_text(page.format(c="abc123+dirty", d="Monday", n=99))
    (difference,) = compare_in_text(old, new, commits)[1]
    assert "the text differs at word 2" in difference.detail and "(99)" in difference.detail


def test_a_short_row_is_a_difference(tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("a,b,c\n1,2\n")
    new.write_text("a,b,c\n1,2,3\n")
    assert compare_csv(old, new, {}) == ["row 1: 2 cells in the deposit, 3 in the rerun"]


def test_the_scratch_folder_never_deletes_the_deposit_or_a_folder_it_did_not_make(tmp_path):
    bag = tmp_path / "study-v1"
    bag.mkdir()
    (bag / "bagit.txt").write_text("BagIt-Version: 0.97\n")
    with pytest.raises(VerificationError, match="lies inside"):
        verify_deposit(bag, tmp_path)
    assert (bag / "bagit.txt").is_file()
    other = tmp_path / "scratch" / "study-v1"
    other.mkdir(parents=True)
    (other / "keep.txt").write_text("mine\n")
    with pytest.raises(VerificationError, match="was not made by make verify"):
        verify_deposit(bag, tmp_path / "scratch")
    assert (other / "keep.txt").is_file()
