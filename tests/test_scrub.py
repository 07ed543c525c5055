"""The excerpt name scrub."""

import pytest

from peacekeeping_interviews.scrub import (
    NameMatch,
    NameScrubber,
    RestrictedName,
    comparable_name,
    name_variants,
)

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
    assert scrubber.find_names(f"said {written}.")


def test_excepted_variants_are_left_alone():
    """A surname that a named interviewee also carries is not evidence of a leak on its own."""
    scrubber = NameScrubber(
        [RestrictedName("Teodor Venstrade", "[x]", "interviewee name")],
        except_variants={"venstrade"},
    )
    assert not scrubber.find_names("Orla Venstrade, former Head of Political Affairs")
    assert scrubber.find_names("Teodor Venstrade")


@pytest.mark.parametrize(
    "written",
    [
        "Bal\u00adquist",  # soft hyphen, as word processors leave in transcripts
        "Teodor\u200b Balquist",  # zero-width space
        "Teodor Bal\u200dqu\ufeffist",  # zero-width joiner, byte-order mark
        "Teo\u200edor Balquist",  # left-to-right mark
    ],
)
def test_invisible_characters_inside_a_name_do_not_hide_it(written):
    text, made = SCRUBBER.scrub(f"then {written} left.")
    assert text == "then [an interviewee] left."
    assert [m.kind for m in made] == ["interviewee name"]


def test_find_names_gives_each_offset_and_the_entry_with_its_source():
    entry = RestrictedName("Varo Keltz", "[a minister]", "sensitive name", "sensitive_names[0]")
    found = NameScrubber([entry]).find_names("Keltz, then VARO KELTZ again")
    assert found == [NameMatch(0, entry), NameMatch(12, entry)]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Jörg Strauß", "JORG STRAUSS"),
        ("Aoife O'Brien-Lagos", "aoife o\u2019brien \u2013 lagos"),
        ("Orla Venstrade", " orla\u00a0Ven\u00adstrade "),
        ("Orla Venstrade", "Orla\u200b Venstrade"),
    ],
)
def test_comparable_names_ignore_case_accents_separators_and_invisible_characters(one, other):
    assert comparable_name(one) == comparable_name(other)


def test_comparable_names_keep_different_names_apart():
    assert comparable_name("Orla Venstrade") != comparable_name("Orla Venstradesson")
