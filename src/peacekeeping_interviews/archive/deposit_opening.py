"""Opening a deposit for ``make verify``: a bag folder or its zip parts unpacked into a
scratch folder (links, duplicate members and zip bombs refused), its layout checked, and its
fixity, naming each file that changed, went missing or appeared after bagging."""

from __future__ import annotations

import datetime
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import bagit

from peacekeeping_interviews.archive.bagit_adapter import payload_faults
from peacekeeping_interviews.archive.verification_result import VerificationError
from peacekeeping_interviews.deposit_layout import LAYOUT_VERSION

# A deposit's zips hold CSV, PDF, PNG and a compressed snapshot: a hundredfold expansion is a bomb.
MAX_EXPANSION = 100


def scratch_folder(deposit: Path, scratch: Path) -> Path:
    """A fresh ``scratch/<deposit name>``. Only a folder this verifier made (it holds
    :data:`MARKER`) is ever deleted, and never one holding the deposit itself."""
    work = (scratch / deposit.resolve().name.removesuffix(".zip")).resolve()
    target = deposit.resolve()
    if target == work or work in target.parents:
        raise VerificationError(
            f"--scratch {scratch}: the deposit {deposit} lies inside {work}; choose another folder"
        )
    if target in work.parents:
        raise VerificationError(
            f"--scratch {scratch}: it lies inside the deposit {deposit}; choose another folder"
        )
    if work.exists():
        if not (work / MARKER).is_file():
            raise VerificationError(
                f"{work} exists and was not made by make verify; choose another --scratch"
            )
        shutil.rmtree(work)
    work.mkdir(parents=True)
    (work / MARKER).write_text("made by make verify; deleted and remade on the next run\n")
    return work


def open_deposit(deposit: Path, scratch: Path) -> Path:
    """The bag's folder: ``deposit`` itself, or the zip(s) unpacked into ``scratch``."""
    if not deposit.exists():
        raise VerificationError(f"{deposit}: no such file or folder")
    if deposit.is_dir():
        bag = deposit
    elif zipfile.is_zipfile(deposit):
        bag = _unpack_zips(_zip_parts(deposit), scratch / "bag")
    else:
        raise VerificationError(
            f"{deposit}: not a deposit (expected a BagIt bag folder or a zip of one)"
        )
    if not (bag / "bagit.txt").is_file():
        raise VerificationError(f"{deposit}: not a BagIt bag (no bagit.txt at its top level)")
    refuse_links(bag)
    return bag


def refuse_links(bag: Path) -> None:
    """Only regular files and folders: a symbolic link (which bagit and a folder walk would not
    follow, or would follow out of the bag) or a device cannot be accounted for."""
    for path in sorted(bag.rglob("*")):
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            raise VerificationError(
                f"{path}: not a regular file or folder (a link or special file); a deposit "
                "holds only files"
            )


def _zip_parts(first: Path) -> list[Path]:
    """A split deposit's zips are ``<name>.partN-of-M.zip``; any one of them finds the rest."""
    stem = first.name.removesuffix(".zip")
    if ".part" not in stem:
        return [first]
    base, _, numbering = stem.rpartition(".part")
    total = numbering.partition("-of-")[2]
    if not total.isdigit():
        return [first]
    parts = [first.with_name(f"{base}.part{n}-of-{total}.zip") for n in range(1, int(total) + 1)]
    missing = [p.name for p in parts if not p.is_file()]
    if missing:
        raise VerificationError(f"{first}: the split deposit lacks {', '.join(missing)}")
    return parts


def _unpack_zips(parts: list[Path], target: Path) -> Path:
    """Every part into ``target``, after checking all their names: no path out of the folder,
    and no name twice, in one part or across parts, even differing only in case or Unicode
    normalisation (one unpacking tool would show one copy, another the other); and no more
    bytes unpacked than the disk holds or :data:`MAX_EXPANSION` times the zips' size."""
    target.mkdir(parents=True)
    seen: dict[str, Path] = {}
    unpacked = 0
    try:
        for part in parts:
            with zipfile.ZipFile(part) as archive:
                for info in archive.infolist():
                    name = info.filename
                    if name.startswith("/") or ".." in Path(name).parts:
                        raise VerificationError(f"{part}: unsafe path {name!r} in the zip")
                    key = unicodedata.normalize("NFC", name).casefold()
                    if key in seen and not name.endswith("/"):
                        raise VerificationError(
                            f"{part}: {name!r} is in the deposit's zips twice (also in "
                            f"{seen[key].name})"
                        )
                    seen[key] = part
                    unpacked += info.file_size
        packed = sum(part.stat().st_size for part in parts)
        if unpacked > min(MAX_EXPANSION * packed, shutil.disk_usage(target).free):
            raise VerificationError(
                f"{parts[0]}: the zips would unpack to {unpacked} bytes from {packed}; refused "
                "(more than the disk holds, or a zip bomb)"
            )
        for part in parts:
            with zipfile.ZipFile(part) as archive:
                archive.extractall(target)
    except (zipfile.BadZipFile, OSError) as error:
        raise VerificationError(f"{part}: the zip cannot be read: {error}") from None
    tops = list(target.iterdir())
    return tops[0] if len(tops) == 1 and tops[0].is_dir() else target


def check_layout(bag: Path) -> dict[str, str]:
    """bag-info.txt, after checking this verifier knows the deposit's layout."""
    info = bagit.Bag(str(bag)).info if (bag / "bag-info.txt").is_file() else {}
    layout = str(info.get("Deposit-Layout-Version", ""))
    if not layout:
        raise VerificationError(
            f"{bag}: bag-info.txt has no Deposit-Layout-Version; this is not a deposit made by "
            "this pipeline"
        )
    if layout != str(LAYOUT_VERSION):
        raise VerificationError(
            f"{bag}: deposit layout {layout!r} (pipeline version "
            f"{info.get('Pipeline-Version', 'unknown')}); this verifier reads layout "
            f"{LAYOUT_VERSION} only. Verify it with a checkout of the version that made it"
        )
    if not _is_date(str(info.get("Bagging-Date", ""))):
        raise VerificationError(
            f"{bag}: bag-info.txt needs Bagging-Date as YYYY-MM-DD (the documents' date), "
            f"found {info.get('Bagging-Date')!r}"
        )
    return {k: str(v) for k, v in info.items()}


def _is_date(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and bool(
            datetime.date.fromisoformat(text)
        )
    except ValueError:
        return False


def check_fixity(bag: Path) -> None:
    """Every payload file present, none extra, every SHA-256 as the manifest says."""
    try:
        checked = bagit.Bag(str(bag))
        checked.validate()
    except bagit.BagValidationError as error:
        details = getattr(error, "details", None) or payload_faults(checked)
        lines = [_fixity_detail(d) for d in details] or [str(error)]
        raise VerificationError(
            f"{bag}: the bag fails its fixity check:\n" + "\n".join(f"  {d}" for d in lines)
        ) from None
    except bagit.BagError as error:
        raise VerificationError(f"{bag}: not a valid bag: {error}") from None


def _fixity_detail(detail: object) -> str:
    if isinstance(detail, bagit.ChecksumMismatch):
        return (
            f"{detail.path}: {detail.algorithm} is {detail.found}, the manifest says "
            f"{detail.expected} (the file was changed after bagging)"
        )
    if isinstance(detail, bagit.FileMissing):
        return f"{detail.path}: listed in the manifest but missing from the bag"
    if isinstance(detail, bagit.UnexpectedFile):
        return f"{detail.path}: in the bag but not in the manifest (an extra payload file)"
    return str(detail)


# ---------------------------------------------------------------------------- anchor and tolerances


MARKER = ".made-by-make-verify"
