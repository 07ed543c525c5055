"""Cross-references on Pandoc's AST: numbering, links, mixed citations, and errors."""

import json

import pypandoc
import pytest

from peacekeeping_interviews.reports.crossref import CrossrefError, resolve

SOURCE = """
See @fig-b, @tbl-a and @fig-c [@smith2020].

::: {#tbl-a}
| x |
|---|
| 1 |

: Counts
:::

![First figure](a.png){#fig-b}

![Second *figure*](b.png){#fig-c}
"""


def ast(markdown: str) -> dict:
    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))


def plain(document: dict) -> str:
    return pypandoc.convert_text(
        json.dumps(document), "plain", format="json", extra_args=["--wrap=none"]
    )


def test_targets_are_numbered_per_kind_in_document_order_and_references_link():
    resolved = resolve(ast(SOURCE), {"smith2020"}, "doc.qmd")
    assert "See Figure 1, Table 1 and Figure 2" in plain(resolved)
    html = pypandoc.convert_text(
        json.dumps(resolved), "html", format="json", extra_args=["--wrap=none"]
    )
    assert "<caption>Table 1: Counts</caption>" in html
    assert "<figcaption>Figure 1: First figure</figcaption>" in html
    assert "<figcaption>Figure 2: Second <em>figure</em></figcaption>" in html
    assert '<a href="#fig-c" class="crossref">Figure 2</a>' in html
    assert '<table id="tbl-a"' in html
    cites = [b for b in json.dumps(resolved).split('"citationId": ')[1:]]
    assert [c.split('"')[1] for c in cites] == ["smith2020"]


def test_prefix_suffix_and_bare_numbers_are_kept():
    text = plain(
        resolve(
            ast("As [see @fig-a, panel b] and figure -@fig-a show.\n\n![A](a.png){#fig-a}"),
            set(),
            "d",
        )
    )
    assert "As see Figure 1, panel b and figure 1 show." in text


def test_the_input_is_not_modified():
    document = ast(SOURCE)
    before = json.dumps(document)
    resolve(document, {"smith2020"}, "doc.qmd")
    assert json.dumps(document) == before


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        (
            "See @fig-z.\n\n![A](a.png){#fig-a}",
            "doc.qmd: @fig-z refers to no figure or table label",
        ),
        ("As [@nobody2001] said.", "doc.qmd: @nobody2001 is not in the bibliography"),
        ("![A](a.png){#fig-a}\n\n![B](b.png){#fig-a}", "the label 'fig-a' is used twice"),
        ("![A](a.png){#tbl-a}", "'tbl-a' labels a figure"),
        ("::: {#tbl-a}\nno table here\n:::", "'tbl-a' should hold one table"),
    ],
)
def test_what_cannot_be_resolved_is_an_error(markdown, message):
    with pytest.raises(CrossrefError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve(ast(markdown), {"smith2020"}, "doc.qmd")


def test_every_problem_is_reported_at_once():
    with pytest.raises(CrossrefError) as raised:
        resolve(ast("@fig-x and @tbl-y and [@nobody]"), set(), "doc.qmd")
    assert all(key in str(raised.value) for key in ("@fig-x", "@tbl-y", "@nobody"))
