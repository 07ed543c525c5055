"""The anonymisation stage's shareable report (``results/anonymisation/report.md`` and
``report.json``): counts by consent tier, the key's source (never the key), what disclosure
control did and its risk and utility measures, what the scrub replaced, and the leak scan of
the stage's own outputs. No restricted value is among them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from peacekeeping_interviews import __version__
from peacekeeping_interviews.analysis.release import RELEASED_ATTRIBUTES, ROW_KEYS
from peacekeeping_interviews.disclosure import k_anonymity, unique_rows, utility_cost
from peacekeeping_interviews.restricted.validation import ValidatedInputs

if TYPE_CHECKING:
    from peacekeeping_interviews.restricted.anonymisation import Release


def anonymisation_summary(
    validated: ValidatedInputs,
    release: Release,
    settings: Mapping,
    key_source: str,
    scanned_files: list[str],
) -> dict:
    """The shareable numbers of the report (no restricted value among them)."""
    interviews = validated.interviews
    named = interviews["consent"] == "named"
    replacements = release.log.groupby("action").size() if len(release.log) else pd.Series()
    return {
        "version": __version__,
        "synthetic": validated.synthetic,
        "interviews": len(interviews),
        "coded_segments": len(validated.coding),
        "by_consent": {
            t: int((interviews["consent"] == t).sum()) for t in ("named", "descriptor", "anonymous")
        },
        "pseudonym_key_source": key_source,
        "disclosure": disclosure_summary(release, named, settings),
        "excerpts": {
            "coded_segments_with_excerpt": int((validated.coding["excerpt"] != "").sum()),
            "released_excerpts": int((release.coding["excerpt"] != "").sum()),
            "log_entries_by_action": {str(k): int(v) for k, v in replacements.items()},
        },
        "leak_scan": {
            "files_scanned": scanned_files,
            "restricted_strings": release.restricted.counts(),
            "leaks": 0,
        },
        **({"qda_import": dict(validated.qda_import)} if validated.qda_import else {}),
    }


def class_measures(table: pd.DataFrame, columns: Sequence[str]) -> dict:
    """k (pycanon) and the number of rows alone in their class, over ``columns``."""
    return {
        "columns": list(columns),
        "k": k_anonymity(table, columns),
        "unique_rows": unique_rows(table, columns),
    }


def disclosure_summary(release: Release, named: pd.Series, settings: Mapping) -> dict:
    """k and unique rows over the quasi-identifiers and over every released column (all but the
    row keys), before and after control, and what control cost each column; counted over the
    non-named rows."""
    disclosure, protected = release.disclosure, ~named.to_numpy()
    qis = list(disclosure.levels)
    before = release.attributes.loc[protected]
    after = release.interviews.loc[release.interviews["consent"] != "named"]
    every_column = [c for c in release.interviews.columns if c not in ROW_KEYS]
    return {
        "k_min": settings["k_min"],
        "quasi_identifiers": qis,
        "non_identifying": [dict(entry) for entry in settings["non_identifying"]],
        "non_named_interviews": int(protected.sum()),
        "k_before": disclosure.k_before,
        "k_after": disclosure.k_after,
        "measured": {
            "quasi_identifiers": {
                "before": class_measures(before, qis),
                "after": class_measures(after, qis),
            },
            "every_released_column": {
                "before": class_measures(before, list(RELEASED_ATTRIBUTES)),
                "after": class_measures(after, every_column),
            },
        },
        "generalisation": {
            qi: _level_description(lvl, disclosure.maps[qi])
            for qi, lvl in disclosure.levels.items()
        },
        "utility": utility_cost(
            before[qis], disclosure.table.loc[protected], disclosure.withheld.loc[protected]
        ),
        "max_suppression": settings["max_suppression"],
    }


def _level_description(level: int, n_maps: int) -> str:
    if level == 0:
        return "as collected"
    if level > n_maps:
        return "withheld (*)"
    return f"generalised to hierarchy level {level}"


def disclosure_markdown(d: Mapping) -> list[str]:
    """The report's disclosure section: what is protected, measured side by side over the
    quasi-identifiers and over every released column, and what it cost each column."""
    measured = d["measured"]
    utility = d["utility"]
    declared = d["non_identifying"]
    return [
        "## Disclosure control (non-named interviews)",
        "",
        "Attacker: someone who knows every named interviewee's row and, about a non-named "
        "interviewee, any of the released attributes (when and how they were interviewed, their "
        "post, missions and background), and wants to find that person's row.",
        "",
        f"- Quasi-identifiers: {', '.join(d['quasi_identifiers']) or 'none'}",
        "- Declared non-identifying: "
        + ("; ".join(f"{e['column']} ({e['reason']})" for e in declared) or "none"),
        f"- Required: every class of non-named rows over all quasi-identifiers together has at "
        f"least k_min = {d['k_min']} rows ({d['non_named_interviews']} non-named interviews; k "
        "measured with pycanon, `*` counted as a value)",
        f"- Rows with a cell withheld by local suppression: {utility['rows_suppressed']} "
        f"(allowed: {d['max_suppression']:.0%} of non-named)",
        "",
        "| measured over | k before | unique rows before | k after | unique rows after |",
        "|---|---|---|---|---|",
        *(
            f"| {label} | {m['before']['k']} | {m['before']['unique_rows']} | {m['after']['k']} "
            f"| {m['after']['unique_rows']} |"
            for label, m in (
                ("the quasi-identifiers", measured["quasi_identifiers"]),
                ("every released column but the row keys", measured["every_released_column"]),
            )
        ),
        "",
        "| column | release | cells generalised | cells withheld | of which cell by cell |",
        "|---|---|---|---|---|",
        *(
            f"| {qi} | {how} | {utility['columns'][qi]['cells_generalised']} "
            f"| {utility['columns'][qi]['cells_withheld']} "
            f"| {utility['columns'][qi]['cells_withheld_locally']} |"
            for qi, how in d["generalisation"].items()
        ),
        "",
    ]


def report_markdown(summary: Mapping) -> str:
    """The human-readable anonymisation report."""
    d, e = summary["disclosure"], summary["excerpts"]
    lines = []
    if summary["synthetic"]:
        lines += [
            "> **SYNTHETIC DATA.** Made by the project's seeded generator; not real interviews.",
            "",
        ]
    lines += [
        f"# Anonymisation report (peacekeeping-interviews {summary['version']})",
        "",
        f"- Interviews: {summary['interviews']}; coded segments: {summary['coded_segments']}",
        "- Consent tiers: " + ", ".join(f"{k} {v}" for k, v in summary["by_consent"].items()),
        f"- Pseudonyms: keyed hash (HMAC-SHA256) of the interview id; key from the "
        f"{summary['pseudonym_key_source']}",
        "",
        *disclosure_markdown(d),
        "## Excerpts",
        "",
        f"- Segments with an excerpt: {e['coded_segments_with_excerpt']}; released after the "
        f"name scrub: {e['released_excerpts']}",
        "- Log entries (kept in restricted space): "
        + (", ".join(f"{k} {v}" for k, v in e["log_entries_by_action"].items()) or "none"),
        "",
        "## Leak scan",
        "",
        "- Restricted strings checked: "
        + ", ".join(f"{k} {v}" for k, v in summary["leak_scan"]["restricted_strings"].items()),
        f"- Files scanned: {', '.join(summary['leak_scan']['files_scanned'])}",
        f"- Leaks found: {summary['leak_scan']['leaks']}",
        "",
        *qda_import_markdown(summary.get("qda_import")),
    ]
    return "\n".join(lines)


def qda_import_markdown(counts: Mapping | None) -> list[str]:
    """What importing the coders' REFI-QDA project counted, when the inputs were one."""
    if not counts:
        return []
    never = ", ".join(counts["mapped_codes_never_applied"]) or "none"
    return [
        "## Coding imported from a QDA project",
        "",
        f"- Project: {counts['project']}; coders' codings of one transcript are one segment when "
        f"their spans share at least {counts['min_overlap']:g} of the shorter",
        f"- Codings no other coder of the same transcript matched: {counts['unmatched_codings']}",
        f"- Mapped codes never applied: {never}",
        "",
    ]
