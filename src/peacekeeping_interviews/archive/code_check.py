"""Is the deposited code the code the reviewer trusts?

``make verify`` never runs a deposit's own code: whoever tampers with a deposit can edit its
Snakefile (an ``onsuccess:`` hook that copies the deposited results over the rerun's) as easily as
its results. It runs the reviewer's checkout instead, and only after finding the deposit's source
snapshot byte-identical to it, file by file, executable bit included: the reviewer's working tree
of tracked files, or a commit of the reviewer's repository they name (a published tag). Every
difference is reported before anything runs.
"""

from __future__ import annotations

import io
import tarfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from peacekeeping_interviews.deposit_layout import EXAMPLE_INPUTS, LAYOUT, PAYLOAD
from peacekeeping_interviews.provenance import git_commit, run_git

EXECUTABLE = 0o111


class CodeError(Exception):
    """The code cannot be compared at all (no snapshot, not a git checkout, unknown commit)."""


@dataclass(frozen=True)
class SourceFile:
    content: bytes  # a symbolic link's target, for a link
    executable: bool
    link: bool = False


@dataclass(frozen=True)
class CodeCheck:
    """The outcome: what was compared with what, and every difference."""

    trusted: str  # what the reviewer's side is, in words
    snapshot: str  # the snapshot's name in the bag
    files: int
    left_out: tuple[str, ...]  # in the reviewer's tree, left out of every snapshot by design
    differences: tuple[str, ...]


def snapshot_files(bag: Path) -> tuple[str, dict[str, SourceFile]]:
    """The deposit's source snapshot: its name and its files, without the archive's top folder."""
    archives = sorted((bag / PAYLOAD / LAYOUT["code"]).glob("source-*.tar.gz"))
    if len(archives) != 1:
        raise CodeError(
            f"{bag}: expected one source snapshot in {PAYLOAD}/{LAYOUT['code']}/, "
            f"found {len(archives)}"
        )
    try:
        with tarfile.open(archives[0], mode="r:gz") as tar:
            members = tar.getmembers()
            top = members[0].name.split("/", 1)[0] if members else ""
            files = _tar_files(tar, top=top)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise CodeError(f"{archives[0].name}: the snapshot cannot be read: {error}") from None
    return archives[0].name, files


def _tar_files(tar: tarfile.TarFile, top: str | None) -> dict[str, SourceFile]:
    """Each member's content, by path below ``top`` (the snapshot's one top folder, as
    ``git archive --prefix`` writes it). A member elsewhere, twice, or neither a file, a folder
    nor a symbolic link is refused: what one unpacking tool would show could differ from what
    this check saw."""
    files: dict[str, SourceFile] = {}
    for member in tar.getmembers():
        if member.name.startswith("pax_global_header") or member.type == tarfile.XGLTYPE:
            continue
        path = member.name
        if top is not None:
            if path.rstrip("/") == top and member.isdir():
                continue
            if not path.startswith(f"{top}/"):
                raise CodeError(f"the snapshot holds {path!r} outside its folder {top}/")
            path = path.removeprefix(f"{top}/")
        if path in files:
            raise CodeError(f"the snapshot holds {path!r} twice")
        if member.issym():
            files[path] = SourceFile(member.linkname.encode(), False, link=True)
        elif member.isfile():
            extracted = tar.extractfile(member)
            content = extracted.read() if extracted else b""
            files[path] = SourceFile(content, bool(member.mode & EXECUTABLE))
        elif not member.isdir():
            raise CodeError(f"the snapshot's {path!r} is not a file, folder or symbolic link")
    return files


def _git(checkout: Path, *args: str) -> bytes:
    return run_git(
        checkout,
        *args,
        error=CodeError,
        when_missing="make verify reads your checkout with it",
    )


def resolve_commit(checkout: Path, name: str) -> str:
    """The full hash of a commit the reviewer names (never read as an option of git's)."""
    return (
        _git(checkout, "rev-parse", "--verify", "--end-of-options", f"{name}^{{commit}}")
        .decode()
        .strip()
    )


def checkout_files(checkout: Path, commit: str | None) -> tuple[str, dict[str, SourceFile]]:
    """The reviewer's code: a commit of their repository, or the tracked files of their working
    tree as they are (what their installed package runs)."""
    if commit:
        full = resolve_commit(checkout, commit)
        archive = _git(checkout, "archive", "--format=tar", full)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            files = _tar_files(tar, top=None)
        return f"commit {commit} ({full[:12]}) of your repository {checkout.resolve()}", files
    files = {}
    for path in sorted(_git(checkout, "ls-files", "-z").decode().split("\0")):
        target = checkout / path
        if path and (target.is_file() or target.is_symlink()):
            if target.is_symlink():
                files[path] = SourceFile(str(target.readlink()).encode(), False, link=True)
            else:
                files[path] = SourceFile(
                    target.read_bytes(), bool(target.stat().st_mode & EXECUTABLE)
                )
    state = git_commit(checkout).replace("+dirty", " with uncommitted changes")
    return f"the working tree of your checkout {checkout.resolve()} (commit {state})", files


def version_of(files: Mapping[str, SourceFile]) -> str:
    try:
        return tomllib.loads(files["pyproject.toml"].content.decode())["project"]["version"]
    except (KeyError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "unknown"


def code_differences(
    deposited: Mapping[str, SourceFile], trusted: Mapping[str, SourceFile]
) -> tuple[list[str], list[str]]:
    """Every file that differs, is missing, or is extra; and the files the snapshot leaves out
    by design (the synthetic example's confidential-tier inputs)."""
    left_out = sorted(p for p in EXAMPLE_INPUTS if p in trusted and p not in deposited)
    differences = []
    for path in sorted(deposited.keys() | trusted.keys()):
        if path in left_out:
            continue
        if path not in trusted:
            differences.append(f"{path}: in the deposited snapshot, not in your code")
        elif path not in deposited:
            differences.append(f"{path}: in your code, missing from the deposited snapshot")
        elif deposited[path].content != trusted[path].content:
            differences.append(f"{path}: {_first_change(deposited[path], trusted[path])}")
        elif deposited[path].link != trusted[path].link:
            differences.append(f"{path}: a symbolic link on one side, a file on the other")
        elif deposited[path].executable != trusted[path].executable:
            differences.append(f"{path}: executable bit differs")
    return differences, left_out


def _first_change(deposited: SourceFile, trusted: SourceFile) -> str:
    old = deposited.content.decode("utf-8", "replace").splitlines()
    new = trusted.content.decode("utf-8", "replace").splitlines()
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return f"differs from line {number}: deposit {a[:100]!r}, yours {b[:100]!r}"
    return f"{len(old)} lines in the deposit, {len(new)} in yours"


def check_code(
    bag: Path, checkout: Path, commit: str | None = None
) -> tuple[CodeCheck, dict[str, SourceFile]]:
    """Compare the deposit's snapshot with the reviewer's code; the reviewer's files to run.

    A different version is not a difference but a wrong checkout: :class:`CodeError` says which
    version to check out."""
    name, deposited = snapshot_files(bag)
    described, trusted = checkout_files(checkout, commit)
    wanted, have = version_of(deposited), version_of(trusted)
    if wanted != have:
        raise CodeError(
            f"the deposit was made by version {wanted} of the code; {described} is version "
            f"{have}. Check out version {wanted} (or pass COMMIT=<its published commit>) and "
            "run make verify again"
        )
    differences, left_out = code_differences(deposited, trusted)
    runnable = {p: f for p, f in trusted.items() if p not in left_out}
    check = CodeCheck(described, name, len(deposited), tuple(left_out), tuple(differences))
    return check, runnable


def write_tree(files: Mapping[str, SourceFile], target: Path) -> None:
    """The reviewer's checked code, written where the rerun runs it."""
    for path, file in sorted(files.items()):
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(file.content)
        destination.chmod(0o755 if file.executable else 0o644)


def check_label(bag: Path, checkout: Path, label: str) -> tuple[bool, str]:
    """Whether the commit the deposit's documents name is real: a commit of the reviewer's
    repository whose files are the deposited snapshot's. ``(False, why)`` is a difference;
    ``(True, note)`` says what was found, including a ``+dirty`` label, whose uncommitted
    changes no repository holds (the snapshot itself is what the code check compared)."""
    base, _, dirty = label.partition("+")
    try:
        full = resolve_commit(checkout, base)
    except CodeError:
        return False, f"the documents name commit {label}, which your repository does not have"
    archive = _git(checkout, "archive", "--format=tar", full)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        committed = _tar_files(tar, top=None)
    if dirty:
        return True, (
            f"the documents name commit {base} with uncommitted changes: your repository has "
            f"{base}, but no repository holds the changes; the code ran is the snapshot, "
            "checked above"
        )
    differences, _ = code_differences(snapshot_files(bag)[1], committed)
    if differences:
        return False, (
            f"the documents name commit {label}, but its files differ from the deposited "
            f"snapshot ({len(differences)} files, first {differences[0]})"
        )
    return True, f"the documents name commit {label}: your repository's commit holds the same files"
