"""Where each stage writes, written once: a stage's outputs class names its files, with their
paths in the project as defaults. The rule takes its ``output:`` from :meth:`StageOutputs.layout`,
the stage function gets the class back from the rule's outputs, and tests and benchmarks put the
same layout below another root with :meth:`StageOutputs.under`. Light on purpose: the Snakefile
imports it while it parses.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Self

from peacekeeping_interviews.deposit_layout import RELEASE_DIR, RESTRICTED_DIR

RELEASE = Path(RELEASE_DIR)
RESTRICTED = Path(RESTRICTED_DIR)
MANDATES = Path("results/mandates")
SATURATION = Path("results/saturation")
TABULATION = Path("results/tabulation")
RELIABILITY = Path("results/reliability")
SAMPLE = Path("results/sample")
ANONYMISATION_REPORTS = Path("results/anonymisation")


@dataclass(frozen=True)
class StageOutputs:
    """The base of every stage's outputs: each field a file, its default its project path."""

    @classmethod
    def layout(cls) -> dict[str, str]:
        """Each output's path relative to the project root, by name: the rule's ``output:``."""
        return {f.name: Path(f.default).as_posix() for f in fields(cls)}  # type: ignore[arg-type]

    @classmethod
    def under(cls, root: Path) -> Self:
        """The same layout below another root (a scratch copy, a test folder)."""
        return cls(**{name: Path(root) / path for name, path in cls.layout().items()})


@dataclass(frozen=True)
class AnonymisationOutputs(StageOutputs):
    """Rule anonymise_interviews: the release; the restricted crosswalk, log and string index;
    the shareable report."""

    interviews: Path = RELEASE / "interviews.csv"
    coding: Path = RELEASE / "coding.csv"
    mission_counts: Path = RELEASE / "mission_counts.csv"
    crosswalk: Path = RESTRICTED / "crosswalk.csv"
    log: Path = RESTRICTED / "anonymisation_log.csv"
    report: Path = ANONYMISATION_REPORTS / "report.md"
    summary: Path = ANONYMISATION_REPORTS / "report.json"
    restricted_strings: Path = RESTRICTED / "restricted_strings.json"


@dataclass(frozen=True)
class MandatesOutputs(StageOutputs):
    """Rule merge_mandates: Figure 1's matrix and figure, missions, their tasks, exclusions."""

    matrix: Path = MANDATES / "figure1_matrix.csv"
    mission_tasks: Path = MANDATES / "mission_tasks.csv"
    missions: Path = MANDATES / "missions.csv"
    exclusions: Path = MANDATES / "exclusions.csv"
    numbers: Path = MANDATES / "numbers.json"
    figure_svg: Path = MANDATES / "figure1.svg"
    figure_png: Path = MANDATES / "figure1.png"


@dataclass(frozen=True)
class SampleOutputs(StageOutputs):
    """Rule describe_sample: the sample table, the interview list and their numbers."""

    table: Path = SAMPLE / "sample_description.csv"
    interview_list: Path = SAMPLE / "interview_list.csv"
    numbers: Path = SAMPLE / "numbers.json"


@dataclass(frozen=True)
class SaturationOutputs(StageOutputs):
    """Rule analyse_saturation: accumulation, Guest et al.'s saturation, the order effect,
    richness estimators, subgroups."""

    accumulation: Path = SATURATION / "accumulation.csv"
    guest_runs: Path = SATURATION / "guest_runs.csv"
    guest_saturation: Path = SATURATION / "guest_saturation.csv"
    order_effect_curve: Path = SATURATION / "order_effect_curve.csv"
    order_effect_saturation: Path = SATURATION / "order_effect_saturation.csv"
    order_effect_saturation_counts: Path = Path(
        "results/saturation/order_effect_saturation_counts.csv"
    )
    richness: Path = SATURATION / "richness.csv"
    subgroups: Path = SATURATION / "subgroups.csv"
    subgroup_saturation: Path = SATURATION / "subgroup_saturation.csv"
    numbers: Path = SATURATION / "numbers.json"
    accumulation_svg: Path = SATURATION / "accumulation.svg"
    accumulation_png: Path = SATURATION / "accumulation.png"
    new_information_svg: Path = SATURATION / "new_information.svg"
    new_information_png: Path = SATURATION / "new_information.png"


@dataclass(frozen=True)
class TabulationOutputs(StageOutputs):
    """Rule tabulate_factors: Table 1, factor mentions, the response spectrum,
    cross-tabulations and tests."""

    table1: Path = TABULATION / "table1.csv"
    factor_mentions: Path = TABULATION / "factor_mentions.csv"
    response_spectrum: Path = TABULATION / "response_spectrum.csv"
    crosstabs: Path = TABULATION / "crosstabs.csv"
    tests: Path = TABULATION / "tests.csv"
    numbers: Path = TABULATION / "numbers.json"
    spectrum_svg: Path = TABULATION / "spectrum.svg"
    spectrum_png: Path = TABULATION / "spectrum.png"


@dataclass(frozen=True)
class ReliabilityOutputs(StageOutputs):
    """Rule assess_reliability: alpha and kappa with intervals, agreement, disagreements, and
    unitizing alpha on the coders' spans."""

    alpha: Path = RELIABILITY / "alpha.csv"
    agreement: Path = RELIABILITY / "agreement.csv"
    disagreements: Path = RELIABILITY / "disagreements.csv"
    unitizing: Path = RELIABILITY / "unitizing.csv"
    numbers: Path = RELIABILITY / "numbers.json"
