"""How a deposited file and its rebuilt twin differ, in terms a reviewer can act on.

``make verify`` decides by bytes: every rebuilt file must equal the deposited one (or, for tables
and JSON results, come within the reviewer's own tolerances). These functions only explain a
difference: which cell, which key, which pixels, which in-text value, which line.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path

TEXT_SUFFIXES = {".md", ".txt", ".cff", ".yaml", ".yml", ".csv", ".json", ".html", ".svg"}


def compare_csv(deposited: Path, rerun_: Path, tolerances: Mapping[str, float]) -> list[str]:
    old, new = _rows(deposited), _rows(rerun_)
    if not old or not new or old[0] != new[0]:
        return [f"columns differ: deposit {old[:1]}, rerun {new[:1]}"]
    header = old[0]
    problems = []
    if len(old) != len(new):
        problems.append(f"{len(old) - 1} rows in the deposit, {len(new) - 1} in the rerun")
    for number, (a, b) in enumerate(zip(old[1:], new[1:], strict=False), start=1):
        if len(a) != len(header) or len(b) != len(header):
            problems.append(f"row {number}: {len(a)} cells in the deposit, {len(b)} in the rerun")
            continue
        for column, x, y in zip(header, a, b, strict=True):
            if x != y and not _within(x, y, tolerances.get(column)):
                problems.append(f"row {number}, column {column}: deposit {x!r}, rerun {y!r}")
    return problems


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _within(x: object, y: object, tolerance: float | None) -> bool:
    if tolerance is None:
        return False
    try:
        a, b = float(x), float(y)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tolerance


def compare_json(deposited: Path, rerun_: Path, tolerances: Mapping[str, float]) -> list[str]:
    old = dict(_flatten(json.loads(deposited.read_text(encoding="utf-8"))))
    new = dict(_flatten(json.loads(rerun_.read_text(encoding="utf-8"))))
    problems = []
    absent = ("absent", "(absent)")
    for key in sorted(old.keys() | new.keys()):
        (kind_a, a), (kind_b, b) = old.get(key, absent), new.get(key, absent)
        numbers = {kind_a, kind_b} <= {"int", "float"}
        if (kind_a, a) != (kind_b, b) and not (numbers and _within(a, b, tolerances.get(key))):
            shown_types = kind_a != kind_b and "absent" not in {kind_a, kind_b}
            types = (f" ({kind_a})", f" ({kind_b})") if shown_types else ("", "")
            problems.append(f"{key}: deposit {a!r}{types[0]}, rerun {b!r}{types[1]}")
    return problems


def _flatten(value: object, prefix: str = "") -> Iterator[tuple[str, tuple[str, object]]]:
    """Leaves by dotted key, each with its JSON type (so that 1, 1.0 and true stay apart), and
    empty containers as leaves of their own."""
    if isinstance(value, dict | list) and not value:
        yield prefix, (type(value).__name__, "empty")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{prefix}.{index}" if prefix else str(index))
    else:
        yield prefix, (type(value).__name__, value)


def compare_image(deposited: Path, rerun_: Path) -> list[str]:
    """The count of differing pixels of two PNGs (or that only their bytes differ)."""
    from PIL import Image, ImageChops

    with Image.open(deposited) as a, Image.open(rerun_) as b:
        if a.size != b.size:
            return [f"size {a.size} in the deposit, {b.size} in the rerun"]
        difference = ImageChops.difference(a.convert("RGBA"), b.convert("RGBA"))
        pixels = difference.get_flattened_data()  # RGBA: a tuple of bands per pixel
        changed = sum(1 for pixel in pixels if isinstance(pixel, tuple) and any(pixel))
    if changed:
        return [f"{changed} of {a.size[0] * a.size[1]} pixels differ"]
    return ["identical pixels, different bytes (metadata or compression)"]


VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


# Elements whose text runs on into their neighbours' (a citation's link inside its brackets):
# the words are split at every other tag and at white space.
INLINE_ELEMENTS = {"a", "abbr", "b", "cite", "code", "em", "i", "q", "s", "small", "span",
                   "strong", "sub", "sup", "u"}  # fmt: skip


class _RenderedText(HTMLParser):
    """A rendered document's words (without styles and scripts) as a reader reads them (text
    joined across inline markup, ``(Holm 1979)`` one piece with its link) and its
    ``<span class="pki-value" …>`` values as (source, key, text), nested markup included."""

    def __init__(self) -> None:
        super().__init__()
        self._text: list[str] = []
        self.values: list[tuple[str, str, str]] = []
        self._stack: list[tuple[str, str, dict[str, str]]] = []
        self._value_text: list[list[str]] = []

    @property
    def words(self) -> list[str]:
        return "".join(self._text).split()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE_ELEMENTS:
            self._text.append(" ")
        if tag in VOID_ELEMENTS:
            return
        attributes = {k: v or "" for k, v in attrs}
        classes = attributes.get("class", "").split()
        role = ""
        if tag in {"style", "script"}:
            role = "skip"
        elif tag == "span" and "pki-value" in classes:
            role = "value"
            self._value_text.append([])
        self._stack.append((tag, role, attributes))

    def handle_data(self, data: str) -> None:
        if any(role == "skip" for _, role, _ in self._stack):
            return
        self._text.append(data)
        for text in self._value_text:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE_ELEMENTS:
            self._text.append(" ")
        while self._stack:
            open_tag, role, attributes = self._stack.pop()
            if role == "value":
                text = "".join(self._value_text.pop())
                self.values.append(
                    (attributes.get("data-source", ""), attributes.get("data-key", ""), text)
                )
            if open_tag == tag:
                return


def rendered_text(html_file: Path) -> _RenderedText:
    parser = _RenderedText()
    parser.feed(html_file.read_text(encoding="utf-8"))
    parser.close()
    return parser


def compare_in_text(deposited: Path, rerun_: Path) -> tuple[int, list[str]]:
    """Why two rendered HTML documents differ, in a reader's terms: every in-text value, in
    order, with the results file and key it was read from; then the words of the whole text
    (styles and scripts aside), so that a change typed outside a value is located too."""
    old_document, new_document = rendered_text(deposited), rendered_text(rerun_)
    old, new = old_document.values, new_document.values
    differences = []
    if len(old) != len(new):
        differences.append(f"{len(old)} in-text values in the deposit, {len(new)} in the rerun")
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            differences.append(
                f"in-text value {number} ({a[0]}: {a[1]}): deposit {a[2]!r}, rerun {b[2]!r}"
                + ("" if a[:2] == b[:2] else f" (rerun reads {b[0]}: {b[1]})")
            )
    old_words, new_words = old_document.words, new_document.words
    if old_words != new_words:
        at = next(
            (i for i, (a, b) in enumerate(zip(old_words, new_words, strict=False)) if a != b),
            min(len(old_words), len(new_words)),
        )
        differences.append(
            f"the text differs at word {at + 1}: deposit "
            f"'… {' '.join(old_words[max(0, at - 6) : at + 6])} …', rerun "
            f"'… {' '.join(new_words[max(0, at - 6) : at + 6])} …'"
        )
    return len(old), differences


def compare_text(deposited: Path, rerun_: Path) -> list[str]:
    """The first differing line of two text files, with its number."""
    old = deposited.read_text(encoding="utf-8", errors="replace").splitlines()
    new = rerun_.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return [f"line {number}: deposit {_clip(a)!r}, rerun {_clip(b)!r}"]
    if len(old) != len(new):
        return [f"{len(old)} lines in the deposit, {len(new)} in the rerun"]
    return ["the files differ in bytes only (line endings or encoding)"]


def _clip(line: str, width: int = 160) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def changed_entries(deposited: Path, rerun_: Path) -> set[str]:
    """What two manifests or two ``bag-info.txt`` files disagree on: the paths whose checksum
    lines differ, or the labels whose values do."""
    old, new = (set(p.read_text(encoding="utf-8").splitlines()) for p in (deposited, rerun_))
    if deposited.name == "bag-info.txt":
        return {line.partition(":")[0] for line in old ^ new}
    return {line.split(None, 1)[-1] for line in old ^ new}


def json_changed_keys(deposited: Path, rerun_: Path) -> set[str]:
    """The dotted keys whose values differ between two JSON files."""
    old = dict(_flatten(json.loads(deposited.read_text(encoding="utf-8"))))
    new = dict(_flatten(json.loads(rerun_.read_text(encoding="utf-8"))))
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def manifest_changes(deposited: Path, rerun_: Path) -> list[str]:
    """The payload files whose manifest lines differ (each also reported on its own)."""
    changed = sorted(changed_entries(deposited, rerun_))
    return (
        [f"the lines of {', '.join(changed)} differ"]
        if changed
        else compare_text(deposited, rerun_)
    )


def explain(deposited: Path, rerun_: Path, tolerances: Mapping[str, float]) -> list[str]:
    """Why a deposited file and its rebuilt twin differ; empty when they agree within the
    tolerances (tables and JSON only)."""
    suffix = deposited.suffix
    try:
        if deposited.name.startswith(("manifest-", "tagmanifest-")):
            return manifest_changes(deposited, rerun_)
        if suffix == ".csv":
            return compare_csv(deposited, rerun_, tolerances)
        if suffix == ".json":
            return compare_json(deposited, rerun_, tolerances)
        if suffix == ".png":
            return compare_image(deposited, rerun_)
        if suffix == ".html":
            found = compare_in_text(deposited, rerun_)[1]
            return found + [f"HTML source {d}" for d in compare_text(deposited, rerun_)]
        if suffix in TEXT_SUFFIXES or deposited.name == "Snakefile":
            return compare_text(deposited, rerun_)
    except (OSError, ValueError, SyntaxError) as error:  # decoding, JSON, image formats
        return [f"cannot be read: {type(error).__name__}: {error}"]
    return [f"the files differ byte by byte ({_sizes(deposited, rerun_)})"]


def _sizes(deposited: Path, rerun_: Path) -> str:
    return f"{deposited.stat().st_size} bytes in the deposit, {rerun_.stat().st_size} rebuilt"
