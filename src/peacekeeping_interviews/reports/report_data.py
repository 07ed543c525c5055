"""What the paper's code cells may use: declared results, formatted numbers, tables and figures.

The ``.qmd`` sources never compute; they read files that the render rule declares as inputs. The
renderer (:mod:`peacekeeping_interviews.reports.rendering`) writes a *render context* (the project
root, the declared inputs, the stamp) to a JSON file and names it in ``PKI_RENDER_CONTEXT`` for the
Jupyter kernel, whichever engine runs it. :class:`ReportData` refuses any file outside that list,
so a source cannot read something the workflow does not know it depends on.

A number for the text is a :class:`ReportValue`: it prints as its formatted text, and its Markdown
form is a span that carries where it came from (``data-source``, ``data-key``), so that a check of
the rendered page can compare each number with its results file.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from peacekeeping_interviews.text import MONTHS, QUARTERS

CONTEXT_ENVIRONMENT_VARIABLE = "PKI_RENDER_CONTEXT"
VALUE_CLASS = "pki-value"


class ReportDataError(Exception):
    """A source asked for something the render cannot give: a file that is not a declared input,
    a key that is not in its file, a figure that was not built. The renderer reports it with the
    source file and the cell's label."""


@dataclass(frozen=True)
class ReportValue:
    """One value printed in the text, with where it came from.

    ``kind`` says how ``text`` was made from the results value, so that a checker can redo it:
    ``number`` (``digits`` decimals, ``scale`` times the value, thousands separated by commas),
    ``p_value`` (see :func:`format_p_value`), ``month`` (``YYYY-MM`` written out) or ``text``
    (as stored).
    """

    text: str
    source: str
    key: str
    kind: str = "text"
    digits: int = 0
    scale: float = 1.0

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        attributes = {
            "data-source": self.source,
            "data-key": self.key,
            "data-kind": self.kind,
            "data-digits": str(self.digits),
            "data-scale": repr(self.scale),
        }
        quoted = " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items())
        return f"[{escape_markdown(self.text)}]{{.{VALUE_CLASS} {quoted}}}"


def escape_markdown(text: str) -> str:
    """Backslash-escape every ASCII punctuation character, so that Pandoc prints the text as
    stored: no markup, and no smart quotes, dashes or entities either."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def format_number(value: float, digits: int = 0, scale: float = 1.0) -> str:
    """``value * scale`` rounded half-even to ``digits`` decimals, with thousands separators and
    a typographic minus (U+2212); a value that rounds to zero has no sign."""
    text = f"{value * scale:,.{digits}f}"
    if not text.startswith("-"):
        return text
    return text[1:] if text.strip("-0.,") == "" else "\u2212" + text[1:]


# The released attributes and their values as the documents name them, written once for the
# paper and the appendix: the contract's own vocabulary (config/README.md), not a study's.
VARIABLE_LABELS = {
    "mission": "Mission served in",
    "year": "Year of interview",
    "location": "Place of interview",
    "level": "Level",
    "function": "Function",
    "posting": "Posting",
    "consent": "Consent tier",
}
VALUE_LABELS = {
    "srsg": "SRSG",
    "dsrsg": "deputy SRSG",
    "hq_official": "headquarters official",
    "in_mission": "in a mission",
    "outside_un": "outside the UN",
    "un_headquarters": "UN headquarters",
    "*": "withheld",
}


def readable(value: str) -> str:
    """A released code or value as words: its label, else underscores become spaces."""
    return VALUE_LABELS.get(value, value.replace("_", " "))


def variable_label(variable: str) -> str:
    """A released attribute as the documents name it."""
    return VARIABLE_LABELS.get(variable, readable(variable).capitalize())


# One format per kind of quantity, for the text and the tables alike: counts as integers with
# thousands separators, percentages and estimated counts (a richness estimate, a median position)
# to one decimal, test statistics, coefficients and effect sizes to two, p-values to three with
# "< 0.001" (format_p_value).
DIGITS = {
    "count": 0,
    "percent": 1,
    "estimate": 1,
    "statistic": 2,
    "effect_size": 2,
    "p_value": 3,
}


def digits_of(kind: str) -> int:
    """The decimals of a kind of quantity (a key of :data:`DIGITS`)."""
    if kind not in DIGITS:
        raise ReportDataError(f"no number format for {kind!r}; one of {sorted(DIGITS)}")
    return DIGITS[kind]


def formatted(value: float, kind: str) -> str:
    """A number in the format of its kind (a key of :data:`DIGITS`)."""
    if kind == "p_value":
        return format_p_value(value, digits_of(kind))
    return format_number(value, digits_of(kind))


def column(cells: pd.Series, kind: str) -> pd.Series:
    """A results column's text cells in the format of their kind; a cell that is no number
    (empty, ``<3``, ``*``) is left as written."""
    numbers = pd.to_numeric(cells, errors="coerce")
    return pd.Series(
        [cell if pd.isna(n) else formatted(float(n), kind) for cell, n in zip(cells, numbers)],
        index=cells.index,
        dtype=object,
    )


def format_p_value(p: float, digits: int = 3) -> str:
    """A p-value to ``digits`` decimals, or ``< 0.001`` (for 3 digits) when it would round to
    zero, so that a tiny p never prints as ``0.000``; a no-break space keeps the sign with its
    number at a line end."""
    floor = 10.0**-digits
    return f"<\u00a0{floor:.{digits}f}" if p < floor else f"{p:.{digits}f}"


def format_month(month: str) -> str:
    """A released time unit in words: ``2019-07`` as ``July 2019``, ``2019-Q3`` as ``the third
    quarter of 2019``, ``2019`` as ``2019``."""
    if re.fullmatch(r"\d{4}", month):
        return month
    quarter = re.fullmatch(r"(\d{4})-Q([1-4])", month)
    if quarter is not None:
        return f"the {QUARTERS[int(quarter.group(2)) - 1]} quarter of {quarter.group(1)}"
    match = re.fullmatch(r"(\d{4})-(\d{2})", month)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ReportDataError(f"expected a month as YYYY-MM, YYYY-Qn or YYYY, got {month!r}")
    return f"{MONTHS[int(match.group(2)) - 1]} {match.group(1)}"


def lookup(document: Any, key: str, source: str) -> Any:
    """The value at a dotted ``key`` (``alpha.code.estimate``; list items by index)."""
    current = document
    for depth, part in enumerate(key.split(".")):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            reached = ".".join(key.split(".")[:depth]) or "the top level"
            raise ReportDataError(
                f"{source}: no key '{key}' (nothing called '{part}' under {reached})"
            )
    return current


class ReportData:
    """Read-only access to the render rule's declared inputs, relative to the project root."""

    def __init__(self, root: Path, declared: list[str], context: dict | None = None):
        self.root = Path(root)
        self.declared = frozenset(declared)
        self.context = context or {}

    @classmethod
    def from_environment(cls) -> ReportData:
        path = os.environ.get(CONTEXT_ENVIRONMENT_VARIABLE)
        if not path:
            raise ReportDataError(
                f"{CONTEXT_ENVIRONMENT_VARIABLE} is not set: render the reports through the "
                "workflow (make all), which declares what they may read"
            )
        context = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(Path(context["root"]), context["declared"], context)

    def path(self, relative: str) -> Path:
        if relative not in self.declared:
            raise ReportDataError(
                f"'{relative}' is not a declared input of the render rule; declared: "
                + ", ".join(sorted(self.declared))
            )
        path = self.root / relative
        if not path.is_file() or path.stat().st_size == 0:
            raise ReportDataError(f"'{relative}' is declared but missing or empty")
        return path

    def json(self, relative: str) -> Any:
        return _read_json(self.path(relative))

    def value(self, relative: str, key: str) -> Any:
        return lookup(self.json(relative), key, relative)

    def number(self, relative: str, key: str, digits: int = 0, scale: float = 1.0) -> ReportValue:
        value = self.value(relative, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ReportDataError(f"{relative}: '{key}' is {value!r}, not a number")
        return ReportValue(
            format_number(value, digits, scale), relative, key, "number", digits, scale
        )

    def quantity(self, relative: str, key: str, kind: str, scale: float = 1.0) -> ReportValue:
        """A number in the format of its kind (:data:`DIGITS`), as the tables print it."""
        if kind == "p_value":
            return self.p_value(relative, key, digits_of(kind))
        return self.number(relative, key, digits_of(kind), scale)

    def p_value(self, relative: str, key: str, digits: int = 3) -> ReportValue:
        value = self.value(relative, key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ReportDataError(f"{relative}: '{key}' is {value!r}, not a p-value")
        return ReportValue(format_p_value(value, digits), relative, key, "p_value", digits)

    def text(self, relative: str, key: str) -> ReportValue:
        return ReportValue(str(self.value(relative, key)), relative, key)

    def month(self, relative: str, key: str) -> ReportValue:
        return ReportValue(format_month(str(self.value(relative, key))), relative, key, "month")

    def named(self, name: str) -> str:
        """The declared input the render rule gives a role (``codebook``, ``mandates``), so that
        a source need not know where the config points."""
        named = self.context.get("named", {})
        if name not in named:
            raise ReportDataError(f"no input named '{name}'; named inputs: {sorted(named)}")
        return named[name]

    def yaml(self, relative: str) -> Any:
        return yaml.safe_load(self.path(relative).read_text(encoding="utf-8"))

    def table(self, relative: str) -> pd.DataFrame:
        """A results CSV, every cell as text exactly as written (``<3`` stays ``<3``)."""
        return pd.read_csv(self.path(relative), dtype=str, keep_default_na=False)

    def figure(self, stem: str) -> Figure:
        """A figure a stage built as ``<stem>.svg`` and ``<stem>.png``; both must be declared."""
        svg, png = self.path(f"{stem}.svg"), self.path(f"{stem}.png")
        return Figure(stem, svg.read_text(encoding="utf-8"), png.read_bytes())

    @property
    def synthetic(self) -> bool:
        return bool(self.context.get("synthetic", False))

    @property
    def stamp(self) -> dict:
        return dict(self.context.get("stamp", {}))


@cache
def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Figure:
    """A built figure offered to the kernel as both SVG and PNG; each engine takes the form its
    output suits (SVG for HTML, PNG for the PDF)."""

    stem: str
    svg: str
    png: bytes

    def __post_init__(self) -> None:
        if "<svg" not in self.svg[:2000]:
            raise ReportDataError(f"'{self.stem}.svg' is not an SVG image")
        if not self.png.startswith(PNG_SIGNATURE):
            raise ReportDataError(f"'{self.stem}.png' is not a PNG image")

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_png_(self) -> bytes:
        return self.png


# A cell a table sets right-aligned: empty, or a number as formatted() and the release print it:
# thousands separators, a typographic minus, a percent sign, "<" and a no-break space before a
# p-value, a masked count ("<3") or a masked range (an en dash between two numbers).
NUMERIC_CELL = re.compile(r"(?:[<>]\u00a0?)?[-\u2212]?[\d.,]*%?(?:\u2013[\d.,]+%?)?")


def markdown_table(table: pd.DataFrame, align: str | None = None) -> Markdown:
    """A pipe table of text cells for a ``tbl-`` cell; ``align`` has one of ``l``, ``r``, ``c``
    per column (default: right for columns that look numeric, left otherwise). A table without
    rows says "none" in its first cell.

    Pandoc sizes the columns of a wide pipe table by the dashes under each header, so each
    column gets dashes in proportion to its longest cell (between 3 and 40)."""
    cells = table.astype(str)
    broken = [
        v for v in [*map(str, cells.columns), *cells.to_numpy().ravel()] if "\n" in v or "\r" in v
    ]
    if broken:
        raise ReportDataError(
            f"a table cell holds a line break, which a pipe table cannot: {broken[0]!r}"
        )
    if align is None:
        align = "".join(
            "r" if cells[c].str.fullmatch(NUMERIC_CELL).all() else "l" for c in cells.columns
        )
    if cells.empty:  # say so in the table rather than print a header over nothing
        cells = pd.DataFrame([["none", *[""] * (len(cells.columns) - 1)]], columns=cells.columns)
    widths = [min(40, max(3, len(str(c)), *(len(v) for v in cells[c]))) for c in cells.columns]
    rule = {"l": ":{}", "r": "{}:", "c": ":{}:"}
    lines = [
        "| " + " | ".join(escape_markdown(str(c)) for c in cells.columns) + " |",
        "|" + "|".join(rule[a].format("-" * w) for a, w in zip(align, widths, strict=True)) + "|",
        *("| " + " | ".join(escape_markdown(v) for v in row) + " |" for row in cells.values),
    ]
    return Markdown("\n".join(lines))


@dataclass(frozen=True)
class Markdown:
    """Markdown output of a cell (what ``IPython.display.Markdown`` does, without IPython)."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text


Part = str | ReportValue | Markdown
CITATION_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_:-]*")


def markdown_of(part: Part) -> str:
    """Plain text escaped (printed as stored), a value as its span, Markdown as it is."""
    return escape_markdown(part) if isinstance(part, str) else part._repr_markdown_()


def phrase(*parts: Part) -> Markdown:
    """Parts joined into one inline phrase, such as a label from a table and the count beside
    it from a results file."""
    return Markdown("".join(map(markdown_of, parts)))


def listing(items: list[Part]) -> Markdown:
    """Items as an English list (``a``, ``a and b``, ``a, b and c``), so that a sentence names
    however many categories or groups the results hold rather than a fixed set of them."""
    texts = [markdown_of(item) for item in items]
    if not texts:
        raise ReportDataError("an empty list cannot be written as a phrase")
    return Markdown(texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1])


def cited(part: Part, citation_key: str | None, source: Part | None = None) -> Markdown:
    """``part`` followed by where it comes from: a citation of ``citation_key`` (an entry of the
    bibliography; an unknown key stops the render), else ``source`` in parentheses, else
    nothing, so that a results file can say whether a method or framework has a reference."""
    if citation_key is not None:
        if not CITATION_KEY.fullmatch(str(citation_key)):
            raise ReportDataError(f"{citation_key!r} is not a citation key")
        return Markdown(f"{markdown_of(part)} [@{citation_key}]")
    if source is not None:
        return Markdown(f"{markdown_of(part)} ({markdown_of(source)})")
    return Markdown(markdown_of(part))
