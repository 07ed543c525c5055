"""Where each file sits in a deposit, and the deposit's fingerprint.

A reviewer reruns every stage after anonymisation from the deposited inputs: the release, the
public inputs (mandates, codebook, the run's config without its restricted settings) and the
anonymisation reports. The fingerprint is a short digest of exactly those files, so that whoever
changes one of them and rebuilds everything consistently still changes the fingerprint printed in
the published article. It is computed from the files alone, under their names in the deposit, so
the authors' run (which renders it into every page) and a rerun from the deposit agree, and a
reviewer can recompute it from the bag's own manifest with coreutils::

    grep -E '  data/(release|public|results/anonymisation)/' manifest-sha256.txt \\
        | LC_ALL=C sort -k2 | sha256sum | cut -c1-20

Layout version 2 added the fingerprint, the per-file digests in ``render.json`` and the run's
public config as a file of the release.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from peacekeeping_interviews.files import file_digest

LAYOUT_VERSION = 2
# Where each kind of file sits in the bag's payload (data/). Results keep their project paths.
LAYOUT = {
    "release": "release",  # the anonymised release, data/anonymised/*.csv in the project
    "public": "public",  # mandates, codebook and the run's config (restricted settings removed)
    "results": "results",
    "documentation": "documentation",
    "code": "code",
}
PAYLOAD = "data"
# Where a run keeps what a deposit holds, in the project: the release (its config included), the
# restricted tier's leak-scan report, and, in a run from a deposit, the deposited code snapshot.
RELEASE_DIR = "data/anonymised"
# Restricted space: what only the restricted tier writes and reads, never deposited.
RESTRICTED_DIR = "data/restricted"
PUBLIC_CONFIG = f"{RELEASE_DIR}/config.yaml"
LEAK_SCAN_REPORT = "results/leak_scan/report.json"
# What the render stage writes beside the documents, which the deposit and make verify read: the
# stamp and each input's digest, and each table and figure with the files and rules behind it.
PAPER_DIR = "results/paper"
RENDER_RECORD = f"{PAPER_DIR}/render.json"
EXHIBIT_MAP = f"{PAPER_DIR}/exhibits.json"
DEPOSITED_SNAPSHOT = "data/deposited/source.tar.gz"
# The synthetic example's confidential-tier inputs: never in a snapshot, whichever study ran, since
# their invented ids and names may coincide with a real study's restricted strings.
EXAMPLE_INPUTS = ("data/example/interviews.csv", "data/example/coding.csv")
# The payload folders a rerun reads: what the fingerprint covers, every file in them.
INPUT_FOLDERS = (LAYOUT["release"], LAYOUT["public"], f"{LAYOUT['results']}/anonymisation")
FINGERPRINT_DIGITS = 20
FINGERPRINT_MEANING = (
    "the first 20 hex digits of the SHA-256 of the deposit's manifest lines (sorted by path) of "
    "every file under data/release/, data/public/ and data/results/anonymisation/, the inputs "
    "from which every result is rerun; the paper and appendix print it on every page"
)


def deposited_inputs(
    release: Iterable[str], mandates: str, codebook: str, config: str, reports: Iterable[str]
) -> dict[str, str]:
    """Each deposited input's path in the payload, with its path in the run's project: release
    tables by their file name, the public inputs by role, the anonymisation reports as they are."""
    inputs = {f"{LAYOUT['release']}/{Path(path).name}": path for path in release}
    inputs |= {
        f"{LAYOUT['public']}/mandates.csv": mandates,
        f"{LAYOUT['public']}/codebook.yaml": codebook,
        f"{LAYOUT['public']}/config.yaml": config,
    }
    inputs |= {path: path for path in reports}
    return inputs


def is_input(payload_path: str) -> bool:
    return payload_path.startswith(tuple(f"{folder}/" for folder in INPUT_FOLDERS))


def input_digests(root: Path, inputs: Mapping[str, str]) -> dict[str, str]:
    """SHA-256 of each deposited input, by payload path (``inputs`` as :func:`deposited_inputs`)."""
    return {payload: file_digest(root / project) for payload, project in sorted(inputs.items())}


def bag_input_digests(bag: Path) -> dict[str, str]:
    """SHA-256 of every file in the bag's input folders, by payload path."""
    payload = bag / PAYLOAD
    return {
        path.relative_to(payload).as_posix(): file_digest(path)
        for folder in INPUT_FOLDERS
        for path in sorted((payload / folder).rglob("*"))
        if path.is_file()
    }


def manifest_lines(digests: Mapping[str, str]) -> str:
    """The inputs' lines of a BagIt SHA-256 manifest, sorted by path."""
    return "".join(f"{digests[p]}  {PAYLOAD}/{p}\n" for p in sorted(digests))


def fingerprint(digests: Mapping[str, str]) -> str:
    """The first :data:`FINGERPRINT_DIGITS` hex digits of the SHA-256 of :func:`manifest_lines`."""
    text = manifest_lines(digests).encode("utf-8")
    return hashlib.sha256(text).hexdigest()[:FINGERPRINT_DIGITS]


@dataclass(frozen=True)
class RunFiles:
    """The run's files the deposit copies, by project path."""

    root: Path
    deposited: dict[str, str]  # payload path -> project path (deposit_layout.deposited_inputs)
    results: list[str]  # every public results file, rendered documents included
    schema_dir: Path
    reports_dir: Path

    def path(self, relative: str) -> Path:
        return self.root / relative

    def deposited_file(self, payload_path: str) -> Path:
        return self.path(self.deposited[payload_path])
