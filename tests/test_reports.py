"""The report sources: no number typed by hand, every cell labelled, every exhibit captioned and
referred to in the text."""

import re

import pytest
from conftest import ROOT

from peacekeeping_interviews.rendering import cell_options, front_matter, read_cells

SOURCES = sorted((ROOT / "reports").glob("*.qmd"))
CODE_SPAN = re.compile(r"`[^`]*`")
BRACKETED_CITATION = re.compile(r"\[[^\]]*@[^\]]*\](?!\()")
REFERENCE = re.compile(r"-?@[\w:.#$%&+?<>~/-]+")
LINK_TARGET = re.compile(r"\]\([^)]*\)")


def prose(source) -> str:
    """The Markdown cells without inline code, citations (with their page locators),
    cross-references and link targets."""
    _, body = front_matter(source.read_text(encoding="utf-8"), source)
    text = "\n".join(c.source for c in read_cells(body, source) if c.kind == "markdown")
    for pattern in (CODE_SPAN, BRACKETED_CITATION, REFERENCE, LINK_TARGET):
        text = pattern.sub(" ", text)
    return text


def test_both_documents_exist():
    assert [s.name for s in SOURCES] == ["appendix.qmd", "paper.qmd"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_no_number_is_typed_by_hand(source):
    typed = [line.strip() for line in prose(source).splitlines() if re.search(r"\d", line)]
    assert typed == [], f"{source.name}: digits outside inline code: {typed}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_exhibit_is_labelled_captioned_and_referred_to(source):
    text = source.read_text(encoding="utf-8")
    _, body = front_matter(text, source)
    cells = read_cells(body, source)
    labels = [c.label for c in cells if c.kind == "code"]
    exhibits = [label for label in labels if label.startswith(("tbl-", "fig-"))]
    assert exhibits, source.name
    for cell in cells:
        if cell.label.startswith("tbl-"):
            assert cell.options.get("tbl-cap"), cell.label
        if cell.label.startswith("fig-"):
            assert cell.options.get("fig-cap"), cell.label
    text_only = "\n".join(c.source for c in cells if c.kind == "markdown")
    unreferenced = [label for label in exhibits if f"@{label}" not in text_only]
    assert unreferenced == []
    assert len(labels) == len(set(labels))


def test_prose_filter_finds_typed_numbers(tmp_path):
    source = tmp_path / "x.qmd"
    source.write_text(
        "---\ntitle: t\n---\n\nWe held 210 interviews, `{python} n` in all, see @fig-a2 "
        "[@smith2020, p. 4] and [a link](https://doi.org/10.1/2).\n"
    )
    assert re.findall(r"\d+", prose(source)) == ["210"]
    assert cell_options("#| label: a\n#| fig-cap: 'b'\nx = 1") == {"label": "a", "fig-cap": "b"}
