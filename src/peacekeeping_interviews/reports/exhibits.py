"""The tables and figures of the paper and appendix, and the results files behind each.

Read from the ``.qmd`` sources, not from a rendered document, so that the list is the same
whichever engine rendered them: a code cell labelled ``tbl-…`` or ``fig-…`` is an exhibit, and its
number is its place among the document's exhibits of that kind (the numbering both Quarto and the
fallback renderer use). Its files are found by reading the code (Python's ``ast``): the path
literals the cell holds, and those behind every name it uses that an earlier cell defined
(``SAMPLE = "results/sample/numbers.json"``, ``tests = data.table(…)``, a helper function), and
``data.named("codebook")`` resolved to the file playing that role. A figure path without a suffix
stands for its PNG and SVG.

The render stage writes them, with the rule behind each file, to the exhibit map
(``results/paper/exhibits.json``, :func:`exhibit_map_text`); the deposit's README lists them from
it, and ``make verify`` names them from it when a file does not reproduce.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from peacekeeping_interviews.files import json_text
from peacekeeping_interviews.reports.crossref import KINDS, prefix_of
from peacekeeping_interviews.reports.qmd import front_matter, read_cells

FIGURE_FORMATS = ("png", "svg")
_PATH_ROOTS = ("results/", "data/")


@dataclass(frozen=True)
class Exhibit:
    document: str  # the source's stem: paper or appendix
    label: str
    name: str  # "Table 2"
    caption: str
    results: tuple[str, ...]  # project-relative results files
    programs: tuple[str, ...] = ()  # the rule (and its script) behind each of them

    @property
    def title(self) -> str:
        return f"{self.name} of the {self.document} ({self.label})"


def files_named_in(node: ast.AST, named: Mapping[str, str]) -> list[str]:
    """The file paths written as literals in ``node``, with ``data.named(role)`` resolved."""
    files = []
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            if child.value.startswith(_PATH_ROOTS) and " " not in child.value:
                stem = child.value
                suffixed = Path(stem).suffix
                files.extend([stem] if suffixed else [f"{stem}.{s}" for s in FIGURE_FORMATS])
        elif (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr == "named"
            and child.args
            and isinstance(child.args[0], ast.Constant)
            and isinstance(child.args[0].value, str)
            and child.args[0].value in named
        ):
            files.append(named[child.args[0].value])
    return files


def _defined_names(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.FunctionDef | ast.ClassDef):
        return [statement.name]
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    return [n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)]


def exhibits_of(source: Path, named: Mapping[str, str] | None = None) -> list[Exhibit]:
    """Every labelled table and figure of one ``.qmd`` document, in document order."""
    named = named or {}
    _, body = front_matter(source.read_text(encoding="utf-8"), source)
    counters = dict.fromkeys(KINDS, 0)
    files_behind: dict[str, list[str]] = {}
    found = []
    for cell in read_cells(body, source):
        if cell.kind != "code":
            continue
        tree = ast.parse(cell.source)
        kind = prefix_of(cell.label)
        if kind is not None:
            counters[kind] += 1
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            results = files_named_in(tree, named)
            for name in sorted(used & files_behind.keys()):
                results.extend(files_behind[name])
            found.append(
                Exhibit(
                    document=source.stem,
                    label=cell.label,
                    name=f"{KINDS[kind]} {counters[kind]}",
                    caption=str(cell.options.get(f"{kind}-cap", "")),
                    results=tuple(sorted(set(results))),
                )
            )
        for statement in tree.body:
            files = files_named_in(statement, named)
            used = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
            for name in used & files_behind.keys():
                files.extend(files_behind[name])
            for name in _defined_names(statement):
                files_behind[name] = [*files_behind.get(name, []), *files]
    return found


def exhibits_by_file(exhibits: list[Exhibit]) -> dict[str, list[Exhibit]]:
    """For each results file, the exhibits that show it."""
    shown: dict[str, list[Exhibit]] = {}
    for exhibit in exhibits:
        for path in exhibit.results:
            shown.setdefault(path, []).append(exhibit)
    return shown


INPUT_FILE = "input file"


def exhibit_map_text(
    exhibits: list[Exhibit], producers: Mapping[str, str], deposited: Mapping[str, str]
) -> str:
    """The exhibit map as canonical JSON: each exhibit with the programs that wrote its files
    (``producers``: the rule behind each file; a file no rule writes is an input file), and each
    file by the name a deposit gives it (``deposited``: payload path -> project path), so that the
    authors' run and a rerun from the deposit write the same map."""
    names = {project: payload for payload, project in deposited.items()}
    return json_text(
        [
            asdict(
                replace(
                    e,
                    results=tuple(sorted(names.get(r, r) for r in e.results)),
                    programs=tuple(sorted({producers.get(r, INPUT_FILE) for r in e.results})),
                )
            )
            for e in exhibits
        ]
    )


def read_exhibit_map(path: Path) -> list[Exhibit]:
    """The exhibits an exhibit map lists, in document order."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        Exhibit(**{**e, "results": tuple(e["results"]), "programs": tuple(e["programs"])})
        for e in entries
    ]
