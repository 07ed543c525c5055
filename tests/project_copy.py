"""A clean checkout of the working tree, for end-to-end tests and benchmarks.

The copy holds exactly the files git tracks, as they are in the working tree (uncommitted edits
included), committed once with a fixed author and date: two copies of the same tree are the same
commit, so the deposits made in them (which snapshot the code with ``git archive``) can be compared
byte for byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
# The render date and the copy's commit date (reproducible-builds.org's SOURCE_DATE_EPOCH).
SOURCE_DATE_EPOCH = "1763856000"
RUN_ENVIRONMENT = {
    **os.environ,
    "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
    "PKI_CFFCONVERT": os.environ.get(
        "PKI_CFFCONVERT", str(ROOT / ".venv-cffconvert" / "bin" / "cffconvert")
    ),
}
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_AUTHOR_DATE": f"@{SOURCE_DATE_EPOCH} +0000",
    "GIT_COMMITTER_DATE": f"@{SOURCE_DATE_EPOCH} +0000",
}


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **_GIT_IDENTITY},
    ).stdout


def copy_project(destination: Path) -> Path:
    """A git checkout at ``destination`` with what a clean clone of the working tree has."""
    destination.mkdir(parents=True, exist_ok=True)
    for relative in git("ls-files", "-z", cwd=ROOT).split("\0"):
        source = ROOT / relative
        if relative and source.is_file():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git("init", "--quiet", "--initial-branch=main", cwd=destination)
    git("add", "--all", cwd=destination)
    git("commit", "--quiet", "--no-gpg-sign", "--message=copy of the working tree", cwd=destination)
    return destination


def snakemake(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SNAKEMAKE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=check,
        env=RUN_ENVIRONMENT,
    )
