"""Leak scan: proof that no restricted string reached a public file.

Restricted strings are the names of interviewees who did not consent to be named (and the configured
sensitive names), raw interview ids, interviewers' notes, excerpts as they were before the scrub,
the pseudonymisation key, and, for each non-named interview, its full date and city, which must
never stand on a line that also names its pseudonym.

The scan is a check independent of the excerpt scrub
(:mod:`peacekeeping_interviews.restricted.scrub`): it normalises each line its own way (NFKC,
invisible characters dropped, letters of other scripts drawn like Latin ones folded with Unicode's
confusables table, accents dropped, casefold), reads it as a sequence of words (punctuation between
them set aside), and looks for every part of each restricted name in context, raw ids however they
are spaced, punctuated or zero-padded (but not inside a pseudonym or a released quarter such as
``2019-Q3``), any run of
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
import functools
import itertools
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from peacekeeping_interviews import __version__
from peacekeeping_interviews.files import json_text, write_all_or_nothing
from peacekeeping_interviews.masking import mask
from peacekeeping_interviews.restricted.leak_candidates import (
    CELL,
    QUOTED,
    details_found,
    lines_that_may_leak,
    may_leak,
)
from peacekeeping_interviews.restricted.normalised_text import (
    Line,
    normalise,
)
from peacekeeping_interviews.restricted.pseudonymisation import key_as_restricted
from peacekeeping_interviews.restricted.public_text import (
    HOW,
    MEMBER,
    Reading,
    file_of,
    read_public,
)
from peacekeeping_interviews.restricted.restricted_strings import (
    IdIndex,
    NamePart,
    Restricted,
    RestrictedIndex,
    RestrictedStrings,
    WordRunSearch,
    id_groups,
    id_key,
)
from peacekeeping_interviews.restricted.scrub import TITLES
from peacekeeping_interviews.text import latin_lookalike

# What may stand between an id's letters and digits when it is written ("REF - 0002", "REF_2"):
# at most three spaces, hyphens, dashes, underscores, dots or slashes, not code (`int = 12`) ...
_ID_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_./]{0,3}")
# ... or at most three of any punctuation ("REF:0002", "REF(2)", "R-E-F-2") when the letters are
# written exactly as the id writes them (see _written_as_id).
_ANY_ID_SEPARATORS = re.compile(r"[\W_]{0,3}")
# A released time unit, in which an id such as "Q3" is no id.
_RELEASED_QUARTER = re.compile(r"(?<!\d)\d{4}-Q[1-4](?!\d)", re.IGNORECASE)
_TABLE_DELIMITERS = {".csv": ",", ".tsv": "\t"}
_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')
_LETTERS = re.compile(r"[^\W\d_]+")
LEAKS_LISTED = 50


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


def _name_leaks(line: Line, names: WordRunSearch[NamePart]) -> list[tuple[int, Restricted, str]]:
    """Each restricted name in the line: offset, restricted name, and the words found."""
    found = []
    for index, count, part in names.find(line):
        if part.alone or _in_context(line, index, index + count - 1, part.others):
            words = " ".join(w.group() for w in line.words[index : index + count])
            found.append((line.origin(index), part.restricted, words))
    return found


def _in_context(line: Line, first: int, last: int, others: frozenset[str]) -> bool:
    """Whether words ``first``..``last`` are capitalised and next to another word of the name,
    a title or an initial."""
    if not line.capitalised(first):
        return False
    before = [first - 1] if first else []
    after = [last + 1] if last + 1 < len(line.words) else []
    return any(line.words[i].group() in others for i in before + after) or any(
        line.words[i].group() in TITLES or line.is_initial(i) for i in before
    )


def _id_leaks(
    line: Line, ids: IdIndex, pseudonym_pattern: re.Pattern[str]
) -> list[tuple[int, Restricted]]:
    """Each raw id written in the line, with or without separators (see :func:`_written_as_id`),
    zero-padded or not, alone or inside a longer token (``x_REF-0002_y``), but not inside a
    pseudonym (``P-048eb5daf3`` is no ``P048``) or a released quarter (``2019-Q3`` is no ``Q3``)."""
    if not ids:
        return []
    groups = id_groups(line.normalised)
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
            key = id_key([group for _, group in window])
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


def _detail_leaks(line: Line, restricted: RestrictedStrings) -> list[tuple[int, Restricted]]:
    """A non-named interview's date or city anywhere on a line that names its pseudonym."""
    return [
        (line.origin(line.word_at(at)), detail)
        for at, detail in details_found(line.text, f" {line.word_text} ", restricted)
    ]


def _allowed(line: Line, words: str, allowed: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the line holds a released excerpt in which the authors allowed these words."""
    return any(excerpt in line.normalised for excerpt in allowed.get(words, ()))


def leaks_in_line(line: str, restricted: RestrictedStrings) -> list[tuple[int, Restricted]]:
    """The restricted strings found on one line of text, each with the offset where it starts
    and reported once per line."""
    if not may_leak(line, restricted):
        return []
    return leaks_in_read_line(Line.read(line), restricted)


def leaks_in_read_line(read: Line, restricted: RestrictedStrings) -> list[tuple[int, Restricted]]:
    """:func:`leaks_in_line`, every search run on the line read word by word."""
    line = read.text
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
    found += [(read.origins[at], secret) for at, secret in restricted.secrets.find(read.normalised)]
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
        for cell in CELL.finditer(line)
    ]
    return cells


def _passages(line: str) -> list[tuple[int, str]]:
    """Where an excerpt counts as leaked: a whole line, a CSV cell or a quoted passage."""
    quoted = [(q.start(1), normalise(q.group(1))) for q in QUOTED.finditer(line)]
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
    for index in lines_that_may_leak(lines, restricted):
        number, line = index + 1, lines[index]
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


class LeakError(RuntimeError):
    """A restricted string was found in a public output. The message names each leak's place,
    kind and source, with the value masked (it goes to public logs), and where each leaking file
    was moved, with the outputs made with it (``quarantined``: file -> its place in restricted
    space)."""

    def __init__(self, leaks: list[Leak], quarantined: Mapping[str, str] | None = None):
        self.leaks = leaks
        self.quarantined = dict(quarantined or {})
        listing = "\n".join(f"  - {leak}" for leak in leaks[:LEAKS_LISTED])
        more = f"\n  ... and {len(leaks) - LEAKS_LISTED} more" if len(leaks) > LEAKS_LISTED else ""
        moved = "".join(f"\n  - {f} -> {q}" for f, q in self.quarantined.items())
        advice = (
            "\nFix the code, template or input that wrote each value (the source says why it is "
            "restricted), then rerun."
            + (
                f"\nLeaking files, and the outputs made with them, moved to quarantine "
                f"(restricted):{moved}"
                if moved
                else ""
            )
        )
        super().__init__(f"{len(leaks)} leak(s) of restricted data:\n{listing}{more}{advice}")


def run_leak_scan(
    index: Path,
    settings: Mapping,
    public_dirs: list[Path],
    report: Path,
    quarantine: Path,
    products: Mapping[str, Mapping[str, list[str]]] | None = None,
    final_products: Sequence[Path] = (),
    root: Path = Path(),
    environ: Mapping[str, str] = os.environ,
    binding: str | None = None,
) -> dict:
    """Scan every public file, whatever its format, for restricted strings; on a leak (or a file
    the scan cannot read), withdraw what it makes unsafe or stale and fail.

    Withdrawn, that is moved to ``quarantine`` (restricted space, at their paths below
    ``root``): each leaking file, every output of the rule that wrote it and of the rules made
    from those (``products``: each rule's declared inputs and outputs, see
    :func:`~peacekeeping_interviews.restricted.leak_scan.made_with`), and every file below
    ``final_products`` (the deposit, made from all of them), so that no earlier, complete-looking
    paper, bag or zip stays beside the failure; an earlier scan report is deleted. The final
    products are not scanned here: the deposit stage scans its own bag and zips, and remakes them.

    Runs last in the workflow, after every public output exists. It reads what to look for from
    the restricted-string ``index`` the anonymisation stage wrote, and the key where ``settings``
    (the config's ``anonymisation`` section) say it is; it writes only counts, among them
    the leaks each file entry of the allow-list let through in the files its glob matches
    (relative to ``root``), by the entry's position.
    """
    check_quarantine(quarantine, public_dirs)
    restricted_index, restricted = indexed_restricted_strings(index, settings, environ, binding)
    final = [Path(root) / d for d in final_products]
    leaks, scanned = scan_for_leaks(restricted, public_dirs, skip=[report, *final], root=root)
    if leaks:
        Path(report).unlink(missing_ok=True)
        leaking = [file_of(leak.file) for leak in leaks]
        stale = [str(p) for p in public_files(final)]
        withdrawn = made_with([*leaking, *stale], products or {}, public_dirs, root)
        raise LeakError(leaks, quarantine_files(withdrawn, root, quarantine))
    summary = {
        "version": __version__,
        "synthetic": restricted_index.synthetic,
        "leaks": 0,
        "public_directories": [str(d) for d in public_dirs],
        **scanned,
        "restricted_strings": restricted.counts(),
    }
    write_all_or_nothing({report: json_text(summary)})
    return summary


def indexed_restricted_strings(
    index: Path,
    settings: Mapping,
    environ: Mapping[str, str] = os.environ,
    binding: str | None = None,
) -> tuple[RestrictedIndex, RestrictedStrings]:
    """The anonymisation stage's restricted-string ``index``, refused unless it is of the run's
    inputs, settings and key (``binding``, which the workflow computes at start-up; ``None``
    only where a caller builds the index itself), and what a scan looks for: its strings and the
    key, where ``settings`` (the config's ``anonymisation`` section) say it is."""
    restricted_index = RestrictedIndex.read(index)
    if binding is not None:
        restricted_index.check_binding(binding, index)
    key = key_as_restricted(settings, restricted_index.synthetic, environ)
    return restricted_index, restricted_index.search(key)
