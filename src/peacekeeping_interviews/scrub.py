"""Name scrub for excerpts: restricted names become bracketed descriptors, and every replacement is
logged, as the UK Data Service's guidance on anonymising qualitative data asks (replace, mark the
replacement, keep a log apart from the data).

A name matches in full or by its last word (the surname), case-insensitively and only as whole
words, so ``Okafor's`` is caught and ``Okaforsson`` is not.
"""

from __future__ import annotations

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

    Excerpts are first checked for a word shared with some name, so the regular expression only runs
    on the few that can match (1,000,000 excerpts and 20,000 names stay fast).
    """

    def __init__(self, names: Iterable[RestrictedName]):
        by_variant: dict[str, RestrictedName] = {}
        for entry in names:
            for variant in name_variants(entry.name):
                by_variant.setdefault(variant.casefold(), entry)
        self._by_variant = by_variant
        self._words = {w.casefold() for v in by_variant for w in _WORD.findall(v)}
        alternatives = sorted(by_variant, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<!\w)(" + "|".join(re.escape(v) for v in alternatives) + r")(?!\w)",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )

    def might_match(self, text: str) -> bool:
        return any(w.casefold() in self._words for w in _WORD.findall(text))

    def scrub(self, text: str) -> tuple[str, list[Replacement]]:
        """The text with every restricted name replaced, and the replacements made in order."""
        if self._pattern is None or not self.might_match(text):
            return text, []
        made: list[Replacement] = []

        def substitute(match: re.Match[str]) -> str:
            entry = self._by_variant[match.group(0).casefold()]
            made.append(Replacement(match.group(0), entry.replacement, entry.kind))
            return entry.replacement

        return self._pattern.sub(substitute, text), made

    def finds_name(self, text: str) -> bool:
        return (
            self._pattern is not None
            and self.might_match(text)
            and bool(self._pattern.search(text))
        )
