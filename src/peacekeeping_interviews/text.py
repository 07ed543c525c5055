"""Text as people paste it: what every comparison of names sets aside first."""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii
from confusable_homoglyphs import confusables
from spellchecker import SpellChecker

# How many of the most frequent English words count as common words (see is_common_word): long,
# head, strong, law, field, mission and rule rank between 161st and 1,212th in the list, the
# surnames Baker and Smith 13,888th and 18,853rd.
COMMON_WORDS = 10_000
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ROMAN_MONTHS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TEENS = (
    "tenth",
    "eleventh",
    "twelfth",
    *(f"{stem}teenth" for stem in ("thir", "four", "fif", "six", "seven", "eigh", "nine")),
)
# The days of a month as words ("the thirteenth of July"), first to thirty-first.
ORDINAL_DAYS = (
    *_UNITS,
    *_TEENS,
    "twentieth",
    *(f"twenty-{unit}" for unit in _UNITS),
    "thirtieth",
    "thirty-first",
)
QUARTERS = ORDINAL_DAYS[:4]  # as "the third quarter of 2019" writes them
# Characters drawn as nothing: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt),
# which besides format characters holds the combining grapheme joiner, Hangul fillers, Khmer and
# Mongolian ignorables and variation selectors, and the braille blank U+2800, which renders as a
# space but is no space to str.split or a regular expression.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def without_invisible_characters(text: str) -> str:
    """``text`` without the characters that are drawn as nothing: format characters (Unicode
    category Cf: a zero-width space, a soft hyphen, a byte-order mark), which editors and web
    pages leave inside words, every other default-ignorable character (a variation selector, a
    Hangul filler) and the braille blank, with which a word can be split unseen."""
    return "".join(char for char in _INVISIBLE.sub("", text) if unicodedata.category(char) != "Cf")


@functools.cache
def plain_character(char: str) -> str:
    """One character (composed or decomposed) as names, dates and ids are compared across
    scripts: a decimal digit of any script as its ASCII digit (an Arabic-Indic three is 3, which
    NFKC leaves alone), a Latin letter that no decomposition reduces to ASCII (``ł``, ``ø``,
    ``đ``, ``æ``) as anyascii spells it (``l``, ``o``, ``d``, ``ae``), and a letter of another
    script drawn like a Latin one as that letter (:func:`latin_lookalike`); any other character
    as it is."""
    if char.isascii():
        return char
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    if char.isalpha() and unicodedata.name(char, "").startswith("LATIN "):
        return anyascii(char)
    return latin_lookalike(char)


@functools.cache
def latin_lookalike(char: str) -> str:
    """The Latin letter that a letter of another script is drawn like (a Cyrillic a for a Latin
    a, a Greek capital omicron for O), from Unicode's confusables table as confusable-homoglyphs
    ships it; any other character (a digit, punctuation, a Latin letter, a letter with no Latin
    twin) as it is, so that ``1`` never turns into ``l``.

    A capital is read as the capital of its small letter's twin when that has one: the table
    gives only ``l`` for a Cyrillic or Greek capital I, whose small letters are drawn like ``i``,
    so they read as ``I``."""
    if char.isascii() or not char.isalpha():
        return char
    small = char.lower()
    if small != char and (twin := _latin_twin(small)) is not None:
        return twin.upper()
    return _latin_twin(char) or char


def _latin_twin(char: str) -> str | None:
    found = confusables.is_confusable(char, preferred_aliases=["latin"])
    twins = (
        [g["c"] for g in found[0]["homoglyphs"] if g["c"].isascii() and g["c"].isalpha()]
        if found
        else []
    )
    return twins[0] if twins else None


@functools.cache
def _common_words() -> frozenset[str]:
    frequencies = SpellChecker(language="en").word_frequency.dictionary
    return frozenset(sorted(frequencies, key=lambda word: -frequencies[word])[:COMMON_WORDS])


def is_common_word(word: str) -> bool:
    """Whether ``word`` (any case) is among the :data:`COMMON_WORDS` most frequent English words
    of pyspellchecker's frequency list (built from subtitles, so it counts spoken usage): a
    surname such as ``Law``, ``Field`` or ``Strong`` is then matched alone only in context.

    A maintained frequency list rather than the in-context rule for every surname: a distinctive
    surname alone (``Balquist's team``) is the commonest way an excerpt names someone, and it
    stays caught wherever it stands."""
    return word.casefold() in _common_words()
