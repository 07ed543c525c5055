"""Leak scan: proof that no restricted string reached a public file.

Restricted strings are the names of interviewees who did not consent to be named (and the configured
sensitive names), raw interview ids, interviewers' notes, excerpts as they were before the scrub,
the pseudonymisation key, and, for each non-named interview, its full date and city, which must
never stand on a line that also names its pseudonym.

The scan is a check independent of the excerpt scrub (:mod:`peacekeeping_interviews.scrub`): it
normalises each line its own way (NFKC, invisible characters dropped, letters of other
scripts drawn like Latin ones folded with Unicode's confusables table, accents dropped, casefold),
reads it as a sequence of words (punctuation between them set aside), and looks for every part of
each restricted name in context, raw ids however they are spaced, punctuated or zero-padded
(but not inside a pseudonym or a released quarter such as ``2019-Q3``), any run of
:data:`NOTE_RUN_WORDS` words of a note, and a non-named interview's date (in its common written
forms) or city anywhere on a line that names its pseudonym.

A leak report tells the author what to fix without itself leaking: the file, line, character and
(for CSV and JSON files) the column or key, the kind of string, where it was declared restricted
(the input cell or config entry), and the string masked to its initials and length, never in
full, so that the report and the log that holds it are safe to publish. A file that leaked is
moved to a quarantine folder in restricted space, where the author can see what went wrong.
"""

from __future__ import annotations

import csv
import fnmatch
import functools
import itertools
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, TypeVar

import ahocorasick

from peacekeeping_interviews.public_text import HOW, MEMBER, Reading, file_of, read_public
from peacekeeping_interviews.scrub import TITLES, RestrictedName
from peacekeeping_interviews.text import (
    MONTHS,
    ORDINAL_DAYS,
    ROMAN_MONTHS,
    is_common_word,
    latin_lookalike,
    without_invisible_characters,
)

T = TypeVar("T")
KEY = "pseudonymisation key"
_MIN_NOTE_LENGTH = 16  # shorter notes ("n/a", "UN official") recur in public text by chance
NOTE_RUN_WORDS = 5  # a run of this many consecutive words of a note is a leak ...
_NOTE_RUN_CONTENT_WORDS = 2  # ... when at least this many of them are not stop words
# Function words: a run of a note made mostly of them ("not to be quoted by") says nothing.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "before",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "out",
        "she",
        "so",
        "some",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "up",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
# What may stand between an id's letters and digits when it is written ("REF - 0002", "REF_2"):
# at most three spaces, hyphens, dashes, underscores, dots or slashes, not code (`int = 12`) ...
_ID_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_./]{0,3}")
# ... or at most three of any punctuation ("REF:0002", "REF(2)", "R-E-F-2") when the letters are
# written exactly as the id writes them (see _written_as_id).
_ANY_ID_SEPARATORS = re.compile(r"[\W_]{0,3}")
# A released time unit, in which an id such as "Q3" is no id.
_RELEASED_QUARTER = re.compile(r"(?<!\d)\d{4}-Q[1-4](?!\d)", re.IGNORECASE)
_MASKED_WORDS = 3  # initials shown of a masked value's first words
_TABLE_DELIMITERS = {".csv": ",", ".tsv": "\t"}
_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')
_WORD = re.compile(r"[^\W_]+")
_ID_GROUP = re.compile(r"[^\W\d_]+|\d+")
_LETTERS = re.compile(r"[^\W\d_]+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@functools.cache
def _normalised_character(char: str) -> str:
    """One character as the scan compares text: NFKC, invisible characters dropped, a letter of
    another script drawn like a Latin one made Latin, accents dropped, casefolded."""
    kept = (
        decomposed
        for composed in without_invisible_characters(unicodedata.normalize("NFKC", char))
        for decomposed in unicodedata.normalize("NFKD", latin_lookalike(composed))
        if not unicodedata.combining(decomposed)
    )
    return "".join(kept).casefold()


def normalised_with_origins(text: str) -> tuple[str, list[int]]:
    """``normalise(text)`` and, for each of its characters, the offset in ``text`` it comes from."""
    if text.isascii():
        return _ascii_normalised_with_origins(text)
    return _charwise_normalised_with_origins(text)


def _charwise_normalised_with_origins(text: str) -> tuple[str, list[int]]:
    pieces: list[str] = []
    origins: list[int] = []
    space: int | None = None
    for offset, char in enumerate(text):
        folded = _normalised_character(char)
        if not folded:
            continue
        if folded.isspace():
            space = offset if space is None else space
            continue
        if space is not None and pieces:
            pieces.append(" ")
            origins.append(space)
        space = None
        pieces.append(folded)
        origins += [offset] * len(folded)
    return "".join(pieces), origins


def _ascii_normalised_with_origins(text: str) -> tuple[str, list[int]]:
    """The same for ASCII text, where a character's normal form is its lower case (NFKC,
    look-alikes and invisible characters change no ASCII character): most public text, read
    about ten times faster."""
    lower = text.lower()
    origins: list[int] = []
    words = list(re.finditer(r"\S+", lower))
    for number, word in enumerate(words):
        if number:
            origins.append(words[number - 1].end())
        origins.extend(range(word.start(), word.end()))
    return " ".join(word.group() for word in words), origins


@functools.lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """Text as the scan compares it (see :func:`_normalised_character`), runs of white space made
    one space. Cached: table cells repeat."""
    if text.isascii():
        return " ".join(text.lower().split())
    return normalised_with_origins(text)[0]


def word_text(text: str) -> str:
    """The normalised words of a text, one space apart: what word-run searches look in."""
    return " ".join(_WORD.findall(normalise(text)))


@dataclass(frozen=True)
class _Line:
    """A line as the searches read it: its words (normalised) and where each starts in the line."""

    text: str
    normalised: str
    origins: list[int]
    words: list[re.Match[str]]

    @classmethod
    def read(cls, line: str) -> _Line:
        normalised, origins = normalised_with_origins(line)
        return cls(line, normalised, origins, list(_WORD.finditer(normalised)))

    @functools.cached_property
    def word_text(self) -> str:
        return " ".join(word.group() for word in self.words)

    @functools.cached_property
    def _word_starts(self) -> list[int]:
        starts, offset = [], 0
        for word in self.words:
            starts.append(offset)
            offset += len(word.group()) + 1
        return starts

    def word_at(self, offset: int) -> int:
        """The index of the word that starts at ``offset`` of :attr:`word_text`."""
        return self._word_starts.index(offset)

    def origin(self, word: int) -> int:
        """Where word ``word`` starts in the line."""
        return self.origins[self.words[word].start()]

    def capitalised(self, word: int) -> bool:
        return self.text[self.origin(word)].isupper()

    def is_initial(self, word: int) -> bool:
        """A single capital letter followed by a full stop (``H. Law``)."""
        match = self.words[word]
        return (
            len(match.group()) == 1
            and self.capitalised(word)
            and self.normalised[match.end() : match.end() + 1] == "."
        )


@dataclass(frozen=True)
class Restricted:
    """One restricted string, what kind it is, and where it was declared restricted (an input
    cell such as ``inputs.interviews row 17, column notes``, or a config entry)."""

    value: str
    kind: str
    source: str


def mask(value: str, kind: str) -> str:
    """What a public report may show of a restricted value: the initials of its first words and
    its length (``H… Q… (14 characters)``); of the key, only its length."""
    length = f"({len(value)} characters)"
    if kind == KEY:
        return length
    words = value.split()
    initials = [f"{word[0]}…" for word in words[:_MASKED_WORDS]]
    if len(words) > _MASKED_WORDS:
        initials.append("…")
    return " ".join([*initials, length])


@dataclass(frozen=True)
class Leak:
    """A restricted string (or file) found in a public file.

    ``column`` is the 1-based character on ``line`` (0 when the leak is the whole file),
    ``field`` the table column or JSON key there (``column 'who'``, ``key 'source'``) when the
    file has them, ``masked`` the value as
    :func:`mask` shows it, and ``source`` the input cell or config entry that made it restricted.
    """

    file: str
    line: int
    kind: str
    column: int = 0
    field: str = ""
    masked: str = ""
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        what = self.kind + (f" {self.masked}" if self.masked else "")
        in_field = f" in {self.field}" if self.field else ""
        source = f"; restricted by {self.source}" if self.source else ""
        return f"{where}: {what}{in_field}{source}"


class SubstringSearch(Generic[T]):
    """Many fixed strings searched at once (Aho-Corasick automaton, from pyahocorasick), each
    with what it stands for."""

    def __init__(self, needles: Mapping[str, T]):
        self._automaton = ahocorasick.Automaton()
        for needle, restricted in needles.items():
            self._automaton.add_word(needle, (len(needle), restricted))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._automaton)

    def find(self, text: str) -> list[tuple[int, T]]:
        """Each needle found in the text, with the offset where it starts."""
        if self._empty:
            return []
        return [(end - length + 1, found) for end, (length, found) in self._automaton.iter(text)]


class WordRunSearch(Generic[T]):
    """Runs of whole words (as :func:`word_text` writes them) searched at once: a needle only
    matches from the start of a word to the end of one."""

    def __init__(self, needles: Mapping[str, Sequence[T]]):
        self._search = SubstringSearch(
            {
                f" {needle} ": (len(needle.split()), tuple(found))
                for needle, found in needles.items()
            }
        )

    def __len__(self) -> int:
        return len(self._search)

    def find(self, line: _Line) -> list[tuple[int, int, T]]:
        """What each needle in the line stands for: its first word's index, its number of words,
        and the thing."""
        return [
            (line.word_at(start), count, thing)
            for start, (count, things) in self._search.find(f" {line.word_text} ")
            for thing in things
        ]


@dataclass(frozen=True)
class _NamePart:
    """A word (or words) of a restricted name; ``alone`` when it is a leak wherever it stands,
    else only in context: capitalised, next to ``others`` (the person's other name words), a
    title or an initial."""

    restricted: Restricted
    alone: bool
    others: frozenset[str]


def name_search(
    names: Iterable[RestrictedName], published: Iterable[str] = ()
) -> WordRunSearch[_NamePart]:
    """The words of each restricted name to look for, and when each is a leak.

    A full name is always a leak; a surname word of three letters or more that is not a common
    English word (:func:`~peacekeeping_interviews.text.is_common_word`) too; every other word of
    the name (given names, short or common-word surnames) only in context. A word of a
    ``published`` name (a named interviewee's) and a title written before the surname (the
    ``Minister`` of ``Minister Varo Keltz``) are never a leak on their own."""
    published_words = {word for name in published for word in word_text(name).split()}
    published_full = {word_text(name) for name in published}
    needles: dict[str, list[_NamePart]] = {}
    for entry in names:
        restricted = Restricted(entry.name, entry.kind, entry.source)
        full, surname = word_text(entry.name), word_text(entry.name.split()[-1])
        if full not in published_full:
            needles.setdefault(full, []).append(_NamePart(restricted, True, frozenset()))
        parts = full.split()
        titles = TITLES - set(surname.split())
        for part in set(parts) - published_words - titles if len(parts) > 1 else ():
            alone = part in surname.split() and len(part) >= 3 and not is_common_word(part)
            others = frozenset(parts) - {part}
            needles.setdefault(part, []).append(_NamePart(restricted, alone, others))
    return WordRunSearch(needles)


def _name_leaks(line: _Line, names: WordRunSearch[_NamePart]) -> list[tuple[int, Restricted, str]]:
    """Each restricted name in the line: offset, restricted name, and the words found."""
    found = []
    for index, count, part in names.find(line):
        if part.alone or _in_context(line, index, index + count - 1, part.others):
            words = " ".join(w.group() for w in line.words[index : index + count])
            found.append((line.origin(index), part.restricted, words))
    return found


def _in_context(line: _Line, first: int, last: int, others: frozenset[str]) -> bool:
    """Whether words ``first``..``last`` are capitalised and next to another word of the name,
    a title or an initial."""
    if not line.capitalised(first):
        return False
    before = [first - 1] if first else []
    after = [last + 1] if last + 1 < len(line.words) else []
    return any(line.words[i].group() in others for i in before + after) or any(
        line.words[i].group() in TITLES or line.is_initial(i) for i in before
    )


class IdIndex(dict[tuple[str, ...], Restricted]):
    """Raw ids by their letter and number groups (see :func:`id_search`)."""

    @functools.cached_property
    def first_groups(self) -> frozenset[str]:
        """What the first group of a written id can be: an id's first group or, for letters,
        the start of it (``r``, ``re``, ``ref`` when the letters are written apart)."""
        firsts = {key[0] for key in self if key}
        return (
            frozenset(f[:n] for f in firsts for n in range(1, len(f) + 1) if f[:n].isalpha())
            | firsts
        )

    @functools.cached_property
    def longest(self) -> int:
        """The most groups an id can be written in: each letter apart, then its numbers."""
        return max((sum(len(g) if g.isalpha() else 1 for g in key) for key in self), default=0)


def id_search(ids: Iterable[Restricted]) -> IdIndex:
    """Raw ids by their letter and number groups, numbers without leading zeros
    (``REF-0002`` -> ``("ref", "2")``), however the id is then written."""
    return IdIndex(
        {_id_key([group for _, group in _id_groups(normalise(r.value))]): r for r in ids}
    )


def _id_groups(text: str) -> list[tuple[re.Match[str], str]]:
    return [
        (group, str(int(group.group())) if group.group().isdigit() else group.group())
        for group in _ID_GROUP.finditer(text)
    ]


def _id_key(groups: Sequence[str]) -> tuple[str, ...]:
    """Letter and number groups with consecutive letter groups joined, so that letters written
    apart (``R-E-F``) are the id's letters (``REF``)."""
    key: list[str] = []
    for group in groups:
        if key and group.isalpha() and key[-1].isalpha():
            key[-1] += group
        else:
            key.append(group)
    return tuple(key)


def _id_leaks(
    line: _Line, ids: IdIndex, pseudonym_pattern: re.Pattern[str]
) -> list[tuple[int, Restricted]]:
    """Each raw id written in the line, with or without separators (see :func:`_written_as_id`),
    zero-padded or not, alone or inside a longer token (``x_REF-0002_y``), but not inside a
    pseudonym (``P-048eb5daf3`` is no ``P048``) or a released quarter (``2019-Q3`` is no ``Q3``)."""
    if not ids:
        return []
    groups = _id_groups(line.normalised)
    longest = ids.longest
    not_ids = [
        match.span()
        for pattern in (pseudonym_pattern, _RELEASED_QUARTER)
        for match in pattern.finditer(line.text)
    ]
    found = []
    for start in range(len(groups)):
        if groups[start][1] not in ids.first_groups:
            continue
        for end in range(start + 1, min(start + longest, len(groups)) + 1):
            window = groups[start:end]
            separators = [
                line.normalised[left.end() : right.start()]
                for (left, _), (right, _) in itertools.pairwise(window)
            ]
            if not _ANY_ID_SEPARATORS.fullmatch(separators[-1] if separators else ""):
                break
            key = _id_key([group for _, group in window])
            if key not in ids:
                continue
            first = line.origins[window[0][0].start()]
            last = line.origins[window[-1][0].end() - 1] + 1
            if not any(a < last and first < b for a, b in not_ids) and _written_as_id(
                line.text[first:last], ids[key].value, separators
            ):
                found.append((first, ids[key]))
    return found


def _written_as_id(written: str, raw_id: str, separators: Sequence[str]) -> bool:
    """Whether text the id search matched, its letter and number groups ``separators`` (as
    normalised) apart, is the id: the id itself in any case; with letters written exactly as
    the id writes them (case included), any variant whose groups are at most three characters
    of punctuation apart (``REF:0002``, ``REF#2``, ``REF(0002)``, ``R-E-F-0002``); with other
    letters, one that separates letters from digits only by :data:`_ID_SEPARATORS` (``ref_2``,
    ``ref 2``). So ``ref64`` is not ``REF-0064`` (lower-case letters run into digits read as a
    word, as ``int64`` does in code), nor are ``ref = 2`` or ``ref: 2``."""
    if normalise(written) == normalise(raw_id):
        return True
    if _letters_as_written(written) == _letters_as_written(raw_id):
        return True
    return (
        any(separators)
        and all(_ID_SEPARATORS.fullmatch(s) for s in separators)
        and len(_LETTERS.findall(written)) == len(_LETTERS.findall(raw_id))
    )


def _letters_as_written(text: str) -> str:
    """The letters of ``text`` in their case, compatibility forms folded and letters of other
    scripts drawn like Latin ones made Latin: ``REF`` with a Cyrillic capital Ie for its E is
    written as ``REF``."""
    return "".join(latin_lookalike(c) for c in unicodedata.normalize("NFKC", text) if c.isalpha())


@dataclass(frozen=True)
class AllowedInFiles:
    """Words of a restricted name that the authors reviewed and let through in every public file
    whose path matches ``pattern`` (a glob, ``*`` crossing folders): an entry ``{file, word,
    reason}`` of ``anonymisation.allow_list``, at ``position`` in it. Reports name the entry by
    its position, never by its word, which is restricted."""

    position: int
    pattern: str
    word: str
    reason: str

    def matches(self, path: str) -> bool:
        return fnmatch.fnmatchcase(path, self.pattern)


@dataclass
class RestrictedStrings:
    """What must not appear in public files (built by the anonymisation stage). ``allowed``
    gives, by name word, the normalised released excerpts in which the authors let it through
    (``anonymisation.allow_list``); an empty passage (``""``, which every line holds) lets it
    through on every line. ``allowed_in_files`` are the allow-list's entries for public files,
    applied file by file (:func:`scan_allowing`)."""

    names: WordRunSearch[_NamePart]
    raw_ids: IdIndex
    notes: WordRunSearch[Restricted]
    excerpts: Mapping[str, Restricted]  # by normalised excerpt
    secrets: SubstringSearch[Restricted]
    pseudonym_pattern: re.Pattern[str]
    details_by_pseudonym: Mapping[str, tuple[Restricted, ...]] = field(default_factory=dict)
    allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    allowed_in_files: tuple[AllowedInFiles, ...] = ()

    def allowing(self, entry: AllowedInFiles) -> RestrictedStrings:
        """These strings with the entry's words let through on every line."""
        words = word_text(entry.word)
        return replace(self, allowed={**self.allowed, words: (*self.allowed.get(words, ()), "")})

    def counts(self) -> dict[str, int]:
        return {
            "raw_ids": len(self.raw_ids),
            "notes": len(self.notes),
            "unscrubbed_excerpts": len(self.excerpts),
            "non_named_with_date_or_city": sum(1 for d in self.details_by_pseudonym.values() if d),
        }


def notes_search(notes: Iterable[Restricted]) -> WordRunSearch[Restricted]:
    """Each note whole, if it is not too short to be distinctive, and each run of
    :data:`NOTE_RUN_WORDS` of its words that holds enough words other than stop words; matched
    as words, whatever the case, spacing and punctuation."""
    needles: dict[str, list[Restricted]] = {}
    for note in notes:
        words = word_text(note.value).split()
        runs = [
            " ".join(run)
            for run in (
                words[i : i + NOTE_RUN_WORDS] for i in range(len(words) - NOTE_RUN_WORDS + 1)
            )
            if sum(word not in STOP_WORDS for word in run) >= _NOTE_RUN_CONTENT_WORDS
        ]
        if len(normalise(note.value)) >= _MIN_NOTE_LENGTH:
            runs.append(" ".join(words))
        for run in runs:
            if note not in needles.setdefault(run, []):
                needles[run].append(note)
    return WordRunSearch(needles)


@functools.lru_cache(maxsize=4096)
def written_forms(value: str) -> tuple[str, ...]:
    """How a non-named interview's date (``YYYY-MM-DD``) or city may be written, as
    :func:`word_text` gives it: the date as ISO, compact ISO (``20190713``), day-first or
    month-first numbers with the year of four or two figures, the day with the month's roman
    numeral and the year, and the day (in figures, ordinal or not, or as an ordinal word) with
    the month's name or abbreviation, with or without ``of`` or ``the`` (which, with the released
    month, gives the date away even without the year)."""
    date = _ISO_DATE.fullmatch(value)
    if not date:
        return (word_text(value),)
    year, month, day = date.groups()
    days = {day, str(int(day))}
    days |= {f"{d}{_ordinal_suffix(int(day))}" for d in days}
    months = {month, str(int(month))}
    years = {year, year[2:]}
    name = MONTHS[int(month) - 1].casefold()
    names = {name, name[:3], *(["sept"] if name == "september" else [])}
    in_words = word_text(ORDINAL_DAYS[int(day) - 1])
    forms = {f"{year} {m} {d}" for m in months for d in days} | {f"{year}{month}{day}"}
    forms |= {f"{d} {m} {y}" for m in months for d in days for y in years}
    forms |= {f"{m} {d} {y}" for m in months for d in days for y in years}
    forms |= {f"{d} {ROMAN_MONTHS[int(month) - 1]} {year}" for d in days}
    forms |= {f"{d} {n}" for n in names for d in days} | {
        f"{d} of {n}" for n in names for d in [*days, in_words]
    }
    forms |= {f"{n} {d}" for n in names for d in days} | {
        f"{n} the {d}" for n in names for d in days
    }
    return tuple(sorted(forms))


def _ordinal_suffix(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _detail_leaks(line: _Line, restricted: RestrictedStrings) -> list[tuple[int, Restricted]]:
    """A non-named interview's date or city anywhere on a line that names its pseudonym."""
    found = []
    padded = f" {line.word_text} "
    for pseudonym in set(restricted.pseudonym_pattern.findall(line.text)):
        for detail in restricted.details_by_pseudonym.get(pseudonym, ()):
            for form in written_forms(detail.value):
                at = padded.find(f" {form} ")
                if at >= 0:
                    found.append((line.origin(line.word_at(at)), detail))
    return found


def _allowed(line: _Line, words: str, allowed: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the line holds a released excerpt in which the authors allowed these words."""
    return any(excerpt in line.normalised for excerpt in allowed.get(words, ()))


def leaks_in_line(line: str, restricted: RestrictedStrings) -> list[tuple[int, Restricted]]:
    """The restricted strings found on one line of text, each with the offset where it starts
    and reported once per line."""
    read = _Line.read(line)
    found = [
        (start, name)
        for start, name, words in _name_leaks(read, restricted.names)
        if not _allowed(read, words, restricted.allowed)
    ]
    found += _id_leaks(read, restricted.raw_ids, restricted.pseudonym_pattern)
    found += [(read.origin(index), note) for index, _, note in restricted.notes.find(read)]
    if restricted.excerpts:
        found += [
            (start, restricted.excerpts[text])
            for start, text in _passages(line)
            if text in restricted.excerpts
        ]
    found += restricted.secrets.find(line)
    found += _detail_leaks(read, restricted)
    first: dict[Restricted, int] = {}
    for start, what in sorted(found, key=lambda hit: hit[0]):
        first.setdefault(what, start)
    return [(start, what) for what, start in first.items()]


def _cells(line: str) -> list[tuple[int, str]]:
    """The normalised cells of a CSV, TSV or Markdown table row, with their offsets (a prose line
    is one cell)."""
    cells = [(0, normalise(line))]
    cells += [
        (cell.start() + len(cell.group()) - len(cell.group().lstrip()), normalise(cell.group()))
        for cell in re.finditer(r"[^,\t|]+", line)
    ]
    return cells


def _passages(line: str) -> list[tuple[int, str]]:
    """Where an excerpt counts as leaked: a whole line, a CSV cell or a quoted passage."""
    quoted = [(q.start(1), normalise(q.group(1))) for q in re.finditer(r'"([^"]+)"', line)]
    return _cells(line) + quoted


def _table_field(line: str, offset: int, delimiter: str, header: list[str]) -> str:
    """The delimited field that holds character ``offset`` of ``line``, by number and header."""
    index, quoted = 0, False
    for char in line[:offset]:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            index += 1
    name = f" '{header[index]}'" if index < len(header) and header[index] else ""
    return f"column {index + 1}{name}"


def _json_key(line: str, offset: int) -> str:
    """The last JSON key written on the line before ``offset`` (empty if none)."""
    keys = [key.group(1) for key in _JSON_KEY.finditer(line[:offset])]
    return f"key '{keys[-1]}'" if keys else ""


def scan_text(text: str, file: str, restricted: RestrictedStrings) -> list[Leak]:
    """Every leak in the text, located by line, character and, in a CSV, TSV or JSON file, the
    column or key. A header or key that itself holds a restricted string is not named."""
    lines = text.splitlines()
    suffix = Path(file.rsplit("!", 1)[-1]).suffix.lower()
    delimiter = _TABLE_DELIMITERS.get(suffix)
    header = next(csv.reader(lines[:1], delimiter=delimiter), []) if delimiter else []
    header = ["" if leaks_in_line(name, restricted) else name for name in header]
    leaks = []
    for number, line in enumerate(lines, start=1):
        for start, what in leaks_in_line(line, restricted):
            if delimiter:
                where = _table_field(line, start, delimiter, header)
            elif suffix == ".json":
                where = _json_key(line, start)
                where = "" if leaks_in_line(where, restricted) else where
            else:
                where = ""
            leaks.append(
                Leak(
                    file,
                    number,
                    what.kind,
                    column=start + 1,
                    field=where,
                    masked=mask(what.value, what.kind),
                    source=what.source,
                )
            )
    return leaks


def public_files(directories: Iterable[Path], skip: Iterable[Path] = ()) -> list[Path]:
    """Every file below the directories, sorted, except those in ``skip`` or below a folder in
    it."""
    skipped = [Path(p).resolve() for p in skip]
    found = [
        Path(root) / name
        for directory in directories
        for root, _, names in os.walk(directory)
        for name in names
    ]
    return sorted(
        path for path in found if not any(path.resolve().is_relative_to(s) for s in skipped)
    )


UNREADABLE = "file the scan cannot read"


def scan_reading(reading: Reading, restricted: RestrictedStrings) -> list[Leak]:
    """The leaks in one file or archive member as :func:`read_public` read it. A passage that
    restates earlier ones adds only the restricted strings they did not show; a file that could
    not be read is itself reported, since nobody can say what it holds."""
    if reading.unreadable:
        return [
            Leak(reading.where, 0, UNREADABLE, source=f"{reading.format}: {reading.unreadable}")
        ]
    leaks: list[Leak] = []
    shown: set[tuple[str, str, str]] = set()
    for passage in reading.passages:
        for leak in scan_text(passage.text, passage.where, restricted):
            what = (leak.kind, leak.masked, leak.source)
            if not (passage.restates and what in shown):
                leaks.append(leak)
            shown.add(what)
    return leaks


def scan_allowing(
    reading: Reading, restricted: RestrictedStrings, path: str
) -> tuple[list[Leak], dict[int, int]]:
    """The leaks in a reading of the public file at ``path`` once the allow-list's entries for
    the files it matches (``restricted.allowed_in_files``) are applied, and how many leaks each
    entry let through, by position. Entries apply in order, each counted by the leaks that
    disappear when it is added (one per line and restricted string, as the scan reports them);
    a file without leaks is read once."""
    leaks = scan_reading(reading, restricted)
    let_through: dict[int, int] = {}
    for entry in restricted.allowed_in_files:
        if leaks and entry.matches(path):
            restricted = restricted.allowing(entry)
            remaining = scan_reading(reading, restricted)
            let_through[entry.position] = max(len(leaks) - len(remaining), 0)
            leaks = remaining
    return leaks, let_through


def scan_readings(
    readings: Iterable[Reading],
    restricted: RestrictedStrings,
    public_path: Callable[[str], str] = file_of,
) -> tuple[list[Leak], dict]:
    """Scan what was read; return the leaks and a summary that says, for each format, how many
    files and archive members were read and how, which could not be read, and how many leaks
    each file entry of the allow-list let through (by position). ``public_path`` gives the path
    of a reading's file that the entries' globs are matched against."""
    leaks: list[Leak] = []
    counts: dict[str, dict] = {}
    unreadable = []
    let_through = dict.fromkeys((entry.position for entry in restricted.allowed_in_files), 0)
    for reading in readings:
        found, allowed = scan_allowing(reading, restricted, public_path(reading.where))
        leaks.extend(found)
        for position, count in allowed.items():
            let_through[position] += count
        if reading.unreadable:
            unreadable.append(f"{reading.where} ({reading.format}: {reading.unreadable})")
            continue
        entry = counts.setdefault(
            reading.format, {"files": 0, "archive_members": 0, "how": HOW[reading.format]}
        )
        entry["archive_members" if MEMBER in reading.where else "files"] += 1
    summary = {
        "scanned_by_format": dict(sorted(counts.items())),
        "not_scannable": unreadable,
        "allow_list_file_entries": [
            {"entry": position, "let_through": count} for position, count in let_through.items()
        ],
    }
    return leaks, summary


def project_path(where: str, root: Path) -> str:
    """The path, relative to the project ``root``, of the file a reading is in: what the
    allow-list's file entries are written against (``results/paper/paper.pdf``)."""
    path = Path(file_of(where))
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def scan_files(
    paths: Iterable[Path],
    restricted: RestrictedStrings,
    exempt_in_tar: tuple[str, ...] = (),
    root: Path = Path(),
) -> tuple[list[Leak], dict]:
    """Scan files by format, archives and PDFs included (see :mod:`public_text`); the
    allow-list's file entries match paths relative to the project ``root``."""
    return scan_readings(
        (
            reading
            for path in paths
            for reading in read_public(str(path), Path(path).read_bytes(), exempt_in_tar)
        ),
        restricted,
        functools.partial(project_path, root=root),
    )


def scan_for_leaks(
    restricted: RestrictedStrings,
    directories: Iterable[Path],
    skip: Iterable[Path] = (),
    root: Path = Path(),
) -> tuple[list[Leak], dict]:
    """Scan every file below the public directories of the project at ``root``."""
    return scan_files(public_files(directories, skip), restricted, root=root)


def check_quarantine(quarantine: Path, public_dirs: Iterable[Path]) -> None:
    """Refuse a quarantine inside a public folder: what it holds would be published, and scanned
    again by the next run."""
    for public in public_dirs:
        if Path(quarantine).resolve().is_relative_to(Path(public).resolve()):
            raise ValueError(
                f"the quarantine folder {quarantine} is inside the public folder {public}; "
                "leaking files must go to restricted space (data/restricted/)"
            )


def made_with(
    files: Iterable[str],
    products: Mapping[str, Mapping[str, Iterable[str]]],
    public_dirs: Iterable[Path],
    root: Path,
) -> list[str]:
    """The files, every other output of the rules that wrote them, and every output of each rule
    that reads any of those, and so on, as far as they are public: what a leak in ``files``
    makes unsafe or stale (a leak in a figure's SVG takes its PNG and the documents that show
    it). ``products`` gives each rule's declared ``input`` and ``output`` files by rule name,
    relative to ``root``; restricted outputs (the crosswalk) are never moved."""

    def key(path: str | Path) -> Path:
        return (Path(root) / path).resolve()

    outputs = {rule: {key(p) for p in files["output"]} for rule, files in products.items()}
    inputs = {rule: {key(p) for p in files["input"]} for rule, files in products.items()}
    made = {key(p): str(p) for p in files}
    affected: set[str] = set()
    while new := {
        rule
        for rule in products
        if rule not in affected and set(made) & (outputs[rule] | inputs[rule])
    }:
        affected |= new
        for rule in new:
            made.update({key(p): str(Path(root) / p) for p in products[rule]["output"]})
    public = [key(d) for d in public_dirs]
    return sorted(
        path for resolved, path in made.items() if any(resolved.is_relative_to(d) for d in public)
    )


def quarantine_files(files: Iterable[str], root: Path, quarantine: Path) -> dict[str, str]:
    """Move each file that exists to ``quarantine``, at its path relative to ``root`` (replacing an
    earlier copy), so that no leaking or stale output stays public and the author can still see
    what leaked. Returns where each file went."""
    moved = {}
    for file in sorted(set(files)):
        if not Path(file).is_file():
            continue
        target = Path(quarantine) / Path(file).resolve().relative_to(Path(root).resolve())
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(file, target)
        moved[file] = str(target)
    return moved
