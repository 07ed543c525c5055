"""The fallback renderer's HTML tables: which a printed page keeps whole (class ``short``)."""

from __future__ import annotations

import json

import pypandoc
import pytest

from peacekeeping_interviews.reports.fallback_engine import scrolling_tables


def table_classes(rows: int, cell: str) -> list[str]:
    lines = ["| Factor | Definition |", "|---|---|", *[f"| f{i} | {cell} |" for i in range(rows)]]
    markdown = "\n".join(lines) + "\n\n: A caption\n"
    document = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))
    scrolling_tables(document["blocks"])
    (table,) = document["blocks"]
    return table["c"][0][1]


@pytest.mark.parametrize(
    ("rows", "cell", "short"),
    [
        (20, "one", True),
        (21, "one", False),
        (8, "word " * 60, False),  # few rows, each of several printed lines
        (8, "word " * 10, True),
    ],
)
def test_a_printed_page_keeps_only_tables_of_few_lines_whole(rows, cell, short):
    assert ("short" in table_classes(rows, cell.strip())) is short
