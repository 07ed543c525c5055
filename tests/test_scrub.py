"""The excerpt name scrub."""

import pytest

from peacekeeping_interviews.scrub import NameScrubber, RestrictedName, name_variants

SCRUBBER = NameScrubber(
    [
        RestrictedName("Teodor Balquist", "[an interviewee]", "interviewee name"),
        RestrictedName("Minister Varo Keltz", "[a government minister]", "sensitive name"),
    ]
)


def test_variants_are_full_name_and_surname():
    assert name_variants("Teodor  Balquist") == ["Teodor Balquist", "Balquist"]
    assert name_variants("Cher") == ["Cher"]
    assert name_variants("Li Wu") == ["Li Wu"]


def test_full_name_surname_case_and_possessive_are_replaced_and_logged():
    text, made = SCRUBBER.scrub("teodor balquist said Balquist's team and KELTZ disagreed.")
    assert (
        text
        == "[an interviewee] said [an interviewee]'s team and [a government minister] disagreed."
    )
    assert [(m.original, m.kind) for m in made] == [
        ("teodor balquist", "interviewee name"),
        ("Balquist", "interviewee name"),
        ("KELTZ", "sensitive name"),
    ]


def test_only_whole_words_match():
    text, made = SCRUBBER.scrub("Balquistson and Keltzer are other people.")
    assert made == []
    assert text == "Balquistson and Keltzer are other people."


def test_text_without_names_is_untouched():
    assert SCRUBBER.scrub("Nothing to see.") == ("Nothing to see.", [])
    assert NameScrubber([]).scrub("Balquist") == ("Balquist", [])


@pytest.mark.parametrize(
    "written",
    [
        "Jörg Strauß",  # as given
        "Jorg Strauss",  # accents and sharp s spelt out
        "JÖRG STRAUSS",
        "Jo\u0308rg Strau\u00df",  # decomposed umlaut (NFD)
        "Jörg\nStrauß",  # across a line break
        "Strauß",
    ],
)
def test_spelling_variants_are_caught(written):
    scrubber = NameScrubber([RestrictedName("Jörg Strauß", "[an interviewee]", "interviewee name")])
    text, made = scrubber.scrub(f"I told {written} so.")
    assert text == "I told [an interviewee] so."
    assert len(made) == 1


@pytest.mark.parametrize(
    "written", ["O\u2019Brien-Lagos", "O'Brien Lagos", "o\u2019brien\u2013lagos"]
)
def test_apostrophes_hyphens_and_dashes_are_interchangeable(written):
    scrubber = NameScrubber([RestrictedName("Aoife O'Brien-Lagos", "[x]", "interviewee name")])
    assert scrubber.finds_name(f"said {written}.")


def test_excepted_variants_are_left_alone():
    """A surname that a named interviewee also carries is not evidence of a leak on its own."""
    scrubber = NameScrubber(
        [RestrictedName("Teodor Venstrade", "[x]", "interviewee name")],
        except_variants={"venstrade"},
    )
    assert not scrubber.finds_name("Orla Venstrade, former Head of Political Affairs")
    assert scrubber.finds_name("Teodor Venstrade")
