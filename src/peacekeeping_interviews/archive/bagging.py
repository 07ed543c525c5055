"""Bagging the deposit: the source snapshot, the BagIt bag (RFC 8493, the ``bagit`` package), its
zips, and the leak scan of the finished bag.

The bag is written in a staging folder, checked, bagged, scanned, zipped, and only then moved into
place; any failure removes it, and a leak first moves the leaking files to a quarantine folder in
restricted space. The payload's layout is :mod:`peacekeeping_interviews.deposit_layout`.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import bagit

from peacekeeping_interviews.provenance import run_git
from peacekeeping_interviews.restricted.leak_scan import (
    Leak,
    LeakError,
    check_quarantine,
    quarantine_files,
    scan_readings,
)
from peacekeeping_interviews.restricted.public_text import MEMBER, file_of, read_public
from peacekeeping_interviews.restricted.restricted_strings import RestrictedStrings

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Never in a deposit, whatever their content: restricted-tier files by name or place.
RESTRICTED_PATHS = re.compile(
    r"(^|/)(data/restricted/|crosswalk[^/]*$|anonymisation_log[^/]*$|[^/]*\.key$)"
)


class DepositError(Exception):
    """The bundle cannot be built; nothing was left in results/deposit/."""


@dataclass(frozen=True)
class Payload:
    """The payload's files, by path inside ``data/``: bytes to write, or a file to copy."""

    files: dict[str, bytes | Path] = field(default_factory=dict)

    def add(self, path: str, content: bytes | str | Path) -> None:
        if path in self.files:
            raise DepositError(f"two files would be written to {path} in the bag")
        check_safe_path(path)
        self.files[path] = content.encode("utf-8") if isinstance(content, str) else content

    def read(self, path: str) -> bytes:
        content = self.files[path]
        return content.read_bytes() if isinstance(content, Path) else content

    def write(self, folder: Path) -> None:
        for path, content in sorted(self.files.items()):
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_bytes(content)


def check_safe_path(path: str) -> None:
    """ReShare asks for file names without spaces or special characters."""
    for part in path.split("/"):
        if not SAFE_NAME.fullmatch(part):
            raise DepositError(
                f"file name {path!r} in the deposit: '{part}' should be letters, digits, '.', "
                "'_' or '-' and start with a letter or digit"
            )


# ---------------------------------------------------------------------------- source snapshot


@dataclass(frozen=True)
class Snapshot:
    commit: str  # full hash of HEAD
    dirty: bool  # tracked files differed from HEAD (the snapshot holds them as they were)
    archive: bytes  # .tar.gz, deterministic for a given tree
    excluded: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.commit[:12] + ("+dirty" if self.dirty else "")


def source_snapshot(root: Path, prefix: str, exclude: list[str]) -> Snapshot:
    """``git archive`` of the tracked files as they are (committed or not), without ``exclude``.

    ``git stash create`` makes a commit object of the working tree without touching it or the
    stash, so a run from uncommitted changes deposits the code it actually ran, marked dirty. Its
    author, committer and dates are fixed (HEAD's date), so the same tree gives the same archive.
    """
    environ = dict(os.environ)

    def git(*args: str) -> bytes:
        return run_git(
            root,
            *args,
            error=DepositError,
            when_missing="the source snapshot needs it",
            after_failure=" (the deposit's source snapshot needs a git checkout)",
            environ=environ,
        )

    commit = git("rev-parse", "HEAD").decode().strip()
    date = git("log", "-1", "--format=%ct", commit).decode().strip()
    for role in ("AUTHOR", "COMMITTER"):
        environ[f"GIT_{role}_NAME"] = "peacekeeping-interviews deposit"
        environ[f"GIT_{role}_EMAIL"] = "deposit@localhost"
        environ[f"GIT_{role}_DATE"] = f"@{date} +0000"
    stashed = git("stash", "create").decode().strip()
    tracked = set(git("ls-files", "-z").decode().split("\0")) - {""}
    excluded = tuple(sorted(path for path in exclude if path in tracked))
    pathspec = [f":(exclude){path}" for path in excluded]
    tar = git(
        "archive", "--format=tar", f"--prefix={prefix}/", stashed or commit, "--", ".", *pathspec
    )
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as packed:
        packed.write(tar)
    return Snapshot(commit, bool(stashed), buffer.getvalue(), excluded)


def snapshot_as_deposited(archive: Path, label: str) -> Snapshot:
    """The snapshot a deposit holds, under the label its documents print (``<commit>[+dirty]``),
    as a run from the deposit puts it back in the bag it rebuilds."""
    commit, _, dirty = label.partition("+")
    return Snapshot(commit, dirty == "dirty", archive.read_bytes(), ())


# ---------------------------------------------------------------------------- leak scan of the bag


def restricted_file(where: str) -> Leak:
    """A file that may never be deposited, whatever it holds."""
    return Leak(where, 0, "restricted file", source="its name or folder (RESTRICTED_PATHS)")


def payload_path(where: str) -> str:
    """The path in the bag's payload (``data/``) of the file a reading of the bag, or of a zip of
    it, is in: what the allow-list's file entries are matched against, since results keep their
    project paths there (``data/results/paper/paper.pdf``, or ``<bag>/data/results/paper/paper.pdf``
    inside a zip, is ``results/paper/paper.pdf``)."""
    file, *inside = where.split(MEMBER)
    if file.endswith(".zip") and inside:
        file = inside[0].split("/", 1)[-1]
    return file.removeprefix("data/")


def scan_bag(
    bag: Path, restricted: RestrictedStrings, exempt_in_snapshot: tuple[str, ...] = ()
) -> tuple[list[Leak], dict]:
    """Every file of the finished bag (or of its zips), and every file inside them (the source
    snapshot's members, the bag inside a zip, a PDF's attachments), read by its format and
    scanned for restricted strings and restricted file names; with the scan's summary. The
    allow-list's file entries apply to the files whose :func:`payload_path` they match.

    ``exempt_in_snapshot`` are strings blanked from the snapshot's files before the scan: with
    synthetic data, the generator's own invented vocabulary (its third parties and notes), which
    the code must contain to generate the example. With real data nothing is exempt.
    """
    readings = [
        reading
        for path in sorted(p for p in bag.rglob("*") if p.is_file())
        for reading in read_public(
            path.relative_to(bag).as_posix(), path.read_bytes(), exempt_in_snapshot
        )
    ]
    named = [
        restricted_file(reading.where)
        for reading in readings
        if RESTRICTED_PATHS.search(reading.where.rsplit(MEMBER, 1)[-1])
    ]
    leaks, summary = scan_readings(readings, restricted, payload_path)
    return [*named, *leaks], summary


# ---------------------------------------------------------------------------- bag and zips


def make_bag(folder: Path, bag_info: Mapping[str, str]) -> bagit.Bag:
    """Turn ``folder`` into a bag in place (payload moved into data/), SHA-256 manifests only,
    and check it as a reviewer's ``bagit`` would."""
    bag = bagit.make_bag(str(folder), bag_info=dict(bag_info), checksums=["sha256"])
    try:
        bag.validate()
    except bagit.BagValidationError as error:
        raise DepositError(f"the new bag does not validate: {error}") from None
    return bag


def zip_parts(bag: Path, max_bytes: int) -> list[list[Path]]:
    """The bag's files grouped into zips of at most ``max_bytes`` (uncompressed sizes plus a
    margin for headers, so that no zip can exceed the limit even if compression gains nothing).
    Tag files go in the first zip."""
    overhead = 200
    files = sorted(p for p in bag.rglob("*") if p.is_file())
    files.sort(key=lambda p: p.parent != bag)
    parts: list[list[Path]] = [[]]
    size = 0.0
    for path in files:
        cost = path.stat().st_size * 1.001 + overhead + len(str(path))
        if cost > max_bytes:
            raise DepositError(
                f"{path.relative_to(bag)} is {path.stat().st_size} bytes, more than one zip may "
                f"hold ({max_bytes} bytes, deposit.max_zip_bytes)"
            )
        if size + cost > max_bytes and parts[-1]:
            parts.append([])
            size = 0.0
        parts[-1].append(path)
        size += cost
    return parts


def write_zips(bag: Path, name: str, folder: Path, max_bytes: int, date: str) -> list[Path]:
    """Deterministic zips of the bag (fixed order, time stamp and permissions), each rooted at
    the bag's folder name. One zip if the bag fits, else ``<name>.partN-of-M.zip``."""
    parts = zip_parts(bag, max_bytes)
    year, month, day = (int(x) for x in date.split("-"))
    written = []
    for number, files in enumerate(parts, start=1):
        suffix = "" if len(parts) == 1 else f".part{number}-of-{len(parts)}"
        target = folder / f"{name}{suffix}.zip"
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(
                    f"{name}/{path.relative_to(bag).as_posix()}", (year, month, day, 0, 0, 0)
                )
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        if target.stat().st_size > max_bytes:
            raise DepositError(f"{target.name} came out larger than {max_bytes} bytes")
        written.append(target)
    return written


# ---------------------------------------------------------------------------- the build


@dataclass(frozen=True)
class DepositRequest:
    payload: Payload
    bag_info: dict[str, str]
    bag: Path  # results/deposit/<name>
    zips: Path  # results/deposit/<name>-zip
    date: str
    max_zip_bytes: int
    restricted: RestrictedStrings | None  # None: rebuilt from a deposit, nothing to scan for
    quarantine: Path  # restricted space: a leaking file of the bag goes to <quarantine>/<name>/
    checks: tuple[Callable[[Path], None], ...] = ()  # run on the written payload, before bagging
    exempt_in_snapshot: tuple[str, ...] = ()


def build_bag(request: DepositRequest) -> dict:
    """Write, bag, scan and zip the payload; leave the bag and zips in place, or nothing (and the
    files that leaked in quarantine)."""
    check_quarantine(request.quarantine, [request.bag.parent, request.zips.parent])
    staging = request.bag.with_name(f".{request.bag.name}.staging")
    staging_zips = request.zips.with_name(f".{request.zips.name}.staging")
    for folder in (staging, staging_zips, request.bag, request.zips):
        shutil.rmtree(folder, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        request.payload.write(staging)
        for check in request.checks:
            check(staging)
        make_bag(staging, request.bag_info)
        scanned_bag: dict = {}
        scanned_zips: dict = {}
        restricted = request.restricted
        if restricted is not None:
            leaks, scanned_bag = scan_bag(staging, restricted, request.exempt_in_snapshot)
            _withdraw_on_leak(leaks, staging, request.quarantine / request.bag.name, request.bag)
        staging_zips.mkdir(parents=True)
        zips = write_zips(
            staging, request.bag.name, staging_zips, request.max_zip_bytes, request.date
        )
        if restricted is not None:
            leaks, scanned_zips = scan_bag(staging_zips, restricted, request.exempt_in_snapshot)
            _withdraw_on_leak(
                leaks, staging_zips, request.quarantine / request.zips.name, request.bag
            )
        os.replace(staging, request.bag)
        os.replace(staging_zips, request.zips)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(staging_zips, ignore_errors=True)
        raise
    return {
        "bag": str(request.bag),
        "zips": [str(request.zips / z.name) for z in zips],
        "payload_files": len(request.payload.files),
        "bag_bytes": sum(p.stat().st_size for p in request.bag.rglob("*") if p.is_file()),
        "zip_bytes": [(request.zips / z.name).stat().st_size for z in zips],
        "leak_scan": {"bag": scanned_bag, "zips": scanned_zips},
    }


def _withdraw_on_leak(leaks: list[Leak], folder: Path, quarantine: Path, bag: Path) -> None:
    """On a leak, move the files of ``folder`` that leaked to ``quarantine`` and fail; the caller
    then removes the rest of the bag and its zips."""
    if leaks:
        quarantined = quarantine_files(
            (str(folder / file_of(leak.file)) for leak in leaks), folder, quarantine
        )
        raise LeakError([*leaks, Leak(str(bag), 0, "bag removed")], quarantined)
