"""Text as the leak scans compare it: NFKC, invisible characters dropped, letters of other
scripts drawn like Latin ones folded with Unicode's confusables table, accents dropped, casefold,
white space made one space; and a line read as words, each with where it starts in the line."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from peacekeeping_interviews.text import plain_character, without_invisible_characters

WORD = re.compile(r"[^\W_]+")


@functools.cache
def _normalised_character(char: str) -> str:
    """One character as the scan compares text: NFKC, invisible characters dropped, a letter of
    another script drawn like a Latin one made Latin, accents dropped, casefolded."""
    kept = (
        decomposed
        for composed in without_invisible_characters(unicodedata.normalize("NFKC", char))
        for decomposed in unicodedata.normalize("NFKD", plain_character(composed))
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
    return normalised_line(text)


def normalised_line(text: str) -> str:
    """:func:`normalise`, uncached: for whole lines, which seldom repeat."""
    if text.isascii():
        return " ".join(text.lower().split())
    return normalised_with_origins(text)[0]


def word_text(text: str) -> str:
    """The normalised words of a text, one space apart: what word-run searches look in."""
    return " ".join(WORD.findall(normalise(text)))


@dataclass(frozen=True)
class Line:
    """A line as the searches read it: its words (normalised) and where each starts in the line."""

    text: str
    normalised: str
    origins: list[int]
    words: list[re.Match[str]]

    @classmethod
    def read(cls, line: str) -> Line:
        normalised, origins = normalised_with_origins(line)
        return cls(line, normalised, origins, list(WORD.finditer(normalised)))

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
