"""The stamp and banner as HTML and CSS: text from a label cannot end the CSS string or the
``<style>`` element it is written into, and a printed page repeats the banner and stamp (the
rendered pages themselves are checked in Chromium by test_documents_as_published)."""

from __future__ import annotations

import re

from peacekeeping_interviews.reports.stamp import Stamp, banner_html, css_string


def read_css_string(written: str) -> str:
    """A CSS string token's value, by the hex escapes of CSS Syntax Level 3, section 4.3.7."""
    assert written[0] == written[-1] == '"'
    return re.sub(r"\\([0-9a-fA-F]{1,6}) ?", lambda m: chr(int(m.group(1), 16)), written[1:-1])


def test_a_css_string_reads_back_as_written_and_cannot_close_the_style_element():
    hostile = 'a "quoted" \\ back</style><script>x()</script>\n; } é 12'
    written = css_string(hostile)
    assert not re.search(r'</|\n|(?<!\\)"', written[1:-1])
    assert read_css_string(written) == hostile
    assert css_string('say "1"') == '"say \\22 1\\22 "'


def test_a_printed_page_carries_the_banner_only_for_synthetic_data():
    stamp = Stamp("1.0.0", "abc123", "f00d", 'an engine "x"', "2026-01-01")
    synthetic, real = banner_html(stamp, True), banner_html(stamp, False)
    assert re.search(r"@page\{[^<]*@top-center\{content:", synthetic)
    assert "@top-center" not in real
    assert "abc123" in real.split("@bottom-left{content:")[1]
