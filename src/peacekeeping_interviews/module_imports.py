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
    """The package's modules a Python source imports directly, dotted below the package
    (``from peacekeeping_interviews.reports import crossref`` names ``reports`` and
    ``reports.crossref``; the package itself is the empty name)."""
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
                found.add(".".join(parts[1:]))
    return found


def module_files(name: str, package_dir: Path) -> list[Path]:
    """The files Python runs to import the dotted ``name`` below the package: the ``__init__``
    of the package and of each subpackage on the way, and the module itself (nothing more when
    the name's last part is a function or class, not a module)."""
    files = [package_dir / "__init__.py"]
    folder = package_dir
    for part in name.split(".") if name else []:
        if (folder / part / "__init__.py").is_file():
            folder = folder / part
            files.append(folder / "__init__.py")
        elif (folder / f"{part}.py").is_file():
            files.append(folder / f"{part}.py")
            break
        else:
            break
    return files


def module_closure(script: Path, package_dir: Path) -> list[Path]:
    """Every module file of the package that ``script`` imports, directly or through another
    module, with the ``__init__`` files they run; sorted."""
    seen: set[Path] = set()
    pending = imported_modules(script.read_text(encoding="utf-8")) | {""}
    while pending:
        for path in module_files(pending.pop(), package_dir):
            if path not in seen:
                seen.add(path)
                pending |= imported_modules(path.read_text(encoding="utf-8"))
    return sorted(seen)


def package_files(script: Path, package_dir: Path) -> list[Path]:
    """:func:`module_closure`, and the data files of the subpackages it runs code from (a
    tier's YAML presets, templates): everything below those folders that is not Python."""
    modules = module_closure(script, package_dir)
    folders = {path.parent for path in modules if path.parent != package_dir}
    data = {
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }
    return sorted({*modules, *data})
