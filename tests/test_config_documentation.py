"""One source for what a config key means: the config schema's descriptions and constraints.

config/README.md's table of keys is written from the schema (and the project's values from
config/config.yaml), so a stale page fails here; config.yaml's comments may be short, but every
allowed value, unit or default they name must be the schema's; the schema's defaults sit only on
optional keys, where they are what absence means."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import jsonschema
import pytest
import yaml
from conftest import ROOT, SCHEMA_DIR

from peacekeeping_interviews.analysis.pema import presets
from peacekeeping_interviews.config_docs import (
    BEGIN,
    END,
    allowed_values,
    config_keys,
    readme_with_key_table,
)
from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.study_config import check_config

SCHEMA_PATH = SCHEMA_DIR / "config.schema.yaml"
SCHEMA = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
CONFIG_TEXT = (ROOT / "config" / "config.yaml").read_text(encoding="utf-8")
CONFIG = yaml.safe_load(CONFIG_TEXT)
README = (ROOT / "config" / "README.md").read_text(encoding="utf-8")
# Values a key allows that no `enum` of the schema lists: the presets shipped with the package.
KNOWN_VALUES = {"mandates.layout.preset": list(presets())}
# Units a config comment may give a number in; the key's description must give the same.
UNITS = ("years", "share", "bytes", "GB", "interviews", "percent", "seconds", "days")


def schema_nodes(node: object) -> Iterator[Mapping]:
    """Every mapping in a schema, at any depth."""
    if isinstance(node, Mapping):
        yield node
        for child in node.values():
            yield from schema_nodes(child)
    elif isinstance(node, list):
        for child in node:
            yield from schema_nodes(child)


def enums(node: Mapping, path: str) -> list[list[str]]:
    """The lists of values a key, or a key under it, allows."""
    found = [list(map(str, n["enum"])) for n in schema_nodes(node) if "enum" in n]
    return found + [values for key, values in KNOWN_VALUES.items() if key.startswith(path)]


ALL_VALUES = {value for values in enums(SCHEMA, "") for value in values}


def config_comments() -> list[tuple[str, Mapping, str]]:
    """(dotted path, schema, comment) of every key config.yaml writes that the schema names. A key
    in block style is commented by the comment lines just above it (no blank line between) and
    the comment at the end of its line; a key inside ``{...}`` by none."""
    lines = CONFIG_TEXT.splitlines()
    found = []

    def visit(node: yaml.Node, schema: Mapping, path: str) -> None:
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                visit(item, schema.get("items", {}), f"{path}[]")
        if not isinstance(node, yaml.MappingNode):
            return
        for key, value in node.value:
            properties = schema.get("properties", {})
            if key.value not in properties:
                continue
            child, dotted = properties[key.value], f"{path}.{key.value}".lstrip(".")
            comment = ""
            if not node.flow_style:
                line = key.start_mark.line
                above = []
                for text in reversed(lines[:line]):
                    if not text.strip().startswith("#"):
                        break
                    above.insert(0, text.strip().lstrip("#").strip())
                same_line = value.end_mark.line == line and value.end_mark.column
                rest = lines[line][same_line or key.end_mark.column + 1 :]
                inline = re.search(r"(?:^|\s)#(.*)$", rest)
                comment = " ".join([*above, inline[1].strip() if inline else ""]).strip()
            found.append((dotted, child, comment))
            visit(value, child, dotted)

    visit(yaml.compose(CONFIG_TEXT), SCHEMA, "")
    return found


COMMENTED = config_comments()


def test_the_readme_table_of_keys_is_the_one_the_schema_writes():
    """Stale? Run `python -m peacekeeping_interviews.config_docs` from the project folder."""
    assert README.count(BEGIN) == 1
    assert README.count(END) == 1
    assert readme_with_key_table(README, SCHEMA, CONFIG) == README


def test_every_key_has_a_description_and_wording_for_its_values():
    keys = list(config_keys(SCHEMA))
    assert [key.path for key in keys if "description" not in key.schema] == []
    assert all(allowed_values(key.schema) for key in keys)
    assert {"study.creators[].orcid", "mandates.missions[].ongoing"} <= {k.path for k in keys}


def test_defaults_sit_only_on_optional_keys_and_are_allowed_values():
    """Nothing fills a default in, so on a required key it could only be dead text that
    contradicts the config; on an optional key it is what the code does when the key is absent."""
    optional = {id(key.schema): key for key in config_keys(SCHEMA) if not key.required}
    with_default = [node for node in schema_nodes(SCHEMA) if "default" in node]
    assert [node.get("description") for node in with_default if id(node) not in optional] == []
    for node in with_default:
        jsonschema.validate(node["default"], node)
    assert {optional[id(node)].path for node in with_default} == {
        "anonymisation.place_descriptors",
        "anonymisation.release_positions",
        "mandates.missions[].ongoing",
        "refi_qda.min_overlap",
    }


def test_every_key_of_the_config_has_a_schema_description():
    paths = {path for path, _, _ in COMMENTED}
    assert {"start_from", "anonymisation.k_min", "verification.tolerances"} <= paths
    assert [path for path, schema, _ in COMMENTED if "description" not in schema] == []


def test_config_comments_name_only_values_the_key_allows_and_then_all_of_them():
    """A comment names allowed values in backticks: each must be one the key (or a key under it)
    allows, and a comment that names one of a list of allowed values names the whole list. In
    the comment of a key with a list of allowed values, a backticked word is one of them."""
    wrong = []
    for path, schema, comment in COMMENTED:
        named = set(re.findall(r"`([^`]+)`", comment))
        allowed = enums(schema, path)
        candidates = named & ALL_VALUES
        if allowed:
            candidates |= {word for word in named if re.fullmatch(r"[a-z][a-z0-9_-]*", word)}
        stray = {v for v in candidates if not any(v in values for values in allowed)}
        partial = [values for values in allowed if named & set(values) and set(values) - named]
        if stray or partial:
            wrong.append((path, sorted(stray), partial))
    assert wrong == []
    named_somewhere = {path for path, _, comment in COMMENTED if "`" in comment}
    assert {"start_from", "anonymisation.non_identifying", "study.access_tier"} <= named_somewhere


def is_numeric(schema: Mapping) -> bool:
    return schema.get("items", schema).get("type") in ("number", "integer")


def test_config_comments_give_numbers_in_the_units_the_schema_does():
    wrong = []
    for path, schema, comment in COMMENTED:
        if not is_numeric(schema):
            continue
        description = schema["description"]
        for unit in UNITS:
            if re.search(rf"\b{unit}\b", comment) and not re.search(rf"\b{unit}\b", description):
                wrong.append((path, unit))
        if re.search(r"\bshare\b", comment):
            bounds = schema.get("items", schema)
            upper = bounds.get("maximum", bounds.get("exclusiveMaximum"))
            if bounds.get("type") != "number" or upper != 1:
                wrong.append((path, "a share runs to 1"))
    assert wrong == []


def test_config_comments_state_no_default():
    """What absence means is the schema's to say (and the README's table shows it)."""
    comments = [line for line in CONFIG_TEXT.splitlines() if "#" in line]
    assert [line for line in comments if re.search(r"\bdefaults?\b", line, re.IGNORECASE)] == []


def test_the_preset_description_names_every_published_layout():
    preset = SCHEMA["properties"]["mandates"]["properties"]["layout"]["properties"]["preset"]
    assert set(re.findall(r"`(pema-[\w-]+)`", preset["description"])) == set(presets())


def test_tenure_band_edges_must_start_at_zero():
    """The description says the edges start at 0; the schema holds a config to it (a first edge
    above 0 would leave shorter tenures without a band, as if unknown)."""
    config = yaml.safe_load(CONFIG_TEXT)
    config["anonymisation"]["tenure_band_edges"] = [1, 5]
    with pytest.raises(InputError) as raised:
        check_config(config, SCHEMA_PATH)
    assert [p.row for p in raised.value.problems] == ["anonymisation.tenure_band_edges[0]"]
    config["anonymisation"]["tenure_band_edges"] = [0.0, 1.5]
    check_config(config, SCHEMA_PATH)
