"""The coding framework as data: categories of factors, the response spectrum and themes.

Nothing in the package names a factor: every stage asks the :class:`Codebook`, so another framework
(for example ``config/codebook-buitelaar-2023.yaml``) runs through unchanged code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import jsonschema
import yaml

from peacekeeping_interviews.problems import InputError, Problem, yaml_syntax_problem

CodeKind = Literal["factor", "response", "theme"]


@dataclass(frozen=True)
class Code:
    """One code: a factor (with its category), a response type (with its rank on the spectrum)
    or a theme, with its definition as the codebook file writes it."""

    id: str
    label: str
    kind: CodeKind
    category: str | None = None
    rank: int | None = None
    definition: str = ""


@dataclass(frozen=True)
class Codebook:
    """A validated codebook. ``codes`` keeps the file's order: factors by category, then the
    response spectrum from most confrontational to most conciliatory, then themes. The framework's
    description (``outcome``, whether it was ``derived_from_interviews``, the ``citation_key`` of
    its source) is what the paper says about it, so that no sentence assumes one framework."""

    framework_id: str
    title: str
    source: str
    categories: tuple[tuple[str, str], ...]
    codes: tuple[Code, ...]
    outcome: str = ""
    derived_from_interviews: bool = False
    citation_key: str | None = None

    def ids(self, kind: CodeKind | None = None) -> list[str]:
        return [c.id for c in self.codes if kind is None or c.kind == kind]


def _json_path(path: list[object]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(top level)"


def _offending_value(error: jsonschema.ValidationError) -> object:
    """The value to show: for a missing or unexpected key, the key, not the whole mapping."""
    if error.validator == "required" and isinstance(error.instance, dict):
        return [key for key in error.validator_value if key not in error.instance]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        return [key for key in error.instance if key not in allowed]
    return error.instance


def codebook_problems(document: object, schema: dict, file: str) -> list[Problem]:
    """Schema violations and duplicate ids, one :class:`Problem` each."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = [
        Problem(file, _json_path(list(err.absolute_path)), None, _offending_value(err), err.message)
        for err in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        return problems
    if not isinstance(document, dict):
        raise TypeError(f"a schema that accepts a {type(document).__name__}, not an object")
    seen: dict[str, str] = {}
    for where, code_id in _code_ids_with_paths(document):
        if code_id in seen:
            problems.append(
                Problem(file, where, None, code_id, f"an id not already used at {seen[code_id]}")
            )
        else:
            seen[code_id] = where
    return problems


def _code_ids_with_paths(document: dict) -> list[tuple[str, str]]:
    found = []
    for i, category in enumerate(document["categories"]):
        for j, factor in enumerate(category["factors"]):
            found.append((f"categories[{i}].factors[{j}].id", factor["id"]))
    for i, response in enumerate(document["responses"]):
        found.append((f"responses[{i}].id", response["id"]))
    for i, theme in enumerate(document["themes"]):
        found.append((f"themes[{i}].id", theme["id"]))
    return found


def parse_codebook(document: dict) -> Codebook:
    """Build a :class:`Codebook` from a document that passed :func:`codebook_problems`."""
    codes: list[Code] = []
    for category in document["categories"]:
        for factor in category["factors"]:
            codes.append(
                Code(
                    factor["id"],
                    factor["label"],
                    "factor",
                    category=category["id"],
                    definition=factor["definition"],
                )
            )
    for rank, response in enumerate(document["responses"], start=1):
        codes.append(
            Code(
                response["id"],
                response["label"],
                "response",
                rank=rank,
                definition=response["definition"],
            )
        )
    for theme in document["themes"]:
        codes.append(Code(theme["id"], theme["label"], "theme", definition=theme["definition"]))
    framework = document["framework"]
    return Codebook(
        framework_id=framework["id"],
        title=framework["title"],
        source=framework["source"],
        categories=tuple((c["id"], c["label"]) for c in document["categories"]),
        codes=tuple(codes),
        outcome=framework["outcome"],
        derived_from_interviews=framework.get("derived_from_interviews", False),
        citation_key=framework.get("citation_key"),
    )


def load_codebook(path: Path, schema: dict) -> Codebook:
    """Read, validate and parse a codebook file; raise :class:`InputError` listing every problem."""
    file = Path(path).name
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise InputError(
            [
                Problem(
                    file, None, None, err.object[err.start : err.end], "a UTF-8 encoded YAML file"
                )
            ]
        ) from err
    except yaml.YAMLError as err:
        raise InputError([yaml_syntax_problem(err, file)]) from err
    problems = codebook_problems(document, schema, file)
    if problems:
        raise InputError(problems)
    return parse_codebook(document)
