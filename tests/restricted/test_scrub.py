"""The excerpt name scrub."""

import pytest
from conftest import EVASIONS
from hypothesis import given, settings
from hypothesis import strategies as st

from peacekeeping_interviews.restricted.scrub import (
    _DATE_RULES,
    ALLOWED,
    CITY,
    DATE,
    AllowedOccurrence,
    ExcerptScrubber,
    Replacement,
    RestrictedName,
    charwise_words,
    comparable_name,
    fold,
    name_variants,
    words,
)
from peacekeeping_interviews.text import MONTHS, ORDINAL_DAYS, QUARTERS, ROMAN_MONTHS

SCRUBBER = ExcerptScrubber(
    [
        RestrictedName("Teodor Balquist", "[an interviewee]", "interviewee name"),
        RestrictedName("Minister Varo Keltz", "[a government minister]", "sensitive name"),
    ]
)


def test_variants_are_full_name_and_surname():
    assert name_variants("Teodor  Balquist") == ["Teodor Balquist", "Balquist"]
    assert name_variants("Cher") == ["Cher"]
    assert name_variants("Li Wu") == ["Li Wu", "Wu"]
    assert name_variants("Giulia Marchetti-Bosco") == [
        "Giulia Marchetti-Bosco",
        "Marchetti-Bosco",
        "Marchetti",
        "Bosco",
    ]


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


def test_a_given_name_is_replaced_in_context_and_a_title_in_a_name_never_alone():
    """As the leak scan reads them: "Mr. Teodor" names him, "Teodor" alone may be anyone, and
    the "Minister" of "Minister Varo Keltz" is a title, not a name."""
    assert SCRUBBER.scrub("Mr. Teodor and Mr Varo came; Teodor stayed.")[0] == (
        "Mr. [an interviewee] and Mr [a government minister] came; Teodor stayed."
    )
    assert SCRUBBER.scrub("The Deputy Minister came.") == ("The Deputy Minister came.", [])


def test_only_whole_words_match():
    text, made = SCRUBBER.scrub("Balquistson and Keltzer are other people.")
    assert made == []
    assert text == "Balquistson and Keltzer are other people."


def test_text_without_names_is_untouched():
    assert SCRUBBER.scrub("Nothing to see.") == ("Nothing to see.", [])
    assert ExcerptScrubber([]).scrub("Balquist") == ("Balquist", [])


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
    scrubber = ExcerptScrubber(
        [RestrictedName("Jörg Strauß", "[an interviewee]", "interviewee name")]
    )
    text, made = scrubber.scrub(f"I told {written} so.")
    assert text == "I told [an interviewee] so."
    assert len(made) == 1


@pytest.mark.parametrize(
    "written", ["O\u2019Brien-Lagos", "O'Brien Lagos", "o\u2019brien\u2013lagos"]
)
def test_apostrophes_hyphens_and_dashes_are_interchangeable(written):
    scrubber = ExcerptScrubber([RestrictedName("Aoife O'Brien-Lagos", "[x]", "interviewee name")])
    assert scrubber.scrub(f"said {written}.")[0] == "said [x]."


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


CORPUS_SCRUBBER = ExcerptScrubber(
    [
        RestrictedName(name, "[an interviewee]", "interviewee name")
        for name in EVASIONS["restricted_names"]
    ],
    places=[
        RestrictedName(EVASIONS["interview"]["city"], EVASIONS["interview"]["descriptor"], CITY)
    ],
)


@pytest.mark.parametrize("case", EVASIONS["names"], ids=lambda case: case["case"])
def test_each_evasion_of_a_name_is_scrubbed_and_logged(case):
    text, made = CORPUS_SCRUBBER.scrub(case["text"])
    assert text == case.get("scrubbed", "then [an interviewee] left")
    assert [m.kind for m in made] == ["interviewee name"]


@pytest.mark.parametrize("harmless", EVASIONS["harmless"])
def test_common_words_other_names_and_published_names_are_left_alone(harmless):
    assert CORPUS_SCRUBBER.scrub(harmless) == (harmless, [])


@pytest.mark.parametrize("case", EVASIONS["dates_and_cities"], ids=lambda case: case["case"])
def test_a_full_date_or_the_interviews_city_becomes_coarser_and_is_logged(case):
    text, made = CORPUS_SCRUBBER.scrub(f"We met, {case['written']}, at noon.", "REF-9")
    assert text == f"We met, {case['coarse']}, at noon."
    assert len(made) == 1
    assert made[0].kind in {DATE, CITY}


@pytest.mark.parametrize(
    ("resolution", "coarse"),
    [
        (0, "[July 2019]"),
        (1, "[the third quarter of 2019]"),
        (2, "[2019]"),
        (3, "[a date]"),
    ],
)
def test_a_date_is_released_no_finer_than_the_interviews_dates(resolution, coarse):
    """Beside a release that dates interviews by quarter, year or not at all, an excerpt's
    "13 July 2019" (perhaps the day of the interview) may say no more."""
    scrubber = ExcerptScrubber([], date_resolution=resolution)
    assert scrubber.scrub("On 13 July 2019 we met.")[0] == f"On {coarse} we met."


def test_a_city_is_replaced_in_every_interviews_excerpts():
    """Not only in its own interview's, where the descriptor would tell whose it is."""
    assert CORPUS_SCRUBBER.scrub("Back in Berlin.", "REF-1") == (
        "Back in [a European capital].",
        [Replacement("Berlin", "[a European capital]", CITY)],
    )


@pytest.mark.parametrize(
    "month_only",
    [
        "July 2019",
        "mid-August 2019",
        "2019-07",
        "in 2019",
        "the 13 missions",
        "In May the first troops came.",
        "address 10.1.13.19",
    ],
)
def test_months_years_and_numbers_are_not_dates_to_coarsen(month_only):
    assert CORPUS_SCRUBBER.scrub(month_only) == (month_only, [])


@pytest.mark.parametrize(
    ("resolution", "coarse"), [(1, "[the third quarter of 2019]"), (2, "[2019]"), (3, "[a date]")]
)
@pytest.mark.parametrize("month", ["July 2019", "mid-July 2019", "the end of Jul. 2019", "2019-07"])
def test_a_month_is_coarsened_when_interviews_are_released_coarser(resolution, coarse, month):
    """Beside a release that dates interviews by quarter, year or not at all, an excerpt's
    "July 2019" (perhaps the month of the interview) may say no more; beside one that dates
    them by month it is left alone (above)."""
    scrubber = ExcerptScrubber([], date_resolution=resolution)
    text, made = scrubber.scrub(f"In {month} we met.")
    assert text == f"In {coarse} we met."
    assert [m.kind for m in made] == [DATE]


def test_an_allowed_occurrence_is_kept_and_logged_only_where_it_was_allowed():
    scrubber = ExcerptScrubber(
        [RestrictedName("Henry Law", "[an interviewee]", "interviewee name")],
        allowed=[AllowedOccurrence("REF-1", 2, "Law", "General Law is a doctrine here")],
    )
    assert scrubber.scrub("General Law applies.", "REF-1", 2) == (
        "General Law applies.",
        [Replacement("Law", "Law", ALLOWED)],
    )
    assert scrubber.scrub("General Law applies.", "REF-1", 3)[0] == (
        "General [an interviewee] applies."
    )


QUARTER_3 = "[the third quarter of 2019]"
QUARTER_4 = "[the fourth quarter of 2019]"


@pytest.mark.parametrize(
    ("span", "by_resolution"),
    [
        ("July and August 2019", (QUARTER_3, "[2019]", "[a date]")),
        ("July/August 2019", (QUARTER_3, "[2019]", "[a date]")),
        ("late July to mid-August 2019", (QUARTER_3, "[2019]", "[a date]")),
        ("September-October 2019", (f"{QUARTER_3} and {QUARTER_4}", "[2019]", "[a date]")),
        ("September \u2013 Oct. 2019", (f"{QUARTER_3} and {QUARTER_4}", "[2019]", "[a date]")),
        ("July and September 2019", (QUARTER_3, "[2019]", "[a date]")),
        ("September to October 2019", (f"{QUARTER_3} to {QUARTER_4}", "[2019]", "[a date]")),
        (
            "December to January 2020",
            (
                "[the fourth quarter of 2019] to [the first quarter of 2020]",
                "[2019] to [2020]",
                "[a date]",
            ),
        ),
    ],
)
def test_a_range_of_months_is_coarsened_whole(span, by_resolution):
    """ "July and August 2019" coarsened as "July and [the third quarter of 2019]" would keep its
    first month: both months go, each as its quarter (once when they share it)."""
    for resolution, coarse in enumerate(by_resolution, 1):
        scrubber = ExcerptScrubber([], date_resolution=resolution)
        text, made = scrubber.scrub(f"We met in {span}.")
        assert text == f"We met in {coarse}.", resolution
        assert [m.kind for m in made] == [DATE]


@pytest.mark.parametrize(("resolution", "coarse"), [(1, QUARTER_3), (2, "[2019]"), (3, "[a date]")])
@pytest.mark.parametrize(
    "month",
    ["July '19", "Sept. \u201919", "07/2019", "7/2019", "7-2019", "2019/07", "2019-7", "2019 July"],
)
def test_other_ways_of_writing_a_month_are_coarsened(resolution, coarse, month):
    scrubber = ExcerptScrubber([], date_resolution=resolution)
    text, made = scrubber.scrub(f"In {month} we met.")
    assert text == f"In {coarse} we met."
    assert [m.kind for m in made] == [DATE]


@pytest.mark.parametrize(
    "unchanged",
    ["July '19", "07/2019", "2019/07", "2019 July", "July and August 2019", "in July", "Q3 2019"],
)
def test_months_are_left_alone_when_interviews_are_released_by_month(unchanged):
    assert ExcerptScrubber([]).scrub(f"{unchanged} it was.") == (f"{unchanged} it was.", [])


SUB_YEAR_PERIODS = [
    "Q3 2019",
    "the third quarter of 2019",
    "summer 2019",
    "the summer of 2019",
    "late 2019",
    "early 2019",
    "mid-2019",
    "the end of 2019",
    "the first half of 2019",
    "2019 Q3",
    "autumn '19",
]


@pytest.mark.parametrize(("resolution", "coarse"), [(2, "[2019]"), (3, "[a date]")])
@pytest.mark.parametrize("period", SUB_YEAR_PERIODS)
def test_a_part_of_a_year_is_coarsened_when_interviews_are_released_by_year(
    resolution, coarse, period
):
    """Beside a release that dates interviews by year or not at all, "summer 2019" or "Q3 2019"
    narrows an interview within its released year."""
    scrubber = ExcerptScrubber([], date_resolution=resolution)
    text, made = scrubber.scrub(f"In {period} we met.")
    assert text == f"In {coarse} we met."
    assert [m.kind for m in made] == [DATE]


@pytest.mark.parametrize("period", SUB_YEAR_PERIODS)
def test_a_part_of_a_year_is_left_alone_when_interviews_are_released_by_quarter(period):
    """A quarter says no more than the release; a season or a half is no quarter to map to."""
    scrubber = ExcerptScrubber([], date_resolution=1)
    assert scrubber.scrub(f"In {period} we met.") == (f"In {period} we met.", [])


@pytest.mark.parametrize("resolution", [1, 2, 3])
@pytest.mark.parametrize(
    ("written", "scrubbed"),
    [
        ("We met in July.", "We met in [a month]."),
        ("Last September it rained.", "Last [a month] it rained."),
        ("By mid-March they left.", "By [a month] they left."),
        ("JULY was hot.", "[a month] was hot."),
        ("In July and August they stayed.", "In [a month] and [a month] they stayed."),
    ],
)
def test_a_month_without_its_year_is_withheld_when_interviews_are_released_coarser(
    resolution, written, scrubbed
):
    """Beside a release that dates an interview by quarter or year, "in July" narrows it to
    the month."""
    scrubber = ExcerptScrubber([], date_resolution=resolution)
    text, made = scrubber.scrub(written)
    assert text == scrubbed
    assert made and {m.kind for m in made} == {DATE}


@pytest.mark.parametrize("resolution", [0, 1, 2, 3])
@pytest.mark.parametrize(
    "harmless",
    ["In May the first troops came.", "They may march on.", "they march at dawn", "Maybe"],
)
def test_may_and_lower_case_month_words_are_not_months(resolution, harmless):
    """A month name alone is read as the month only when capitalised, and "May" not at all."""
    scrubber = ExcerptScrubber([], date_resolution=resolution)
    assert scrubber.scrub(harmless) == (harmless, [])


_DATE_WORDS = [
    *(m.lower() for m in MONTHS),
    *(m[:3].lower() for m in MONTHS),
    "sept",
    *ORDINAL_DAYS,
    *ROMAN_MONTHS,
    *QUARTERS,
    *[
        "the",
        "of",
        "mid",
        "early",
        "late",
        "start",
        "end",
        "summer",
        "winter",
        "quarter",
        "half",
        "q",
        "h",
    ],
    *["st", "nd", "rd", "th", "mon", "tuesday"],
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_DATE_WORDS),
            st.sampled_from([" ", "-", "/", ".", ", ", "'", "  ", " of ", "\n"]),
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_a_rule_said_to_need_a_figure_matches_no_text_without_one(tokens):
    """The scrub skips those rules on excerpts without a digit: none may match such text."""
    text = "".join((word.title() if upper else word) + joint for word, joint, upper in tokens)
    for rule in _DATE_RULES:
        if rule.needs_figure:
            assert rule.pattern.search(fold(text)) is None, (rule.pattern.pattern, text)


def test_dates_without_a_figure_are_still_coarsened():
    scrubber = ExcerptScrubber([], date_resolution=1)
    text, made = scrubber.scrub("We met on the thirteenth of July and again in August.")
    assert text == "We met on [a date] and again in [a month]."
    assert [m.kind for m in made] == [DATE, DATE]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_text_is_read_as_the_general_path_reads_it(text):
    """The ASCII fast paths give what the character-by-character reading gives."""
    assert words(text) == charwise_words(text)
    assert fold(text) == text.lower()
