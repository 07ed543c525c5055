"""Excerpt scrub: restricted names, full dates and the city of a non-named interview become
bracketed descriptors, and every replacement is logged, as the UK Data Service's guidance on
anonymising qualitative data asks (replace, mark the replacement, keep a log apart from the data).

Names are compared word by word in a folded form that sets aside case, accents (``Jorg`` for
``Jörg``, ``Strauss`` for ``Strauß``), Unicode compatibility forms (fullwidth letters), letters of
other scripts drawn like Latin ones (a Cyrillic a for a Latin a, from Unicode's confusables table),
and invisible characters inside a word (soft hyphens, zero-width spaces and joiners, byte-order
and direction marks, which word processors leave in transcripts, and every other character drawn
as nothing: variation selectors, Hangul fillers, the braille blank; see
:func:`~peacekeeping_interviews.text.without_invisible_characters`). The words of a name may be
separated by spaces, line breaks, hyphens, dashes, apostrophes or a comma (``Li, Wen``). Whole
words only: ``Okafor's`` is caught and ``Okaforsson`` is not.

A full name (or its inverted form) always matches. So does a surname alone (the last word, and
each part of a double-barrelled one: ``Marchetti`` and ``Bosco`` of ``Marchetti-Bosco``) when it is
distinctive. A surname that is a common English word (``Law``, ``Field``: see
:func:`~peacekeeping_interviews.text.is_common_word`) or shorter than three letters (``Ba``, ``Li``:
they collide with abbreviations and articles) matches only in context: capitalised, and after a
title (``Dr Law``), after an initial (``H. Law``), or next to another word of the name. Every
other word of a name (a given name) matches in the same context only (``Mr. Henry``), as the leak
scan reads them.

A full date (``13 July 2019``, ``July the 13th, 2019``, ``the thirteenth of July``,
``10-Aug-2019``, ``13 VII 2019``, ``2019-07-13``, ``20190713``, ``13/07/2019``, ``13/07/19``,
``13 July``) becomes its month (``[July 2019]``, ``[July]``), or its year when a numeric date
could be read either way (``05/07/2019``); it is matched in the folded text, so a look-alike
letter or an invisible character does not hide it. A careful set of regular expressions for these
written forms, rather than dateparser or datefinder: the scrub needs the exact span of each date
to replace it, must not read ``may`` alone or a bare number as a date, and runs offline on
thousands of excerpts in milliseconds. A month with its year (``July 2019``, ``mid-August 2019``,
``Sept. '19``, ``2019-07``, ``7/2019``, ``2019 July``), a range of months (``July and August
2019``, whole, or its first month would stay) and a month alone (``in July``, capitalised, never
``May``; it becomes ``[a month]``) are left alone when the release gives each interview's month,
and coarsened like a full date when it gives less (see :func:`coarse_date`); a part of a year
(``Q3 2019``, ``summer 2019``, ``late 2019``) likewise when it gives the year or nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from peacekeeping_interviews.text import (
    MONTHS,
    ORDINAL_DAYS,
    QUARTERS,
    ROMAN_MONTHS,
    is_common_word,
    plain_character,
    without_invisible_characters,
)

INTERVIEWEE_REPLACEMENT = "[an interviewee]"
CITY_REPLACEMENT = "[a city]"
DATE = "date"
CITY = "city of a non-named interview"
ALLOWED = "allowed by the allow-list"
# Words that, just before a surname, say it is one (compared folded, without a final full stop).
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "madam",
        "madame",
        "monsieur",
        "mme",
        "mlle",
        "general",
        "gen",
        "colonel",
        "col",
        "lieutenant",
        "lt",
        "major",
        "maj",
        "captain",
        "capt",
        "commander",
        "cmdr",
        "brigadier",
        "brig",
        "admiral",
        "adm",
        "sergeant",
        "sgt",
        "marshal",
        "minister",
        "ambassador",
        "amb",
        "president",
        "senator",
        "deputy",
        "governor",
        "judge",
        "justice",
        "commissioner",
        "secretary",
        "srsg",
        "dsrsg",
        "father",
        "sister",
        "rev",
        "imam",
        "sheikh",
    ]
)
_SHORTEST_DISTINCTIVE_SURNAME = 3
_NAME_JOINER = re.compile(r"[\s,\-\u2010-\u2015'\u2018\u2019\u02bc]+")
_BEFORE_SURNAME = re.compile(r"\.?\s+")
_AFTER_INITIAL = re.compile(r"\.\s*")
DATE_WITHHELD = "[a date]"
MONTH_WITHHELD = "[a month]"


def _month(group: str) -> str:
    """A month's name or abbreviation, as the named ``group``."""
    return (
        rf"(?P<{group}>january|february|march|april|may|june|july|august|september|october"
        r"|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
    )


def _dates(*patterns: str) -> tuple[re.Pattern[str], ...]:
    """The patterns compiled to match whole words, in any case (they run on folded text)."""
    return tuple(re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE) for pattern in patterns)


_MONTH = _month("month")
_ROMAN_MONTH = rf"(?P<roman>{'|'.join(ROMAN_MONTHS)})"
_WEEKDAY = r"(?:(?:mon|tues|tue|wednes|wed|thurs|thu|fri|satur|sat|sun)(?:day)?\.?,?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
_ORDINAL_DAY = "(?P<ordinal>{})".format("|".join(d.replace("-", r"[-\s]") for d in ORDINAL_DAYS))
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)(?!\d)"
# A year of four figures, or of two after an apostrophe ('19), which only goes with a month or a
# part of a year: "July 19" is a day.
_ANY_YEAR = r"['\u2018\u2019]?(?P<year>(?:1[89]|20)\d\d|(?<=['\u2018\u2019])\d\d)(?!\d)"
_PART = r"(?:\s+|[-/.])"  # between a day, a month and a year: a space, hyphen, slash or dot
_THEN_YEAR = rf"(?:(?:,\s*|{_PART}){_YEAR})?"
DATE_PATTERNS = _dates(
    rf"{_WEEKDAY}(?:the\s+)?{_DAY}(?:\s+of\s+|{_PART}){_MONTH}{_THEN_YEAR}",  # 13 July 2019
    rf"{_WEEKDAY}{_MONTH}{_PART}(?:the\s+)?{_DAY}{_THEN_YEAR}",  # July 13, 2019
    rf"{_WEEKDAY}{_DAY}{_PART}{_ROMAN_MONTH}{_PART}{_YEAR}",  # 13 VII 2019
    rf"{_YEAR}[-/.](?P<number>[01]?\d)[-/.]{_DAY}",  # 2019-07-13
    r"(?P<year>(?:1[89]|20)\d\d)(?P<number>0[1-9]|1[0-2])(?P<day>0[1-9]|[12]\d|3[01])",
    r"(?P<first>[0-3]?\d)[-/.](?P<second>[0-3]?\d)[-/.](?P<year>(?:1[89]|20)\d\d)",
    # 13/07/19, one separator throughout, not inside a version or an address (1.2.13.19)
    r"(?<!\d[-/.])(?P<first>[0-3]?\d)(?P<sep>[-/.])(?P<second>[0-3]?\d)(?P=sep)"
    r"(?P<year>\d\d)(?![-/.]\d)",
)
# A date whose day is a word (the first of May), the one full date that can be written without a
# figure.
WORDED_DATE_PATTERNS = _dates(rf"{_WEEKDAY}(?:the\s+)?{_ORDINAL_DAY}\s+of\s+{_MONTH}{_THEN_YEAR}")
# A month with its year, coarsened only when interviews are released coarser than the month; a
# word that places it within the month goes with it, since the month is itself too fine.
_WITHIN = r"(?:(?:early|mid|late)[-\s]*|(?:the\s+)?(?:beginning|start|middle|end)\s+of\s+)"
_WITHIN_MONTH = rf"{_WITHIN}?"
_MONTH_THEN_YEAR = rf"(?:\s+of\s+|,\s*|{_PART}){_ANY_YEAR}"
_MONTH_NUMBER = r"(?P<number>0?[1-9]|1[0-2])"
MONTH_PATTERNS = _dates(
    rf"{_WITHIN_MONTH}{_MONTH}{_MONTH_THEN_YEAR}",  # mid-August 2019, Sept. '19
    rf"{_MONTH_NUMBER}[-/.]{_YEAR}",  # 07/2019, 7-2019
    rf"{_YEAR}[-/.]{_MONTH_NUMBER}",  # 2019-07, 2019/7
)
# The same with the year first (2019 July): "in 2019 may" is no month, so the month is read only
# capitalised (see _DateRule).
YEAR_MONTH_PATTERNS = _dates(rf"{_YEAR}\s+{_MONTH}(?:\s+{_DAY})?")
# Two months and their year (July and August 2019, September-October 2019): both months go, or
# the first would be left to say which month of the coarser unit it was.
MONTH_RANGE_PATTERNS = _dates(
    rf"{_WITHIN_MONTH}{_MONTH}(?P<joint>\s*[-/&\u2013\u2014]\s*"
    r"|\s+(?:and|or|to|through|till|until|into)\s+)"
    rf"{_WITHIN_MONTH}{_month('month2')}{_MONTH_THEN_YEAR}"
)
# A month named alone (in July, last September), read only capitalised and never "May", which is
# a verb as often as a month: beside a release by quarter or year it still says which month.
BARE_MONTH_PATTERNS = _dates(
    "{}(?P<month>{})".format(_WITHIN_MONTH, "|".join(m for m in MONTHS if m != "May"))
)
# A part of a year (Q3 2019, the third quarter of 2019, summer 2019, the first half of 2019, late
# 2019), coarsened only when interviews are released by year or not at all: at a quarter it says
# no more than the release (a quarter) or is no quarter to map to (a season, a half, late).
_PART_OF_YEAR = (
    r"(?:the\s+)?(?:spring|summer|autumn|fall|winter"
    rf"|(?:{'|'.join(QUARTERS)}|last|final)\s+quarter|(?:first|second|latter|last)\s+half"
    r"|q[1-4]|[1-4]q|h[12])"
)
PART_OF_YEAR_PATTERNS = _dates(
    rf"{_WITHIN}?{_PART_OF_YEAR}(?:\s+of\s+|,?\s*|[-/]){_ANY_YEAR}",  # the summer of 2019
    rf"{_WITHIN}{_ANY_YEAR}",  # late 2019, mid-2019, the end of 2019
    rf"{_YEAR}(?:\s+|[-/])(?:q[1-4]|h[12])",  # 2019 Q3
)


@dataclass(frozen=True)
class RestrictedName:
    """A name (or place) to scrub, the descriptor that replaces it, and why it is restricted.
    ``source`` is where the name was given (an input cell or a config entry), so that a leak
    report can tell the author what to fix without repeating the name."""

    name: str
    replacement: str
    kind: str
    source: str = ""


@dataclass(frozen=True)
class Replacement:
    original: str
    replacement: str
    kind: str


@dataclass(frozen=True)
class AllowedOccurrence:
    """A word the authors reviewed in one excerpt (interview and segment) and let through,
    with why (``anonymisation.allow_list``)."""

    interview_id: str
    segment: int
    word: str
    reason: str


@dataclass(frozen=True)
class Word:
    """A word of a text: its folded form and where it stands (``end`` exclusive)."""

    folded: str
    start: int
    end: int
    capitalised: bool


@dataclass(frozen=True)
class _Variant:
    """One way of writing a name, as folded words; ``others`` are the name's other folded
    words, next to which a variant that is ``in_context_only`` matches."""

    words: tuple[str, ...]
    entry: RestrictedName
    in_context_only: bool = False
    others: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    replacement: str
    kind: str


@functools.cache
def _folded_character(char: str) -> str:
    """One character as names and dates are compared: compatibility-decomposed, accents and
    invisible characters dropped, look-alike letters made Latin, casefolded."""
    kept = (
        plain_character(c)
        for c in without_invisible_characters(unicodedata.normalize("NFKD", char))
        if not unicodedata.combining(c)
    )
    return "".join(kept).casefold()


def fold(text: str) -> str:
    """Comparable form of text (see :func:`_folded_character`)."""
    return "".join(_folded_character(char) for char in text)


def _folded_with_origins(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the offset in ``text`` it comes from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    origins = [offset for offset, char in enumerate(text) for _ in _folded_character(char)]
    return fold(text), origins


_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


def words(text: str) -> list[Word]:
    """The words of a text: runs of letters and digits, across invisible characters and accents
    (which fold to nothing), with their offsets in ``text``. ASCII text, where a character folds
    to its lower case, is read by a regular expression (most excerpts, about ten times faster)."""
    if text.isascii():
        return [
            Word(m.group().lower(), m.start(), m.end(), text[m.start()].isupper())
            for m in _ASCII_WORD.finditer(text)
        ]
    return charwise_words(text)


def charwise_words(text: str) -> list[Word]:
    """:func:`words`, character by character."""
    found: list[Word] = []
    current, start = "", 0
    for offset, char in enumerate(text + " "):
        folded = _folded_character(char)
        if not folded and current:
            continue
        if folded.isalnum():
            if not current:
                start = offset
            current += folded
            end = offset + 1
        elif current:
            found.append(Word(current, start, end, text[start].isupper()))
            current = ""
    return found


def comparable_name(name: str) -> str:
    """The form in which two names count as the same name: its folded words, space-separated."""
    return " ".join(word.folded for word in words(name))


def _surnames(name: str) -> list[str]:
    """The last word of a name of two or more words and, if double-barrelled, each of its parts."""
    written = name.split()
    if len(written) < 2:
        return []
    parts = re.split(r"[\-\u2010-\u2015]", written[-1])
    return [written[-1], *parts] if len(parts) > 1 else [written[-1]]


def name_variants(name: str) -> list[str]:
    """The full name and the surnames a name can be cited by alone (see :func:`_surnames`)."""
    return [" ".join(name.split()), *_surnames(name)]


def _variants(entry: RestrictedName) -> list[_Variant]:
    """Every way of writing a name that the scrub replaces: full, inverted, its surnames alone
    (those that are common words or short only in context) and each of its other words but a
    title only in context (see the module doc)."""
    written = entry.name.split()
    full = tuple(comparable_name(entry.name).split())
    found = [_Variant(full, entry)]
    if len(written) < 2:
        return found
    given = tuple(comparable_name(" ".join(written[:-1])).split())
    last = tuple(comparable_name(written[-1]).split())
    found.append(_Variant(last + given, entry))
    for surname in _surnames(entry.name):
        folded = tuple(comparable_name(surname).split())
        weak = len(folded) == 1 and (
            len(folded[0]) < _SHORTEST_DISTINCTIVE_SURNAME or is_common_word(folded[0])
        )
        found.append(_Variant(folded, entry, weak, frozenset(full) - set(folded)))
    found += [
        _Variant((word,), entry, True, frozenset(full) - {word})
        for word in given
        if word not in TITLES
    ]
    return found


class _VariantIndex:
    """Variants by their first folded word, longest first and those that match alone before
    those that need context, so that each word of a text is only compared with the few variants
    that could start there, and a word that is one name's surname and another's given name
    matches alone."""

    def __init__(self, entries: Iterable[RestrictedName]):
        self._by_first: dict[str, list[_Variant]] = {}
        seen: set[tuple[tuple[str, ...], bool]] = set()
        for entry in entries:
            for variant in _variants(entry):
                key = (variant.words, variant.in_context_only)
                if variant.words and key not in seen:
                    seen.add(key)
                    self._by_first.setdefault(variant.words[0], []).append(variant)
        for variants in self._by_first.values():
            variants.sort(key=lambda v: (-len(v.words), v.in_context_only))

    def hits(self, text: str) -> list[_Hit]:
        """Each name written in the text, at the span its replacement covers."""
        if text.isascii() and self._by_first.keys().isdisjoint(_ASCII_WORD.findall(text.lower())):
            return []
        found = words(text)
        hits = []
        for index, word in enumerate(found):
            for variant in self._by_first.get(word.folded, ()):
                span = _span(text, found, index, variant)
                if span:
                    hits.append(_Hit(*span, variant.entry.replacement, variant.entry.kind))
                    break
        return hits


def _joined(text: str, left: Word, right: Word, joiner: re.Pattern[str]) -> bool:
    """Whether only ``joiner`` (invisible characters aside) stands between two words."""
    between = "".join(
        c for c in text[left.end : right.start] if _folded_character(c) or c.isspace()
    )
    return joiner.fullmatch(between) is not None


def _span(text: str, found: list[Word], index: int, variant: _Variant) -> tuple[int, int] | None:
    """Where ``variant`` is written from word ``index`` on, context included, or ``None``."""
    last = index + len(variant.words) - 1
    if last >= len(found) or any(
        found[index + k].folded != part
        or (k and not _joined(text, found[index + k - 1], found[index + k], _NAME_JOINER))
        for k, part in enumerate(variant.words)
    ):
        return None
    start, end = found[index].start, found[last].end
    if not variant.in_context_only:
        return start, end
    if not found[index].capitalised:
        return None
    before = found[index - 1] if index else None
    after = found[last + 1] if last + 1 < len(found) else None
    if (
        before
        and before.folded in variant.others
        and _joined(text, before, found[index], _NAME_JOINER)
    ):
        return before.start, end
    if before and before.folded in TITLES and _joined(text, before, found[index], _BEFORE_SURNAME):
        return start, end
    if (
        before
        and len(before.folded) == 1
        and before.capitalised
        and _joined(text, before, found[index], _AFTER_INITIAL)
    ):
        return before.start, end
    if after and after.folded in variant.others and _joined(text, found[last], after, _NAME_JOINER):
        return start, after.end
    return None


def _date_hits(text: str, resolution: int) -> list[_Hit]:
    """Each full date written in the text and, when ``resolution`` is coarser than the month,
    each month (with its year, in a range or alone) and, when it is the year or coarser, each
    part of a year, with the coarser descriptor that replaces it. Matched in the folded text
    (see :func:`fold`), so that a look-alike letter or an invisible character inside a date does
    not hide it; a month that must be capitalised is checked in the text as written."""
    folded, origins = _folded_with_origins(text)
    has_figure = _FIGURE.search(folded) is not None
    hits = []
    for rule in _DATE_RULES:
        if resolution < rule.from_resolution or (rule.needs_figure and not has_figure):
            continue
        for match in rule.pattern.finditer(folded):
            if rule.capitalised and not text[origins[match.start("month")]].isupper():
                continue
            descriptor = rule.describe(match.groupdict(), resolution)
            if descriptor:
                start, end = origins[match.start()], origins[match.end() - 1] + 1
                hits.append(_Hit(start, end, descriptor, DATE))
    return hits


def coarse_date(parts: Mapping[str, str | None], resolution: int = 0) -> str:
    """``[July 2019]`` for a date's parts (``day`` in figures or ``ordinal`` in words, none for
    a month; ``month`` name, ``roman`` numeral or ``number``; ``year`` of four or two figures;
    or the ``first`` and ``second`` numbers of a numeric date), ``[2019]`` when a numeric date
    reads as two months, and ``""`` when the parts are not a date.

    ``resolution`` is the released time unit of the interviews (0 month, 1 quarter, 2 year, 3
    withheld): a date in an excerpt, which may be the interview's own, is released no finer, so
    ``[the third quarter of 2019]``, ``[2019]`` or ``[a date]``."""
    descriptor = _month_descriptor(parts)
    if not descriptor or resolution == 0:
        return descriptor
    words = descriptor.strip("[]").split()
    year = next((word for word in words if word.isdigit()), None)
    month = next((word for word in words if not word.isdigit()), None)
    if resolution >= 3 or year is None:
        return DATE_WITHHELD
    if resolution == 1 and month is not None:
        quarter = QUARTERS[MONTHS.index(month) // 3]
        return f"[the {quarter} quarter of {year}]"
    return f"[{year}]"


def _month_range(parts: Mapping[str, str | None], resolution: int) -> str:
    """Two months and their year (``month``, ``month2``, ``year`` and the ``joint`` between
    them) as their coarse units, once when they share one (``[the third quarter of 2019]``),
    else joined by the range's own word or ``and`` (``[the third ...] to [the fourth ...]``). A
    first month later in the year than the second (December to January 2020) is of the year
    before."""
    first, second = (_month_number(parts[key] or "") for key in ("month", "month2"))
    year = int(_full_year(parts["year"]) or 0)
    ends = [
        coarse_date({"number": str(number), "year": str(year - (number > second))}, resolution)
        for number in (first, second)
    ]
    joint = (parts["joint"] or "").strip()
    return f" {joint if joint.isalpha() else 'and'} ".join(dict.fromkeys(ends))


def _withheld_month(parts: Mapping[str, str | None], resolution: int) -> str:
    """:data:`MONTH_WITHHELD` for a month named without its year, whatever the resolution."""
    return MONTH_WITHHELD


def _coarse_year(parts: Mapping[str, str | None], resolution: int) -> str:
    """The ``year`` of a part of a year (``[2019]``), or :data:`DATE_WITHHELD` when dates are."""
    return DATE_WITHHELD if resolution >= 3 else f"[{_full_year(parts['year'])}]"


@dataclass(frozen=True)
class _DateRule:
    """A way of writing a date, applied from the resolution ``from_resolution`` on (a month is
    too fine only beside a release by quarter or coarser), with the function that describes its
    parts at a resolution; ``capitalised`` when its ``month`` is read only capitalised;
    ``needs_figure`` when every match holds a figure (a day, month or year in digits), so that
    text without one need not be searched (most excerpts: the regular expressions are the
    scrub's main cost)."""

    pattern: re.Pattern[str]
    describe: Callable[[Mapping[str, str | None], int], str]
    from_resolution: int = 0
    capitalised: bool = False
    needs_figure: bool = True


_FIGURE = re.compile(r"\d")
_DATE_RULES = (
    *(_DateRule(p, coarse_date) for p in DATE_PATTERNS),
    *(_DateRule(p, coarse_date, needs_figure=False) for p in WORDED_DATE_PATTERNS),
    *(_DateRule(p, coarse_date, 1) for p in MONTH_PATTERNS),
    *(_DateRule(p, coarse_date, 1, capitalised=True) for p in YEAR_MONTH_PATTERNS),
    *(_DateRule(p, _month_range, 1) for p in MONTH_RANGE_PATTERNS),
    *(
        _DateRule(p, _withheld_month, 1, capitalised=True, needs_figure=False)
        for p in BARE_MONTH_PATTERNS
    ),
    *(_DateRule(p, _coarse_year, 2) for p in PART_OF_YEAR_PATTERNS),
)


def _month_descriptor(parts: Mapping[str, str | None]) -> str:
    """``[July 2019]``, ``[July]`` or ``[2019]`` (see :func:`coarse_date`), or ``""``."""
    day, year = _day(parts), _full_year(parts.get("year"))
    if first_text := parts.get("first"):
        first, second = int(first_text), int(_captured(parts, "second"))
        if first > 12 >= second >= 1:
            day, number = first, second
        elif second > 12 >= first >= 1:
            day, number = second, first
        else:
            return f"[{year}]" if first == second and 1 <= first <= 12 else ""
    elif month := parts.get("month"):
        number = _month_number(month)
    elif roman := parts.get("roman"):
        number = ROMAN_MONTHS.index(roman.casefold()) + 1
    else:
        number = int(_captured(parts, "number"))
    if not ((day is None or 1 <= day <= 31) and 1 <= number <= 12):
        return ""
    return f"[{' '.join(filter(None, (MONTHS[number - 1], year)))}]"


def _captured(parts: Mapping[str, str | None], key: str) -> str:
    """The text of the group ``key``, which the pattern that matched always captures beside the
    group its caller tested (``second`` with ``first``; ``number`` when no month is named)."""
    text = parts[key]
    if text is None:
        raise ValueError(f"the date pattern matched without its {key!r} group")
    return text


def _month_number(name: str) -> int:
    """The number (1 to 12) of a month's name or abbreviation, in any case."""
    name = name.casefold()
    return next(i for i, month in enumerate(MONTHS, 1) if month.casefold().startswith(name))


def _day(parts: Mapping[str, str | None]) -> int | None:
    """The day of a date's parts, written in figures or as an ordinal word (``twenty-first``,
    ``twenty first``); ``None`` for a month with its year."""
    if ordinal := parts.get("ordinal"):
        return ORDINAL_DAYS.index(re.sub(r"[-\s]+", "-", ordinal.casefold())) + 1
    return int(day) if (day := parts.get("day")) else None


def _full_year(year: str | None) -> str | None:
    """A year of four figures as it is; one of two as ``strptime``'s ``%y`` reads it (POSIX: 69
    to 99 are 1969 to 1999, 00 to 68 are 2000 to 2068)."""
    if year and len(year) == 2:
        return str(datetime.strptime(year, "%y").year)
    return year


class ExcerptScrubber:
    """Replaces restricted names, full dates and the cities of non-named interviews. Built once,
    applied to many excerpts.

    ``date_resolution`` is the released time unit of the interviews (see :func:`coarse_date`).
    ``places`` are the places (each a :class:`RestrictedName`: city, descriptor, kind) to replace
    in every excerpt, whoever's it is: replaced only in its own interview's excerpts, a place's
    descriptor would tell whose interview was held there. ``allowed`` are the occurrences the
    authors let through, which are kept and logged with the kind :data:`ALLOWED`.
    """

    def __init__(
        self,
        names: Iterable[RestrictedName],
        places: Iterable[RestrictedName] = (),
        allowed: Iterable[AllowedOccurrence] = (),
        date_resolution: int = 0,
    ):
        self._names = _VariantIndex(names)
        self._date_resolution = date_resolution
        self._places = _VariantIndex(places)
        self._allowed = {(a.interview_id, a.segment, fold(a.word)) for a in allowed}

    def scrub(
        self, text: str, interview_id: str = "", segment: int | None = None
    ) -> tuple[str, list[Replacement]]:
        """The text (NFC-normalised) with every restricted name, full date and place replaced,
        and the replacements made, in order."""
        if not text:
            return text, []
        normalised = unicodedata.normalize("NFC", text)
        hits = self._names.hits(normalised) + _date_hits(normalised, self._date_resolution)
        hits += self._places.hits(normalised)
        pieces, made, done = [], [], 0
        for hit in _without_overlaps(hits):
            original = normalised[hit.start : hit.end]
            if (interview_id, segment, fold(original)) in self._allowed:
                made.append(Replacement(original, original, ALLOWED))
                continue
            pieces += [normalised[done : hit.start], hit.replacement]
            made.append(Replacement(original, hit.replacement, hit.kind))
            done = hit.end
        return "".join([*pieces, normalised[done:]]), made


def _without_overlaps(hits: list[_Hit]) -> list[_Hit]:
    """The hits in text order, the longest kept where two overlap."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, h.start - h.end)):
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept
