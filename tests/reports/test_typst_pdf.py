"""The project's Typst template on tables the example does not have: a table of few but tall rows
runs on over pages inside the page (not over its foot), and a short table at the foot of a page
moves whole to the next (typst_pdf.WHOLE_TABLE_SHARE)."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pytest
from lxml import etree

from peacekeeping_interviews.reports.stamp import Stamp
from peacekeeping_interviews.reports.typst_pdf import PdfMetadata, markdown_pdf

STAMP = Stamp("0.0.0", "abc123", "f00d", "a test", "2026-01-01")
DEFINITION = " ".join(["a definition long enough to wrap over several lines of its cell"] * 6)
FILLER = " ".join(["Words that fill the page before the table."] * 12)


def table(rows: int, cell: str) -> str:
    lines = ["| Factor | Definition |", "|---|---|"]
    lines += [f"| factor{number} | {cell} |" for number in range(rows)]
    return "\n".join(lines)


def pages_of(pdf: bytes, tmp_path) -> list[dict]:
    """Each page's size and words (``pdftotext -bbox``)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True
    ).stdout
    tree = etree.fromstring(xhtml, etree.XMLParser(recover=True))
    return [
        {
            "width": float(page.get("width")),
            "height": float(page.get("height")),
            "words": [
                (w.text, *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                for w in page.iter("{*}word")
            ],
        }
        for page in tree.iter("{*}page")
    ]


def rows_by_page(pages: list[dict]) -> list[list[str]]:
    return [[w[0] for w in page["words"] if w[0].startswith("factor")] for page in pages]


def overlapping(words: list[tuple]) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(words)
        for b in words[i + 1 :]
        if min(a[3], b[3]) - max(a[1], b[1]) > 1 and min(a[4], b[4]) - max(a[2], b[2]) > 1
    ]


@pytest.mark.parametrize("rows", [18, 30])
def test_a_table_of_few_tall_rows_runs_on_inside_the_pages(rows, tmp_path):
    markdown = f"# A codebook\n\n{table(rows, DEFINITION)}\n\n: Factors and their definitions\n"
    pages = pages_of(
        markdown_pdf(markdown, PdfMetadata("A codebook", ["A B"], ["k"]), STAMP, True), tmp_path
    )
    assert sum(len(found) for found in rows_by_page(pages)) == rows
    assert len([found for found in rows_by_page(pages) if found]) > 1
    for page in pages:
        outside = [w for w in page["words"] if w[3] > page["width"] or w[4] > page["height"]]
        assert outside == [] and overlapping(page["words"]) == []


@pytest.mark.parametrize("paragraphs", range(6, 13))  # the table meets the foot at each row
def test_a_short_table_at_the_foot_of_a_page_moves_whole_to_the_next(paragraphs, tmp_path):
    filler = "\n\n".join([FILLER] * paragraphs)
    markdown = f"# A report\n\n{filler}\n\n{table(8, 'short')}\n\n: Eight short rows\n"
    pages = pages_of(
        markdown_pdf(markdown, PdfMetadata("A report", ["A B"], ["k"]), STAMP, True), tmp_path
    )
    assert [len(found) for found in rows_by_page(pages) if found] == [8]


@pytest.mark.parametrize("keywords", [(), ("one",), ("one", 'with "quotes", and a comma')])
def test_metadata_compiles_with_any_number_of_keywords(keywords, tmp_path):
    pdf = markdown_pdf("# T\n\nText.\n", PdfMetadata("T", ["A B"], keywords), STAMP, False)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.open_metadata()["dc:creator"] == ["A B"]


def test_markup_in_a_readme_prints_as_written(tmp_path):
    """Text a README takes from the config (a name with ``$``, a title with a tag) is printed,
    not set as a formula (which PDF/UA would refuse) or dropped as raw HTML."""
    markdown = (
        "# A $x^2$ study\n\nBy Ada <b>Example</b>, $$y$$ and <script>x()</script>.\n\n"
        "Logo ![the logo](https://example.org/logo.png) here.\n"
    )
    pdf = markdown_pdf(markdown, PdfMetadata("T", ["A B"], ["k"]), STAMP, False)
    text = " ".join(" ".join(w[0] for w in page["words"]) for page in pages_of(pdf, tmp_path))
    assert "A $x^2$ study" in text
    assert "By Ada <b>Example</b>, $$y$$ and <script>x()</script>." in text
    assert "Logo ![the logo](https://example.org/logo.png) here." in text
