"""Positions of the coders' spans: the excerpt a span gives is widened to whole words."""

import pytest

from peacekeeping_interviews.spans import excerpt, whole_words

TEXT = "I met Ysmer Dallowick and O\u2019Neill-Smith there, in 2019."


def at(word: str, offset: int = 0) -> int:
    return TEXT.index(word) + offset


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ((at("Ysmer", 2), at("Dallowick", 3)), "Ysmer Dallowick"),  # both ends inside words
        ((at("Dallowick"), at("Smith", 2)), "Dallowick and O\u2019Neill-Smith"),  # ' and - inside
        ((at("Neill"), at("Smith")), "O\u2019Neill-Smith"),
        ((at("Ysmer"), at("Ysmer", 5)), "Ysmer"),  # already whole
        ((at("Ysmer", -1), at("Dallowick", 2)), " Ysmer Dallowick"),  # the space before is kept
        ((at("2019", 1), at("2019", 3)), "2019"),
        ((0, 1), "I"),
    ],
)
def test_a_span_is_widened_to_the_words_it_cuts(span, expected):
    assert excerpt(TEXT, *span) == expected


def test_widening_never_narrows_and_stays_inside_the_text():
    for start in range(len(TEXT)):
        for end in range(start + 1, len(TEXT) + 1):
            first, last = whole_words(TEXT, start, end)
            assert 0 <= first <= start and end <= last <= len(TEXT)
            assert first == 0 or not (TEXT[first - 1].isalnum() and TEXT[first].isalnum())
            assert last == len(TEXT) or not (TEXT[last - 1].isalnum() and TEXT[last].isalnum())
