"""PDF from Typst, the same on every machine: the ``typst`` wheel with its embedded fonts,
the render date as creation date; and a plain Markdown document (the deposit's README) as PDF
with the paper's banner and stamp."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from peacekeeping_interviews.reports.render_engine import RenderError
from peacekeeping_interviews.reports.stamp import Stamp, banner_typst, midnight_epoch


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
