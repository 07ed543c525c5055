"""The authors' allow-list (``anonymisation.allow_list``, a restricted YAML file): words of a
restricted name they reviewed and let through, in one excerpt (by the scrub and the leak scans)
or in the public files a glob names (a paper citing Cohen's kappa beside an interviewee called
Cohen). Every entry is checked; a report names an entry by its position, never by its word."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.masking import mask
from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.restricted.normalised_text import word_text
from peacekeeping_interviews.restricted.restricted_strings import AllowedInFiles
from peacekeeping_interviews.restricted.scrub import AllowedOccurrence

EXCERPT_ENTRY = frozenset({"interview_id", "segment", "word", "reason"})
FILE_ENTRY = frozenset({"file", "word", "reason"})
ALLOW_LIST_ENTRY = (
    "{interview_id, segment, word, reason} (words let through in one excerpt) or "
    "{file, word, reason} (words let through in the public files the glob `file` matches)"
)


@dataclass(frozen=True)
class AllowList:
    """The authors' restricted allow-list (``anonymisation.allow_list``): occurrences let through
    in one excerpt, by the scrub and the leak scans, and words of a restricted name let through
    in public files (a paper citing Cohen's kappa beside an interviewee called Cohen), by the
    final leak scan and the deposit's."""

    excerpts: tuple[AllowedOccurrence, ...] = ()
    files: tuple[AllowedInFiles, ...] = ()


def allow_list(settings: Mapping) -> AllowList:
    """The allow-list (a restricted YAML list; empty when the key is absent), every entry checked
    (:func:`allow_list_entry_problems`)."""
    path = settings.get("allow_list")
    if not path:
        return AllowList()
    entries: object = read_yaml(Path(path)) or []
    if not isinstance(entries, list):
        expected = f"a YAML list of entries, each {ALLOW_LIST_ENTRY}"
        raise InputError([Problem(str(path), None, None, f"a {type(entries).__name__}", expected)])
    problems = [
        problem
        for position, entry in enumerate(entries)
        for problem in allow_list_entry_problems(entry, str(path), position)
    ]
    if problems:
        raise InputError(problems)
    return AllowList(
        excerpts=tuple(
            AllowedOccurrence(str(e["interview_id"]), e["segment"], e["word"], e["reason"])
            for e in entries
            if set(e) == EXCERPT_ENTRY
        ),
        files=tuple(
            AllowedInFiles(position, e["file"], e["word"], e["reason"])
            for position, e in enumerate(entries)
            if set(e) == FILE_ENTRY
        ),
    )


def allow_list_entry_problems(entry: object, file: str, position: int) -> list[Problem]:
    """What is wrong with the allow-list's entry at ``position``, each problem at ``[position]``
    or ``[position].key``. Words, ids and reasons are shown masked: the problems go to public
    logs, and an entry quotes a restricted name."""
    where = f"[{position}]"
    if not isinstance(entry, dict):
        return [Problem(file, where, None, f"a {type(entry).__name__}", ALLOW_LIST_ENTRY)]
    if set(entry) not in (EXCERPT_ENTRY, FILE_ENTRY):
        keys = ", ".join(sorted(map(str, entry)))
        return [Problem(file, where, None, f"keys {keys}", ALLOW_LIST_ENTRY)]
    return [
        Problem(file, f"{where}.{key}", None, shown(value), expected)
        for key, value in entry.items()
        for valid, expected, shown in [_ALLOW_LIST_FIELDS[key]]
        if not valid(value)
    ]


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_words(value: object) -> bool:
    return isinstance(value, str) and bool(word_text(value))


def _is_segment(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_public_glob(value: object) -> bool:
    return _is_text(value) and not str(value).startswith("/") and ".." not in str(value).split("/")


def _masked(value: object) -> str:
    return mask(str(value), "allow-list entry")


def _as_written(value: object) -> object:
    return value


# Each field of an allow-list entry: its check, what is expected, and how a message shows it.
_ALLOW_LIST_FIELDS = {
    "interview_id": (_is_text, "the interview id, as in the interviews file", _masked),
    "segment": (_is_segment, "the segment's number, an integer of at least 1", _as_written),
    "word": (_is_words, "the words let through (text with a letter or digit)", _masked),
    "reason": (_is_text, "why the authors let it through (text)", _masked),
    "file": (
        _is_public_glob,
        "a glob of public paths relative to the project folder (`*` crosses folders), such as "
        "results/paper/*",
        _as_written,
    ),
}
