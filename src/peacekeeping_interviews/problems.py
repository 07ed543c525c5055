"""How bad input is reported: one :class:`Problem` per fault, all collected before stopping."""

from __future__ import annotations

from dataclasses import dataclass


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
        if isinstance(self.row, int):
            where = f"row {self.row} (line {self.row + 1})"
        elif self.row is not None:
            where = f"at {self.row}"
        else:
            where = "whole file"
        column = f", column '{self.column}'" if self.column is not None else ""
        return f"{self.file}: {where}{column}: got {self.value!r}; expected {self.expected}"


class InputError(Exception):
    """Raised with every problem found, so that one run reports them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the input:\n{lines}")
