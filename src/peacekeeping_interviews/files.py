"""Reading schemas and writing outputs so that a run never leaves a target that looks complete.

Every stage computes its outputs in memory, then hands them to :func:`write_all_or_nothing`:
files are written beside their targets under temporary names and renamed into place only when all
of them were written, so a run that fails or is killed leaves no partial output behind.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

# The first characters that make a spreadsheet read a cell as a formula, and the apostrophe that
# :func:`spreadsheet_safe` puts before them (and before itself, so that the escape can be undone).
SPREADSHEET_ESCAPE = "'"
SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", SPREADSHEET_ESCAPE)


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def csv_text(table: pd.DataFrame) -> str:
    """Deterministic CSV: UTF-8, ``\\n`` line ends, no index, missing values as empty cells,
    booleans as ``true``/``false`` (the Table Schema spelling the release uses).

    A cell holding a line break, a bare carriage return (``\\r``) included, is quoted: CSV
    readers end a row at either, and Python's writer quotes only the characters of its line
    terminator. So the table is written with ``\\r\\n`` row ends, which quotes both, and those
    row ends, the only ones outside quotes, become ``\\n``."""
    table = table.apply(
        lambda column: (
            column.map({True: "true", False: "false"}) if column.dtype == bool else column
        )
    )
    return _unquoted_line_ends(table.to_csv(index=False, lineterminator="\r\n", na_rep=""))


def _unquoted_line_ends(text: str) -> str:
    """CSV text with every ``\\r\\n`` outside quotes made ``\\n``. Split at quote characters,
    the even pieces are outside quotes (an escaped quote, doubled, leaves an empty piece)."""
    pieces = text.split('"')
    pieces[::2] = [piece.replace("\r\n", "\n") for piece in pieces[::2]]
    return '"'.join(pieces)


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell that a spreadsheet would run as a formula made inert.

    Spreadsheets read a cell beginning with ``=``, ``+``, ``-`` or ``@`` as a formula (some skip a
    leading tab or carriage return first), so a published CSV could run code on an archive user's
    machine (CSV injection, OWASP). Such a cell, and one beginning with a tab or carriage return,
    gets a leading apostrophe, which spreadsheets show as text. A cell that already begins with an
    apostrophe gets one too, so the escape is reversible: :func:`from_spreadsheet_safe` removes
    exactly one leading apostrophe from every cell that has one. Only text cells are touched;
    numbers (a negative one included) stay numbers."""
    return table.apply(
        lambda column: (
            column.map(_inert, na_action="ignore")
            if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
            else column
        )
    )


def _inert(value: object) -> object:
    if isinstance(value, str) and value.startswith(SPREADSHEET_TRIGGERS):
        return f"{SPREADSHEET_ESCAPE}{value}"
    return value


def from_spreadsheet_safe(text: str) -> str:
    """A cell as it was before :func:`spreadsheet_safe`: one leading apostrophe removed."""
    return text.removeprefix(SPREADSHEET_ESCAPE)


def json_text(document: object) -> str:
    """Deterministic JSON. NaN and infinity raise ``ValueError`` here, in memory, rather than
    reaching a results file that strict JSON readers refuse: use :func:`json_number`."""
    return (
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    )


def json_number(value: object) -> object:
    """A value JSON can hold: numpy scalars as Python ones, missing or non-finite as ``None``."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value


def json_records(table: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (see :func:`json_number`)."""
    return [
        {column: json_number(value) for column, value in row.items()}
        for row in table.astype(object).to_dict("records")
    ]


def write_all_or_nothing(contents: Mapping[Path, str | bytes]) -> None:
    """Write every text (UTF-8) or byte string to its path, or none of them.

    Parent folders are created. If writing any file fails, the temporary files are removed and
    no target is touched.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in contents.items():
            target = Path(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.partial")
            if isinstance(text, bytes):
                temporary.write_bytes(text)
            else:
                temporary.write_text(text, encoding="utf-8", newline="")
            staged.append((temporary, target))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)


def withdraw(paths: Iterable[Path | str]) -> list[str]:
    """Remove the files and folders that exist among ``paths``; the ones removed, sorted.

    A failed run calls it on its final products (paper, appendix, deposit), so that no earlier,
    complete-looking version stays beside the failure for someone to take as current; each can be
    remade from its inputs."""
    removed = []
    for path in map(Path, paths):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(str(path))
    return sorted(removed)


def file_digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
