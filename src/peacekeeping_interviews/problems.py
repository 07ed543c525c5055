"""How bad input is reported: one :class:`Problem` per fault, all collected before stopping.

A file with thousands of faults (a whole column in an unexpected format, say) must not bury the
terminal: beyond :data:`LISTED_IN_FULL` problems the message groups them by file, column and
rule, with a count and the first few rows, and :meth:`InputError.full_list` gives every line for
a log file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

# The "file" of a problem in a config entry (its row is the dotted key).
CONFIG_FILE = "config"
LISTED_IN_FULL = 25
EXAMPLES_PER_GROUP = 3
GROUPS_SHOWN = 40


@dataclass(frozen=True)
class Problem:
    """One fault in an input file.

    ``row`` is the 1-based data row (the header is not counted; the file line is ``row + 1``) for
    tables, a dotted path such as ``categories[0].factors[2].id`` for YAML files, or ``None`` when
    the fault concerns the whole file.
    """

    file: str
    row: int | str | None
    column: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        column = f", column '{self.column}'" if self.column is not None else ""
        return f"{self.file}: {self.where}{column}: got {self.value!r}; expected {self.expected}"

    @property
    def where(self) -> str:
        if isinstance(self.row, int):
            return f"row {self.row} (line {self.row + 1})"
        if self.row is not None:
            return f"at {self.row}"
        return "whole file"


def yaml_syntax_problem(error: yaml.YAMLError, file: str) -> Problem:
    """A YAML syntax error at its line and column (1-based, as editors count), with the text of
    that line and what the parser expected there; the whole file when the parser gives no place."""
    mark = getattr(error, "problem_mark", None)
    if not isinstance(error, yaml.MarkedYAMLError) or mark is None:
        return Problem(file, None, None, str(error).splitlines()[0], "valid YAML")
    lines = mark.buffer.splitlines() if isinstance(mark.buffer, str) else []
    text = lines[mark.line].rstrip("\x00") if mark.line < len(lines) else ""
    context = f", {error.context}" if error.context else ""
    where = f"line {mark.line + 1}, column {mark.column + 1}"
    return Problem(file, where, None, text, f"valid YAML ({error.problem}{context})")


def grouped(problems: Iterable[Problem]) -> list[list[Problem]]:
    """Problems sharing file, column and expectation, in order of first appearance."""
    groups: dict[tuple[str, str | None, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.file, problem.column, problem.expected), []).append(problem)
    return list(groups.values())


def group_line(group: list[Problem]) -> str:
    """One line for a group: how many, the rule, and the first few rows with their values."""
    first = group[0]
    if len(group) == 1:
        return str(first)
    column = f", column '{first.column}'" if first.column is not None else ""
    examples = ", ".join(f"{p.where} got {p.value!r}" for p in group[:EXAMPLES_PER_GROUP])
    more = (
        f", and {len(group) - EXAMPLES_PER_GROUP} more" if len(group) > EXAMPLES_PER_GROUP else ""
    )
    counted = f"{len(group)} problems, expected {first.expected}"
    return f"{first.file}{column}: {counted}; e.g. {examples}{more}"


class InputError(Exception):
    """Raised with every problem found, so that one run reports them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.summary())

    def summary(self, full_list: Path | str | None = None) -> str:
        """Every problem when there are few; otherwise one line per group, naming the file that
        holds the full list when there is one."""
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the input"
        if count <= LISTED_IN_FULL:
            return f"{heading}:\n" + "\n".join(f"  - {p}" for p in self.problems)
        groups = grouped(self.problems)
        lines = [f"  - {group_line(group)}" for group in groups[:GROUPS_SHOWN]]
        if len(groups) > GROUPS_SHOWN:
            lines.append(f"  - ... and {len(groups) - GROUPS_SHOWN} more kinds of problem")
        where = f"; every one is listed in {full_list}" if full_list else ""
        return f"{heading}, in {len(groups)} kinds{where}:\n" + "\n".join(lines)

    def full_list(self) -> str:
        """One line per problem, for a log file."""
        return "".join(f"{p}\n" for p in self.problems)
