"""Name scrub for excerpts: restricted names become bracketed descriptors, and every replacement is
logged, as the UK Data Service's guidance on anonymising qualitative data asks (replace, mark the
replacement, keep a log apart from the data).

A name matches in full or by its last word (the surname), only as whole words, and whatever the
spelling of case, accents (``Jorg`` for ``Jörg``, ``Strauss`` for ``Strauß``), Unicode
normalisation, straight or typographic apostrophes, the separators between its words (spaces,
hyphens, dashes, line breaks) and invisible characters inside it (soft hyphens, zero-width spaces
and joiners, byte-order marks, direction marks: word processors leave them in transcripts):
``Okafor's`` is caught and ``Okaforsson`` is not.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from peacekeeping_interviews.text import without_format_characters

INTERVIEWEE_REPLACEMENT = "[an interviewee]"
_WORD = re.compile(r"\w+", re.UNICODE)
_SEPARATOR = r"[\s\-\u2010-\u2015]+"
_APOSTROPHES = "'\u2018\u2019\u02bc"
# Invisible format characters (Unicode category Cf) that text editors put inside words.
_INVISIBLE = "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]*"


@dataclass(frozen=True)
class RestrictedName:
    """A name to scrub, the descriptor that replaces it, and why it is restricted. ``source`` is
    where the name was given (an input cell or a config entry), so that a leak report can tell
    the author what to fix without repeating the name."""

    name: str
    replacement: str
    kind: str
    source: str = ""


@dataclass(frozen=True)
class NameMatch:
    """Where a restricted name was found in a text (``start`` is a 0-based offset)."""

    start: int
    entry: RestrictedName


@dataclass(frozen=True)
class Replacement:
    original: str
    replacement: str
    kind: str


def fold(text: str) -> str:
    """Comparable form of text: compatibility-decomposed, accents and invisible format
    characters dropped, casefolded."""
    decomposed = without_format_characters(unicodedata.normalize("NFKD", text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def comparable_name(name: str) -> str:
    """The form in which two names count as the same name for the scrub: folded (see
    :func:`fold`), apostrophes dropped, and hyphens, dashes and spaces between words alike."""
    return " ".join(_WORD.findall(fold(name)))


def name_pattern(name: str) -> str:
    """A regular expression for one name that tolerates the spellings listed in the module doc."""
    parts = []
    for char in unicodedata.normalize("NFC", name):
        if char.isspace() or char == "-" or "\u2010" <= char <= "\u2015":
            if not parts or parts[-1] != _SEPARATOR:
                parts.append(_SEPARATOR)
        elif char in _APOSTROPHES:
            parts.append(f"[{_APOSTROPHES}]")
        elif not without_format_characters(char):
            continue
        elif fold(char) != char.lower():
            parts.append(f"(?:{re.escape(char)}|{re.escape(fold(char))})")
        else:
            parts.append(re.escape(char))
    return _INVISIBLE.join(parts)


def name_variants(name: str) -> list[str]:
    """The full name and, for names of two or more words, the last word if it has three letters
    or more."""
    words = name.split()
    variants = [" ".join(words)]
    if len(words) > 1 and len(words[-1]) >= 3:
        variants.append(words[-1])
    return variants


class NameScrubber:
    """Replaces restricted names in text. Built once, applied to many excerpts.

    Names are indexed by their first folded word, so each text is only matched against the few
    names whose every word it contains; one regular expression over 20,000 names would cost
    milliseconds per excerpt, this costs microseconds. ``except_variants`` (folded) are never
    matched: the leak scan uses it to leave alone a surname that a named interviewee shares.
    """

    def __init__(self, names: Iterable[RestrictedName], except_variants: Iterable[str] = ()):
        skipped = set(except_variants)
        by_variant: dict[str, tuple[str, RestrictedName]] = {}
        for entry in names:
            for variant in name_variants(entry.name):
                if fold(variant) not in skipped:
                    by_variant.setdefault(comparable_name(variant), (variant, entry))
        self._by_variant = by_variant
        self._by_first_word: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for key in by_variant:
            words = key.split()
            self._by_first_word.setdefault(words[0], []).append((key, frozenset(words)))

    def _candidates(self, text: str) -> tuple[str, ...]:
        """Folded names whose every word occurs in the text, longest first."""
        words = set(_WORD.findall(fold(text)))
        found = {
            key
            for word in words
            for key, needed in self._by_first_word.get(word, ())
            if needed <= words
        }
        return tuple(sorted(found, key=lambda v: (-len(v), v)))

    def _pattern(self, candidates: tuple[str, ...]) -> re.Pattern[str]:
        return _alternation(tuple(self._by_variant[key][0] for key in candidates))

    def scrub(self, text: str) -> tuple[str, list[Replacement]]:
        """The text (NFC-normalised) with every restricted name replaced, and the replacements
        made, in order."""
        candidates = self._candidates(text) if text else ()
        if not candidates:
            return text, []
        made: list[Replacement] = []

        def substitute(match: re.Match[str]) -> str:
            entry = self._by_variant[candidates[int(match.lastgroup[1:])]][1]
            made.append(Replacement(match.group(0), entry.replacement, entry.kind))
            return entry.replacement

        normalised = unicodedata.normalize("NFC", text)
        return self._pattern(candidates).sub(substitute, normalised), made

    def find_names(self, text: str) -> list[NameMatch]:
        """Every restricted name in the text, with its offset in the NFC-normalised text."""
        candidates = self._candidates(text)
        if not candidates:
            return []
        return [
            NameMatch(match.start(), self._by_variant[candidates[int(match.lastgroup[1:])]][1])
            for match in self._pattern(candidates).finditer(unicodedata.normalize("NFC", text))
        ]


@functools.lru_cache(maxsize=4096)
def _alternation(variants: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word, case-insensitive match of any variant; group ``n<i>`` names variant i."""
    alternatives = "|".join(f"(?P<n{i}>{name_pattern(v)})" for i, v in enumerate(variants))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
