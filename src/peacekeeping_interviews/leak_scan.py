"""Leak scan: proof that no restricted string reached a public file.

Restricted strings are the names of interviewees who did not consent to be named (and the configured
sensitive names), raw interview ids, interviewers' notes, excerpts as they were before the scrub,
the pseudonymisation key, and, for each non-named interview, its full date and city, which must
never stand on a line that also names its pseudonym.

A leak report tells the author what to fix without itself leaking: the file, line, character and
(for CSV and JSON files) the column or key, the kind of string, where it was declared restricted
(the input cell or config entry), and the string masked to its initials and length, never in
full, so that the report and the log that holds it are safe to publish. A file that leaked is
moved to a quarantine folder in restricted space, where the author can see what went wrong.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from peacekeeping_interviews.scrub import NameScrubber

KEY = "pseudonymisation key"
_ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_MIN_NOTE_LENGTH = 16  # shorter notes ("n/a", "UN official") recur in public text by chance
_MASKED_WORDS = 3  # initials shown of a masked value's first words
_TABLE_DELIMITERS = {".csv": ",", ".tsv": "\t"}
_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def _normalised_origins(text: str) -> list[int]:
    """For each character of ``normalise(text)``, the offset in ``text`` it comes from."""
    origins: list[int] = []
    for word in re.finditer(r"\S+", text):
        if origins:
            origins.append(word.start() - 1)
        for offset in range(word.start(), word.end()):
            origins += [offset] * len(text[offset].casefold())
    return origins


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


class SubstringSearch:
    """Many fixed strings searched at once (Aho-Corasick automaton, from pyahocorasick)."""

    def __init__(self, needles: Mapping[str, Restricted]):
        self._automaton = ahocorasick.Automaton()
        for needle, restricted in needles.items():
            self._automaton.add_word(needle, (len(needle), restricted))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._automaton)

    def find(self, text: str) -> list[tuple[int, Restricted]]:
        """Each needle found in the text, with the offset where it starts."""
        if self._empty:
            return []
        return [(end - length + 1, found) for end, (length, found) in self._automaton.iter(text)]


@dataclass
class RestrictedStrings:
    """What must not appear in public files (built by the anonymisation stage)."""

    names: NameScrubber
    raw_ids: Mapping[str, Restricted]  # by casefolded id
    notes: SubstringSearch  # by normalised note
    excerpts: Mapping[str, Restricted]  # by normalised excerpt
    secrets: SubstringSearch
    pseudonym_pattern: re.Pattern[str]
    details_by_pseudonym: Mapping[str, tuple[Restricted, ...]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "raw_ids": len(self.raw_ids),
            "notes": len(self.notes),
            "unscrubbed_excerpts": len(self.excerpts),
            "non_named_with_date_or_city": sum(1 for d in self.details_by_pseudonym.values() if d),
        }


def notes_search(notes: Iterable[Restricted]) -> SubstringSearch:
    """Notes are matched case- and spacing-insensitively; very short ones are ignored."""
    needles: dict[str, Restricted] = {}
    for note in notes:
        if len(folded := normalise(note.value)) >= _MIN_NOTE_LENGTH:
            needles.setdefault(folded, note)
    return SubstringSearch(needles)


def leaks_in_line(line: str, restricted: RestrictedStrings) -> list[tuple[int, Restricted]]:
    """The restricted strings found on one line of text, each with the offset where it starts
    and reported once per line."""
    found = [
        (match.start, Restricted(match.entry.name, match.entry.kind, match.entry.source))
        for match in restricted.names.find_names(line)
    ]
    found += [
        (token.start(), restricted.raw_ids[token.group().casefold()])
        for token in _ID_TOKEN.finditer(line)
        if token.group().casefold() in restricted.raw_ids
    ]
    notes = restricted.notes.find(normalise(line))
    if notes:
        origins = _normalised_origins(line)
        found += [(origins[start], note) for start, note in notes]
    if restricted.excerpts:
        found += [
            (start, restricted.excerpts[text])
            for start, text in _passages(line)
            if text in restricted.excerpts
        ]
    found += restricted.secrets.find(line)
    pseudonyms = restricted.pseudonym_pattern.findall(line)
    if pseudonyms:
        cells = _cells(line)
        found += [
            (start, detail)
            for pseudonym in pseudonyms
            for detail in restricted.details_by_pseudonym.get(pseudonym, ())
            for start, text in cells
            if text == normalise(detail.value)
        ]
    first: dict[Restricted, int] = {}
    for start, what in sorted(found, key=lambda hit: hit[0]):
        first.setdefault(what, start)
    return [(start, what) for what, start in first.items()]


def _cells(line: str) -> list[tuple[int, str]]:
    """The normalised cells of a CSV, TSV or Markdown table row, with their offsets (a prose line
    is one cell).

    A non-named interview's date or city leaks when it fills a cell of the row that names its
    pseudonym; the same words inside a sentence ("New York wanted a stronger line") do not say
    where the interview took place.
    """
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


def check_quarantine(quarantine: Path, public_dirs: Iterable[Path]) -> None:
    """Refuse a quarantine inside a public folder: what it holds would be published, and scanned
    again by the next run."""
    for public in public_dirs:
        if Path(quarantine).resolve().is_relative_to(Path(public).resolve()):
            raise ValueError(
                f"the quarantine folder {quarantine} is inside the public folder {public}; "
                "leaking files must go to restricted space (data/restricted/)"
            )


def quarantine_files(files: Iterable[str], root: Path, quarantine: Path) -> dict[str, str]:
    """Move each file to ``quarantine``, at its path relative to ``root`` (replacing an earlier
    copy), so that no leaking output stays public and the author can still see what leaked.
    Returns where each file went."""
    moved = {}
    for file in sorted(set(files)):
        target = Path(quarantine) / Path(file).resolve().relative_to(Path(root).resolve())
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(file, target)
        moved[file] = str(target)
    return moved
