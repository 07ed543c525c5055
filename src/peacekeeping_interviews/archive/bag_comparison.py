"""Every file of the deposit compared with its twin in the bag the rerun rebuilt: byte for
byte, within the reviewer's tolerances, or (the leak-scan report, which cannot be rerun) by
form; files whose bytes depend on the renderer are not comparable when the engines differ."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path

from peacekeeping_interviews import __version__
from peacekeeping_interviews.archive.comparison import changed_entries, explain, json_changed_keys
from peacekeeping_interviews.archive.verification_result import (
    CHECKED,
    DIFFERS,
    NOT_COMPARABLE,
    REPRODUCED,
    UNVERIFIABLE,
    WITHIN_TOLERANCES,
    FileResult,
    VerificationError,
)
from peacekeeping_interviews.deposit_layout import (
    EXHIBIT_MAP,
    LAYOUT,
    LEAK_SCAN_REPORT,
    PAYLOAD,
    RENDER_RECORD,
    is_input,
)
from peacekeeping_interviews.files import file_digest, json_text
from peacekeeping_interviews.reports.exhibits import Exhibit, read_exhibit_map
from peacekeeping_interviews.restricted.public_text import HOW

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
