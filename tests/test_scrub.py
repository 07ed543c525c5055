"""The excerpt name scrub."""

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
