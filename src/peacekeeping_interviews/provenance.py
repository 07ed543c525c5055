"""Which code made a run: the checkout's commit, and the one definition of "dirty" the stamp
and ``make verify`` share (tracked files that differ from the commit; untracked files do not
count, since the source snapshot holds tracked files only)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

SOURCE_LABEL_VARIABLE = "PKI_SOURCE_LABEL"


def run_git(
    root: Path,
    *args: str,
    error: type[Exception],
    when_missing: str,
    after_failure: str = "",
    environ: Mapping[str, str] | None = None,
) -> bytes:
    """``git -C root args``'s output; where git is missing or fails, ``error`` with a message
    naming the command, the folder and git's own words, and the caller's ``when_missing`` or
    ``after_failure`` (what needed git)."""
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            check=True,
            env=None if environ is None else dict(environ),
        ).stdout
    except FileNotFoundError:
        raise error(f"git is not installed; {when_missing}") from None
    except subprocess.CalledProcessError as failure:
        raise error(
            f"git {' '.join(args[:2])} failed in {root}: {failure.stderr.decode().strip()}"
            + after_failure
        ) from None


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
