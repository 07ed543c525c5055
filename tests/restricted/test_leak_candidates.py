"""The quick tests that spare the leak scan reading most lines word by word: they never rule out
a line any search finds something on, line by line or in a whole file, and rule out clean ones."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from restricted_examples import EVERY_KIND, FRAGMENTS

from peacekeeping_interviews.restricted.leak_candidates import lines_that_may_leak, may_leak
from peacekeeping_interviews.restricted.leak_scan import leaks_in_read_line
from peacekeeping_interviews.restricted.normalised_text import Line

_PIECES = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)),
        st.sampled_from([",", " ", "\t", " | ", '"', "", ". ", "\n", "\r\n", "\x1f"]),
    ),
    max_size=12,
)


def _text(pseudonym: bool, pieces: list[tuple[str, str]]) -> str:
    return "P-0123456789," * pseudonym + "".join(fragment + joint for fragment, joint in pieces)


@settings(max_examples=400, deadline=None)
@given(st.booleans(), _PIECES)
def test_the_quick_test_never_rules_out_a_line_a_search_finds_a_leak_on(pseudonym, pieces):
    for line in _text(pseudonym, pieces).splitlines():
        found = leaks_in_read_line(Line.read(line), EVERY_KIND)
        assert may_leak(line, EVERY_KIND) or not found, (line, found)


@settings(max_examples=400, deadline=None)
@given(st.booleans(), _PIECES, st.booleans())
def test_the_whole_text_passes_never_rule_out_a_line_a_search_finds_a_leak_on(
    pseudonym, pieces, ascii_only
):
    text = _text(pseudonym, pieces)
    if ascii_only:
        text = text.encode("ascii", "ignore").decode()
    lines = text.splitlines()
    marked = set(lines_that_may_leak(lines, EVERY_KIND))
    for index, line in enumerate(lines):
        found = leaks_in_read_line(Line.read(line), EVERY_KIND)
        assert index in marked or not found, (line, found)


def test_clean_lines_are_ruled_out_and_a_leaking_one_is_not():
    clean = "P-aaaaaaaaaa,2020-02,in_person,an anonymous source said the mission ended"
    assert not may_leak(clean, EVERY_KIND)
    assert may_leak(clean.replace("anonymous", "Balquist's"), EVERY_KIND)
    lines = [clean] * 3 + [clean.replace("anonymous", "REF 2")] + [clean]
    assert lines_that_may_leak(lines, EVERY_KIND) == [3]


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_each_kind_of_leak_alone_on_a_line_is_marked(fragment):
    """Each pass on its own: one fragment between clean lines, ASCII or not."""
    clean = "P-aaaaaaaaaa,2020-02,in_person,an anonymous source"
    for line in (fragment, f"P-0123456789,{fragment}", fragment.encode("ascii", "ignore").decode()):
        if leaks_in_read_line(Line.read(line), EVERY_KIND):
            assert lines_that_may_leak([clean, line, clean], EVERY_KIND) == [1], line
            assert may_leak(line, EVERY_KIND), line
