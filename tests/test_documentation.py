"""Every schema key is documented in config/README.md; environment.yml agrees with the lock."""

import re

import pytest
import yaml
from conftest import ROOT, SCHEMA_DIR

README = (ROOT / "config" / "README.md").read_text(encoding="utf-8")


def schema_keys(schema: dict) -> set[str]:
    """Every property name in a JSON Schema, at any depth."""
    keys = set(schema.get("properties", {}))
    children = [*schema.get("properties", {}).values(), *schema.get("$defs", {}).values()]
    children += [schema.get("items"), schema.get("additionalProperties")]
    for child in children:
        if isinstance(child, dict):
            keys |= schema_keys(child)
    return keys


@pytest.mark.parametrize("schema", ["config.schema.yaml", "codebook.schema.yaml"])
def test_every_schema_key_is_documented(schema):
    keys = schema_keys(yaml.safe_load((SCHEMA_DIR / schema).read_text()))
    undocumented = {k for k in keys if f"`{k}`" not in README and f".{k}`" not in README}
    assert not undocumented


@pytest.mark.parametrize("table", sorted(p.name for p in SCHEMA_DIR.glob("*.table.yaml")))
def test_every_table_column_is_documented(table):
    fields = [f["name"] for f in yaml.safe_load((SCHEMA_DIR / table).read_text())["fields"]]
    assert [f for f in fields if f"`{f}`" not in README] == []


def pins(lines):
    return {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for line in lines
        if (m := re.match(r"\s*-?\s*([A-Za-z0-9_.\-]+)==(\S+)", line))
    }


def test_environment_yml_and_lock_pin_the_same_versions():
    lock = pins((ROOT / "requirements.lock").read_text().splitlines())
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == lock
    assert "python=3.11" in environment["dependencies"]


def test_lock_satisfies_the_top_level_pins():
    lock = pins((ROOT / "requirements.lock").read_text().splitlines())
    wanted = pins((ROOT / "requirements.in").read_text().splitlines())
    assert {k: lock.get(k) for k in wanted} == wanted
