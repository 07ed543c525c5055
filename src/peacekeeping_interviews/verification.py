"""``make verify``: a reviewer's check that a deposit is what the article describes and that
it reproduces, trusting nothing the deposit says about itself.

In order, each step before anything runs:

1. **The anchor.** The deposit's data fingerprint (:mod:`deposit_layout`) is recomputed from its
   input files and compared with the one the reviewer read in the published article
   (``EXPECT=``); a mismatch is the first thing reported. Fixity alone proves only that the bag
   agrees with its own manifests, which anyone who re-bags it can regenerate.
2. **Fixity** (``bagit``): a bag that fails it cannot be verified at all.
3. **The code** (:mod:`code_check`): the deposit's source snapshot must be byte-identical to the
   reviewer's own checkout (or a commit they name). Any difference stops the check before
   anything runs; the rerun always runs the reviewer's files, never the deposit's.
4. **The rerun**, isolated (:mod:`sandbox`): every stage after anonymisation, from the deposited
   inputs alone, then the deposit rebuilt from it.
5. **Every file**: each file of the deposited bag, payload and tag files alike, is compared byte
   for byte with its rebuilt twin, or (a deposited input) against the digest the documents were
   rendered from, or listed as not verifiable with the reason. A file only one side has is a
   difference. Tolerances, for tables and JSON results only, are the reviewer's own; those the
   deposit's config declares are reported and applied only if the reviewer passes them.

Everything it writes stays under its scratch folder; ``REPLICATION.md`` there lists every file of
the deposit with how it was checked. Exit status: 0 reproduced, 1 differences, 2 cannot verify.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import platform
import re
import shutil
import sys
import time
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import bagit
import yaml

from peacekeeping_interviews import __version__
from peacekeeping_interviews.code_check import (
    CodeCheck,
    CodeError,
    check_code,
    check_label,
    write_tree,
)
from peacekeeping_interviews.comparison import changed_entries, explain, json_changed_keys
from peacekeeping_interviews.deposit_layout import (
    DEPOSITED_SNAPSHOT,
    EXHIBIT_MAP,
    FINGERPRINT_DIGITS,
    LAYOUT,
    LAYOUT_VERSION,
    LEAK_SCAN_REPORT,
    PAYLOAD,
    PUBLIC_CONFIG,
    RELEASE_DIR,
    RENDER_RECORD,
    bag_input_digests,
    deposited_inputs,
    file_digest,
    fingerprint,
    is_input,
)
from peacekeeping_interviews.exhibits import Exhibit, exhibits_by_file, read_exhibit_map
from peacekeeping_interviews.files import json_text, read_yaml
from peacekeeping_interviews.provenance import SOURCE_LABEL_VARIABLE
from peacekeeping_interviews.public_text import HOW
from peacekeeping_interviews.render_engine import RenderError
from peacekeeping_interviews.rendering import synthetic_flag
from peacekeeping_interviews.sandbox import Isolation, run_isolated
from peacekeeping_interviews.stamp import midnight_epoch
from peacekeeping_interviews.study_config import public_config, public_config_text, schema_problems
from peacekeeping_interviews.tools import CFFCONVERT_VARIABLE, find_cffconvert, missing_tools

MAX_SHOWN = 10
# A deposit's zips hold CSV, PDF, PNG and a compressed snapshot: a hundredfold expansion is a bomb.
MAX_EXPANSION = 100
# Where a run from the deposit writes, in the project: everything else of the code is read-only.
RUN_WRITES = {"data", "results", "logs", ".snakemake"}
# Files whose bytes depend on the renderer (its name and version are in the stamp and records).
RENDERED_FOLDER = f"{PAYLOAD}/results/paper/"
RENDERED = {
    f"{PAYLOAD}/README.md",
    f"{PAYLOAD}/README.pdf",
    f"{PAYLOAD}/ro-crate-metadata.json",
    f"{PAYLOAD}/datapackage.json",
    "manifest-sha256.txt",
    "tagmanifest-sha256.txt",
    "bag-info.txt",
}
WITHIN_TOLERANCES = "within your tolerances"
REPRODUCED, DIFFERS, CHECKED, UNVERIFIABLE, NOT_COMPARABLE = (
    "reproduced",
    "differs",
    "checked",
    "not verifiable",
    "not comparable",
)


class VerificationError(Exception):
    """The deposit cannot be verified at all (not a bag, fixity failed, unknown layout…)."""


@dataclass
class FileResult:
    file: str  # path in the bag
    status: str  # REPRODUCED, DIFFERS, CHECKED, UNVERIFIABLE, NOT_COMPARABLE
    how: str
    differences: list[str] = field(default_factory=list)


@dataclass
class Verification:
    deposit: str
    bag_name: str
    bag_info: dict[str, str]
    fingerprint: str
    expected: str | None
    synthetic: bool
    tolerances: dict[str, dict[str, float]]
    declared_tolerances: dict
    code: CodeCheck | None = None
    label_matches: bool = True
    label_note: str = ""
    isolation: Isolation | None = None
    files: list[FileResult] = field(default_factory=list)
    exhibits: list[Exhibit] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    rerun_failure: str = ""

    @property
    def anchor_matches(self) -> bool:
        return self.expected is None or self.expected == self.fingerprint

    @property
    def status(self) -> int:
        """0 reproduced, 1 differences, 2 cannot verify (some files could not be compared)."""
        if (
            not self.anchor_matches
            or (self.code and self.code.differences)
            or not self.label_matches
            or self.rerun_failure
            or any(f.status == DIFFERS for f in self.files)
        ):
            return 1
        return 2 if any(f.status == NOT_COMPARABLE for f in self.files) else 0

    @property
    def reproduced(self) -> bool:
        return self.status == 0


# ---------------------------------------------------------------------------- opening the bag


MARKER = ".made-by-make-verify"


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
        details = getattr(error, "details", None) or _file_details(checked)
        lines = [_fixity_detail(d) for d in details] or [str(error)]
        raise VerificationError(
            f"{bag}: the bag fails its fixity check:\n" + "\n".join(f"  {d}" for d in lines)
        ) from None
    except bagit.BagError as error:
        raise VerificationError(f"{bag}: not a valid bag: {error}") from None


def _file_details(bag: bagit.Bag) -> list:
    """Which files are at fault when bagit stops at the Payload-Oxum (file count and total
    size), which it checks first and reports without naming a file. These two steps are what
    ``Bag.validate`` runs next; bagit offers them only as private methods."""
    for step in (bag._validate_completeness, lambda: bag._validate_entries(1)):
        try:
            step()
        except bagit.BagValidationError as error:
            return list(getattr(error, "details", []))
    return []


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


def expected_fingerprint(text: str | None) -> str | None:
    """The reviewer's fingerprint, as printed: :data:`FINGERPRINT_DIGITS` hex digits."""
    if text is None or not text.strip():
        return None
    value = re.sub(r"[\s:-]", "", text).lower()
    if not re.fullmatch(rf"[0-9a-f]{{{FINGERPRINT_DIGITS}}}", value):
        raise VerificationError(
            f"EXPECT={text!r}: expected the data fingerprint as the article prints it, "
            f"{FINGERPRINT_DIGITS} hexadecimal digits"
        )
    return value


def read_tolerances(path: Path | None) -> dict[str, dict[str, float]]:
    """The reviewer's tolerances: a YAML file mapping a results file (project path, e.g.
    ``results/saturation/richness.csv``) to columns (CSV) or dotted keys (JSON) and the largest
    absolute difference accepted."""
    if path is None:
        return {}
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise VerificationError(f"{path}: cannot read the tolerances: {error}") from None
    if not isinstance(document, dict):
        raise VerificationError(f"{path}: expected a mapping of results files to tolerances")
    tolerances = {}
    for file, columns in document.items():
        if not isinstance(columns, dict):
            raise VerificationError(f"{path}: {file}: expected a mapping of column to tolerance")
        for column, value in columns.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise VerificationError(
                    f"{path}: {file}, {column}: got {value!r}; expected a number >= 0"
                )
        tolerances[str(file)] = {str(c): float(v) for c, v in columns.items()}
    return tolerances


def declared_tolerances(bag: Path) -> dict:
    """What the deposit's own config declares: reported, never applied on its own."""
    verification = _deposited_config(bag).get("verification")
    tolerances = verification.get("tolerances") if isinstance(verification, dict) else None
    return tolerances if isinstance(tolerances, dict) else {}


def _deposited_config(bag: Path) -> dict:
    path = bag / PAYLOAD / LAYOUT["public"] / "config.yaml"
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise VerificationError(f"{path}: the deposited config cannot be read: {error}") from None
    if not isinstance(config, dict):
        raise VerificationError(f"{path}: the deposited config is not a mapping")
    return config


def data_synthetic(bag: Path) -> bool:
    """The synthetic flag as the data carry it (the release's and the mandates' own flags),
    never as ``bag-info.txt`` says."""
    payload = bag / PAYLOAD
    declared = [
        p.relative_to(payload).as_posix()
        for p in sorted((payload / LAYOUT["release"]).glob("*.csv"))
    ] + ["results/mandates/numbers.json"]
    try:
        return synthetic_flag(payload, [p for p in declared if (payload / p).is_file()])
    except (RenderError, ValueError, OSError) as error:
        raise VerificationError(
            f"{bag}: the data's synthetic flag cannot be read: {error}"
        ) from None


# ---------------------------------------------------------------------------- the rerun


def place_deposited_files(bag: Path, source: Path) -> None:
    """What a run from the deposit reads, where it reads it: the inputs the fingerprint covers,
    the leak-scan report and the source snapshot (to rebuild the bag)."""
    payload = bag / PAYLOAD
    config = _deposited_config(bag)
    check_public_config(bag, config, source / "workflow" / "schemas" / "config.schema.yaml")
    inputs = deposited_inputs(
        release=[
            f"{RELEASE_DIR}/{p.name}" for p in sorted((payload / LAYOUT["release"]).glob("*"))
        ],
        mandates=config["inputs"]["mandates"],
        codebook=config["inputs"]["codebook"],
        config=PUBLIC_CONFIG,
        reports=[
            p.relative_to(payload).as_posix()
            for p in sorted((payload / "results" / "anonymisation").glob("*"))
        ],
    )
    snapshot = next((payload / LAYOUT["code"]).glob("source-*.tar.gz"))
    placed = {**inputs, LEAK_SCAN_REPORT: LEAK_SCAN_REPORT}
    targets = [str((source / path).resolve()) for path in placed.values()]
    clashing = sorted({t for t in targets if targets.count(t) > 1})
    if clashing:
        raise VerificationError(
            f"{bag}: two deposited files would be placed at {', '.join(clashing)}"
        )
    for payload_path, project_path in placed.items():
        target = (source / project_path).resolve()
        if target.exists() or not target.is_relative_to(source.resolve()):
            raise VerificationError(
                f"{bag}: the deposited {payload_path} would be placed over {project_path}, "
                "which is not a place for data"
            )
        _copy(payload / payload_path, target)
    _copy(snapshot, source / DEPOSITED_SNAPSHOT)


def check_public_config(bag: Path, config: dict, schema: Path) -> None:
    """The deposited config must be one the pipeline publishes, byte for byte: valid against
    the reviewer's config schema (no key of its own: Snakemake's YAML templating would run one
    as code), written as :func:`public_config_text` writes it (no tags, anchors or duplicate
    keys), a run from the release with no confidential input or restricted setting. Anything
    else could point the reviewer's pipeline at the reviewer's own files, or run code."""
    where = bag / PAYLOAD / LAYOUT["public"] / "config.yaml"
    problems = schema_problems(config, read_yaml(schema))
    if problems:
        raise VerificationError(
            f"{where}: not a valid config: " + "; ".join(str(p) for p in problems[:5])
        )
    try:
        published = public_config(config)
    except (KeyError, TypeError, AttributeError) as error:
        published = {"missing": str(error)}
    if published == config and public_config_text(config) != where.read_text(encoding="utf-8"):
        raise VerificationError(
            f"{where}: not written as the pipeline writes it (its YAML differs from the same "
            "settings written by the pipeline: tags, anchors, comments or key order)"
        )
    if published != config:
        changed = sorted(
            key for key in {*config, *published} if config.get(key) != published.get(key)
        )
        raise VerificationError(
            f"{bag / PAYLOAD / LAYOUT['public'] / 'config.yaml'}: not a config this pipeline "
            f"publishes (start_from: release, no confidential input or restricted setting); "
            f"it differs in {', '.join(changed)}"
        )


def _copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise VerificationError(f"the deposit lacks {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def source_label(bag: Path) -> str:
    """The commit label the deposited documents print, which the rerun's stamp must repeat: a
    commit of 12 hex digits, ``+dirty`` if uncommitted changes were run."""
    record = bag / PAYLOAD / RENDER_RECORD
    try:
        label = json.loads(record.read_text(encoding="utf-8"))["stamp"]["commit"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise VerificationError(f"{record}: the render record cannot be read: {error}") from None
    if not isinstance(label, str) or not re.fullmatch(r"[0-9a-f]{12}(\+dirty)?", label):
        raise VerificationError(
            f"{record}: stamp.commit is {label!r}; expected 12 hex digits, optionally +dirty"
        )
    return label


def rerun(
    source: Path,
    checkout: Path,
    work: Path,
    date: str,
    label: str,
    cores: int,
    isolation: Isolation | None,
    code_folders: set[str],
) -> tuple[str, Isolation]:
    """Every stage after anonymisation and the rebuilt deposit, isolated; an empty string, or
    why it failed. ``code_folders`` (the top-level entries of the reviewer's code, but where a
    run writes) stay read-only, so that nothing in the run can change the checked code."""
    keep = {
        "SOURCE_DATE_EPOCH": str(midnight_epoch(datetime.date.fromisoformat(date))),
        "PYTHONHASHSEED": "0",
        "PYTHONPATH": str(source / "src"),
        SOURCE_LABEL_VARIABLE: label,
        "XDG_CACHE_HOME": str(work / "cache"),
        "MPLCONFIGDIR": str(work / "cache" / "matplotlib"),
    }
    missing = missing_tools(os.environ, checkout)
    if missing:
        raise VerificationError("the rerun rebuilds the deposit and needs: " + "; ".join(missing))
    cffconvert = Path(str(find_cffconvert(os.environ, checkout))).resolve()
    keep[CFFCONVERT_VARIABLE] = str(cffconvert)
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--profile",
        "workflow/profiles/default",
        "--cores",
        str(cores),
        "--configfile",
        PUBLIC_CONFIG,
    ]
    log = work / "rerun.log"
    code = [source / top for top in sorted(code_folders) if (source / top).exists()]
    status, used = run_isolated(
        command, source, work, keep, log, isolation, read_only=[*code, cffconvert.parents[1]]
    )
    if status != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        return (
            f"the rerun failed (exit {status}); last lines of {log.name}:\n" + "\n".join(tail),
            used,
        )
    return "", used


# ---------------------------------------------------------------------------- every file


def bag_files(bag: Path) -> set[str]:
    return {p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file()}


def rebuilt_bag(source: Path) -> Path:
    bags = sorted(p.parent for p in (source / "results" / "deposit").glob("*/bagit.txt"))
    if len(bags) != 1:
        raise VerificationError(f"the rerun rebuilt {len(bags)} deposits; expected one")
    return bags[0]


def compare_bags(
    bag: Path,
    rebuilt: Path,
    rendered_from: Mapping[str, str],
    tolerances: Mapping[str, Mapping[str, float]],
    synthetic: bool,
    snapshot_check: str,
) -> list[FileResult]:
    """Every file of either bag, with how it was checked and what differs."""
    engines = [_engine(bag), _engine(rebuilt)]
    if not _documents_name(bag, engines[0]):
        engines[0] = engines[1]  # a renderer the documents do not print cannot excuse them
    results = []
    for path in sorted(bag_files(bag) | bag_files(rebuilt)):
        payload_path = path.removeprefix(f"{PAYLOAD}/")
        old, new = bag / path, rebuilt / path
        if not new.is_file() or new.is_symlink():
            found = ["in the deposit, but the rebuilt deposit has no such file"]
            results.append(FileResult(path, DIFFERS, "none", found))
        elif not old.is_file():
            results.append(FileResult(path, DIFFERS, "none", ["missing from the deposit"]))
        elif path == f"{PAYLOAD}/{LEAK_SCAN_REPORT}":
            results.append(check_leak_scan_report(path, old, synthetic))
        elif path.startswith(PAYLOAD + "/") and is_input(payload_path):
            results.append(_check_input(path, payload_path, bag, rendered_from))
        elif payload_path.startswith(f"{LAYOUT['code']}/source-"):
            results.append(FileResult(path, CHECKED, snapshot_check))
        elif old.read_bytes() == new.read_bytes():
            results.append(FileResult(path, REPRODUCED, "rebuilt byte for byte"))
        else:
            results.append(_compared(path, old, new, tolerances.get(payload_path), engines))
    return accept_records_of_tolerated(results, bag, rebuilt)


def _compared(
    path: str,
    old: Path,
    new: Path,
    tolerance: Mapping[str, float] | None,
    engines: list[str],
) -> FileResult:
    """A rebuilt file whose bytes differ from the deposited one's: within the reviewer's
    tolerance, not comparable (made by another renderer than the deposit's), or different."""
    found = explain(old, new, tolerance or {})
    if tolerance is not None and not found:
        return FileResult(path, REPRODUCED, f"{WITHIN_TOLERANCES} {dict(tolerance)}")
    found = found or ["the bytes differ, though the values read from them are the same"]
    if engines[0] != engines[1] and (path in RENDERED or path.startswith(RENDERED_FOLDER)):
        how = (
            f"rendered by {engines[0]} in the deposit and by {engines[1]} here; verify with "
            "the deposit's renderer to compare"
        )
        return FileResult(path, NOT_COMPARABLE, how, found)
    return FileResult(path, DIFFERS, "rebuilt and compared", found)


LEAK_SCAN_KEYS = {
    "version",
    "synthetic",
    "leaks",
    "public_directories",
    "scanned_by_format",
    "not_scannable",
    "allow_list_file_entries",
    "restricted_strings",
}
RESTRICTED_COUNTS = {"raw_ids", "notes", "unscrubbed_excerpts", "non_named_with_date_or_city"}


def check_leak_scan_report(name: str, path: Path, synthetic: bool) -> FileResult:
    """The leak-scan report cannot be rerun, but it can only say what this code writes: no
    leak, counts, and the reading methods of :data:`public_text.HOW`, in canonical JSON. Any
    other content (a claim, a name, markup) is a difference."""
    how = (
        "not verifiable: the leak scan reads the confidential inputs; its form is checked "
        "(no leak, counts only, as this code writes it), its counts are the authors'"
    )
    try:
        text = path.read_text(encoding="utf-8")
        report = json.loads(text)
        problems = leak_scan_report_problems(report, synthetic)
        if not problems and json_text(report) != text:
            problems = ["not written as this code writes it (canonical JSON)"]
    except (OSError, ValueError) as error:
        problems = [f"cannot be read: {error}"]
    return FileResult(name, DIFFERS if problems else UNVERIFIABLE, how, problems)


def leak_scan_report_problems(report: object, synthetic: bool) -> list[str]:
    def count(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    if not isinstance(report, dict) or set(report) != LEAK_SCAN_KEYS:
        return [f"expected exactly the keys {sorted(LEAK_SCAN_KEYS)}"]
    problems = []
    if report["leaks"] != 0:
        problems.append(f"leaks is {report['leaks']!r}; a deposit is made only with no leak")
    if report["synthetic"] is not synthetic:
        problems.append(f"synthetic is {report['synthetic']!r}; the data say {synthetic}")
    if report["version"] != __version__:
        problems.append(f"version is {report['version']!r}, not {__version__}")
    if report["not_scannable"] != []:
        problems.append("not_scannable must be empty: an unreadable file fails the scan")
    directories = report["public_directories"]
    if not isinstance(directories, list) or not all(isinstance(d, str) for d in directories):
        problems.append("public_directories must be a list of folders")
    counts = report["restricted_strings"]
    if not isinstance(counts, dict) or set(counts) != RESTRICTED_COUNTS:
        problems.append(f"restricted_strings must count exactly {sorted(RESTRICTED_COUNTS)}")
    elif not all(count(v) for v in counts.values()):
        problems.append("restricted_strings must be counts")
    formats = report["scanned_by_format"]
    if not isinstance(formats, dict) or any(
        f not in HOW
        or not isinstance(entry, dict)
        or set(entry) != {"files", "archive_members", "how"}
        or entry["how"] != HOW[f]
        or not (count(entry["files"]) and count(entry["archive_members"]))
        for f, entry in formats.items()
    ):
        problems.append("scanned_by_format must hold this code's formats, counts and methods")
    entries = report["allow_list_file_entries"]
    if not isinstance(entries, list) or any(
        not isinstance(e, dict)
        or set(e) != {"entry", "let_through"}
        or not (count(e["entry"]) and count(e["let_through"]))
        for e in entries
    ):
        problems.append("allow_list_file_entries must be (entry, let_through) counts")
    return problems


def accept_records_of_tolerated(
    results: list[FileResult], bag: Path, rebuilt: Path
) -> list[FileResult]:
    """A file accepted within the reviewer's tolerances changes the files that record its
    checksum or size: ``render.json``'s input digests, the manifest, ``bag-info.txt``'s
    Payload-Oxum, the tag manifest. Where those records differ in exactly these entries and
    nothing else, they are accepted too (in this order, since each records the ones before)."""
    by_path = {r.file: r for r in results}
    accepted = {r.file for r in results if r.how.startswith(WITHIN_TOLERANCES)}
    if not accepted:
        return results
    records = {
        f"{PAYLOAD}/{RENDER_RECORD}": lambda a, b: {
            f"{PAYLOAD}/{k.removeprefix('inputs.')}" if k.startswith("inputs.") else k
            for k in json_changed_keys(a, b)
        },
        "manifest-sha256.txt": changed_entries,
        "bag-info.txt": lambda a, b: {
            "a tolerated file's size" if k == "Payload-Oxum" else k for k in changed_entries(a, b)
        },
        "tagmanifest-sha256.txt": changed_entries,
    }
    allowed = set(accepted) | {"a tolerated file's size"}
    for path, changed in records.items():
        item = by_path.get(path)
        if item is None or item.status != DIFFERS:
            continue
        try:
            entries = changed(bag / path, rebuilt / path)
        except (OSError, ValueError):
            continue
        if entries <= allowed:
            item.status, item.how, item.differences = (
                REPRODUCED,
                "differs only where it records the files accepted within your tolerances",
                [],
            )
            allowed.add(path)
    return results


def _documents_name(bag: Path, engine: str) -> bool:
    """Whether the deposited documents' stamps print the renderer ``render.json`` names."""
    pages = sorted((bag / PAYLOAD / "results" / "paper").glob("*.html"))
    return bool(pages) and all(
        engine in html.unescape(page.read_text(encoding="utf-8", errors="replace"))
        for page in pages
    )


def _engine(bag: Path) -> str:
    try:
        return json.loads((bag / PAYLOAD / RENDER_RECORD).read_text(encoding="utf-8"))[
            "engine_label"
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return "an unknown renderer"


def _check_input(
    path: str, payload_path: str, bag: Path, rendered_from: Mapping[str, str]
) -> FileResult:
    """A deposited input: the fingerprint covers it, and it must be the file the documents
    were rendered from (their ``render.json`` records each input's SHA-256)."""
    digest = file_digest(bag / path)
    how = "deposited input: covered by the data fingerprint, and the documents' record of it"
    if payload_path not in rendered_from:
        return FileResult(path, DIFFERS, how, ["the documents were not rendered from this file"])
    if rendered_from[payload_path] != digest:
        return FileResult(
            path,
            DIFFERS,
            how,
            [
                f"changed after the documents were rendered from it: SHA-256 {digest}, the "
                f"documents' record says {rendered_from[payload_path]}"
            ],
        )
    return FileResult(path, CHECKED, how)


def rendered_inputs(bag: Path) -> dict[str, str]:
    """The deposited inputs the documents say they were rendered from, with their SHA-256."""
    try:
        record = json.loads((bag / PAYLOAD / RENDER_RECORD).read_text(encoding="utf-8"))
        return {p: d for p, d in record["inputs"].items() if is_input(p)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def exhibits_in(rerun: Path, bag: Path) -> list[Exhibit]:
    """The exhibits, to name them in the report: from the exhibit map the rerun wrote with the
    reviewer's code, or, when the rerun did not get that far, the deposited one (the deposit's
    word, used for names only); none if neither can be read."""
    for path in (rerun / EXHIBIT_MAP, bag / PAYLOAD / EXHIBIT_MAP):
        try:
            return read_exhibit_map(path)
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return []


# ---------------------------------------------------------------------------- the whole check


def verify_deposit(
    deposit: Path,
    scratch: Path,
    checkout: Path = Path(),
    commit: str | None = None,
    expect: str | None = None,
    tolerances: Mapping[str, Mapping[str, float]] | None = None,
    cores: int = 2,
    isolation: Isolation | None = None,
) -> Verification:
    """Check one deposit; write ``REPLICATION.md`` in the scratch folder and return the result.

    Raises :class:`VerificationError` for input that cannot be verified at all; the scratch
    folder then holds nothing but what was unpacked.
    """
    started = time.perf_counter()
    expected = expected_fingerprint(expect)
    work = scratch_folder(deposit, scratch)
    bag = open_deposit(deposit, work)
    info = check_layout(bag)
    result = Verification(
        deposit=str(deposit),
        bag_name=info.get("Internal-Sender-Identifier", bag.name),
        bag_info=info,
        fingerprint=fingerprint(bag_input_digests(bag)),
        expected=expected,
        synthetic=False,
        tolerances={k: dict(v) for k, v in (tolerances or {}).items()},
        declared_tolerances={},
    )
    check_fixity(bag)
    result.synthetic = data_synthetic(bag)
    result.declared_tolerances = declared_tolerances(bag)
    result.timings["fixity"] = time.perf_counter() - started
    report = work / "REPLICATION.md"

    step = time.perf_counter()
    try:
        result.code, trusted = check_code(bag, checkout, commit)
    except CodeError as error:
        raise VerificationError(str(error)) from None
    result.timings["code check"] = time.perf_counter() - step
    if result.code.differences:
        report.write_text(replication_report(result), encoding="utf-8")
        return result

    label = source_label(bag)
    result.label_matches, result.label_note = check_label(bag, checkout, label)
    step = time.perf_counter()
    run_folder = work / "rerun"
    source = run_folder / "source"
    write_tree(trusted, source)
    place_deposited_files(bag, source)
    result.environment = {"python": platform.python_version(), "platform": platform.platform()}
    code_folders = {path.split("/", 1)[0] for path in trusted} - RUN_WRITES
    result.rerun_failure, result.isolation = rerun(
        source, checkout, run_folder, info["Bagging-Date"], label, cores, isolation, code_folders
    )
    result.timings["rerun"] = time.perf_counter() - step

    step = time.perf_counter()
    result.exhibits = exhibits_in(source, bag)
    if not result.rerun_failure:
        rebuilt = rebuilt_bag(source)
        result.files = compare_bags(
            bag,
            rebuilt,
            rendered_inputs(bag),
            result.tolerances,
            result.synthetic,
            f"unpacked and compared with {result.code.trusted}: {result.code.files} files, "
            "the same bytes",
        )
        result.environment["renderer"] = _engine(rebuilt)
    result.timings["compare"] = time.perf_counter() - step
    result.timings["total"] = time.perf_counter() - started
    report.write_text(replication_report(result), encoding="utf-8")
    return result


# ---------------------------------------------------------------------------- the report


def verdict(result: Verification) -> str:
    """One line: the outcome, and what it does not cover."""
    if result.status == 1:
        return "DIFFERENCES FOUND (see below)"
    if result.status == 2:
        return "NOT VERIFIED: some files could not be compared here (see below)"
    unverifiable = [f.file for f in result.files if f.status == UNVERIFIABLE]
    caveats = [f"{', '.join(unverifiable)} cannot be rerun (form checked)"] if unverifiable else []
    caveats.append(f"the bagging date {result.bag_info.get('Bagging-Date')} is the deposit's word")
    if result.expected is None:
        caveats.append("the data fingerprint was NOT checked against the article (pass EXPECT=)")
    return "reproduced: every other file of the deposit is accounted for and matches; " + "; ".join(
        caveats
    )


def replication_report(result: Verification) -> str:
    lines = [f"# Replication report: {result.bag_name}", ""]
    if result.synthetic:
        lines += ["> **The deposit holds SYNTHETIC EXAMPLE DATA, not the study's interviews.**", ""]
    lines += [
        f"- Deposit: `{result.deposit}`",
        f"- Pipeline version {result.bag_info.get('Pipeline-Version', '?')}",
        f"- Outcome: **{verdict(result)}**",
        "",
        "## The anchor: data fingerprint",
        "",
        *anchor_lines(result),
        "",
        "## Fixity",
        "",
        "- Every payload file present, none extra, every SHA-256 as in the bag's own manifests"
        " (which whoever re-bags a deposit can regenerate: the anchor and the rebuild below are"
        " what a tamper cannot pass)",
        f"- Synthetic data, as the data's own flags say: {'yes' if result.synthetic else 'no'}",
        "",
        "## The code",
        "",
        *code_lines(result.code),
        *label_lines(result),
        "",
        "## Tolerances",
        "",
        *tolerance_lines(result),
        "",
        "## Isolation of the rerun",
        "",
        f"- {result.isolation.describe() if result.isolation else 'nothing was run'}",
        "",
        "## Environment",
        "",
        *[f"- {key}: {value}" for key, value in result.environment.items()],
        "",
        "## Run time",
        "",
        *[f"- {step}: {seconds:.1f} s" for step, seconds in result.timings.items()],
        "",
    ]
    if result.rerun_failure:
        lines += ["## The rerun failed", "", "```", result.rerun_failure, "```", ""]
    if result.files:
        lines += exhibit_lines(result) + file_lines(result)
    differences = difference_lines(result)
    if differences:
        lines += ["## Differences", "", *[f"- {cell(d)}" for d in differences], ""]
    return "\n".join(lines).rstrip() + "\n"


def anchor_lines(result: Verification) -> list[str]:
    lines = [f"- Recomputed from the deposited inputs: `{result.fingerprint}`"]
    if result.expected is None:
        return [
            *lines,
            "- Not checked against the article: pass the fingerprint it prints "
            "(`make verify DEPOSIT=… EXPECT=…`)",
        ]
    if result.anchor_matches:
        return [*lines, f"- The article prints `{result.expected}`: **the same**"]
    return [
        *lines,
        f"- The article prints `{result.expected}`: **MISMATCH**: this is not the deposit the "
        "article was made from, whatever else matches",
    ]


def code_lines(code: CodeCheck | None) -> list[str]:
    if code is None:
        return ["- not checked"]
    lines = [
        f"- The deposited snapshot `{code.snapshot}` ({code.files} files) was compared with "
        f"{code.trusted}",
        *[f"- Left out of every snapshot by design: `{p}`" for p in code.left_out],
    ]
    if code.differences:
        return [
            *lines,
            f"- **{len(code.differences)} files differ: nothing was run.** Check the differences;"
            " verify against a commit you trust with `COMMIT=`",
            *[f"  - {d}" for d in code.differences],
        ]
    return [*lines, "- The same bytes, file by file: the rerun ran your code"]


def label_lines(result: Verification) -> list[str]:
    if not result.label_note:
        return []
    mark = "" if result.label_matches else "**DIFFERS**: "
    return [f"- The commit the documents print: {mark}{result.label_note}"]


def tolerance_lines(result: Verification) -> list[str]:
    files = {f.file for f in result.files}
    applied = [
        f"- Applied (yours): `{f}`: {c}"
        + ("" if not files or f"{PAYLOAD}/{f}" in files else " (**no such file in the deposit**)")
        for f, c in sorted(result.tolerances.items())
    ]
    declared = [
        f"- Declared by the deposit, not applied: `{f}`: {c}"
        for f, c in sorted(result.declared_tolerances.items())
    ]
    return (applied or ["- Applied: none; every file had to match byte for byte"]) + declared


def exhibit_lines(result: Verification) -> list[str]:
    by_file = {f.file.removeprefix(f"{PAYLOAD}/"): f for f in result.files}
    lines = ["## Exhibits", "", "| Document | Exhibit | Files | Result |", "|---|---|---|---|"]
    for exhibit in result.exhibits:
        statuses = {by_file[f].status for f in exhibit.results if f in by_file}
        outcome = next(
            (s for s in (DIFFERS, NOT_COMPARABLE, UNVERIFIABLE, CHECKED) if s in statuses),
            REPRODUCED,
        )
        files = ", ".join(f"`{f}`" for f in exhibit.results)
        lines.append(
            f"| {exhibit.document} | {exhibit.name} (`{exhibit.label}`) | {files} | "
            f"{'**' + outcome + '**' if outcome == DIFFERS else outcome} |"
        )
    return [*lines, ""]


def file_lines(result: Verification) -> list[str]:
    shown_in = exhibits_by_file(result.exhibits)
    lines = ["## Every file of the deposit", "", "| File | Result | How |", "|---|---|---|"]
    for item in result.files:
        names = "; ".join(e.title for e in shown_in.get(item.file.removeprefix(f"{PAYLOAD}/"), []))
        how = "; ".join(filter(None, [item.how, f"shown in {names}" if names else ""]))
        status = f"**{item.status}**" if item.status == DIFFERS else item.status
        lines.append(f"| `{cell(item.file)}` | {status} | {cell(how)} |")
    return [*lines, ""]


def difference_lines(result: Verification) -> list[str]:
    """One line per difference, the anchor first, then the code, then each file."""
    shown_in = exhibits_by_file(result.exhibits)
    lines = []
    if not result.anchor_matches:
        lines.append(
            f"data fingerprint: the deposit's is {result.fingerprint}, the article prints "
            f"{result.expected}"
        )
    if result.code:
        lines += [f"code: {d}" for d in result.code.differences]
    if not result.label_matches:
        lines.append(f"commit label: {result.label_note}")
    if result.rerun_failure:
        lines.append(result.rerun_failure)
    for item in result.files:
        names = "; ".join(e.title for e in shown_in.get(item.file.removeprefix(f"{PAYLOAD}/"), []))
        where = f"{item.file} ({names})" if names else item.file
        lines += [f"{where}: {d}" for d in item.differences]
        if item.status == NOT_COMPARABLE:
            lines.append(f"{where}: not comparable: {item.how}")
    return lines


def differences_summary(result: Verification, limit: int = MAX_SHOWN) -> list[str]:
    """The differences for the terminal, the anchor first, with any character a terminal would
    act on (escape sequences in a file name, say) shown escaped."""
    lines = [printable(part) for line in difference_lines(result) for part in line.splitlines()]
    return lines[:limit] + ([f"… and {len(lines) - limit} more"] if len(lines) > limit else [])


def printable(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def cell(text: str) -> str:
    """Text for a Markdown table cell: no line break, pipe or backtick of a file's name can
    break the table or write lines of its own into the report."""
    return printable(text).replace("|", "\\|").replace("`", "'")
