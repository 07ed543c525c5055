"""``REPLICATION.md``: the verdict in one line, then the anchor, the code check, the
tolerances, each exhibit and each file, and every difference explained."""

from __future__ import annotations

from peacekeeping_interviews.archive.code_check import CodeCheck
from peacekeeping_interviews.archive.verification_result import (
    CHECKED,
    DIFFERS,
    NOT_COMPARABLE,
    REPRODUCED,
    UNVERIFIABLE,
    Verification,
)
from peacekeeping_interviews.deposit_layout import PAYLOAD
from peacekeeping_interviews.reports.exhibits import exhibits_by_file

MAX_SHOWN = 10


def verdict(result: Verification) -> str:
    """One line: the outcome, and what it does not cover."""
    if result.status == 1:
        return "DIFFERENCES FOUND (see below)"
    if result.status == 2:
        return "NOT VERIFIED: some files could not be compared here (see below)"
    unverifiable = [f.file for f in result.files if f.status == UNVERIFIABLE]
    caveats = [f"{', '.join(unverifiable)} cannot be rerun (form checked)"] if unverifiable else []
    caveats.append(f"the bagging date {result.bag_info.get('Bagging-Date')} is the deposit's word")
    if result.expected is None:
        caveats.append("the data fingerprint was NOT checked against the article (pass EXPECT=)")
    return "reproduced: every other file of the deposit is accounted for and matches; " + "; ".join(
        caveats
    )


def replication_report(result: Verification) -> str:
    lines = [f"# Replication report: {result.bag_name}", ""]
    if result.synthetic:
        lines += ["> **The deposit holds SYNTHETIC EXAMPLE DATA, not the study's interviews.**", ""]
    lines += [
        f"- Deposit: `{result.deposit}`",
        f"- Pipeline version {result.bag_info.get('Pipeline-Version', '?')}",
        f"- Outcome: **{verdict(result)}**",
        "",
        "## The anchor: data fingerprint",
        "",
        *anchor_lines(result),
        "",
        "## Fixity",
        "",
        "- Every payload file present, none extra, every SHA-256 as in the bag's own manifests"
        " (which whoever re-bags a deposit can regenerate: the anchor and the rebuild below are"
        " what a tamper cannot pass)",
        f"- Synthetic data, as the data's own flags say: {'yes' if result.synthetic else 'no'}",
        "",
        "## The code",
        "",
        *code_lines(result.code),
        *label_lines(result),
        "",
        "## Tolerances",
        "",
        *tolerance_lines(result),
        "",
        "## Isolation of the rerun",
        "",
        f"- {result.isolation.describe() if result.isolation else 'nothing was run'}",
        "",
        "## Environment",
        "",
        *[f"- {key}: {value}" for key, value in result.environment.items()],
        "",
        "## Run time",
        "",
        *[f"- {step}: {seconds:.1f} s" for step, seconds in result.timings.items()],
        "",
    ]
    if result.rerun_failure:
        lines += ["## The rerun failed", "", "```", result.rerun_failure, "```", ""]
    if result.files:
        lines += exhibit_lines(result) + file_lines(result)
    differences = difference_lines(result)
    if differences:
        lines += ["## Differences", "", *[f"- {cell(d)}" for d in differences], ""]
    return "\n".join(lines).rstrip() + "\n"


def anchor_lines(result: Verification) -> list[str]:
    lines = [f"- Recomputed from the deposited inputs: `{result.fingerprint}`"]
    if result.expected is None:
        return [
            *lines,
            "- Not checked against the article: pass the fingerprint it prints "
            "(`make verify DEPOSIT=… EXPECT=…`)",
        ]
    if result.anchor_matches:
        return [*lines, f"- The article prints `{result.expected}`: **the same**"]
    return [
        *lines,
        f"- The article prints `{result.expected}`: **MISMATCH**: this is not the deposit the "
        "article was made from, whatever else matches",
    ]


def code_lines(code: CodeCheck | None) -> list[str]:
    if code is None:
        return ["- not checked"]
    lines = [
        f"- The deposited snapshot `{code.snapshot}` ({code.files} files) was compared with "
        f"{code.trusted}",
        *[f"- Left out of every snapshot by design: `{p}`" for p in code.left_out],
    ]
    if code.differences:
        return [
            *lines,
            f"- **{len(code.differences)} files differ: nothing was run.** Check the differences;"
            " verify against a commit you trust with `COMMIT=`",
            *[f"  - {d}" for d in code.differences],
        ]
    return [*lines, "- The same bytes, file by file: the rerun ran your code"]


def label_lines(result: Verification) -> list[str]:
    if not result.label_note:
        return []
    mark = "" if result.label_matches else "**DIFFERS**: "
    return [f"- The commit the documents print: {mark}{result.label_note}"]


def tolerance_lines(result: Verification) -> list[str]:
    files = {f.file for f in result.files}
    applied = [
        f"- Applied (yours): `{f}`: {c}"
        + ("" if not files or f"{PAYLOAD}/{f}" in files else " (**no such file in the deposit**)")
        for f, c in sorted(result.tolerances.items())
    ]
    declared = [
        f"- Declared by the deposit, not applied: `{f}`: {c}"
        for f, c in sorted(result.declared_tolerances.items())
    ]
    return (applied or ["- Applied: none; every file had to match byte for byte"]) + declared


def exhibit_lines(result: Verification) -> list[str]:
    by_file = {f.file.removeprefix(f"{PAYLOAD}/"): f for f in result.files}
    lines = ["## Exhibits", "", "| Document | Exhibit | Files | Result |", "|---|---|---|---|"]
    for exhibit in result.exhibits:
        statuses = {by_file[f].status for f in exhibit.results if f in by_file}
        outcome = next(
            (s for s in (DIFFERS, NOT_COMPARABLE, UNVERIFIABLE, CHECKED) if s in statuses),
            REPRODUCED,
        )
        files = ", ".join(f"`{f}`" for f in exhibit.results)
        lines.append(
            f"| {exhibit.document} | {exhibit.name} (`{exhibit.label}`) | {files} | "
            f"{'**' + outcome + '**' if outcome == DIFFERS else outcome} |"
        )
    return [*lines, ""]


def file_lines(result: Verification) -> list[str]:
    shown_in = exhibits_by_file(result.exhibits)
    lines = ["## Every file of the deposit", "", "| File | Result | How |", "|---|---|---|"]
    for item in result.files:
        names = "; ".join(e.title for e in shown_in.get(item.file.removeprefix(f"{PAYLOAD}/"), []))
        how = "; ".join(filter(None, [item.how, f"shown in {names}" if names else ""]))
        status = f"**{item.status}**" if item.status == DIFFERS else item.status
        lines.append(f"| `{cell(item.file)}` | {status} | {cell(how)} |")
    return [*lines, ""]


def difference_lines(result: Verification) -> list[str]:
    """One line per difference, the anchor first, then the code, then each file."""
    shown_in = exhibits_by_file(result.exhibits)
    lines = []
    if not result.anchor_matches:
        lines.append(
            f"data fingerprint: the deposit's is {result.fingerprint}, the article prints "
            f"{result.expected}"
        )
    if result.code:
        lines += [f"code: {d}" for d in result.code.differences]
    if not result.label_matches:
        lines.append(f"commit label: {result.label_note}")
    if result.rerun_failure:
        lines.append(result.rerun_failure)
    for item in result.files:
        names = "; ".join(e.title for e in shown_in.get(item.file.removeprefix(f"{PAYLOAD}/"), []))
        where = f"{item.file} ({names})" if names else item.file
        lines += [f"{where}: {d}" for d in item.differences]
        if item.status == NOT_COMPARABLE:
            lines.append(f"{where}: not comparable: {item.how}")
    return lines


def differences_summary(result: Verification, limit: int = MAX_SHOWN) -> list[str]:
    """The differences for the terminal, the anchor first, with any character a terminal would
    act on (escape sequences in a file name, say) shown escaped."""
    lines = [printable(part) for line in difference_lines(result) for part in line.splitlines()]
    return lines[:limit] + ([f"… and {len(lines) - limit} more"] if len(lines) > limit else [])


def printable(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def cell(text: str) -> str:
    """Text for a Markdown table cell: no line break, pipe or backtick of a file's name can
    break the table or write lines of its own into the report."""
    return printable(text).replace("|", "\\|").replace("`", "'")
