"""make verify runs the reviewer's code, never the deposit's: the deposit's source snapshot is
compared with the reviewer's checkout (its working tree, or a commit they name) file by file,
executable bit included, and every difference is named before anything runs."""

import tarfile
from pathlib import Path

import pytest
from project_copy import git

from peacekeeping_interviews.archive.bagging import source_snapshot
from peacekeeping_interviews.archive.code_check import (
    CodeError,
    SourceFile,
    check_code,
    checkout_files,
    code_differences,
    snapshot_files,
    write_tree,
)
from peacekeeping_interviews.deposit_layout import EXAMPLE_INPUTS

PYPROJECT = '[project]\nname = "x"\nversion = "{}"\n'


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A small committed project with an executable script and the example's inputs."""
    root = tmp_path / "checkout"
    files = {
        "pyproject.toml": PYPROJECT.format("1.0.0"),
        "Snakefile": "rule all:\n    input: 'results/x.csv'\n",
        "tools/run.sh": "#!/bin/sh\necho run\n",
        **{path: "id,name\n1,Invented Name\n" for path in EXAMPLE_INPUTS},
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    (root / "tools/run.sh").chmod(0o755)
    git("init", "--quiet", "--initial-branch=main", cwd=root)
    git("add", "--all", cwd=root)
    git("commit", "--quiet", "--no-gpg-sign", "--message=first", cwd=root)
    return root


def deposit_of(checkout: Path, bag: Path) -> Path:
    """A bag holding the checkout's snapshot as the deposit stage makes it."""
    snapshot = source_snapshot(checkout, "study-v1.0.0-source", list(EXAMPLE_INPUTS))
    code = bag / "data" / "code"
    code.mkdir(parents=True)
    (code / f"source-{snapshot.commit[:12]}.tar.gz").write_bytes(snapshot.archive)
    return bag


def test_the_snapshot_of_the_reviewers_own_checkout_has_no_difference(checkout, tmp_path):
    bag = deposit_of(checkout, tmp_path / "bag")
    check, runnable = check_code(bag, checkout)
    assert check.differences == ()
    assert check.left_out == tuple(sorted(EXAMPLE_INPUTS))
    assert check.files == 3
    assert check.trusted.startswith(f"the working tree of your checkout {checkout.resolve()}")
    assert "uncommitted" not in check.trusted
    assert set(runnable) == {"pyproject.toml", "Snakefile", "tools/run.sh"}
    assert runnable["tools/run.sh"].executable and not runnable["Snakefile"].executable


def test_every_changed_missing_or_extra_file_is_named(checkout, tmp_path):
    bag = deposit_of(checkout, tmp_path / "bag")
    (checkout / "Snakefile").write_text("rule all:\n    input: 'results/y.csv'\n")
    (checkout / "tools/run.sh").chmod(0o644)
    (checkout / "new.py").write_text("print('new')\n")
    git("add", "new.py", cwd=checkout)
    (checkout / "untracked.py").write_text("ignored: not a tracked file\n")
    check, _ = check_code(bag, checkout)
    assert check.differences == (
        "Snakefile: differs from line 2: deposit \"    input: 'results/x.csv'\", "
        "yours \"    input: 'results/y.csv'\"",
        "new.py: in your code, missing from the deposited snapshot",
        "tools/run.sh: executable bit differs",
    )
    assert "with uncommitted changes" in check.trusted


def test_a_hook_appended_to_the_deposited_snapshot_is_a_difference(checkout, tmp_path):
    bag = deposit_of(checkout, tmp_path / "bag")
    _, deposited = snapshot_files(bag)
    deposited["Snakefile"] = SourceFile(
        deposited["Snakefile"].content + b"onsuccess:\n    shell('cp -r deposited results')\n",
        False,
    )
    deposited["extra.smk"] = SourceFile(b"rule x:\n", False)
    _, trusted = snapshot_files(deposit_of(checkout, tmp_path / "same"))
    differences, left_out = code_differences(deposited, trusted)
    assert differences == [
        "Snakefile: 4 lines in the deposit, 2 in yours",
        "extra.smk: in the deposited snapshot, not in your code",
    ]
    assert left_out == []


def test_a_commit_the_reviewer_names_is_compared_not_their_working_tree(checkout, tmp_path):
    bag = deposit_of(checkout, tmp_path / "bag")
    git("tag", "v1.0.0", cwd=checkout)
    (checkout / "Snakefile").write_text("rule all:\n    input: 'changed'\n")
    check, runnable = check_code(bag, checkout, commit="v1.0.0")
    assert check.differences == ()
    assert check.trusted.startswith("commit v1.0.0 (")
    assert runnable["Snakefile"].content == b"rule all:\n    input: 'results/x.csv'\n"
    assert check_code(bag, checkout)[0].differences != ()
    with pytest.raises(CodeError, match="git rev-parse --verify failed"):
        check_code(bag, checkout, commit="no-such-tag")


def test_another_version_of_the_code_is_a_wrong_checkout_not_a_difference(checkout, tmp_path):
    bag = deposit_of(checkout, tmp_path / "bag")
    (checkout / "pyproject.toml").write_text(PYPROJECT.format("2.0.0"))
    with pytest.raises(
        CodeError,
        match=r"made by version 1\.0\.0 of the code; .* is version 2\.0\.0\. Check out version "
        r"1\.0\.0 \(or pass COMMIT=",
    ):
        check_code(bag, checkout)


def test_what_cannot_be_compared_is_refused(checkout, tmp_path):
    bag = tmp_path / "bag"
    (bag / "data" / "code").mkdir(parents=True)
    with pytest.raises(CodeError, match="expected one source snapshot in data/code/, found 0"):
        check_code(bag, checkout)
    (bag / "data" / "code" / "source-abc.tar.gz").write_bytes(b"not a tar")
    with pytest.raises(CodeError, match=r"source-abc\.tar\.gz: the snapshot cannot be read"):
        check_code(bag, checkout)
    bag = deposit_of(checkout, tmp_path / "good")
    (tmp_path / "not-git").mkdir()
    with pytest.raises(CodeError, match="git ls-files -z failed in"):
        check_code(bag, tmp_path / "not-git")


def test_the_checked_code_is_written_with_its_executable_bits(checkout, tmp_path):
    bag = deposit_of(checkout, tmp_path / "bag")
    _, runnable = check_code(bag, checkout)
    write_tree(runnable, tmp_path / "source")
    assert (tmp_path / "source" / "tools/run.sh").stat().st_mode & 0o111
    assert not (tmp_path / "source" / "Snakefile").stat().st_mode & 0o111
    assert not (tmp_path / "source" / EXAMPLE_INPUTS[0]).exists()
    with tarfile.open(next((bag / "data" / "code").glob("*.tar.gz"))) as tar:
        assert all(m.name.startswith("study-v1.0.0-source") for m in tar.getmembers())


def test_a_commit_name_is_never_read_as_an_option_of_git(tmp_path):
    """``--commit=--output=<file>`` would make ``git archive`` write that file."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "--quiet", cwd=repo)
    (repo / "a.txt").write_text("a\n")
    git("add", "a.txt", cwd=repo)
    git("commit", "--quiet", "-m", "a", cwd=repo)
    written = tmp_path / "written.tar"
    with pytest.raises(CodeError, match="failed"):
        checkout_files(repo, f"--output={written}")
    assert not written.exists()


def test_a_link_and_a_file_with_the_same_text_differ():
    link = SourceFile(b"src/module.py", False, link=True)
    file = SourceFile(b"src/module.py", False)
    assert code_differences({"a": link}, {"a": file})[0] == [
        "a: a symbolic link on one side, a file on the other"
    ]
