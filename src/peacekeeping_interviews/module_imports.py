"""The package modules a workflow script runs, found from its imports.

A rule's inputs name the package modules it runs, so that editing one re-runs the rule. Listed by
hand, such a list goes stale (a module imports another the list never names); read from the
import statements, transitively, it cannot. Imports inside functions count too: the code may run.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "peacekeeping_interviews"


def imported_modules(source: str) -> set[str]:
    """The package's modules a Python source imports directly (``from peacekeeping_interviews
    import crossref`` names ``crossref``; the package itself is ``__init__``)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == PACKAGE:
                found.add(parts[1] if len(parts) > 1 else "__init__")
    return found


def module_closure(script: Path, package_dir: Path) -> list[Path]:
    """Every module file of the package that ``script`` imports, directly or through another
    module, with the package's ``__init__``; sorted."""
    seen = {"__init__"}
    pending = imported_modules(script.read_text(encoding="utf-8"))
    while pending:
        name = pending.pop()
        path = package_dir / f"{name}.py"
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        pending |= imported_modules(path.read_text(encoding="utf-8"))
    return sorted(package_dir / f"{name}.py" for name in seen)
