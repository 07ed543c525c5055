"""Name scrub for excerpts: restricted names become bracketed descriptors, and every replacement is
logged, as the UK Data Service's guidance on anonymising qualitative data asks (replace, mark the
replacement, keep a log apart from the data).

A name matches in full or by its last word (the surname), case-insensitively and only as whole
words, so ``Okafor's`` is caught and ``Okaforsson`` is not.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

INTERVIEWEE_REPLACEMENT = "[an interviewee]"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class RestrictedName:
    """A name to scrub, the descriptor that replaces it, and why it is restricted."""

    name: str
    replacement: str
    kind: str


@dataclass(frozen=True)
class Replacement:
    original: str
    replacement: str
    kind: str


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

    Names are indexed by their first word, so each text is only matched against the few names
    whose every word it contains; one regular expression over 20,000 names would cost
    milliseconds per excerpt, this costs microseconds.
    """

    def __init__(self, names: Iterable[RestrictedName]):
        by_variant: dict[str, RestrictedName] = {}
        for entry in names:
            for variant in name_variants(entry.name):
                by_variant.setdefault(variant.casefold(), entry)
        self._by_variant = by_variant
        self._by_first_word: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for variant in by_variant:
            words = _WORD.findall(variant)
            self._by_first_word.setdefault(words[0], []).append((variant, frozenset(words)))

    def _candidates(self, text: str) -> tuple[str, ...]:
        """Names whose every word occurs in the text, longest first."""
        words = {w.casefold() for w in _WORD.findall(text)}
        found = {
            variant
            for word in words
            for variant, needed in self._by_first_word.get(word, ())
            if needed <= words
        }
        return tuple(sorted(found, key=lambda v: (-len(v), v)))

    def scrub(self, text: str) -> tuple[str, list[Replacement]]:
        """The text with every restricted name replaced, and the replacements made in order."""
        candidates = self._candidates(text) if text else ()
        if not candidates:
            return text, []
        made: list[Replacement] = []

        def substitute(match: re.Match[str]) -> str:
            entry = self._by_variant[match.group(0).casefold()]
            made.append(Replacement(match.group(0), entry.replacement, entry.kind))
            return entry.replacement

        return _alternation(candidates).sub(substitute, text), made

    def finds_name(self, text: str) -> bool:
        candidates = self._candidates(text)
        return bool(candidates) and bool(_alternation(candidates).search(text))


@functools.lru_cache(maxsize=4096)
def _alternation(variants: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word, case-insensitive match of any of the variants (longest listed first)."""
    escaped = "|".join(re.escape(v) for v in variants)
    return re.compile(rf"(?<!\w)({escaped})(?!\w)", re.IGNORECASE)
