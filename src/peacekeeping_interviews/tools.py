"""External programs the workflow calls, found the same way with or without the Makefile."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

CFFCONVERT_VARIABLE = "PKI_CFFCONVERT"
# cffconvert needs jsonschema < 4, so `make venv` installs it in an environment of its own.
CFFCONVERT_VENV = Path(".venv-cffconvert") / "bin" / "cffconvert"


def find_cffconvert(environ: Mapping[str, str], project_root: Path) -> str | None:
    """``PKI_CFFCONVERT`` if set, else the project's own ``.venv-cffconvert``, else PATH."""
    if environ.get(CFFCONVERT_VARIABLE):
        return environ[CFFCONVERT_VARIABLE]
    own = Path(project_root) / CFFCONVERT_VENV
    return str(own) if own.is_file() else shutil.which("cffconvert")


def missing_tools(environ: Mapping[str, str], project_root: Path) -> list[str]:
    """What the deposit needs and this machine lacks, each with how to get it."""
    missing = []
    cffconvert = find_cffconvert(environ, project_root)
    if not cffconvert or not os.access(cffconvert, os.X_OK) or not Path(cffconvert).is_file():
        missing.append(
            f"cffconvert ({cffconvert or 'not found'}): `make venv` installs it in "
            f"{CFFCONVERT_VENV.parent.parent}, or set {CFFCONVERT_VARIABLE} to its path"
        )
    if shutil.which("git") is None:
        missing.append("git (the deposit snapshots the code with `git archive`)")
    return missing
