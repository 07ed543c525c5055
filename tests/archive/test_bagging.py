"""Bagging: safe names, the leak scan of the finished bag (planted leaks), zips, the snapshot."""

import io
import subprocess
import tarfile
import zipfile
from dataclasses import replace
from pathlib import Path

import bagit
import pytest
from conftest import written_index

from peacekeeping_interviews.archive.bagging import (
    DepositError,
    DepositRequest,
    Payload,
    build_bag,
    check_safe_path,
    payload_path,
    source_snapshot,
    write_zips,
    zip_parts,
)
from peacekeeping_interviews.restricted.leak_scan import LeakError
from peacekeeping_interviews.restricted.pseudonymisation import key_as_restricted
from peacekeeping_interviews.restricted.restricted_strings import RestrictedIndex, RestrictedStrings


def tar_gz(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"source/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def restricted_strings(confidential, folder: Path) -> RestrictedStrings:
    """What the deposit rule scans for: the anonymisation stage's index, read back."""
    index = RestrictedIndex.read(written_index(confidential, folder))
    return index.search(key_as_restricted(confidential.settings, index.synthetic, {}))


def request(tmp_path: Path, payload: Payload, confidential, **extra) -> DepositRequest:
    return DepositRequest(
        payload=payload,
        bag_info={"Bagging-Date": "2026-11-23", "Deposit-Layout-Version": "1"},
        bag=tmp_path / "deposit" / "study-v1",
        zips=tmp_path / "deposit" / "study-v1-zip",
        date="2026-11-23",
        max_zip_bytes=10**9,
        restricted=restricted_strings(confidential, tmp_path / "restricted"),
        quarantine=tmp_path / "restricted" / "quarantine",
        **extra,
    )


def clean_payload() -> Payload:
    payload = Payload()
    payload.add("release/interviews.csv", "pseudonym,month\nP-1,2019-07\n")
    payload.add("code/source-abc.tar.gz", tar_gz({"README.md": "The pipeline.\n"}))
    return payload


def test_a_clean_payload_becomes_a_valid_bag_and_a_zip(tmp_path, confidential):
    summary = build_bag(request(tmp_path, clean_payload(), confidential))
    bag = tmp_path / "deposit" / "study-v1"
    bagit.Bag(str(bag)).validate()
    assert (bag / "data/release/interviews.csv").is_file()
    with zipfile.ZipFile(summary["zips"][0]) as archive:
        assert "study-v1/data/release/interviews.csv" in archive.namelist()
        assert "study-v1/manifest-sha256.txt" in archive.namelist()


@pytest.mark.parametrize(
    ("path", "content", "kind"),
    [
        ("results/table.csv", "row,MINI-02\n", "raw interview id"),
        ("README.md", "We spoke to Teodor Balquist in Kinshasa.\n", "non-named interviewee's name"),
        ("results/notes.md", "Very cautious about the recording\n", "interviewer's notes"),
        ("documentation/crosswalk.csv", "pseudonym,interview_id\n", "restricted file"),
        ("documentation/anonymisation_log.csv", "step\n", "restricted file"),
        ("data/restricted/quarantine/results/t.csv", "x\n", "restricted file"),
    ],
)
def test_a_planted_leak_fails_the_build_and_leaves_no_bag(
    tmp_path, confidential, path, content, kind
):
    payload = clean_payload()
    payload.add(path, content)
    with pytest.raises(LeakError) as raised:
        build_bag(request(tmp_path, payload, confidential))
    assert kind in str(raised.value)
    assert "MINI-02" not in str(raised.value) and "Balquist" not in str(raised.value)
    assert not (tmp_path / "deposit").exists() or not any((tmp_path / "deposit").iterdir())
    quarantined = tmp_path / "restricted" / "quarantine" / "study-v1" / "data" / path
    assert quarantined.read_text() == content


def test_a_leak_in_the_bag_names_its_place_kind_and_source_masked(tmp_path, confidential):
    payload = clean_payload()
    payload.add("results/table.csv", "pseudonym,who\nP-1,Teodor Balquist\n")
    with pytest.raises(LeakError) as raised:
        build_bag(request(tmp_path, payload, confidential))
    assert (
        "data/results/table.csv:2:5: non-named interviewee's name T… B… (15 characters) in "
        "column 2 'who'; restricted by inputs.interviews row 2, column name"
    ) in str(raised.value)
    assert "Balquist" not in str(raised.value)


def test_an_allowed_word_passes_in_the_bag_and_its_zip_only_where_the_entry_names_it(
    tmp_path, confidential
):
    """The allow-list's file entries name project paths; the bag keeps results at theirs."""
    allowed = tmp_path / "allow_list.yaml"
    allowed.write_text('- {file: "results/paper/*", word: Balquist, reason: "an index"}\n')
    confidential = replace(
        confidential, settings={**confidential.settings, "allow_list": str(allowed)}
    )
    payload = clean_payload()
    payload.add("results/paper/paper.md", "Balquist's index.\n")
    summary = build_bag(request(tmp_path, payload, confidential))
    for scanned in summary["leak_scan"].values():
        assert scanned["allow_list_file_entries"] == [{"entry": 0, "let_through": 1}]
    payload.add("results/table.md", "Balquist's index.\n")
    with pytest.raises(LeakError, match=r"data/results/table\.md:1:1: non-named"):
        build_bag(request(tmp_path, payload, confidential))


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("data/results/paper/paper.pdf!page 3", "results/paper/paper.pdf"),
        ("study-v1.zip!study-v1/data/results/paper/paper.pdf!page 3", "results/paper/paper.pdf"),
        ("study-v1.zip", "study-v1.zip"),
        ("bagit.txt", "bagit.txt"),
    ],
)
def test_a_file_of_the_bag_or_its_zip_is_matched_at_its_payload_path(where, path):
    assert payload_path(where) == path


def test_a_quarantine_inside_the_deposit_folder_is_refused(tmp_path, confidential):
    inside = request(tmp_path, clean_payload(), confidential)
    inside = replace(inside, quarantine=inside.bag.parent / "quarantine")
    with pytest.raises(ValueError, match="inside the public folder"):
        build_bag(inside)


@pytest.mark.parametrize(
    ("member", "content", "kind"),
    [
        ("data/example/interviews.csv", "MINI-04,Kwame Ostrander-Pell\n", "raw interview id"),
        ("data/restricted/pseudonym.key", "secret\n", "restricted file"),
        ("data/restricted/quarantine/results/t.csv", "x\n", "restricted file"),
    ],
)
def test_a_leak_inside_the_source_snapshot_is_found(tmp_path, confidential, member, content, kind):
    payload = Payload()
    payload.add("code/source-abc.tar.gz", tar_gz({member: content}))
    with pytest.raises(LeakError, match=kind) as raised:
        build_bag(request(tmp_path, payload, confidential))
    assert f"code/source-abc.tar.gz!source/{member}" in str(raised.value)
    snapshot = tmp_path / "restricted/quarantine/study-v1/data/code/source-abc.tar.gz"
    assert snapshot.read_bytes() == payload.read("code/source-abc.tar.gz")


def test_only_declared_generator_vocabulary_is_exempt_in_the_snapshot(tmp_path, confidential):
    note = "Very cautious about the recording"
    payload = Payload()
    payload.add("code/source-abc.tar.gz", tar_gz({"generator.py": f'NOTES = ("{note}",)\n'}))
    build_bag(request(tmp_path, payload, confidential, exempt_in_snapshot=(note,)))
    payload.add("results/notes.md", note + "\n")
    with pytest.raises(LeakError, match=r"results/notes\.md"):
        build_bag(request(tmp_path, payload, confidential, exempt_in_snapshot=(note,)))


@pytest.mark.parametrize("name", ["my file.csv", "résumé.csv", ".hidden", "a/b c/d.csv"])
def test_unsafe_file_names_are_refused(name):
    with pytest.raises(DepositError, match="should be letters, digits"):
        check_safe_path(name)


def test_a_bag_larger_than_one_zip_is_split_and_each_part_fits(tmp_path):
    bag = tmp_path / "study-v1"
    (bag / "data").mkdir(parents=True)
    for number in range(6):
        (bag / "data" / f"part{number}.bin").write_bytes(bytes([number]) * 400_000)
    (bag / "bagit.txt").write_text("BagIt-Version: 0.97\n")
    limit = 1_000_000
    parts = zip_parts(bag, limit)
    assert len(parts) == 3 and parts[0][0].name == "bagit.txt"
    out = tmp_path / "zips"
    out.mkdir()
    written = write_zips(bag, "study-v1", out, limit, "2026-11-23")
    assert [z.name for z in written] == [f"study-v1.part{n}-of-3.zip" for n in (1, 2, 3)]
    assert all(z.stat().st_size <= limit for z in written)
    names = [n for z in written for n in zipfile.ZipFile(z).namelist()]
    assert sorted(names) == sorted(
        f"study-v1/{p.relative_to(bag).as_posix()}" for p in bag.rglob("*") if p.is_file()
    )
    again = tmp_path / "again"
    again.mkdir()
    rewritten = write_zips(bag, "study-v1", again, limit, "2026-11-23")
    assert [z.read_bytes() for z in rewritten] == [z.read_bytes() for z in written]


def test_a_file_larger_than_a_zip_is_refused_by_name(tmp_path):
    bag = tmp_path / "study-v1"
    (bag / "data").mkdir(parents=True)
    (bag / "data" / "huge.bin").write_bytes(b"x" * 1_200_000)
    with pytest.raises(DepositError, match=r"data/huge.bin is 1200000 bytes"):
        zip_parts(bag, 1_000_000)


def test_the_snapshot_holds_uncommitted_edits_and_leaves_out_confidential_files(
    tmp_path, monkeypatch
):
    def git(*args):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    (tmp_path / "data").mkdir()
    (tmp_path / "code.py").write_text("VERSION = 1\n")
    (tmp_path / "data" / "interviews.csv").write_text("interview_id\nX-1\n")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "start")
    clean = source_snapshot(tmp_path, "study-source", exclude=["data/interviews.csv"])
    assert not clean.dirty and clean.excluded == ("data/interviews.csv",)
    assert (
        source_snapshot(tmp_path, "study-source", ["data/interviews.csv"]).archive == clean.archive
    )
    (tmp_path / "code.py").write_text("VERSION = 2\n")
    dirty = source_snapshot(tmp_path, "study-source", exclude=["data/interviews.csv"])
    assert dirty.dirty and dirty.label.endswith("+dirty")
    # Another time for git to stamp commits with (as a later run would have): the snapshot must
    # not take it, so the archive stays the same.
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_DATE", "@946684800 +0000")
    assert source_snapshot(tmp_path, "study-source", ["data/interviews.csv"]) == dirty
    with tarfile.open(fileobj=io.BytesIO(dirty.archive), mode="r:gz") as tar:
        names = tar.getnames()
        assert tar.extractfile("study-source/code.py").read() == b"VERSION = 2\n"
    assert "study-source/data/interviews.csv" not in names


def test_a_folder_that_is_not_a_git_checkout_is_a_clear_error(tmp_path):
    with pytest.raises(DepositError, match="needs a git checkout"):
        source_snapshot(tmp_path, "study-source", exclude=[])
