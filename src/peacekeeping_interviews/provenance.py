"""Which code made a run: the checkout's commit, and the one definition of "dirty" the stamp
and ``make verify`` share (tracked files that differ from the commit; untracked files do not
count, since the source snapshot holds tracked files only)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

SOURCE_LABEL_VARIABLE = "PKI_SOURCE_LABEL"


def git_commit(root: Path) -> str:
    """The checked-out commit (12 hex digits), ``+dirty`` if tracked files differ from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + ("+dirty" if dirty else "")


def source_label(root: Path, environment: Mapping[str, str]) -> str:
    """The stamp's commit: ``PKI_SOURCE_LABEL`` where ``make verify`` reruns code it has found
    byte-identical to the deposited snapshot of that label, else the checkout's commit."""
    return environment.get(SOURCE_LABEL_VARIABLE) or git_commit(root)
