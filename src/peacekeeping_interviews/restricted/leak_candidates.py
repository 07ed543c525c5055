"""Which lines of a public file the leak scan must read word by word. Most lines of a public
file hold no restricted string, and reading each word by word (normalised, with every
character's origin) is what made the scan slow: at 20,000 interviews a release has 300,000
lines. So a line is first tested quickly (:func:`may_leak`) and a whole file's ASCII text in a
few passes of C-speed automata and regular expressions (:func:`lines_that_may_leak`).

Both are sound by construction: each test is implied by its search finding anything (a run of
words is in the line's words, a cell is among its cells, an id matches the shape of every way
it can be written), so no line a search could find something on is ever ruled out; the tests
check this against the searches themselves."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

import numpy as np

from peacekeeping_interviews.restricted.normalised_text import WORD, normalise, normalised_line
from peacekeeping_interviews.restricted.restricted_strings import (
    Restricted,
    RestrictedStrings,
    may_hold_id,
)

CELL = re.compile(r"[^,\t|]+")
QUOTED = re.compile(r'"([^"]+)"')
# The same within the lines of a whole text, and what separates words and white space there
# (ASCII text, lower case: a word is a run of letters and digits).
_CELL_IN_TEXT = re.compile(r"[^,\t|\n]+")
_QUOTED_IN_TEXT = re.compile(r'"([^"\n]+)"')
# Lower-case ASCII text: what is no word character (but a line break) becomes a space, as does
# white space within a line (but a tab, which separates cells); runs of spaces are then made one.
_NOT_WORD = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum() and c != 10})
_SPACE = str.maketrans({"\t": " ", "\x1f": " "})
_SPACE_BUT_TAB = str.maketrans({"\x1f": " "})
_SPACES = re.compile("  +")


def passage_texts(line: str, normalised: str) -> list[str]:
    """The normalised text of each passage an excerpt can leak as: the whole line
    (``normalised``), each table cell, each quoted passage."""
    return [normalised, *map(normalise, CELL.findall(line)), *map(normalise, QUOTED.findall(line))]


def details_found(
    text: str, padded_words: str, restricted: RestrictedStrings
) -> list[tuple[int, Restricted]]:
    """Each date or city of an interview whose pseudonym ``text`` names, written in
    ``padded_words`` (its word text with a space each side), where it starts there."""
    forms = restricted.detail_forms.find(padded_words)
    if not forms:
        return []
    return [
        (at, detail)
        for pseudonym in set(restricted.pseudonym_pattern.findall(text))
        for detail in restricted.details_by_pseudonym.get(pseudonym, ())
        for at, values in forms
        if detail.value in values
    ]


def may_leak(line: str, restricted: RestrictedStrings) -> bool:
    """Whether a search of :func:`~peacekeeping_interviews.restricted.leak_scan.leaks_in_line`
    can find anything on the line."""
    normalised = normalised_line(line)
    padded_words = f" {' '.join(WORD.findall(normalised))} "
    return (
        restricted.names.occurs_in(padded_words)
        or restricted.notes.occurs_in(padded_words)
        or restricted.secrets.occurs_in(normalised)
        or any(text in restricted.excerpts for text in passage_texts(line, normalised))
        or may_hold_id(normalised, restricted.raw_ids)
        or bool(details_found(line, padded_words, restricted))
    )


def lines_that_may_leak(lines: Sequence[str], restricted: RestrictedStrings) -> list[int]:
    """The indexes, in order, of the lines :func:`may_leak` may pass: every line that is not
    ASCII (read one by one), and each ASCII line that one of the passes below marks."""
    marked = {index for index, line in enumerate(lines) if not line.isascii()}
    text = "\n".join(line if line.isascii() else "" for line in lines).lower()
    words = " " + _SPACES.sub(" ", text.translate(_NOT_WORD)).replace("\n", " \n ") + " "
    word_hits = itertools.chain(
        restricted.names.starts_in(words),
        restricted.notes.starts_in(words),
        (at for at, _ in restricted.detail_forms.find(words)),
    )
    marked.update(_lines_of(words, word_hits))
    collapsed = _SPACES.sub(" ", text.translate(_SPACE))
    text_hits = itertools.chain(
        (at for at, _ in restricted.secrets.find(collapsed)),
        (match.start() for match in restricted.raw_ids.shapes_in(collapsed)),
    )
    marked.update(_lines_of(collapsed, text_hits))
    if restricted.excerpts and _may_hold_excerpt(text, collapsed, restricted):
        marked.update(
            index
            for index, line in enumerate(lines)
            if line.isascii()
            and any(t in restricted.excerpts for t in passage_texts(line, normalised_line(line)))
        )
    return sorted(marked)


def _may_hold_excerpt(text: str, collapsed: str, restricted: RestrictedStrings) -> bool:
    """Whether a whole line, a cell or a quoted passage of the (lower-case ASCII) text is an
    unscrubbed excerpt, as :func:`normalise` writes both."""
    passages = itertools.chain(
        collapsed.split("\n"),
        _CELL_IN_TEXT.findall(_SPACES.sub(" ", text.translate(_SPACE_BUT_TAB))),
        _QUOTED_IN_TEXT.findall(collapsed),
    )
    return not restricted.excerpts.keys().isdisjoint(map(str.strip, passages))


def _lines_of(text: str, offsets: Iterable[int]) -> set[int]:
    """The line (counted by the line breaks before it) of each offset of ``text``."""
    found = list(offsets)
    if not found:
        return set()
    breaks = np.flatnonzero(np.frombuffer(text.encode("ascii"), dtype=np.uint8) == ord("\n"))
    return {int(line) for line in np.searchsorted(breaks, found)}
