"""Render the paper and appendix from their Quarto sources, with Quarto or without it.

One interface, two engines. :class:`QuartoEngine` runs ``quarto render`` (Jupyter engine; HTML,
and Typst to PDF) and is the reference whenever ``quarto`` is on PATH. :class:`FallbackEngine`
renders the same ``.qmd`` from the same building blocks where Quarto cannot be installed: jupytext
reads the cells (its R Markdown reader knows the ```` ```{python} ```` syntax), nbclient runs them
in an ipykernel, the outputs and inline values become Pandoc Markdown, :mod:`crossref` numbers
figures and tables, and Pandoc (``pypandoc-binary``) with citeproc writes HTML and Typst, which
the ``typst`` wheel compiles to PDF. What the fallback cannot honour is refused with a message,
never silently dropped (see README, "Rendering without Quarto").

Both engines get the same render context (:mod:`report_data`), the same stamp, the same title,
authors and abstract (from the study record, never from a source) and the same synthetic-data
banner, which follows the ``synthetic`` flag in the inputs and has no off switch.
:func:`render_reports` writes every document and ``render.json`` or, on any failure, nothing.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import html
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Protocol

import pandas as pd
import yaml

from peacekeeping_interviews import crossref
from peacekeeping_interviews.deposit_layout import file_digest, fingerprint, input_digests
from peacekeeping_interviews.files import json_text, write_all_or_nothing
from peacekeeping_interviews.provenance import source_label
from peacekeeping_interviews.report_data import CONTEXT_ENVIRONMENT_VARIABLE, VALUE_CLASS

SYNTHETIC_BANNER = (
    "SYNTHETIC EXAMPLE DATA: every number, table and figure here comes from the project's "
    "seeded generator, not from the study's interviews."
)
SYNTHETIC_TITLE_SUFFIX = " [synthetic example data]"
# Front matter every document takes from the study record rather than from its source.
STUDY_METADATA = ("title", "author", "abstract")
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
INLINE_CODE = re.compile(r"`\{python\}\s+([^`]+?)`")
KERNEL_TIMEOUT_SECONDS = 600
# crossref.py writes "Figure 1:" into captions itself, so Typst must not number them again; and
# Pandoc wraps every table in a figure, which must break across pages for long tables.
FALLBACK_TYPST_RULES = "#set figure(numbering: none)\n#show figure: set block(breakable: true)\n"
ANALYSIS_SOFTWARE = (
    "snakemake",
    "pandas",
    "numpy",
    "scipy",
    "pingouin",
    "statsmodels",
    "scikit-learn",
    "krippendorff",
    "pycanon",
    "matplotlib",
)


class RenderError(Exception):
    """A document could not be rendered; the message names the source, the cell and the cause."""


@dataclass(frozen=True)
class Stamp:
    """What every page says about how it was made."""

    version: str
    commit: str
    data_fingerprint: str
    engine: str
    date: str

    def line(self) -> str:
        return (
            f"Version {self.version} · commit {self.commit} · data fingerprint "
            f"{self.data_fingerprint}"
            f" · rendered by {self.engine} · {self.date}"
        )


@dataclass(frozen=True)
class Document:
    source: Path
    html: Path
    pdf: Path


@dataclass(frozen=True)
class RenderRequest:
    """``declared`` are the render rule's inputs relative to ``root``; the documents may read
    these and nothing else. ``deposited`` names the declared inputs a deposit holds, by their path
    in its payload (:func:`deposit_layout.deposited_inputs`); they make the stamp's data
    fingerprint. ``study``
    is the declared study record (:mod:`peacekeeping_interviews.study`) whose title, authors
    and abstract every document carries. ``named`` gives some inputs a role the sources ask for
    by name (``data.named("codebook")``)."""

    root: Path
    reports_dir: Path
    documents: list[Document]
    declared: list[str]
    version: str
    record: Path
    study: str
    engine: str = "auto"
    named: dict[str, str] = field(default_factory=dict)
    deposited: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    html: bytes
    pdf: bytes


@dataclass(frozen=True)
class Styling:
    """What both engines add around a document's own content; ``metadata`` (title, author,
    abstract) overrides nothing, since a source may not set those keys itself."""

    metadata: dict
    before_body_html: str
    typst_header: str
    context_file: Path
    papersize: str = "a4"
    timestamp: int = 0


class Engine(Protocol):
    """What both engines offer: a name, the versions of their parts, a label for the stamp,
    and ``render``, which leaves its outputs in memory for :func:`render_reports` to write."""

    name: str

    def versions(self) -> dict[str, str]: ...

    def label(self) -> str: ...

    def render(self, source: Path, build: Path, styling: Styling) -> Rendered: ...


# ---------------------------------------------------------------------------- stamp and banner


def synthetic_flag(root: Path, declared: list[str]) -> bool:
    """Whether any input is synthetic: top-level ``synthetic`` in JSON files (a JSON boolean) and
    the ``synthetic`` column of CSV files (``true`` or ``false``). At least one input must carry
    the flag, and any other spelling is an error rather than a silent "no". Inputs may differ:
    the synthetic example's interviews beside a published mandates file make a synthetic
    document (the start-up check refuses the reverse, real interviews with invented mandates)."""
    flags: dict[str, set[bool]] = {}
    for relative in declared:
        path = root / relative
        if path.suffix == ".json":
            document = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(document, dict) and "synthetic" in document:
                if not isinstance(document["synthetic"], bool):
                    raise RenderError(
                        f"{relative}: 'synthetic' is {document['synthetic']!r}; "
                        "expected true or false"
                    )
                flags[relative] = {document["synthetic"]}
        elif path.suffix == ".csv" and "synthetic" in pd.read_csv(path, nrows=0).columns:
            values = pd.read_csv(path, usecols=["synthetic"], dtype=str, keep_default_na=False)
            for row, value in enumerate(values["synthetic"], start=1):
                if value not in {"true", "false"}:
                    raise RenderError(
                        f"{relative}: row {row}, column 'synthetic': got {value!r}; "
                        "expected true or false"
                    )
            flags[relative] = set(values["synthetic"] == "true")
    seen = set().union(*flags.values()) if flags else set()
    if not seen:
        raise RenderError("no declared input carries the 'synthetic' flag; cannot label the data")
    return True in seen


def recorded_inputs(declared: list[str], deposited: Mapping[str, str], root: Path) -> dict:
    """Each declared input's SHA-256, by the name a deposit gives it: a deposited input by its
    path in the payload (:mod:`deposit_layout`), a results file by its project path. The names
    are the same in the authors' run and a rerun from the deposit, so ``make verify`` can say
    which input differs from those the documents were rendered from; no location leaks."""
    names = {project: payload for payload, project in deposited.items()}
    unnamed = sorted(p for p in declared if p not in names and not p.startswith("results/"))
    if unnamed:
        raise RenderError(
            "declared inputs that are neither results nor deposited inputs: " + ", ".join(unnamed)
        )
    return {names.get(p, p): file_digest(root / p) for p in sorted(declared)}


def render_date(root: Path, environment: Mapping[str, str]) -> datetime.date:
    """The date printed on the documents: ``SOURCE_DATE_EPOCH`` (reproducible-builds.org) if
    set, else the commit's time, so that two renders of one commit print the same date."""
    epoch = environment.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        try:
            epoch = subprocess.run(
                ["git", "-C", str(root), "log", "-1", "--format=%ct"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            raise RenderError(
                "set SOURCE_DATE_EPOCH: the date on the documents must not be "
                "the clock's, and there is no git commit to take it from"
            ) from None
    if not epoch.isdigit():
        raise RenderError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}")
    try:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    except (OverflowError, ValueError, OSError):
        raise RenderError(f"SOURCE_DATE_EPOCH {epoch} is out of range") from None


def banner_html(stamp: Stamp, synthetic: bool) -> str:
    """The top of every HTML page: the synthetic-data banner (if any) and the stamp."""
    banner = (
        f'<div class="pki-banner" role="alert">{html.escape(SYNTHETIC_BANNER)}</div>\n'
        if synthetic
        else ""
    )
    return (
        "<style>\n"
        ".pki-top{position:sticky!important;top:0;z-index:10;margin:0 0 1.5em 0;"
        "display:block!important;visibility:visible!important;font-family:sans-serif}\n"
        ".pki-banner{display:block!important;visibility:visible!important;background:#b00020;"
        "color:#fff;font-weight:bold;padding:.6em 1em}\n"
        ".pki-stamp{background:#f2f2f2;color:#333;font-size:.8em;padding:.3em 1em}\n"
        "</style>\n"
        f'<header class="pki-top">\n{banner}'
        f'<div class="pki-stamp">{html.escape(stamp.line())}</div>\n</header>\n'
    )


def typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def banner_typst(stamp: Stamp, synthetic: bool) -> str:
    """Typst set rules that put the banner (if any) at the top and the stamp at the foot of
    every PDF page."""
    banner = (
        'block(width: 100%, fill: rgb("#b00020"), inset: 5pt, '
        f'text(fill: white, weight: "bold", size: 8pt, {typst_string(SYNTHETIC_BANNER)}))'
        if synthetic
        else "none"
    )
    return (
        f"#set page(header: {banner}, footer: context text(size: 7pt, "
        f'{typst_string(stamp.line())} + h(1fr) + counter(page).display("1")))\n'
    )


# ---------------------------------------------------------------------------- fallback engine


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


@contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous


def execute(cells: list[Cell], inline: list[str], source: Path, build: Path, context: Path) -> dict:
    """Run the code cells, then each inline expression, in one kernel; fill each cell's outputs
    and return the inline expressions' display data. A failure names the cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    code = [c for c in cells if c.kind == "code"]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(c.source) for c in code]
        + [nbformat.v4.new_code_cell(expression) for expression in inline]
    )
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=KERNEL_TIMEOUT_SECONDS,
        resources={"metadata": {"path": str(build)}},
    )
    kernel = client.create_kernel_manager()
    kernel.transport, kernel.ip = "ipc", str(build / "kernel")
    labels = [f"cell '{c.label}'" for c in code] + [f"inline `{{python}} {e}`" for e in inline]
    with (
        environment_variable(CONTEXT_ENVIRONMENT_VARIABLE, str(context)),
        environment_variable("PYTHONHASHSEED", "0"),
        client.setup_kernel(),
    ):
        for index, cell in enumerate(notebook.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                raise RenderError(
                    f"{source}: {labels[index]} failed: {error.ename}: {error.evalue}"
                ) from None
            except (CellTimeoutError, DeadKernelError) as error:
                raise RenderError(f"{source}: {labels[index]} failed: {error}") from None
    for cell, executed in zip(code, notebook.cells, strict=False):
        cell.outputs = executed.outputs
    values = {}
    for expression, executed in zip(inline, notebook.cells[len(code) :], strict=True):
        results = [o for o in executed.outputs if o.output_type == "execute_result"]
        if not results:
            raise RenderError(f"{source}: inline `{{python}} {expression}` has no value")
        values[expression] = results[-1]["data"]
    return values


def inline_markdown(data: Mapping, expression: str, source: Path) -> str:
    """What an inline value prints: its Markdown form, which must carry at least one value read
    from a results file (a ``ReportValue`` span), so that no number reaches the text unchecked."""
    markdown = data.get("text/markdown", "")
    if f".{VALUE_CLASS} " not in markdown:
        raise RenderError(
            f"{source}: inline `{{python}} {expression}` is not a value read from a results file "
            "(use data.number, data.text, data.month or data.p_value in the setup cell)"
        )
    return markdown


def caption_text(options: dict, key: str, source: Path, label: str) -> str:
    caption = options.get(key)
    if not caption:
        raise RenderError(f"{source}: cell '{label}' needs '#| {key}:'")
    return str(caption).replace("\n", " ")


def cell_markdown(cell: Cell, source: Path, figures: Path, image_format: str) -> str:
    """A code cell's outputs as Pandoc Markdown: a captioned table, a captioned figure, Markdown
    or printed text. Warnings and errors printed by a cell fail the render."""
    label = cell.label
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stderr":
            raise RenderError(f"{source}: cell '{label}' wrote to stderr: {output.text.strip()}")
        if output.output_type == "stream":
            parts.append("```\n" + output.text.rstrip("\n") + "\n```")
            continue
        data = output.get("data", {})
        if label.startswith("fig-") and ("image/svg+xml" in data or "image/png" in data):
            parts.append(figure_markdown(cell, data, source, figures, image_format))
        elif "text/markdown" in data:
            parts.append(data["text/markdown"])
        elif any(mime.startswith("image/") for mime in data):
            raise RenderError(f"{source}: cell '{label}' shows an image but is not a fig- cell")
        elif "text/plain" in data:
            parts.append("```\n" + data["text/plain"] + "\n```")
    if label.startswith("tbl-"):
        if len(parts) != 1:
            raise RenderError(f"{source}: cell '{label}' should output one Markdown table")
        caption = caption_text(cell.options, "tbl-cap", source, label)
        return f"::: {{#{label}}}\n{parts[0]}\n\n: {caption}\n:::"
    if label.startswith("fig-") and len(parts) != 1:
        raise RenderError(f"{source}: cell '{label}' should output one figure")
    return "\n\n".join(parts)


def figure_markdown(
    cell: Cell, data: Mapping, source: Path, figures: Path, image_format: str
) -> str:
    """Write the figure's image in the form the output wants (SVG for HTML, PNG for the PDF)."""
    label = cell.label
    mime = "image/svg+xml" if image_format == "svg" else "image/png"
    if mime not in data:
        raise RenderError(f"{source}: cell '{label}' has no {mime} output for this format")
    figures.mkdir(parents=True, exist_ok=True)
    image = figures / f"{label}.{image_format}"
    if image_format == "svg":
        image.write_text(data[mime], encoding="utf-8")
    else:
        image.write_bytes(base64.b64decode(data[mime]))
    caption = caption_text(cell.options, "fig-cap", source, label)
    caption = caption.replace("[", "\\[").replace("]", "\\]")
    alt = cell.options.get("fig-alt")
    alt_attribute = f' fig-alt="{html.escape(str(alt))}"' if alt else ""
    return f"![{caption}]({figures.name}/{image.name}){{#{label}{alt_attribute}}}"


def markdown_document(
    cells: list[Cell], values: Mapping, source: Path, figures: Path, image_format: str
) -> str:
    parts = []
    for cell in cells:
        if cell.kind == "markdown":
            parts.append(
                INLINE_CODE.sub(
                    lambda m: inline_markdown(
                        values[m.group(1).strip()], m.group(1).strip(), source
                    ),
                    cell.source,
                )
            )
        else:
            parts.append(cell_markdown(cell, source, figures, image_format))
    return "\n\n".join(p for p in parts if p)


QUARTO_ONLY_CLASSES = ("callout-", "panel-", "content-visible", "content-hidden", "column-")


def unsupported_constructs(node: object) -> Iterator[str]:
    """Raw HTML/Typst/LaTeX (which could hide the banner or stamp), Quarto-only classes
    (callouts, tabsets, conditional content, margin columns) and shortcodes."""
    if isinstance(node, list):
        for item in node:
            yield from unsupported_constructs(item)
    elif isinstance(node, dict):
        kind = node.get("t")
        if kind in {"RawBlock", "RawInline"}:
            yield f"raw {node['c'][0]} ({node['c'][1][:40]!r})"
        elif kind in {"Div", "Span"}:
            yield from (
                f"the class '.{name}'"
                for name in node["c"][0][1]
                if name.startswith(QUARTO_ONLY_CLASSES)
            )
        elif kind == "Str" and "{{<" in node["c"]:
            yield "a shortcode ({{< … >}})"
        for value in node.values():
            yield from unsupported_constructs(value)


def refuse_unsupported(document: dict, source: Path) -> None:
    found = sorted(set(unsupported_constructs(document["blocks"])))
    if found:
        raise RenderError(
            f"{source}: not honoured by the fallback renderer: {'; '.join(found)}; "
            "see README, 'Rendering without Quarto'"
        )


def apply_figure_alt(node: object) -> None:
    """Give each figure's image its ``fig-alt`` text as alternative text (Pandoc uses the
    caption otherwise)."""
    if isinstance(node, list):
        for item in node:
            apply_figure_alt(item)
    elif isinstance(node, dict):
        if node.get("t") == "Image":
            attributes = node["c"][0][2]
            alt = [value for name, value in attributes if name == "fig-alt"]
            if alt:
                node["c"][0][2] = [[n, v] for n, v in attributes if n != "fig-alt"]
                node["c"][1] = crossref.text_inlines(alt[0])
        for value in node.values():
            apply_figure_alt(value)


class FallbackEngine:
    """Quarto's pipeline rebuilt from PyPI parts (see the module docstring)."""

    name = "fallback"

    def versions(self) -> dict[str, str]:
        import pypandoc

        return {
            "renderer": "peacekeeping_interviews fallback",
            "pandoc": pypandoc.get_pandoc_version(),
            "typst (python wheel)": installed_version("typst"),
            **{name: installed_version(name) for name in ("jupytext", "nbclient", "ipykernel")},
        }

    def label(self) -> str:
        versions = self.versions()
        return (
            f"fallback renderer (jupytext {versions['jupytext']}, pandoc {versions['pandoc']}, "
            f"typst {versions['typst (python wheel)']}); Quarto was not on PATH"
        )

    def render(self, source: Path, build: Path, styling: Styling) -> Rendered:
        metadata, body = front_matter(source.read_text(encoding="utf-8"), source)
        cells = read_cells(body, source)
        inline = list(
            dict.fromkeys(
                m.group(1).strip()
                for c in cells
                if c.kind == "markdown"
                for m in INLINE_CODE.finditer(c.source)
            )
        )
        values = execute(cells, inline, source, build, styling.context_file)
        bibliography = source.parent / metadata.get("bibliography", "references.bib")
        keys = bibliography_keys(bibliography)
        metadata = {**metadata, **styling.metadata}
        outputs = {}
        for image_format, writer in (("svg", "html"), ("png", "typst")):
            markdown = markdown_document(
                cells, values, source, build / f"{source.stem}-figures-{writer}", image_format
            )
            document = pandoc_ast(metadata, markdown, build)
            refuse_unsupported(document, source)
            apply_figure_alt(document["blocks"])
            try:
                document = crossref.resolve(document, keys, str(source))
            except crossref.CrossrefError as error:
                raise RenderError(str(error)) from None
            outputs[writer] = self.write(document, writer, source, build, styling)
        return Rendered(html=outputs["html"], pdf=outputs["typst"])

    def write(
        self, document: dict, writer: str, source: Path, build: Path, styling: Styling
    ) -> bytes:
        import pypandoc

        includes = build / f"{source.stem}-{writer}-include"
        arguments = ["--standalone", "--citeproc", f"--resource-path={build}"]
        metadata = document["meta"]
        for key in ("bibliography", "csl"):
            if key in metadata:
                arguments.append(f"--{key}={source.parent / pandoc_meta_text(metadata[key])}")
        if writer == "html":
            include, target = styling.before_body_html, build / f"{source.stem}.html"
            arguments += [
                "--embed-resources",
                f"--include-before-body={includes}",
                "--section-divs",
            ]
        else:
            include, target = (
                styling.typst_header + FALLBACK_TYPST_RULES,
                build / f"{source.stem}.typ",
            )
            arguments += [
                f"--include-in-header={includes}",
                f"--variable=papersize:{styling.papersize}",
            ]
        includes.write_text(include, encoding="utf-8")
        pypandoc.convert_text(
            json.dumps(document),
            "html5" if writer == "html" else "typst",
            format="json",
            outputfile=str(target),
            extra_args=arguments,
            cworkdir=str(build),
        )
        return (
            target.read_bytes()
            if writer == "html"
            else compile_typst(target, build, styling.timestamp)
        )


def pandoc_meta_text(value: dict) -> str:
    """The plain text of a Pandoc metadata value (MetaString or MetaInlines)."""
    if value["t"] == "MetaString":
        return value["c"]
    return "".join(
        item["c"] if item["t"] == "Str" else " "
        for item in value["c"]
        if item["t"] in {"Str", "Space"}
    )


def pandoc_ast(metadata: dict, markdown: str, build: Path) -> dict:
    import pypandoc

    text = (
        "---\n"
        + yaml.safe_dump(metadata, allow_unicode=True, sort_keys=True)
        + "---\n\n"
        + markdown
    )
    return json.loads(pypandoc.convert_text(text, "json", format="markdown", cworkdir=str(build)))


def bibliography_keys(path: Path) -> set[str]:
    import pypandoc

    if not path.is_file():
        raise RenderError(f"bibliography {path} not found")
    try:
        entries = json.loads(pypandoc.convert_file(str(path), "csljson", format="bibtex"))
    except RuntimeError as error:
        raise RenderError(f"bibliography {path.name} cannot be read: {error}") from None
    return {entry["id"] for entry in entries}


def compile_typst(typ: Path, build: Path, timestamp: int) -> bytes:
    """Typst with its embedded fonts only (no system fonts, so every machine sets the same
    type) and the render date as the PDF's creation date."""
    import typst

    try:
        return typst.compile(
            str(typ), root=str(build), ignore_system_fonts=True, timestamp=timestamp
        )
    except Exception as error:  # the wheel raises its own TypstError
        raise RenderError(f"{typ.name}: Typst failed: {error}") from None


def midnight_epoch(date: datetime.date) -> int:
    """Seconds since 1970 at 00:00 UTC on ``date``: the time every output of a run carries."""
    return int(datetime.datetime.combine(date, datetime.time(), datetime.UTC).timestamp())


def markdown_pdf(markdown: str, title: str, stamp: Stamp, synthetic: bool) -> bytes:
    """A plain Markdown document (a README) as PDF, with the same banner and stamp as the
    paper's pages and the stamp's date as its creation date."""
    import pypandoc

    date = datetime.date.fromisoformat(stamp.date)
    timestamp = midnight_epoch(date)
    with tempfile.TemporaryDirectory(prefix="pki-markdown-pdf-") as scratch:
        build = Path(scratch)
        header = build / "header.typ"
        header.write_text(banner_typst(stamp, synthetic), encoding="utf-8")
        target = build / "document.typ"
        pypandoc.convert_text(
            markdown,
            "typst",
            format="gfm",
            outputfile=str(target),
            extra_args=[
                "--standalone",
                f"--include-in-header={header}",
                f"--metadata=title:{title}",
                "--variable=papersize:a4",
            ],
            cworkdir=str(build),
        )
        return compile_typst(target, build, timestamp)


# ---------------------------------------------------------------------------- Quarto engine


class QuartoEngine:
    """``quarto render`` with the Jupyter engine, used whenever ``quarto`` is on PATH."""

    name = "quarto"

    def __init__(self, executable: str):
        self.executable = executable

    def versions(self) -> dict[str, str]:
        quarto = subprocess.run(
            [self.executable, "--version"], capture_output=True, text=True, check=True
        )
        return {"renderer": "quarto", "quarto": quarto.stdout.strip()}

    def label(self) -> str:
        return f"Quarto {self.versions()['quarto']} (Jupyter engine)"

    def render(self, source: Path, build: Path, styling: Styling) -> Rendered:
        before = build / "_pki_before_body.html"
        header = build / "_pki_header.typ"
        metadata = build / "_pki_metadata.yaml"
        before.write_text(styling.before_body_html, encoding="utf-8")
        header.write_text(styling.typst_header, encoding="utf-8")
        metadata.write_text(
            yaml.safe_dump(styling.metadata, allow_unicode=True, sort_keys=True), encoding="utf-8"
        )
        outputs = {}
        for target, include, suffix in (
            ("html", f"include-before-body:{before.name}", "html"),
            ("typst", f"include-in-header:{header.name}", "pdf"),
        ):
            output = f"{source.stem}.{suffix}"
            command = [
                self.executable,
                "render",
                source.name,
                "--to",
                target,
                "--output",
                output,
                "--metadata-file",
                metadata.name,
                "-M",
                include,
                "--execute",
            ]
            with environment_variable(CONTEXT_ENVIRONMENT_VARIABLE, str(styling.context_file)):
                run = subprocess.run(command, cwd=source.parent, capture_output=True, text=True)
            if run.returncode != 0:
                raise RenderError(
                    f"{source}: quarto render --to {target} failed:\n{run.stderr[-4000:]}"
                )
            outputs[suffix] = (source.parent / output).read_bytes()
        return Rendered(html=outputs["html"], pdf=outputs["pdf"])


def software_versions(engine: Engine) -> dict[str, str]:
    """The rendering engine's parts and the analysis packages, as the appendix reports them."""
    return {
        "python": platform.python_version(),
        **{name: installed_version(name) for name in ANALYSIS_SOFTWARE},
        **engine.versions(),
    }


def choose_engine(preference: str = "auto") -> Engine:
    """Quarto when it is on PATH (or asked for), the fallback otherwise (or when asked for)."""
    quarto = shutil.which("quarto")
    if preference == "fallback" or (preference == "auto" and quarto is None):
        return FallbackEngine()
    if quarto is None:
        raise RenderError("engine 'quarto' was asked for but quarto is not on PATH")
    return QuartoEngine(quarto)


# ---------------------------------------------------------------------------- the interface


def study_metadata(study: Mapping, synthetic: bool) -> dict:
    """Every document's title, authors and abstract, from the study record; the title says so
    when the data are synthetic."""
    return {
        "title": study["title"] + (SYNTHETIC_TITLE_SUFFIX if synthetic else ""),
        "author": list(study["authors"]),
        "abstract": study["abstract"],
    }


def refuse_own_study_metadata(metadata: Mapping, source: Path, study: str) -> None:
    """A source that sets its own title, authors or abstract would contradict the study's."""
    own = [key for key in STUDY_METADATA if key in metadata]
    if own:
        raise RenderError(
            f"{source}: front matter sets {own}, which every document takes from the study "
            f"record ({study}, from config.yaml's study section); remove them from the source"
        )


def quarto_project(reports_dir: Path) -> dict:
    """``_quarto.yml``; the fallback honours ``format.typst.papersize`` and needs code hidden."""
    path = reports_dir / "_quarto.yml"
    project = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if (project.get("execute") or {}).get("echo", False) is not False:
        raise RenderError(f"{path}: execute.echo must be false (the documents never show code)")
    return project


def render_reports(request: RenderRequest, environment: Mapping[str, str] | None = None) -> dict:
    """Render every document to HTML and PDF and write them with ``render.json``, or nothing."""
    environment = os.environ if environment is None else environment
    if installed_version("peacekeeping-interviews") != request.version:
        raise RenderError(
            f"pyproject.toml says version {request.version} but the installed package is "
            f"{installed_version('peacekeeping-interviews')}; reinstall (make venv)"
        )
    undeclared = sorted(
        {*request.named.values(), *request.deposited.values(), request.study}
        - set(request.declared)
    )
    if undeclared:
        raise RenderError("named inputs that are not declared: " + ", ".join(undeclared))
    missing = [r for r in request.declared if not (request.root / r).is_file()]
    if missing:
        raise RenderError("declared inputs missing: " + ", ".join(missing))
    engine = choose_engine(request.engine)
    synthetic = synthetic_flag(request.root, request.declared)
    date = render_date(request.root, environment)
    stamp = Stamp(
        version=request.version,
        commit=source_label(request.root, environment),
        data_fingerprint=fingerprint(input_digests(request.root, request.deposited)),
        engine=engine.label(),
        date=date.isoformat(),
    )
    project = quarto_project(request.reports_dir)
    papersize = ((project.get("format") or {}).get("typst") or {}).get("papersize", "a4")
    epoch = midnight_epoch(date)
    metadata = study_metadata(
        json.loads((request.root / request.study).read_text(encoding="utf-8")), synthetic
    )
    written: dict[Path, bytes | str] = {}
    documents = {}
    with tempfile.TemporaryDirectory(prefix="pki-render-") as scratch:
        build = Path(scratch) / "reports"
        shutil.copytree(request.reports_dir, build)
        context = Path(scratch) / "context.json"
        context.write_text(
            json_text(
                {
                    "root": str(request.root.resolve()),
                    "declared": sorted(request.declared),
                    "synthetic": synthetic,
                    "named": request.named,
                    "stamp": asdict(stamp),
                    "software": software_versions(engine),
                }
            ),
            encoding="utf-8",
        )
        for document in request.documents:
            source = build / document.source.name
            refuse_own_study_metadata(
                front_matter(source.read_text(encoding="utf-8"), document.source)[0],
                document.source,
                request.study,
            )
            styling = Styling(
                metadata=metadata,
                before_body_html=banner_html(stamp, synthetic),
                typst_header=banner_typst(stamp, synthetic),
                context_file=context,
                papersize=papersize,
                timestamp=epoch,
            )
            try:
                rendered = engine.render(source, build, styling)
            except RenderError as error:
                raise RenderError(
                    str(error).replace(str(build), str(request.reports_dir))
                ) from None
            written[document.html] = rendered.html
            written[document.pdf] = rendered.pdf
            documents[document.source.stem] = {
                "source": document.source.resolve().relative_to(request.root.resolve()).as_posix(),
                "html": document.html.name,
                "pdf": document.pdf.name,
                "html_sha256": hashlib.sha256(rendered.html).hexdigest(),
                "pdf_sha256": hashlib.sha256(rendered.pdf).hexdigest(),
            }
    record = {
        "engine": engine.name,
        "engine_label": engine.label(),
        "software": software_versions(engine),
        "stamp": asdict(stamp),
        "synthetic": synthetic,
        "inputs": recorded_inputs(request.declared, request.deposited, request.root),
        "documents": documents,
    }
    written[request.record] = json_text(record)
    write_all_or_nothing(written)
    return record
