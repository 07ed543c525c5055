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

import platform
import re
import time
from collections.abc import Mapping
from pathlib import Path

import yaml

from peacekeeping_interviews.archive.bag_comparison import (
    _engine,
    compare_bags,
    exhibits_in,
    rebuilt_bag,
    rendered_inputs,
)
from peacekeeping_interviews.archive.code_check import (
    CodeError,
    check_code,
    check_label,
    write_tree,
)
from peacekeeping_interviews.archive.deposit_opening import (
    check_fixity,
    check_layout,
    open_deposit,
    scratch_folder,
)
from peacekeeping_interviews.archive.replication_report import replication_report
from peacekeeping_interviews.archive.rerun import (
    RUN_WRITES,
    deposited_config,
    place_deposited_files,
    rerun,
    source_label,
)
from peacekeeping_interviews.archive.sandbox import Isolation
from peacekeeping_interviews.archive.verification_result import Verification, VerificationError
from peacekeeping_interviews.deposit_layout import (
    FINGERPRINT_DIGITS,
    LAYOUT,
    PAYLOAD,
    bag_input_digests,
    fingerprint,
)
from peacekeeping_interviews.reports.render_engine import RenderError
from peacekeeping_interviews.reports.rendering import synthetic_flag


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
    verification = deposited_config(bag).get("verification")
    tolerances = verification.get("tolerances") if isinstance(verification, dict) else None
    return tolerances if isinstance(tolerances, dict) else {}


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
