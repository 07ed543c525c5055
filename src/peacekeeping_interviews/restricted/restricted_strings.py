"""What the leak scans look for, and the restricted-tier file that carries it from the
anonymisation stage to the final leak scan and the deposit's bag scan.

Restricted strings are the names of interviewees who did not consent to be named (and the
configured sensitive names), raw interview ids, interviewers' notes, excerpts as they were before
the scrub, the pseudonymisation key, and, for each non-named interview, its full date and city.
The anonymisation stage finds them in the confidential inputs once and writes them, with where
each was declared restricted, to a :class:`RestrictedIndex` file in restricted space; each scan
builds its searches (:class:`RestrictedStrings`) from that file instead of reading and
anonymising the confidential inputs again. The key is not in the file: a key kept in an
environment variable must not land on disk, so each scan reads it where the config says.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Generic, TypeVar

import ahocorasick

from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.restricted.normalised_text import Line, normalise, word_text
from peacekeeping_interviews.restricted.scrub import TITLES
from peacekeeping_interviews.text import (
    MONTHS,
    ORDINAL_DAYS,
    ROMAN_MONTHS,
    is_common_word,
)

T = TypeVar("T")
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
_ID_GROUP = re.compile(r"[^\W\d_]+|\d+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# What may stand between an id's groups as the searches read it: at most three characters of
# punctuation (the loosest of the separators that leak_scan accepts), within a line.
_GROUP_SEPARATOR = r"(?:[^\w\n]|_){0,3}"


@dataclass(frozen=True)
class Restricted:
    """One restricted string, what kind it is, and where it was declared restricted (an input
    cell such as ``inputs.interviews row 17, column notes``, or a config entry)."""

    value: str
    kind: str
    source: str


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

    def occurs_in(self, text: str) -> bool:
        """Whether any needle is in the text (stops at the first)."""
        return not self._empty and next(self._automaton.iter(text), None) is not None


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

    def find(self, line: Line) -> list[tuple[int, int, T]]:
        """What each needle in the line stands for: its first word's index, its number of words,
        and the thing."""
        return [
            (line.word_at(start), count, thing)
            for start, (count, things) in self._search.find(f" {line.word_text} ")
            for thing in things
        ]

    def occurs_in(self, padded_words: str) -> bool:
        """Whether any needle is in ``padded_words`` (a line's word text with a space each side)."""
        return self._search.occurs_in(padded_words)

    def starts_in(self, padded_words: str) -> list[int]:
        """Where each needle found in ``padded_words`` starts (the space before its first word)."""
        return [start for start, _ in self._search.find(padded_words)]


@dataclass(frozen=True)
class NamePart:
    """A word (or words) of a restricted name; ``alone`` when it is a leak wherever it stands,
    else only in context: capitalised, next to ``others`` (the person's other name words), a
    title or an initial."""

    restricted: Restricted
    alone: bool
    others: frozenset[str]


def name_search(
    names: Iterable[Restricted], published: Iterable[str] = ()
) -> WordRunSearch[NamePart]:
    """The words of each restricted name to look for, and when each is a leak.

    A full name is always a leak; a surname word of three letters or more that is not a common
    English word (:func:`~peacekeeping_interviews.text.is_common_word`) too; every other word of
    the name (given names, short or common-word surnames) only in context. A word of a
    ``published`` name (a named interviewee's) and a title written before the surname (the
    ``Minister`` of ``Minister Varo Keltz``) are never a leak on their own."""
    published_words = {word for name in published for word in word_text(name).split()}
    published_full = {word_text(name) for name in published}
    needles: dict[str, list[NamePart]] = {}
    for restricted in names:
        full, surname = word_text(restricted.value), word_text(restricted.value.split()[-1])
        if full not in published_full:
            needles.setdefault(full, []).append(NamePart(restricted, True, frozenset()))
        parts = full.split()
        titles = TITLES - set(surname.split())
        for part in set(parts) - published_words - titles if len(parts) > 1 else ():
            alone = part in surname.split() and len(part) >= 3 and not is_common_word(part)
            others = frozenset(parts) - {part}
            needles.setdefault(part, []).append(NamePart(restricted, alone, others))
    return WordRunSearch(needles)


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
    def written_shapes(self) -> re.Pattern[str] | None:
        """What every written form of every id matches: its letters, together or apart, and any
        numbers, each group at most three characters of punctuation from the next. Loose (a
        number of any value, a letter group split anywhere), fast, and few: ids share shapes."""
        shapes = sorted({_written_shape(key) for key in self if key})
        return re.compile("|".join(shapes)) if shapes else None

    def shapes_in(self, text: str) -> Iterator[re.Match[str]]:
        """Each stretch of normalised text shaped like an id (:attr:`written_shapes`)."""
        return self.written_shapes.finditer(text) if self.written_shapes else iter(())

    @functools.cached_property
    def longest(self) -> int:
        """The most groups an id can be written in: each letter apart, then its numbers."""
        return max((sum(len(g) if g.isalpha() else 1 for g in key) for key in self), default=0)


def id_search(ids: Iterable[Restricted]) -> IdIndex:
    """Raw ids by their letter and number groups, numbers without leading zeros
    (``REF-0002`` -> ``("ref", "2")``), however the id is then written."""
    return IdIndex({id_key([group for _, group in id_groups(normalise(r.value))]): r for r in ids})


def id_groups(text: str) -> list[tuple[re.Match[str], str]]:
    """The letter and number groups of normalised text, numbers without leading zeros."""
    return [(group, _id_group_value(group.group())) for group in _ID_GROUP.finditer(text)]


def may_hold_id(text: str, ids: IdIndex) -> bool:
    """Whether normalised text holds something shaped like one of the ids (see
    :attr:`IdIndex.written_shapes`): if not, it holds none of them."""
    return ids.written_shapes is not None and ids.written_shapes.search(text) is not None


def _written_shape(key: tuple[str, ...]) -> str:
    """The shape of an id's key (:func:`id_key`) as a regular expression; a group starts and
    ends where a group of its kind would. The look-behind that says no group of its kind goes on
    before the first comes after its first character, so that the search jumps to where that
    character stands instead of trying every position of a long text."""
    first, *others = key
    if first.isdecimal():
        head = r"\d(?<!\d\d)\d*"
    else:
        letter, *letters = map(re.escape, first)
        head = letter + r"(?<![^\W\d_].)" + "".join(_GROUP_SEPARATOR + c for c in letters)
    groups = [_group_shape(group) for group in others]
    end = r"(?!\d)" if key[-1].isdecimal() else r"(?![^\W\d_])"
    return _GROUP_SEPARATOR.join([head, *groups]) + end


def _group_shape(group: str) -> str:
    """A number of any value, or the group's letters, together or apart."""
    return r"\d+" if group.isdecimal() else _GROUP_SEPARATOR.join(map(re.escape, group))


def _id_group_value(group: str) -> str:
    """A number group without leading zeros; a letter group as it is (a circled or superscript
    figure, a digit that is no decimal digit, reads as a letter group)."""
    return str(int(group)) if group.isdecimal() else group


def id_key(groups: Sequence[str]) -> tuple[str, ...]:
    """Letter and number groups with consecutive letter groups joined, so that letters written
    apart (``R-E-F``) are the id's letters (``REF``)."""
    key: list[str] = []
    for group in groups:
        if key and group.isalpha() and key[-1].isalpha():
            key[-1] += group
        else:
            key.append(group)
    return tuple(key)


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

    names: WordRunSearch[NamePart]
    raw_ids: IdIndex
    notes: WordRunSearch[Restricted]
    excerpts: Mapping[str, Restricted]  # by normalised excerpt
    secrets: SubstringSearch[Restricted]  # by normalised value, found in normalised lines
    pseudonym_pattern: re.Pattern[str]
    details_by_pseudonym: Mapping[str, tuple[Restricted, ...]] = field(default_factory=dict)
    allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    allowed_in_files: tuple[AllowedInFiles, ...] = ()

    @functools.cached_property
    def detail_forms(self) -> SubstringSearch[frozenset[str]]:
        """Every written form of every date and city (:func:`written_forms`) as a run of whole
        words, with the dates and cities it is a form of: one pass finds them all on a line."""
        values: dict[str, set[str]] = {}
        for detail in {d.value for details in self.details_by_pseudonym.values() for d in details}:
            for form in written_forms(detail):
                values.setdefault(f" {form} ", set()).add(detail)
        return SubstringSearch({form: frozenset(found) for form, found in values.items()})

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
    needles: dict[str, dict[Restricted, None]] = {}  # each run's notes, once each, in order
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
            needles.setdefault(run, {})[note] = None
    return WordRunSearch({run: list(found) for run, found in needles.items()})


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


INDEX_FORMAT = "peacekeeping-interviews restricted strings 1"


@dataclass(frozen=True)
class RestrictedIndex:
    """Every restricted string of the confidential inputs, each with where it was declared
    restricted: what the anonymisation stage writes once (:meth:`text`) and every scan reads
    (:meth:`read`). ``excerpts`` are the coded excerpts the scrub changed, as they were;
    ``details_by_pseudonym`` a non-named interview's full date and city, by its pseudonym;
    ``allowed`` and ``allowed_in_files`` the authors' allow-list (see
    :class:`RestrictedStrings`)."""

    synthetic: bool
    names: tuple[Restricted, ...]
    published_names: tuple[str, ...]
    raw_ids: tuple[Restricted, ...]
    notes: tuple[Restricted, ...]
    excerpts: tuple[Restricted, ...]
    pseudonym_pattern: str
    details_by_pseudonym: Mapping[str, tuple[Restricted, ...]]
    allowed: Mapping[str, tuple[str, ...]]
    allowed_in_files: tuple[AllowedInFiles, ...]
    # What the index was made from (:func:`index_binding`): a scan refuses an index of other
    # inputs, restricted settings, allow-list or key.
    binding: str = ""

    def text(self) -> str:
        """The index as canonical JSON: the same strings give the same bytes. Compact, a file
        for the scans alone: indented, it is written by Python's slower encoder (seconds at
        20,000 interviews)."""
        document = {"format": INDEX_FORMAT, **{f.name: getattr(self, f.name) for f in fields(self)}}
        return (
            json.dumps(
                document,
                sort_keys=True,
                ensure_ascii=False,
                allow_nan=False,
                separators=(",", ":"),
                default=vars,
            )
            + "\n"
        )

    @classmethod
    def read(cls, path: Path) -> RestrictedIndex:
        """The index the anonymisation stage wrote, or an :class:`InputError` naming the file
        when it is not one (written by another version, or edited)."""
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
            if document.pop("format") != INDEX_FORMAT:
                raise ValueError
            return cls(
                synthetic=bool(document["synthetic"]),
                names=_restricted(document["names"]),
                published_names=tuple(document["published_names"]),
                raw_ids=_restricted(document["raw_ids"]),
                notes=_restricted(document["notes"]),
                excerpts=_restricted(document["excerpts"]),
                pseudonym_pattern=document["pseudonym_pattern"],
                details_by_pseudonym={
                    pseudonym: _restricted(details)
                    for pseudonym, details in document["details_by_pseudonym"].items()
                },
                allowed={word: tuple(passages) for word, passages in document["allowed"].items()},
                allowed_in_files=tuple(AllowedInFiles(**e) for e in document["allowed_in_files"]),
                binding=str(document["binding"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            expected = (
                f"the restricted-string index ({INDEX_FORMAT}) the anonymisation stage writes; "
                "rerun it (snakemake --forcerun anonymise_interviews)"
            )
            raise InputError([Problem(str(path), None, None, repr(error), expected)]) from None

    def check_binding(self, binding: str, path: Path) -> None:
        """Refuse an index made from other confidential inputs, restricted settings, allow-list
        or key than the run's (``binding``, :func:`index_binding`): an edited, stale or borrowed
        index would let what it lacks through every scan."""
        if self.binding != binding:
            expected = (
                "the index of this run's confidential inputs, restricted settings, allow-list and "
                "key; rerun the anonymisation stage (snakemake --forcerun anonymise_interviews)"
            )
            found = "an index made from other inputs, settings or key"
            raise InputError([Problem(str(path), None, None, found, expected)])

    def search(self, secrets: Iterable[Restricted] = ()) -> RestrictedStrings:
        """The searches the scans run, with ``secrets`` (the key) found as substrings of the
        normalised text, through invisible characters, look-alike letters and case."""
        excerpts: dict[str, Restricted] = {}
        for excerpt in self.excerpts:
            excerpts.setdefault(normalise(excerpt.value), excerpt)
        return RestrictedStrings(
            names=name_search(self.names, published=self.published_names),
            raw_ids=id_search(self.raw_ids),
            notes=notes_search(self.notes),
            excerpts=excerpts,
            secrets=SubstringSearch({normalise(secret.value): secret for secret in secrets}),
            pseudonym_pattern=re.compile(self.pseudonym_pattern),
            details_by_pseudonym=self.details_by_pseudonym,
            allowed=self.allowed,
            allowed_in_files=self.allowed_in_files,
        )


def _restricted(entries: Sequence[Mapping[str, str]]) -> tuple[Restricted, ...]:
    return tuple(Restricted(e["value"], e["kind"], e["source"]) for e in entries)


def index_binding(
    validation_digest: str, settings: Mapping, allow_list_digest: str, key_fingerprint: str
) -> str:
    """What a restricted-string index is of, as one SHA-256: the validated confidential inputs
    (:meth:`~peacekeeping_interviews.restricted.confidential_source.ConfidentialSource.digest`),
    the anonymisation settings as a rule's params record them, the allow-list's content and the
    key's fingerprint
    (:func:`~peacekeeping_interviews.restricted.pseudonymisation.key_fingerprint`)."""
    document = {
        "validated_inputs": validation_digest,
        "settings": settings,
        "allow_list": allow_list_digest,
        "key": key_fingerprint,
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
