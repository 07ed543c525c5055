"""Leak scan: proof that no restricted string reached a public file.

Restricted strings are the names of interviewees who did not consent to be named (and the configured
sensitive names), raw interview ids, interviewers' notes, excerpts as they were before the scrub,
the pseudonymisation key, and, for each non-named interview, its full date and city, which must
never stand on a line that also names its pseudonym. A leak report names the file, the line and
the kind of leak, never the leaked value, so the report itself is safe to publish.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from peacekeeping_interviews.scrub import NameScrubber

_ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_MIN_NOTE_LENGTH = 16  # shorter notes ("n/a", "UN official") recur in public text by chance


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Leak:
    file: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}"


class SubstringSearch:
    """Many fixed strings searched at once (Aho-Corasick automaton, from pyahocorasick)."""

    def __init__(self, needles: Iterable[str]):
        self._automaton = ahocorasick.Automaton()
        for needle in needles:
            self._automaton.add_word(needle, needle)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._automaton)

    def found_in(self, text: str) -> bool:
        return not self._empty and next(self._automaton.iter(text), None) is not None


@dataclass
class RestrictedStrings:
    """What must not appear in public files (built by the anonymisation stage)."""

    names: NameScrubber
    raw_ids: set[str]  # casefolded
    notes: SubstringSearch
    excerpts: set[str]
    secrets: SubstringSearch
    pseudonym_pattern: re.Pattern[str]
    details_by_pseudonym: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "raw_ids": len(self.raw_ids),
            "notes": len(self.notes),
            "unscrubbed_excerpts": len(self.excerpts),
            "non_named_with_date_or_city": sum(1 for d in self.details_by_pseudonym.values() if d),
        }


def notes_search(notes: Iterable[str]) -> SubstringSearch:
    """Notes are matched case- and spacing-insensitively; very short ones are ignored."""
    return SubstringSearch(n for note in notes if len(n := normalise(note)) >= _MIN_NOTE_LENGTH)


def leaks_in_line(line: str, restricted: RestrictedStrings) -> list[str]:
    """The kinds of restricted string found on one line of text."""
    kinds = []
    if restricted.names.finds_name(line):
        kinds.append("restricted name")
    if any(token.casefold() in restricted.raw_ids for token in _ID_TOKEN.findall(line)):
        kinds.append("raw interview id")
    folded = normalise(line)
    if restricted.notes.found_in(folded):
        kinds.append("interviewer's notes")
    if _contains_excerpt(line, restricted.excerpts):
        kinds.append("unscrubbed excerpt")
    if restricted.secrets.found_in(line):
        kinds.append("pseudonymisation key")
    pseudonyms = restricted.pseudonym_pattern.findall(line)
    if pseudonyms:
        cells = _cells(line)
        for pseudonym in pseudonyms:
            details = restricted.details_by_pseudonym.get(pseudonym, ())
            if any(normalise(d) in cells for d in details):
                kinds.append("full date or city of a non-named interview")
    return kinds


def _cells(line: str) -> set[str]:
    """The normalised cells of a CSV, TSV or Markdown table row (a prose line is one cell).

    A non-named interview's date or city leaks when it fills a cell of the row that names its
    pseudonym; the same words inside a sentence ("New York wanted a stronger line") do not say
    where the interview took place.
    """
    return {normalise(cell) for cell in re.split(r",|\t|\|", line)} | {normalise(line)}


def _contains_excerpt(line: str, excerpts: set[str]) -> bool:
    """An excerpt counts as leaked when a whole line, CSV cell or quoted passage equals it."""
    if not excerpts:
        return False
    candidates = _cells(line)
    candidates.update(normalise(q) for q in re.findall(r'"([^"]+)"', line))
    return not candidates.isdisjoint(excerpts)


def scan_text(text: str, file: str, restricted: RestrictedStrings) -> list[Leak]:
    return [
        Leak(file, number, kind)
        for number, line in enumerate(text.splitlines(), start=1)
        for kind in leaks_in_line(line, restricted)
    ]


def public_files(directories: Iterable[Path], skip: Iterable[Path] = ()) -> list[Path]:
    """Every file below the directories, sorted, except those in ``skip``."""
    skipped = {Path(p).resolve() for p in skip}
    found = []
    for directory in directories:
        for root, _, names in os.walk(directory):
            found.extend(
                path for name in names if (path := Path(root) / name).resolve() not in skipped
            )
    return sorted(found)


def read_text_or_none(path: Path) -> str | None:
    """The file's text, or ``None`` for binary files (a NUL byte in the first 8 KiB)."""
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def scan_files(paths: Iterable[Path], restricted: RestrictedStrings) -> tuple[list[Leak], dict]:
    """Scan files; return the leaks and a summary of what was scanned."""
    leaks: list[Leak] = []
    scanned, binary = 0, []
    for path in paths:
        text = read_text_or_none(path)
        if text is None:
            binary.append(str(path))
            continue
        scanned += 1
        leaks.extend(scan_text(text, str(path), restricted))
    return leaks, {"text_files_scanned": scanned, "binary_files_not_scanned": binary}


def scan_for_leaks(
    restricted: RestrictedStrings, directories: Iterable[Path], skip: Iterable[Path] = ()
) -> tuple[list[Leak], dict]:
    """Scan every file below the public directories."""
    return scan_files(public_files(directories, skip), restricted)


def remove_leaking_files(leaks: Iterable[Leak]) -> list[str]:
    """Delete each file that leaked, so no leaking output survives the failed run."""
    removed = sorted({leak.file for leak in leaks})
    for file in removed:
        Path(file).unlink(missing_ok=True)
    return removed
