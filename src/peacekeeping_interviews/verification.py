"""``make verify``: a reviewer's check that a deposit reproduces, from the deposit alone.

The verifier checks the bag's fixity (``bagit``), unpacks the source snapshot it holds, places the
deposited release and public inputs where the workflow expects them, reruns every stage after
anonymisation (``start_from: release``) and compares what it made with what was deposited: tables
cell by cell (exactly, unless the deposit's config declares a tolerance for that file and
column), figures by bytes or else by pixels, JSON results value by value, and every in-text number
of the rendered paper and appendix. Each difference is reported under the exhibit that shows the
file (:mod:`peacekeeping_interviews.exhibits`). Everything it writes stays under its scratch
folder; ``REPLICATION.md`` there says what reproduced.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

import bagit
import yaml

from peacekeeping_interviews.bagging import LAYOUT, LAYOUT_VERSION
from peacekeeping_interviews.exhibits import Exhibit, exhibits_by_file, exhibits_of
from peacekeeping_interviews.rendering import midnight_epoch

# Deposited files the rerun does not remake: inputs placed from the deposit, the restricted
# tier's leak-scan report, and the render record (its stamp names the machine's checkout).
NOT_RERUN = {
    "results/anonymisation/report.md": "deposited input of the rerun (anonymisation report)",
    "results/anonymisation/report.json": "deposited input of the rerun (anonymisation summary)",
    "results/leak_scan/report.json": "restricted tier: needs the confidential inputs",
    "results/paper/render.json": "render record; its stamp names the checkout that rendered it",
}
MAX_SHOWN = 10


class VerificationError(Exception):
    """The deposit cannot be verified at all (not a bag, fixity failed, unknown layout…)."""


@dataclass(frozen=True)
class Difference:
    file: str
    detail: str


@dataclass
class FileResult:
    file: str
    status: str  # reproduced, differs, not rerun
    note: str = ""
    differences: list[Difference] = field(default_factory=list)


@dataclass
class Verification:
    deposit: str
    bag_name: str
    bag_info: dict[str, str]
    files: list[FileResult] = field(default_factory=list)
    in_text: dict[str, tuple[int, list[Difference]]] = field(default_factory=dict)
    exhibits: list[Exhibit] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    tolerances: dict[str, dict[str, float]] = field(default_factory=dict)
    rerun_failure: str = ""

    @property
    def reproduced(self) -> bool:
        return (
            not self.rerun_failure
            and all(f.status != "differs" for f in self.files)
            and all(not d for _, d in self.in_text.values())
        )


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
    return bag


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
    target.mkdir(parents=True)
    for part in parts:
        try:
            with zipfile.ZipFile(part) as archive:
                for name in archive.namelist():
                    if name.startswith("/") or ".." in Path(name).parts:
                        raise VerificationError(f"{part}: unsafe path {name!r} in the zip")
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
    if not layout.isdigit() or int(layout) > LAYOUT_VERSION:
        raise VerificationError(
            f"{bag}: deposit layout {layout!r} (pipeline version "
            f"{info.get('Pipeline-Version', 'unknown')}) is newer than this verifier reads "
            f"(layout {LAYOUT_VERSION}); verify it with that version's code, from the snapshot "
            f"in its {LAYOUT['code']}/ folder"
        )
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(info.get("Bagging-Date", ""))):
        raise VerificationError(
            f"{bag}: bag-info.txt needs Bagging-Date as YYYY-MM-DD (the documents' date), "
            f"found {info.get('Bagging-Date')!r}"
        )
    return {k: str(v) for k, v in info.items()}


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


# ---------------------------------------------------------------------------- the rerun


def unpack_snapshot(bag: Path, target: Path) -> Path:
    archives = sorted((bag / "data" / LAYOUT["code"]).glob("source-*.tar.gz"))
    if len(archives) != 1:
        raise VerificationError(
            f"{bag}: expected one source snapshot in data/{LAYOUT['code']}/, found {len(archives)}"
        )
    with tarfile.open(archives[0], mode="r:gz") as tar:
        tar.extractall(target, filter="data")
    tops = [p for p in target.iterdir() if p.is_dir()]
    if len(tops) != 1:
        raise VerificationError(f"{archives[0].name}: expected one top folder in the snapshot")
    return tops[0]


def place_deposited_inputs(bag: Path, source: Path) -> None:
    """The release and public inputs where a ``start_from: release`` run reads them."""
    payload = bag / "data"
    for csv_file in sorted((payload / LAYOUT["release"]).glob("*.csv")):
        _copy(csv_file, source / "data" / "anonymised" / csv_file.name)
    for path in NOT_RERUN:
        if path.startswith("results/anonymisation/"):
            _copy(payload / path, source / path)
    for name in ("mandates.csv", "codebook.yaml", "config.yaml"):
        _copy(payload / LAYOUT["public"] / name, source / LAYOUT["public"] / name)


def _copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise VerificationError(f"the deposit lacks {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def locked_versions(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not line.startswith("#"):
            pins[name] = version
    return pins


def environment_mismatches(source: Path) -> list[str]:
    """Where the running interpreter differs from the snapshot's lock file and version."""
    mismatches = []
    for name, version in sorted(locked_versions(source / "requirements.lock").items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != version:
            mismatches.append(f"{name} {installed} (snapshot: {version})")
    wanted = _project_version(source)
    installed = metadata.version("peacekeeping-interviews")
    if installed != wanted:
        mismatches.append(f"peacekeeping-interviews {installed} (snapshot: {wanted})")
    return mismatches


def _project_version(source: Path) -> str:
    import tomllib

    return tomllib.loads((source / "pyproject.toml").read_text())["project"]["version"]


def prepare_environment(source: Path, scratch: Path) -> tuple[str, str]:
    """The Python to rerun with, and how it was chosen: this interpreter when it matches the
    snapshot's lock file exactly, else a new virtual environment from that lock (needs PyPI)."""
    mismatches = environment_mismatches(source)
    if not mismatches:
        return sys.executable, "this interpreter: every pin of the snapshot's requirements.lock"
    venv = scratch / "venv"
    python = venv / "bin" / "python"
    environ = {**os.environ, **caches_under(scratch)}
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=environ)
        for arguments in (
            ["-r", str(source / "requirements.lock")],
            ["--no-build-isolation", "-e", str(source)],
        ):
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--no-deps", *arguments],
                check=True,
                env=environ,
            )
    except subprocess.CalledProcessError as error:
        raise VerificationError(
            f"cannot build the snapshot's environment in {venv}: {error}"
        ) from None
    return str(python), (
        "a new virtual environment from the snapshot's requirements.lock, because this "
        f"interpreter differs: {'; '.join(mismatches[:5])}"
    )


def caches_under(work: Path) -> dict[str, str]:
    """Environment variables that keep the tools' caches (Snakemake, matplotlib, pip) inside the
    scratch folder. Temporary files stay in the system's folder, where they are removed on exit:
    the kernel's socket path must stay short (a Unix socket's path is at most 107 bytes)."""
    folders = {
        "XDG_CACHE_HOME": work / "cache",
        "MPLCONFIGDIR": work / "cache" / "matplotlib",
        "PIP_CACHE_DIR": work / "cache" / "pip",
    }
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {name: str(folder) for name, folder in folders.items()}


def rerun(source: Path, python: str, date: str, cores: int, log: Path) -> str:
    """Every stage after anonymisation, in the snapshot; an empty string, or why it failed."""
    epoch = midnight_epoch(datetime.date.fromisoformat(date))
    environ = {
        **os.environ,
        **caches_under(log.parent),
        "SOURCE_DATE_EPOCH": str(epoch),
        "PYTHONPATH": str(source / "src"),
        "PYTHONHASHSEED": "0",
    }
    command = [
        python,
        "-m",
        "snakemake",
        "--profile",
        "workflow/profiles/default",
        "--cores",
        str(cores),
        "--configfile",
        f"{LAYOUT['public']}/config.yaml",
    ]
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run(command, cwd=source, env=environ, stdout=out, stderr=out)
    if result.returncode != 0:
        tail = log.read_text(encoding="utf-8").splitlines()[-15:]
        return f"the rerun failed (exit {result.returncode}); last lines of {log.name}:\n" + (
            "\n".join(tail)
        )
    return ""


# ---------------------------------------------------------------------------- comparison


def compare_csv(deposited: Path, rerun_: Path, tolerances: Mapping[str, float]) -> list[str]:
    old, new = _rows(deposited), _rows(rerun_)
    if not old or not new or old[0] != new[0]:
        return [f"columns differ: deposit {old[:1]}, rerun {new[:1]}"]
    header = old[0]
    problems = []
    if len(old) != len(new):
        problems.append(f"{len(old) - 1} rows in the deposit, {len(new) - 1} in the rerun")
    for number, (a, b) in enumerate(zip(old[1:], new[1:], strict=False), start=1):
        if len(a) != len(header) or len(b) != len(header):
            problems.append(f"row {number}: {len(a)} cells in the deposit, {len(b)} in the rerun")
            continue
        for column, x, y in zip(header, a, b, strict=True):
            if x != y and not _within(x, y, tolerances.get(column)):
                problems.append(f"row {number}, column {column}: deposit {x!r}, rerun {y!r}")
    return problems


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _within(x: object, y: object, tolerance: float | None) -> bool:
    if tolerance is None:
        return False
    try:
        a, b = float(x), float(y)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tolerance


def compare_json(deposited: Path, rerun_: Path, tolerances: Mapping[str, float]) -> list[str]:
    old = dict(_flatten(json.loads(deposited.read_text(encoding="utf-8"))))
    new = dict(_flatten(json.loads(rerun_.read_text(encoding="utf-8"))))
    problems = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key, "(absent)"), new.get(key, "(absent)")
        if a != b and not _within(a, b, tolerances.get(key)):
            problems.append(f"{key}: deposit {a!r}, rerun {b!r}")
    return problems


def _flatten(value: object, prefix: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{prefix}.{index}" if prefix else str(index))
    else:
        yield prefix, value


def compare_image(deposited: Path, rerun_: Path) -> tuple[list[str], str]:
    """Identical bytes; else identical pixels (noted); else the count of differing pixels."""
    if deposited.read_bytes() == rerun_.read_bytes():
        return [], ""
    if deposited.suffix != ".png":
        return ["the files differ byte by byte"], ""
    from PIL import Image, ImageChops

    with Image.open(deposited) as a, Image.open(rerun_) as b:
        if a.size != b.size:
            return [f"size {a.size} in the deposit, {b.size} in the rerun"], ""
        difference = ImageChops.difference(a.convert("RGBA"), b.convert("RGBA"))
        changed = sum(1 for pixel in difference.get_flattened_data() if any(pixel))
    if changed:
        return [f"{changed} of {a.size[0] * a.size[1]} pixels differ"], ""
    return [], "identical pixels, different bytes"


VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _RenderedText(HTMLParser):
    """A rendered document's words (without the stamp header, styles and scripts) and its
    ``<span class="pki-value" …>`` values as (source, key, text), nested markup included."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.values: list[tuple[str, str, str]] = []
        self._stack: list[tuple[str, str, dict[str, str]]] = []
        self._value_text: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            return
        attributes = {k: v or "" for k, v in attrs}
        classes = attributes.get("class", "").split()
        role = ""
        if tag in {"style", "script"} or (tag == "header" and "pki-top" in classes):
            role = "skip"
        elif tag == "span" and "pki-value" in classes:
            role = "value"
            self._value_text.append([])
        self._stack.append((tag, role, attributes))

    def handle_data(self, data: str) -> None:
        if any(role == "skip" for _, role, _ in self._stack):
            return
        self.words.extend(data.split())
        for text in self._value_text:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, role, attributes = self._stack.pop()
            if role == "value":
                text = "".join(self._value_text.pop())
                self.values.append(
                    (attributes.get("data-source", ""), attributes.get("data-key", ""), text)
                )
            if open_tag == tag:
                return


def rendered_text(html_file: Path) -> _RenderedText:
    parser = _RenderedText()
    parser.feed(html_file.read_text(encoding="utf-8"))
    parser.close()
    return parser


def compare_in_text(
    deposited: Path, rerun_: Path, commits: tuple[str, ...] = ()
) -> tuple[int, list[Difference]]:
    """Every in-text value, in order, with the results file and key it was read from; then the
    document's whole text, so that nothing typed outside a value (a table cell, a caption) can
    change unseen. ``commits`` are the stamps' labels of the checkout (:func:`stamp_labels`),
    the one part of the text that may differ."""
    old_document, new_document = rendered_text(deposited), rendered_text(rerun_)
    old, new = old_document.values, new_document.values
    differences = []
    if len(old) != len(new):
        differences.append(
            Difference(
                deposited.name,
                f"{len(old)} in-text values in the deposit, {len(new)} in the rerun",
            )
        )
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            differences.append(
                Difference(
                    deposited.name,
                    f"in-text value {number} ({a[0]}: {a[1]}): deposit {a[2]!r}, rerun {b[2]!r}"
                    + ("" if a[:2] == b[:2] else f" (rerun reads {b[0]}: {b[1]})"),
                )
            )
    old_words = _without(old_document.words, commits)
    new_words = _without(new_document.words, commits)
    if old_words != new_words:
        at = next(
            (i for i, (a, b) in enumerate(zip(old_words, new_words, strict=False)) if a != b),
            min(len(old_words), len(new_words)),
        )
        differences.append(
            Difference(
                deposited.name,
                f"the text differs at word {at + 1}: deposit "
                f"'… {' '.join(old_words[max(0, at - 6) : at + 6])} …', rerun "
                f"'… {' '.join(new_words[max(0, at - 6) : at + 6])} …'",
            )
        )
    return len(old), differences


def _without(words: list[str], phrases: tuple[str, ...]) -> list[str]:
    text = " ".join(words)
    for phrase in phrases:
        text = text.replace(" ".join(phrase.split()), "<commit>")
    return text.split()


def results_files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix() for p in (folder / "results").rglob("*") if p.is_file()
    }


def compare_results(
    bag: Path,
    source: Path,
    tolerances: Mapping[str, Mapping[str, float]],
    shipped: set[str] = frozenset(),
) -> tuple[list[FileResult], dict[str, tuple[int, list[Difference]]]]:
    """Compare the deposit's results with the rerun's; ``shipped`` are files the snapshot
    itself holds under results/ (its README), which no run makes. A file that cannot be read
    differs; so does a file missing on either side, the not-rerun ones included."""
    payload = bag / "data"
    deposited = {
        p.relative_to(payload).as_posix()
        for p in (payload / LAYOUT["results"]).rglob("*")
        if p.is_file()
    }
    remade = results_files(source) - shipped
    commits = stamp_labels(payload, source)
    files, in_text = [], {}
    for path in sorted(deposited | remade | set(NOT_RERUN)):
        if path not in deposited:
            missing = "missing from the deposit"
            if path not in NOT_RERUN:
                missing = "made by the rerun but not in the deposit"
            files.append(FileResult(path, "differs", differences=[Difference(path, missing)]))
            continue
        if path in NOT_RERUN:
            files.append(FileResult(path, "not rerun", NOT_RERUN[path]))
            continue
        if path not in remade:
            missing = "the rerun did not make it"
            files.append(FileResult(path, "differs", differences=[Difference(path, missing)]))
            continue
        old, new = payload / path, source / path
        note = ""
        try:
            if path.endswith(".html"):
                count, found = compare_in_text(old, new, commits)
                in_text[path] = (count, found)
                files.append(FileResult(path, "text compared", f"{count} in-text values"))
                continue
            if path.endswith(".pdf"):
                files.append(
                    FileResult(path, "not compared", "its text is checked in the HTML twin")
                )
                continue
            if path.endswith(".csv"):
                problems = compare_csv(old, new, tolerances.get(path, {}))
            elif path.endswith(".json"):
                problems = compare_json(old, new, tolerances.get(path, {}))
            else:
                problems, note = compare_image(old, new)
        except (OSError, ValueError, SyntaxError) as error:  # decoding, JSON, image formats
            problems = [f"cannot be read: {type(error).__name__}: {error}"]
        if path in tolerances and not problems:
            note = "; ".join(filter(None, [note, f"within the tolerances {tolerances[path]}"]))
        files.append(
            FileResult(
                path,
                "differs" if problems else "reproduced",
                note,
                [Difference(path, p) for p in problems],
            )
        )
    return files, in_text


def stamp_labels(payload: Path, source: Path) -> tuple[str, ...]:
    """The parts of the deposit's and the rerun's render stamps that name the checkout, not the
    results: the commit, and the data fingerprint (a digest over the input files' paths, which
    differ between the project and the unpacked deposit)."""
    labels = []
    for record in (payload / "results/paper/render.json", source / "results/paper/render.json"):
        try:
            stamp = json.loads(record.read_text(encoding="utf-8"))["stamp"]
            labels += [stamp["commit"], stamp["data_fingerprint"]]
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return tuple(labels)


# ---------------------------------------------------------------------------- the whole check


def verify_deposit(deposit: Path, scratch: Path, cores: int = 2) -> Verification:
    """Check one deposit; write ``REPLICATION.md`` in the scratch folder and return the result.

    Raises :class:`VerificationError` for input that cannot be verified at all; the scratch
    folder then holds nothing but what was unpacked.
    """
    started = time.perf_counter()
    work = scratch_folder(deposit, scratch)
    bag = open_deposit(deposit, work)
    info = check_layout(bag)
    check_fixity(bag)
    result = Verification(str(deposit), info.get("Internal-Sender-Identifier", bag.name), info)
    result.timings["fixity"] = time.perf_counter() - started

    step = time.perf_counter()
    source = unpack_snapshot(bag, work / "source")
    place_deposited_inputs(bag, source)
    python, how = prepare_environment(source, work)
    result.environment = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "environment": how,
        "interpreter": python,
    }
    result.timings["setup"] = time.perf_counter() - step

    step = time.perf_counter()
    shipped = results_files(source) - set(NOT_RERUN)
    deposit_config = yaml.safe_load((source / LAYOUT["public"] / "config.yaml").read_text())
    date = info.get("Bagging-Date", "")
    result.rerun_failure = rerun(source, python, date, cores, work / "rerun.log")
    result.timings["rerun"] = time.perf_counter() - step

    step = time.perf_counter()
    result.exhibits = [
        e
        for qmd in sorted((source / "reports").glob("*.qmd"))
        for e in exhibits_of(
            qmd,
            {
                "codebook": deposit_config["inputs"]["codebook"],
                "mandates": deposit_config["inputs"]["mandates"],
            },
        )
    ]
    if not result.rerun_failure:
        tolerances = (deposit_config.get("verification") or {}).get("tolerances") or {}
        result.tolerances = tolerances
        result.files, result.in_text = compare_results(bag, source, tolerances, shipped)
        record = source / "results" / "paper" / "render.json"
        if record.is_file():
            result.environment["renderer"] = json.loads(record.read_text())["engine_label"]
    result.timings["compare"] = time.perf_counter() - step
    result.timings["total"] = time.perf_counter() - started
    (work / "REPLICATION.md").write_text(replication_report(result), encoding="utf-8")
    return result


def replication_report(result: Verification) -> str:
    shown_in = exhibits_by_file(result.exhibits)
    by_file = {f.file: f for f in result.files}
    lines = [f"# Replication report: {result.bag_name}", ""]
    if result.bag_info.get("Synthetic-Data") == "true":
        lines += ["> **The deposit holds SYNTHETIC EXAMPLE DATA, not the study's interviews.**", ""]
    verdict = (
        "every exhibit and in-text value reproduced"
        if result.reproduced
        else "DIFFERENCES FOUND (see below)"
    )
    if result.reproduced and result.tolerances:
        verdict += ", within the tolerances the deposit's config declares (listed below)"
    lines += [
        f"- Deposit: `{result.deposit}`",
        f"- Pipeline version {result.bag_info.get('Pipeline-Version', '?')}, "
        f"{result.bag_info.get('Internal-Sender-Description', '')}",
        "- Fixity: every payload file present, none extra, every SHA-256 as in the manifest",
        f"- Outcome: **{verdict}**",
        "",
        "- Compared: every CSV cell, every JSON value, every figure (bytes, else pixels), and the"
        " whole text and every in-text value of the HTML paper and appendix (the PDFs are"
        " rendered from the same sources and are not compared)",
        "",
        "## Tolerances declared by the deposit",
        "",
        *(
            [f"- `{f}`: {c}" for f, c in sorted(result.tolerances.items())]
            or ["- none: every cell had to match exactly"]
        ),
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
        return "\n".join(lines) + "\n"
    lines += ["## Exhibits", "", "| Document | Exhibit | Files | Result |", "|---|---|---|---|"]
    for exhibit in result.exhibits:
        results = [by_file[f] for f in exhibit.results if f in by_file]
        compared = [r for r in results if r.status in {"reproduced", "differs"}]
        if any(r.status == "differs" for r in compared):
            outcome = "**differs**"
        else:
            outcome = "reproduced" if compared else "deposited input, not rerun"
        files = ", ".join(f"`{f}`" for f in exhibit.results)
        lines.append(
            f"| {exhibit.document} | {exhibit.name} (`{exhibit.label}`) | {files} | {outcome} |"
        )
    lines += [
        "",
        "## In-text values",
        "",
        "| Document | Values compared | Result |",
        "|---|---|---|",
    ]
    for path, (count, found) in sorted(result.in_text.items()):
        lines.append(f"| `{path}` | {count} | {'**differs**' if found else 'reproduced'} |")
    lines += ["", "## Every results file", "", "| File | Result | Note |", "|---|---|---|"]
    for item in result.files:
        names = "; ".join(e.title for e in shown_in.get(item.file, []))
        note = "; ".join(filter(None, [item.note, f"shown in {names}" if names else ""]))
        lines.append(f"| `{item.file}` | {item.status} | {note} |")
    differences = [(f.file, d) for f in result.files for d in f.differences]
    differences += [(p, d) for p, (_, found) in result.in_text.items() for d in found]
    if differences:
        lines += ["", "## Differences", ""]
        for path, difference in differences:
            names = "; ".join(e.title for e in shown_in.get(path, [])) or "no exhibit"
            lines.append(f"- `{path}` ({names}): {difference.detail}")
    return "\n".join(lines) + "\n"


def differences_summary(result: Verification, limit: int = MAX_SHOWN) -> list[str]:
    """One line per difference, exhibit first, for the terminal."""
    shown_in = exhibits_by_file(result.exhibits)
    lines = []
    for item in result.files:
        for difference in item.differences:
            names = "; ".join(e.title for e in shown_in.get(item.file, [])) or item.file
            lines.append(f"{names}: {item.file}: {difference.detail}")
    for path, (_, found) in sorted(result.in_text.items()):
        lines.extend(f"in-text values of {path}: {d.detail}" for d in found)
    if result.rerun_failure:
        lines.append(result.rerun_failure)
    return lines[:limit] + ([f"… and {len(lines) - limit} more"] if len(lines) > limit else [])
