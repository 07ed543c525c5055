"""The fallback renderer: Quarto's pipeline rebuilt from PyPI parts where Quarto cannot be
installed. jupytext reads the cells (its R Markdown reader knows the ```` ```{python} ````
syntax), nbclient runs them in an ipykernel, the outputs and inline values become Pandoc
Markdown, :mod:`crossref` numbers figures and tables, and Pandoc (``pypandoc-binary``) with
citeproc writes HTML and Typst, which the ``typst`` wheel compiles to PDF. What it cannot honour
is refused with a message, never silently dropped (see README, "Rendering without Quarto")."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterator, Mapping
from importlib.metadata import version as installed_version
from pathlib import Path

import yaml

from peacekeeping_interviews.reports import crossref
from peacekeeping_interviews.reports.pandoc_json import elements
from peacekeeping_interviews.reports.qmd import Cell, front_matter, read_cells
from peacekeeping_interviews.reports.render_engine import (
    Rendered,
    RenderError,
    Styling,
    environment_variable,
)
from peacekeeping_interviews.reports.report_data import CONTEXT_ENVIRONMENT_VARIABLE, VALUE_CLASS
from peacekeeping_interviews.reports.stamp import typst_string
from peacekeeping_interviews.reports.typst_pdf import (
    PdfMetadata,
    compile_typst,
    template_path,
    typst_template_arguments,
)

INLINE_CODE = re.compile(r"`\{python\}\s+([^`]+?)`")
KERNEL_TIMEOUT_SECONDS = 600
UNWRAPPED_COLUMNS = 100_000
# crossref.py writes "Figure 1:" into captions itself, so Typst must not number them again.
FALLBACK_TYPST_RULES = "#set figure(numbering: none)\n"
# A printed HTML page keeps a table of at most this many estimated lines whole (class ``short``),
# a row taking a line per this many characters of its text: a browser cannot measure a table
# against the page as Typst does, and would leave a page nearly empty before a long table it was
# asked to keep whole.
PRINTED_WHOLE_TABLE_LINES = 20
PRINTED_LINE_CHARACTERS = 100


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
    for element in elements(node):
        kind = element["t"]
        if kind in {"RawBlock", "RawInline"}:
            yield f"raw {element['c'][0]} ({element['c'][1][:40]!r})"
        elif kind in {"Div", "Span"}:
            yield from (
                f"the class '.{name}'"
                for name in element["c"][0][1]
                if name.startswith(QUARTO_ONLY_CLASSES)
            )
        elif kind == "Str" and "{{<" in element["c"]:
            yield "a shortcode ({{< … >}})"


def refuse_unsupported(document: dict, source: Path) -> None:
    found = sorted(set(unsupported_constructs(document["blocks"])))
    if found:
        raise RenderError(
            f"{source}: not honoured by the fallback renderer: {'; '.join(found)}; "
            "see README, 'Rendering without Quarto'"
        )


def apply_figure_alt(node: object) -> dict[str, str]:
    """Give each figure's image its ``fig-alt`` text as alternative text (Pandoc uses the
    caption otherwise); return the alternative texts by image path."""
    found = {}
    for image in (e for e in elements(node) if e["t"] == "Image"):
        attributes = image["c"][0][2]
        alt = [value for name, value in attributes if name == "fig-alt"]
        if alt:
            image["c"][0][2] = [[n, v] for n, v in attributes if n != "fig-alt"]
            image["c"][1] = crossref.text_inlines(alt[0])
            found[image["c"][2][0]] = alt[0]
    return found


WORD_BREAKS = {"Space", "SoftBreak", "LineBreak"}


def mark_unbroken_cells(table: dict) -> None:
    """Keep on one line what a browser would otherwise break after a hyphen or sign in a narrow
    column: every body cell of one word (a pseudonym, a number, "< 0.001") gets the class
    ``unbroken``, and every hyphenated word of a header ("Chi-square") a span of that class."""
    for body in table["c"][4]:
        for row in body[3]:
            for cell in row[1]:
                if not any(e["t"] in WORD_BREAKS for e in elements(cell[4])):
                    cell[0][1] = [*cell[0][1], "unbroken"]
    for block in (e for e in elements(table["c"][3]) if e["t"] in {"Plain", "Para"}):
        block["c"] = [
            {"t": "Span", "c": [["", ["unbroken"], []], [inline]]}
            if inline["t"] == "Str" and "-" in inline["c"]
            else inline
            for inline in block["c"]
        ]


def estimated_lines(bodies: list) -> int:
    """The printed lines a table's body rows take, roughly: one per row, or one per
    :data:`PRINTED_LINE_CHARACTERS` characters of the row's text."""
    lines = 0
    for body in bodies:
        for row in body[3]:
            characters = sum(len(e["c"]) + 1 for e in elements(row) if e["t"] == "Str")
            lines += max(1, -(-characters // PRINTED_LINE_CHARACTERS))
    return lines


def scrolling_tables(node: object) -> None:
    """Set every table, for the HTML edition, in a box of its own that scrolls sideways when the
    table is wider than the page, with its caption above that box so that the caption stays in
    view while the table scrolls (Pandoc writes ``<caption>`` inside the ``<table>``, where it
    scrolls away). The box is a labelled region the keyboard can reach (``tabindex="0"``):
    a reader who cannot use a mouse must be able to focus it to scroll (axe-core's
    scrollable-region-focusable). The table keeps its caption as its accessible name through
    ``aria-labelledby``, and a cross-reference lands on the caption. A short table
    (:func:`estimated_lines`) is marked ``short``, which the print style keeps on one page."""
    tables = [e for e in elements(node) if e["t"] == "Table"]
    for number, table in enumerate(tables, start=1):
        attr, (_, caption), *rest = table["c"]
        identifier, classes, attributes = attr
        mark_unbroken_cells(table)
        box: list = [["tabindex", "0"]]
        blocks: list = []
        if caption:
            caption_id = f"caption-{identifier or f'table-{number}'}"
            box = [["role", "region"], ["aria-labelledby", caption_id], *box]
            attributes = [*attributes, ["aria-labelledby", caption_id]]
            blocks.append({"t": "Div", "c": [[caption_id, ["table-caption"], []], caption]})
        inner = {"t": "Table", "c": [["", classes, attributes], [None, []], *rest]}
        blocks.append({"t": "Div", "c": [["", ["table-scroll"], box], [inner]]})
        short = estimated_lines(rest[2]) <= PRINTED_WHOLE_TABLE_LINES
        kind = ["table-float", *(["short"] if short else [])]
        table.clear()
        table.update({"t": "Div", "c": [[identifier, kind, []], blocks]})


def with_typst_alt(typst: str, alts: Mapping[str, str]) -> str:
    """Typst source whose images carry their alternative text. Pandoc's Typst writer (3.9)
    drops an image's description, and PDF/UA needs one on every figure, so each
    ``image("<path>")`` the writer made for a figure gets its ``fig-alt``."""
    for path, alt in alts.items():
        typst = typst.replace(f'image("{path}")', f'image("{path}", alt: {typst_string(alt)})')
    return typst


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
            f"the fallback renderer (Jupyter via jupytext {versions['jupytext']}, Pandoc "
            f"{versions['pandoc']}, the typst Python wheel {versions['typst (python wheel)']})"
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
        metadata = {**metadata, **styling.document_metadata()}
        outputs = {}
        for image_format, writer in (("svg", "html"), ("png", "typst")):
            markdown = markdown_document(
                cells, values, source, build / f"{source.stem}-figures-{writer}", image_format
            )
            document = pandoc_ast(metadata, markdown, build)
            refuse_unsupported(document, source)
            alts = apply_figure_alt(document["blocks"])
            try:
                document = crossref.resolve(document, keys, str(source))
            except crossref.CrossrefError as error:
                raise RenderError(str(error)) from None
            if writer == "html":
                scrolling_tables(document["blocks"])
            outputs[writer] = self.write(document, writer, source, build, styling, alts)
        return Rendered(html=outputs["html"], pdf=outputs["typst"])

    def write(
        self,
        document: dict,
        writer: str,
        source: Path,
        build: Path,
        styling: Styling,
        alts: Mapping[str, str],
    ) -> bytes:
        import pypandoc

        includes = build / f"{source.stem}-{writer}-include"
        arguments = ["--standalone", "--citeproc", f"--resource-path={build}"]
        metadata = document["meta"]
        full_title = str(styling.metadata["title"])
        if "subtitle" in metadata:
            full_title += f": {pandoc_meta_text(metadata['subtitle'])}"
        for key in ("bibliography", "csl"):
            if key in metadata:
                arguments.append(f"--{key}={source.parent / pandoc_meta_text(metadata[key])}")
        if writer == "html":
            # The title, contents and text are the page's main landmark; the banner stays out.
            include, target = styling.before_body_html + "<main>\n", build / f"{source.stem}.html"
            after = build / f"{source.stem}-{writer}-after"
            after.write_text("</main>\n", encoding="utf-8")
            arguments += [
                "--embed-resources",
                f"--include-before-body={includes}",
                f"--include-after-body={after}",
                "--section-divs",
                "--toc",
                "--toc-depth=2",
                "--number-sections",
                "--metadata=link-citations:true",
                "--metadata=toc-title:Contents",
                f"--metadata=pagetitle:{full_title}",
                f"--css={template_path('document.css')}",
                *html_meta_variables(styling.metadata),
            ]
        else:
            include, target = (
                pdf_metadata(styling.metadata, full_title).typst()
                + styling.typst_header
                + FALLBACK_TYPST_RULES,
                build / f"{source.stem}.typ",
            )
            before = build / f"{source.stem}-{writer}-before"
            before.write_text(styling.typst_before_body, encoding="utf-8")
            arguments += [
                f"--include-before-body={before}",
                *typst_template_arguments(),
                "--variable=section-numbering:1.1",
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
        if writer == "html":
            return target.read_bytes()
        target.write_text(with_typst_alt(target.read_text(encoding="utf-8"), alts), "utf-8")
        return compile_typst(target, build, styling.timestamp)


def html_meta_variables(metadata: Mapping) -> list[str]:
    """The authors and keywords of the page's ``<meta>`` tags, HTML-escaped: Pandoc's template
    writes them into an attribute without escaping a double quote, which would end it (and let a
    keyword add an attribute such as a redirect)."""
    return [
        *(f"--variable=author-meta:{html.escape(str(a))}" for a in metadata["author"]),
        *(f"--variable=keywords:{html.escape(str(k))}" for k in metadata.get("keywords", [])),
    ]


def pdf_metadata(metadata: Mapping, title: str) -> PdfMetadata:
    """The PDF's metadata from the study's (authors, keywords; the abstract as subject) and the
    document's full title (the study's, then the source's subtitle, so that the paper and its
    appendix are told apart)."""
    return PdfMetadata(
        title=title,
        authors=[str(author) for author in metadata["author"]],
        keywords=[str(keyword) for keyword in metadata.get("keywords", [])],
        subject=str(metadata.get("abstract", "")),
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
    # A line longer than --columns makes Pandoc size a table's columns by its dashes, which
    # squeezes short numeric columns until their headers touch; read with a wider page, every
    # table gets columns sized by its content (Typst's and the browser's auto layout).
    return json.loads(
        pypandoc.convert_text(
            text,
            "json",
            format="markdown",
            extra_args=[f"--columns={UNWRAPPED_COLUMNS}"],
            cworkdir=str(build),
        )
    )


def bibliography_keys(path: Path) -> set[str]:
    import pypandoc

    if not path.is_file():
        raise RenderError(f"bibliography {path} not found")
    try:
        entries = json.loads(pypandoc.convert_file(str(path), "csljson", format="bibtex"))
    except RuntimeError as error:
        raise RenderError(f"bibliography {path.name} cannot be read: {error}") from None
    return {entry["id"] for entry in entries}
