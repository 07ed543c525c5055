"""A Quarto source as both engines and the exhibit map read it: its front matter and its
markdown and code cells, each code cell with its ``#|`` options and label. What the fallback
renderer does not honour is refused here, with the source and cell."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from peacekeeping_interviews.reports.render_engine import RenderError

CELL_OPTIONS = {"label", "fig-cap", "tbl-cap", "fig-alt"}
FRONT_MATTER_KEYS = {
    "title",
    "subtitle",
    "author",
    "date",
    "abstract",
    "bibliography",
    "csl",
    "lang",
}
LABEL = re.compile(r"[A-Za-z0-9_-]+")


def cell_options(source: str) -> dict:
    """The ``#|`` lines at the top of a cell, read as YAML."""
    lines = []
    for line in source.splitlines():
        if not line.startswith("#|"):
            break
        lines.append(line[2:].strip())
    options = yaml.safe_load("\n".join(lines)) if lines else {}
    return options or {}


def front_matter(text: str, source: Path) -> tuple[dict, str]:
    match = re.match(r"---\n(.*?)\n---\n", text, flags=re.S)
    if match is None:
        raise RenderError(f"{source}: no YAML front matter (--- … ---) at the top")
    metadata = yaml.safe_load(match.group(1)) or {}
    unknown = sorted(set(metadata) - FRONT_MATTER_KEYS)
    if unknown:
        raise RenderError(
            f"{source}: front matter key(s) {unknown} are not honoured by the fallback renderer "
            f"(it knows {sorted(FRONT_MATTER_KEYS)}); see README, 'Rendering without Quarto'"
        )
    return metadata, text[match.end() :]


@dataclass
class Cell:
    kind: str
    source: str
    options: dict
    outputs: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.options.get("label", ""))


def read_cells(body: str, source: Path) -> list[Cell]:
    """The document body as markdown and code cells (jupytext's R Markdown reader)."""
    import jupytext

    notebook = jupytext.reads(body, fmt="Rmd")
    cells = []
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            options = cell_options(cell.source)
            where = f"{source}: code cell {index}"
            if "label" not in options:
                raise RenderError(f"{where} has no '#| label:'; every cell needs one")
            if not LABEL.fullmatch(str(options["label"])):
                raise RenderError(
                    f"{where}: label {options['label']!r} should be letters, digits, '-' or '_'"
                )
            unknown = sorted(set(options) - CELL_OPTIONS)
            if unknown:
                raise RenderError(
                    f"{where} ('{options['label']}'): option(s) {unknown} are not honoured by the "
                    f"fallback renderer (it knows {sorted(CELL_OPTIONS)})"
                )
            cells.append(Cell("code", cell.source, options))
        elif cell.cell_type == "markdown":
            cells.append(Cell("markdown", cell.source, {}))
        else:
            raise RenderError(f"{source}: cell {index} is neither markdown nor code")
    return cells
