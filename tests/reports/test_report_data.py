"""What the report cells may read: declared inputs only, keys named when missing, numbers that
carry their source."""

import json

import pandas as pd
import pypandoc
import pytest

from peacekeeping_interviews.reports.report_data import (
    Figure,
    ReportData,
    ReportDataError,
    ReportValue,
    cited,
    format_month,
    format_number,
    format_p_value,
    formatted,
    listing,
    lookup,
    markdown_table,
    phrase,
    readable,
    variable_label,
)


@pytest.fixture
def data(tmp_path) -> ReportData:
    (tmp_path / "results").mkdir()
    (tmp_path / "results/numbers.json").write_text(
        json.dumps({"n": 2546, "alpha": {"code": 0.79951}, "months": ["2019-07"], "flag": True})
    )
    (tmp_path / "results/table.csv").write_text("value,count\nnamed,<3\n")
    (tmp_path / "secret.csv").write_text("x\n1\n")
    return ReportData(tmp_path, ["results/numbers.json", "results/table.csv"])


def test_numbers_are_formatted_and_carry_their_source(data):
    n = data.number("results/numbers.json", "n")
    assert str(n) == "2,546"
    alpha = data.number("results/numbers.json", "alpha.code", digits=3)
    assert str(alpha) == "0.800" and alpha.key == "alpha.code" and alpha.kind == "number"
    assert str(data.number("results/numbers.json", "alpha.code", 1, 100)) == "80.0"
    assert str(data.month("results/numbers.json", "months.0")) == "July 2019"
    span = n._repr_markdown_()
    assert span.startswith(r"[2\,546]{.pki-value ")
    assert 'data-source="results/numbers.json"' in span and 'data-key="n"' in span


def test_undeclared_files_and_missing_keys_are_named(data):
    with pytest.raises(ReportDataError, match=r"'secret\.csv' is not a declared input"):
        data.table("secret.csv")
    with pytest.raises(
        ReportDataError,
        match=r"results/numbers.json: no key 'alpha.kappa' "
        r"\(nothing called 'kappa' under alpha\)",
    ):
        data.number("results/numbers.json", "alpha.kappa")
    with pytest.raises(ReportDataError, match="not a number"):
        data.number("results/numbers.json", "flag")
    with pytest.raises(ReportDataError, match="YYYY-MM"):
        format_month("2019-13")


def test_released_time_units_in_words():
    assert format_month("2019-07") == "July 2019"
    assert format_month("2020-Q1") == "the first quarter of 2020"
    assert format_month("2021") == "2021"
    for bad in ("2019-Q5", "*", "19-07"):
        with pytest.raises(ReportDataError, match="YYYY-MM, YYYY-Qn or YYYY"):
            format_month(bad)


def test_tables_keep_cells_as_written(data):
    table = data.table("results/table.csv")
    assert table.to_dict("records") == [{"value": "named", "count": "<3"}]


def test_lookup_walks_lists_by_index():
    assert lookup({"a": [{"b": 1}]}, "a.0.b", "f") == 1
    with pytest.raises(ReportDataError, match="nothing called '3' under a"):
        lookup({"a": [1]}, "a.3", "f")


def test_format_number_rounds_and_separates_thousands():
    assert format_number(1234567.891, 2) == "1,234,567.89"
    assert format_number(0.0899, 1, 100) == "9.0"


def test_markdown_table_sizes_columns_by_their_longest_cell():
    table = pd.DataFrame({"a": ["x" * 100], "bb": ["y"]})
    assert markdown_table(table)._repr_markdown_().splitlines()[1] == "|:" + "-" * 40 + "|:---|"


def test_markdown_table_escapes_and_aligns():
    table = pd.DataFrame({"label": ["a|b", "c*"], "n": ["<3", "1,234"]})
    text = markdown_table(table)._repr_markdown_()
    lines = text.splitlines()
    assert lines[0] == "| label | n |" and lines[1] == "|:-----|-----:|"
    assert lines[2] == r"| a\|b | \<3 |" and lines[3] == r"| c\* | 1\,234 |"


def test_figures_must_be_images():
    with pytest.raises(ReportDataError, match=r"'fig\.svg' is not an SVG"):
        Figure("fig", "<html/>", b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ReportDataError, match=r"'fig\.png' is not a PNG"):
        Figure("fig", "<svg/>", b"GIF89a")


def test_without_a_context_the_cells_say_how_to_render(monkeypatch):
    monkeypatch.delenv("PKI_RENDER_CONTEXT", raising=False)
    with pytest.raises(ReportDataError, match="make all"):
        ReportData.from_environment()


def test_report_value_prints_its_text():
    assert f"{ReportValue('210', 'f', 'k')} interviews" == "210 interviews"


def test_p_values_never_print_as_zero(data):
    assert format_p_value(0.0004) == "<\u00a00.001" and format_p_value(0.0123) == "0.012"
    assert format_p_value(0.001) == "0.001" and format_p_value(0.00004, 4) == "<\u00a00.0001"
    with pytest.raises(ReportDataError, match="not a p-value"):
        data.p_value("results/numbers.json", "n")


@pytest.mark.parametrize(
    ("value", "digits", "printed"),
    [
        (-0.0512, 2, "\u22120.05"),
        (-1234.56, 1, "\u22121,234.6"),
        (-0.004, 2, "0.00"),  # rounds to zero: no sign
        (-0.4, 0, "0"),
        (-0.0, 1, "0.0"),
        (0.125, 2, "0.12"),  # half-even, as the stored results round
        (12345.0, 0, "12,345"),
    ],
)
def test_numbers_print_with_a_typographic_minus_and_no_signed_zero(value, digits, printed):
    assert format_number(value, digits) == printed


def test_numeric_columns_are_right_aligned_whatever_their_signs_and_masks():
    table = pd.DataFrame(
        {
            "Name": ["a", "b"],
            "p": [formatted(0.0001, "p_value"), formatted(0.5, "p_value")],
            "Change": [formatted(-0.05, "effect_size"), formatted(1234, "count")],
            "Interviews": ["<3", "59\u201376"],
            "Share": ["19.0%", ""],
        }
    )
    rule = markdown_table(table).text.splitlines()[1]
    assert rule.split("|")[1:-1] == [
        ":" + "-" * (len(cell) - 1) if i == 0 else "-" * (len(cell) - 1) + ":"
        for i, cell in enumerate(rule.split("|")[1:-1])
    ]


def test_inline_text_is_printed_as_stored_and_table_cells_cannot_break_lines(tmp_path):
    from peacekeeping_interviews.reports.report_data import escape_markdown

    stored = 'Côte d\'Ivoire -- "UNOCI" 2004--2017 R&amp;D'
    html = pypandoc.convert_text(escape_markdown(stored), "html", format="markdown")
    assert pypandoc.convert_text(html, "plain", format="html").strip() == stored
    with pytest.raises(ReportDataError, match="line break"):
        markdown_table(pd.DataFrame({"a": ["x\ny"]}))


def test_phrases_and_lists_keep_every_value_as_a_span(data):
    n = data.number("results/numbers.json", "n")
    assert phrase("a-b (", n, ")")._repr_markdown_() == f"a\\-b \\({n._repr_markdown_()}\\)"
    assert listing(["x"]).text == "x"
    assert listing(["x", "y"]).text == "x and y"
    assert listing(["x", n, "z"]).text == f"x, {n._repr_markdown_()} and z"
    with pytest.raises(ReportDataError, match="empty list"):
        listing([])


def test_cited_adds_a_citation_or_the_source_or_nothing(data):
    n = data.number("results/numbers.json", "n")
    span = n._repr_markdown_()
    assert cited(n, "holm1979").text == f"{span} [@holm1979]"
    assert cited(n, None, "Holm 1979").text == f"{span} (Holm 1979)"
    assert cited(n, None).text == span
    with pytest.raises(ReportDataError, match="not a citation key"):
        cited(n, "x] [@y")


def test_a_table_without_rows_says_none():
    text = markdown_table(pd.DataFrame({"Subgroup": [], "Codes never found": []}))
    lines = text._repr_markdown_().splitlines()
    assert len(lines) == 3 and lines[2] == "| none |  |"


def test_released_attributes_and_values_read_as_words_in_both_documents():
    assert variable_label("level") == "Level" and variable_label("region_of_origin") == (
        "Region of origin"
    )
    assert readable("dsrsg") == "deputy SRSG" and readable("*") == "withheld"
    assert readable("field_office") == "field office"
