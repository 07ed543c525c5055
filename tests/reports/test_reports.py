"""The report sources: no number typed by hand, every cell labelled, every exhibit captioned and
referred to in the text."""

import re

import pytest
import yaml
from conftest import ROOT

from peacekeeping_interviews.reports.qmd import cell_options, front_matter, read_cells
from peacekeeping_interviews.reports.rendering import STUDY_METADATA

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


def test_every_source_is_rendered_and_every_rendered_document_has_a_source():
    """The render rule names its documents; a source it leaves out would never be rendered, and
    a name without a source would fail only at run time."""
    rule = (ROOT / "workflow" / "rules" / "reports.smk").read_text(encoding="utf-8")
    declared = re.search(r"documents=\[([^\]]*)\]", rule)
    assert declared, "the render rule declares no documents"
    names = re.findall(r'"([^"]+)"', declared[1])
    assert sorted(names) == [s.stem for s in SOURCES]
    assert len(SOURCES) >= 2


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


def example_specific_terms() -> set[str]:
    """Words true only of one configuration: the codebooks' categories and factors and their
    citation keys, the configured task groups and missions, the study's title, authors and
    archive, and the names of the multiple-comparison corrections."""
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    terms = {"Holm", "Bonferroni", "Benjamini", "ReShare", "four authors"}
    terms |= {"individual, departmental and positional", "oksamytna2023", "buitelaar2023"}
    for path in (ROOT / "config").glob("codebook*.yaml"):
        codebook = yaml.safe_load(path.read_text(encoding="utf-8"))
        for category in codebook["categories"]:
            terms |= {category["id"], category["label"]}
            terms |= {f["id"] for f in category["factors"]} | {
                f["label"] for f in category["factors"]
            }
        terms |= {r["id"] for r in codebook["responses"]} | {codebook["framework"]["title"]}
    for group in config["mandates"]["task_groups"]:
        terms |= {group["id"], group["label"]}
    terms |= {name for mission in config["mandates"]["missions"] for name in mission["names"]}
    study = config["study"]
    terms |= {study["title"], study["paper"]["title"], study["publisher"]}
    terms |= {study["related_publication"]["doi"]}
    terms |= {creator["family_name"] for creator in study["creators"]}
    return terms


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_no_example_specific_term_is_typed_in_a_source(source):
    """Whatever the study, codebook, task groups or correction, the text follows the results."""
    text = source.read_text(encoding="utf-8")
    typed = sorted(
        term
        for term in example_specific_terms()
        if re.search(rf"(?<![\w.]){re.escape(term)}(?!\w)", text, flags=re.IGNORECASE)
    )
    assert typed == [], f"{source.name} names {typed}; read them from a results file"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_title_authors_and_abstract_are_left_to_the_study_record(source):
    metadata, _ = front_matter(source.read_text(encoding="utf-8"), source)
    assert not set(metadata) & set(STUDY_METADATA)


def test_example_specific_terms_are_found_where_typed(tmp_path):
    assert {"human_rights", "Holm", "MONUSCO", "Oksamytna"} <= example_specific_terms()
    source = tmp_path / "x.qmd"
    source.write_text("---\n---\n\nAdjusted with Holm's procedure.\n")
    with pytest.raises(AssertionError, match="Holm"):
        test_no_example_specific_term_is_typed_in_a_source(source)
