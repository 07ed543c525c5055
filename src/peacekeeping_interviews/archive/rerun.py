"""The rerun ``make verify`` makes: the reviewer's checked code, the deposited release and
public inputs placed where the workflow reads them, the deposited config checked, and the
workflow run from the release in isolation (:mod:`sandbox`), the code read-only."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import sys
from pathlib import Path

import yaml

from peacekeeping_interviews.archive.sandbox import Isolation, run_isolated
from peacekeeping_interviews.archive.verification_result import VerificationError
from peacekeeping_interviews.deposit_layout import (
    DEPOSITED_SNAPSHOT,
    LAYOUT,
    LEAK_SCAN_REPORT,
    PAYLOAD,
    PUBLIC_CONFIG,
    RELEASE_DIR,
    RENDER_RECORD,
    deposited_inputs,
)
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.provenance import SOURCE_LABEL_VARIABLE
from peacekeeping_interviews.reports.stamp import midnight_epoch
from peacekeeping_interviews.study_config import public_config, public_config_text, schema_problems
from peacekeeping_interviews.tools import CFFCONVERT_VARIABLE, find_cffconvert, missing_tools

# Where a run from the deposit writes, in the project: everything else of the code is read-only.
RUN_WRITES = {"data", "results", "logs", ".snakemake"}


def place_deposited_files(bag: Path, source: Path) -> None:
    """What a run from the deposit reads, where it reads it: the inputs the fingerprint covers,
    the leak-scan report and the source snapshot (to rebuild the bag)."""
    payload = bag / PAYLOAD
    config = deposited_config(bag)
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


def deposited_config(bag: Path) -> dict:
    path = bag / PAYLOAD / LAYOUT["public"] / "config.yaml"
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise VerificationError(f"{path}: the deposited config cannot be read: {error}") from None
    if not isinstance(config, dict):
        raise VerificationError(f"{path}: the deposited config is not a mapping")
    return config
