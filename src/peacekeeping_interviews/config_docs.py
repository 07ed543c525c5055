"""config/README.md's table of config keys, written from the config schema.

A key's meaning and allowed values are written once, as the ``description`` and the constraints
of its property in ``workflow/schemas/config.schema.yaml``. The table between :data:`BEGIN` and
:data:`END` in ``config/README.md`` is made from them, with the project's own value from
``config/config.yaml`` beside each key; ``tests/test_config_documentation.py`` fails when the
committed page differs from what :func:`readme_with_key_table` writes. After editing the schema
or a value in the config, rewrite the table from the project folder with
``python -m peacekeeping_interviews.config_docs``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

SCHEMA = Path("workflow") / "schemas" / "config.schema.yaml"
CONFIG = Path("config") / "config.yaml"
README = Path("config") / "README.md"
BEGIN = (
    "<!-- Table of keys written from workflow/schemas/config.schema.yaml and config/config.yaml "
    "by `python -m peacekeeping_interviews.config_docs`: edit those files, not this table. -->"
)
END = "<!-- End of the table of keys. -->"
# A project value longer than this (in characters, as flow YAML) is left to config/config.yaml.
LONGEST_VALUE = 60
COMPARISONS = {
    "minimum": "≥",
    "exclusiveMinimum": ">",
    "maximum": "≤",
    "exclusiveMaximum": "<",
}


@dataclass(frozen=True)
class Key:
    """A config key: its dotted path (``[]`` for every item of a list), its schema and whether
    its parent requires it."""

    path: str
    schema: Mapping
    required: bool


def config_keys(schema: Mapping, prefix: str = "") -> Iterator[Key]:
    """Every key the schema names, depth first in schema order."""
    required = set(schema.get("required", []))
    for name, node in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield Key(path, node, name in required)
        if "properties" in node:
            yield from config_keys(node, f"{path}.")
        elif "properties" in node.get("items", {}):
            yield from config_keys(node["items"], f"{path}[].")


def code(value: object) -> str:
    """A value as Markdown code, in YAML's flow style (``true``, ``[0, 2]``, ``{}``)."""
    if isinstance(value, str):
        return f"`{value}`"
    text = yaml.safe_dump(value, default_flow_style=True, width=10**6, allow_unicode=True)
    return "`" + text.removesuffix("\n").removesuffix("\n...") + "`"


def one_of(values: list) -> str:
    return ", ".join(code(value) for value in values)


def allowed_values(node: Mapping) -> str:
    """What the schema lets a value be, in words, from its constraints alone."""
    if "enum" in node:
        return one_of(node["enum"])
    if "const" in node:
        return code(node["const"])
    kind = node.get("type")
    if isinstance(kind, list):
        others = [k for k in kind if k != "null"]
        if len(others) != 1:
            raise ValueError(f"no wording for the types {kind}")
        return f"{allowed_values({**node, 'type': others[0]})} or `null`"
    wording = {
        "string": _text,
        "integer": _number,
        "number": _number,
        "boolean": lambda _: "`true` or `false`",
        "array": _list,
        "object": _mapping,
    }
    if kind not in wording:
        raise ValueError(f"no wording for the type {kind!r}")
    return wording[kind](node)


def _text(node: Mapping) -> str:
    if "pattern" in node:
        return f"text matching `{node['pattern']}`"
    shortest = node.get("minLength", 0)
    if shortest == 1:
        return "text, not empty"
    return f"text of at least {shortest} characters" if shortest else "text"


def _number(node: Mapping) -> str:
    bounds = [f"{sign} {node[key]}" for key, sign in COMPARISONS.items() if key in node]
    return " ".join([node["type"], " and ".join(bounds)]).strip()


def _list(node: Mapping) -> str:
    items = node.get("items", {})
    if "enum" in items:
        parts = [f"any of {one_of(items['enum'])}"]
        if node.get("uniqueItems"):
            parts.append("each at most once")
    else:
        if "properties" in items:
            shape = f"`{{{', '.join(items['properties'])}}}`"
            optional = [k for k in items["properties"] if k not in items.get("required", [])]
            each = shape + (f" (optional: {one_of(optional)})" if optional else "")
        else:
            each = allowed_values(items)
        parts = [f"list, each {each}"]
        if node.get("uniqueItems"):
            parts.append("no repeats")
    if node.get("minItems"):
        shortest = node["minItems"]
        parts.append("at least one item" if shortest == 1 else f"at least {shortest} items")
    for position, item in enumerate(node.get("prefixItems", []), start=1):
        parts.append(f"item {position} is {allowed_values(item)}")
    return "; ".join(parts)


def _mapping(node: Mapping) -> str:
    if "properties" in node:
        return "mapping of the keys below"
    values = node.get("additionalProperties")
    if not isinstance(values, Mapping):
        return "mapping"
    names = node.get("propertyNames", {})
    keys = f"any of {one_of(names['enum'])}" if "enum" in names else "text"
    return f"mapping from {keys} to {allowed_values(values)}"


def project_value(config: Mapping, path: str) -> str:
    """The value ``config`` gives a key, as Markdown; empty for a section or a key of list
    items, ``(not set)`` for an optional key left out."""
    if "[]" in path:
        return ""
    value: object = config
    for name in path.split("."):
        if not isinstance(value, Mapping) or name not in value:
            return "(not set)"
        value = value[name]
    shown = code(value)
    return shown if len(shown) <= LONGEST_VALUE + 2 else "see `config/config.yaml`"


def described(key: Key) -> str:
    if "description" not in key.schema:
        raise ValueError(f"the config schema does not describe {key.path}")
    return " ".join(key.schema["description"].split())


def allowed_cell(key: Key) -> str:
    allowed = allowed_values(key.schema)
    if key.required:
        return allowed
    if "default" in key.schema:
        return f"{allowed}; optional, absent means {code(key.schema['default'])}"
    return f"{allowed}; optional"


def key_table(schema: Mapping, config: Mapping) -> str:
    """The Markdown table of every config key: meaning, allowed values, the project's value."""
    lines = [
        "| key | meaning | allowed values | project's value |",
        "|---|---|---|---|",
    ]
    for key in config_keys(schema):
        value = "" if "properties" in key.schema else project_value(config, key.path)
        cells = [f"`{key.path}`", described(key), allowed_cell(key), value]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def readme_with_key_table(readme: str, schema: Mapping, config: Mapping) -> str:
    """``readme`` with the text between :data:`BEGIN` and :data:`END` replaced by
    :func:`key_table`."""
    before, begin, rest = readme.partition(BEGIN)
    _, end, after = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the README lacks the markers {BEGIN!r} and {END!r}")
    return f"{before}{BEGIN}\n{key_table(schema, config)}\n{END}{after}"


def main(root: Path = Path()) -> None:
    """Rewrite the table of keys in ``root/config/README.md``."""
    readme = root / README
    schema = yaml.safe_load((root / SCHEMA).read_text(encoding="utf-8"))
    config = yaml.safe_load((root / CONFIG).read_text(encoding="utf-8"))
    text = readme.read_text(encoding="utf-8")
    readme.write_text(readme_with_key_table(text, schema, config), encoding="utf-8")


if __name__ == "__main__":
    main()
