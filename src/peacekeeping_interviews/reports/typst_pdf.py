"""PDF from Typst, the same on every machine and fit for an archive: the ``typst`` wheel with its
embedded fonts, the render date as creation date, PDF/A-2a and PDF/UA-1 (tagged, every figure
with its alternative text, which the UK Data Service asks of documentation), and the document's
title, authors, language, subject and keywords in its metadata; and a plain Markdown document
(the deposit's README) as PDF with the paper's banner and stamp."""

from __future__ import annotations

import datetime
import io
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal

from peacekeeping_interviews.reports.pandoc_json import literal_markup
from peacekeeping_interviews.reports.render_engine import RenderError
from peacekeeping_interviews.reports.stamp import (
    Stamp,
    banner_typst,
    midnight_epoch,
    typst_string,
)

# PDF/A-2 level A (accessible: tagged, Unicode text, alternative text) and PDF/UA-1; Typst refuses
# to write a document that breaks either, such as a figure without alternative text.
PDF_STANDARDS: tuple[Literal["a-2a"], Literal["ua-1"]] = ("a-2a", "ua-1")


@dataclass(frozen=True)
class PdfMetadata:
    """What a PDF says about itself (its Info dictionary and XMP): from the study config."""

    title: str
    authors: Sequence[str]
    keywords: Sequence[str] = ()
    subject: str = ""

    def typst(self) -> str:
        """A Typst ``document`` set rule carrying the metadata (the language is the text's)."""
        subject = typst_string(self.subject) if self.subject else "none"
        return (
            f"#set document(title: {typst_string(self.title)}, "
            f"author: {typst_array(self.authors)}, keywords: {typst_array(self.keywords)}, "
            f"description: {subject})\n"
        )


def typst_array(items: Sequence[str]) -> str:
    """Strings as a Typst array: ``()`` when empty, ``("a",)`` for one."""
    return "(" + "".join(f"{typst_string(item)}, " for item in items).rstrip(" ") + ")"


def template_path(name: str) -> Path:
    """A file of the fallback renderer's own: the Pandoc template for Typst
    (``document.typst``) or the HTML's style sheet (``document.css``)."""
    return Path(str(files("peacekeeping_interviews.reports") / "templates" / name))


# A table no taller than this share of a page's text area is kept whole in the PDF.
WHOLE_TABLE_SHARE = 0.4


def typst_template_arguments() -> list[str]:
    """Pandoc's arguments for the project's Typst template and the variables it needs."""
    return [
        f"--template={template_path('document.typst')}",
        f"--variable=whole-table-share:{WHOLE_TABLE_SHARE}",
    ]


def compile_typst(typ: Path, build: Path, timestamp: int) -> bytes:
    """Typst with its embedded fonts only (no system fonts, so every machine sets the same
    type), the render date as the PDF's creation date, as PDF/A-2a and PDF/UA-1."""
    import typst

    try:
        pdf = typst.compile(
            str(typ),
            root=str(build),
            ignore_system_fonts=True,
            timestamp=timestamp,
            pdf_standards=list(PDF_STANDARDS),
        )
    except Exception as error:  # the wheel raises its own TypstError
        raise RenderError(f"{typ.name}: Typst failed: {error}") from None
    return without_suspects_flag(pdf)


def without_suspects_flag(pdf: bytes) -> bytes:
    """The PDF without its catalog's ``/MarkInfo /Suspects false``, an optional entry whose
    default is false, which poppler (``pdfinfo``, ``pdftotext``) reports as a syntax error on
    every page. Saved by pikepdf (qpdf) with both parts of its /ID derived from the content, so
    the bytes stay the same for the same document, and two documents differ in their /ID even
    when their titles and authors are the same (Typst derives the permanent part from those
    alone)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        marks = document.Root.get("/MarkInfo")
        if marks is not None and "/Suspects" in marks:
            del marks["/Suspects"]
        del document.trailer["/ID"]
        output = io.BytesIO()
        document.save(output, deterministic_id=True)
    return output.getvalue()


def markdown_pdf(markdown: str, metadata: PdfMetadata, stamp: Stamp, synthetic: bool) -> bytes:
    """A plain Markdown document (a README) as PDF, with the same banner, stamp, template and
    standards as the paper's pages and the stamp's date as its creation date; raw HTML and
    maths in it print as written (:func:`pandoc_json.literal_markup`)."""
    import pypandoc

    date = datetime.date.fromisoformat(stamp.date)
    timestamp = midnight_epoch(date)
    with tempfile.TemporaryDirectory(prefix="pki-markdown-pdf-") as scratch:
        build = Path(scratch)
        header = build / "header.typ"
        header.write_text(metadata.typst() + banner_typst(stamp, synthetic), encoding="utf-8")
        target = build / "document.typ"
        document = json.loads(pypandoc.convert_text(markdown, "json", format="gfm"))
        literal_markup(document["blocks"])
        pypandoc.convert_text(
            json.dumps(document),
            "typst",
            format="json",
            outputfile=str(target),
            extra_args=[
                "--standalone",
                *typst_template_arguments(),
                f"--include-in-header={header}",
                "--metadata=lang:en-GB",
                "--variable=papersize:a4",
            ],
            cworkdir=str(build),
        )
        return compile_typst(target, build, timestamp)
