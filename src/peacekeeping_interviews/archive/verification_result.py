"""What ``make verify`` finds, as data: each file's outcome, the whole check's, and the
error that stops a check it cannot make (exit status 2)."""

from __future__ import annotations

from dataclasses import dataclass, field

from peacekeeping_interviews.archive.code_check import CodeCheck
from peacekeeping_interviews.archive.sandbox import Isolation
from peacekeeping_interviews.reports.exhibits import Exhibit

WITHIN_TOLERANCES = "within your tolerances"
REPRODUCED, DIFFERS, CHECKED, UNVERIFIABLE, NOT_COMPARABLE = (
    "reproduced",
    "differs",
    "checked",
    "not verifiable",
    "not comparable",
)


class VerificationError(Exception):
    """The deposit cannot be verified at all (not a bag, fixity failed, unknown layout…)."""


@dataclass
class FileResult:
    file: str  # path in the bag
    status: str  # REPRODUCED, DIFFERS, CHECKED, UNVERIFIABLE, NOT_COMPARABLE
    how: str
    differences: list[str] = field(default_factory=list)


@dataclass
class Verification:
    deposit: str
    bag_name: str
    bag_info: dict[str, str]
    fingerprint: str
    expected: str | None
    synthetic: bool
    tolerances: dict[str, dict[str, float]]
    declared_tolerances: dict
    code: CodeCheck | None = None
    label_matches: bool = True
    label_note: str = ""
    isolation: Isolation | None = None
    files: list[FileResult] = field(default_factory=list)
    exhibits: list[Exhibit] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    rerun_failure: str = ""

    @property
    def anchor_matches(self) -> bool:
        return self.expected is None or self.expected == self.fingerprint

    @property
    def status(self) -> int:
        """0 reproduced, 1 differences, 2 cannot verify (some files could not be compared)."""
        if (
            not self.anchor_matches
            or (self.code and self.code.differences)
            or not self.label_matches
            or self.rerun_failure
            or any(f.status == DIFFERS for f in self.files)
        ):
            return 1
        return 2 if any(f.status == NOT_COMPARABLE for f in self.files) else 0

    @property
    def reproduced(self) -> bool:
        return self.status == 0


# ---------------------------------------------------------------------------- opening the bag
