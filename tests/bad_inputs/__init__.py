"""The bad-input corpus: broken variants of the mini fixture, stored as data in ``cases.yaml``.

Each case names the input it breaks (``interviews``, ``coding`` or ``codebook``), the edits that
break it, the kind of fault, and the substrings one reported problem must contain.
:func:`build_bad_case` writes the three inputs of a case into a folder, so that any test can run
any stage on them (the validation tests, and the check that a stage writes nothing on bad input).

Edits apply in order to the bytes of the broken input; each is a mapping with one key:

``set: {row, column, value}``        set one cell (row: 1-based data row)
``drop_column: name``                 remove a column
``add_column: {name, value}``         append a column with the same value in every row
``rename_column: {from, to}``         rename a header cell
``keep_rows: n``                      keep the header and the first n data rows
``insert_line: {before_row, text}``   insert a raw line so that it becomes data row ``before_row``
``replace: {old, new, encoding}``     replace raw text everywhere (``new`` encoded as ``encoding``)
``append: text``                      append raw text
``prepend_hex: hex``                  prepend raw bytes
``write: text``                       replace the whole file (``""`` makes it empty)
``encode: encoding``                  re-encode the whole (UTF-8) file, e.g. as ``utf-16``
``copy: name``                        replace the whole file with ``files/<name>``
``delete: true``                      remove the file
``yaml_set: {path, value}``           set a key or item of a YAML file (path: list of keys/indexes)
``yaml_delete: path``                 delete a key or item of a YAML file
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).parent
REPO = HERE.parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"
SCHEMA_DIR = REPO / "workflow" / "schemas"
SOURCES = {
    "interviews": MINI / "interviews.csv",
    "coding": MINI / "coding.csv",
    "codebook": REPO / "config" / "codebook.yaml",
}
LATEST_INTERVIEW_DATE: str = yaml.safe_load((REPO / "config" / "config.yaml").read_text())[
    "latest_interview_date"
]
BAD_INPUT_CASES: list[dict] = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))[
    "cases"
]


def build_bad_case(case: dict, tmp_path: Path) -> dict[str, Path]:
    """Write the mini fixture into ``tmp_path`` with ``case``'s edits applied to the input it
    breaks; return the paths ``{interviews, coding, codebook}`` (a deleted file's path too)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, source in SOURCES.items():
        data: bytes | None = source.read_bytes()
        if name == case["breaks"]:
            for edit in case["edits"]:
                data = apply_edit(data, edit)
        target = tmp_path / source.name
        if data is not None:
            target.write_bytes(data)
        paths[name] = target
    return paths


def apply_edit(data: bytes | None, edit: dict) -> bytes | None:
    """Apply one edit (see the module docstring); ``None`` stands for a deleted file."""
    ((operation, argument),) = edit.items()
    if data is None:
        raise ValueError(f"cannot apply {operation} to a deleted file")
    return _EDITS[operation](data, argument)


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _set_cell(data: bytes, argument: dict) -> bytes:
    rows = _rows(data)
    rows[argument["row"]][rows[0].index(argument["column"])] = str(argument["value"])
    return _csv(rows)


def _drop_column(data: bytes, name: str) -> bytes:
    rows = _rows(data)
    position = rows[0].index(name)
    return _csv([row[:position] + row[position + 1 :] for row in rows])


def _add_column(data: bytes, argument: dict) -> bytes:
    rows = _rows(data)
    value = str(argument.get("value", ""))
    return _csv([[*rows[0], argument["name"]], *([*row, value] for row in rows[1:])])


def _rename_column(data: bytes, argument: dict) -> bytes:
    rows = _rows(data)
    rows[0][rows[0].index(argument["from"])] = argument["to"]
    return _csv(rows)


def _keep_rows(data: bytes, count: int) -> bytes:
    return _csv(_rows(data)[: count + 1])


def _insert_line(data: bytes, argument: dict) -> bytes:
    lines = data.split(b"\n")
    lines.insert(argument["before_row"], argument["text"].encode("utf-8"))
    return b"\n".join(lines)


def _replace(data: bytes, argument: dict) -> bytes:
    old = argument["old"].encode("utf-8")
    if old not in data:
        raise ValueError(f"text to replace not found: {argument['old']!r}")
    return data.replace(old, argument["new"].encode(argument.get("encoding", "utf-8")))


def _yaml_edit(data: bytes, path: list, change: Callable[[object, object], None]) -> bytes:
    document = yaml.safe_load(data.decode("utf-8"))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    change(parent, path[-1])
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode("utf-8")


def _yaml_set(data: bytes, argument: dict) -> bytes:
    def change(parent, key):
        parent[key] = argument["value"]

    return _yaml_edit(data, argument["path"], change)


def _yaml_delete(data: bytes, path: list) -> bytes:
    def change(parent, key):
        del parent[key]

    return _yaml_edit(data, path, change)


_EDITS: dict[str, Callable[[bytes, object], bytes | None]] = {
    "set": _set_cell,
    "drop_column": _drop_column,
    "add_column": _add_column,
    "rename_column": _rename_column,
    "keep_rows": _keep_rows,
    "insert_line": _insert_line,
    "replace": _replace,
    "append": lambda data, text: data + text.encode("utf-8"),
    "prepend_hex": lambda data, hex_bytes: bytes.fromhex(hex_bytes) + data,
    "write": lambda _data, text: text.encode("utf-8"),
    "encode": lambda data, encoding: data.decode("utf-8").encode(encoding),
    "copy": lambda _data, name: (HERE / "files" / name).read_bytes(),
    "delete": lambda _data, _flag: None,
    "yaml_set": _yaml_set,
    "yaml_delete": _yaml_delete,
}
