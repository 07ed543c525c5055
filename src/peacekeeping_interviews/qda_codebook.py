"""The codebook as a REFI-QDA code tree: the one convention of every QDA project the package
writes (the synthetic example's, :mod:`peacekeeping_interviews.examples.synthetic_qda`, and the
release's, :mod:`peacekeeping_interviews.archive.qda_export`), so that a reuser meets one.

- One uncodable parent per codebook group: a factor category (named by its label),
  :data:`RESPONSE_GROUP`, :data:`THEME_GROUP`, in codebook order, each followed by its codes as
  codable children named by their labels and described by their definitions and codebook ids.
- Then a :data:`DIRECTION_GROUP` parent with one child per direction of :data:`DIRECTION_CODES`,
  applied to the same selection as the code. A direction of ``none`` has no code: no direction
  coding on a selection means none.
- A code is known by its path, ``group/name`` (the ``refi_qda`` mapping refers to codes by path),
  so a name with "/", two codes of one group with one label, and a codebook group named like the
  directions' own are refused with ``ValueError``.

Deterministic: every GUID is a UUID5 of a stable key (:func:`qda_guid`), the same on every
machine and run. Imports nothing from ``restricted``, ``examples`` or ``archive``: both tiers
share it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from peacekeeping_interviews.codebook import Code, Codebook
from peacekeeping_interviews.qda_exchange import QdaCode

# Fixed, so that GUIDs are the same on every machine and run (UUID5 of a stable key under it).
# The name is the one the release's export first used, so its projects keep their GUIDs.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "release-qda.peacekeeping-interviews.invalid")
RESPONSE_GROUP = "Response types"
THEME_GROUP = "Themes"
DIRECTION_GROUP = "Direction"
# Direction -> the name of its code. A direction of "none" has no code.
DIRECTION_CODES = {"confrontational": "Confrontational", "conciliatory": "Conciliatory"}
GROUP_DESCRIPTIONS = {
    RESPONSE_GROUP: "The response spectrum, from the most confrontational response to the most "
    "conciliatory (the codebook's order).",
    THEME_GROUP: "Themes of the codebook.",
    DIRECTION_GROUP: "The direction a coder gave a coded response on the conciliation-"
    "confrontation spectrum; a selection without a direction code has the direction none.",
}


def qda_guid(*key: object) -> str:
    """A GUID in canonical 8-4-4-4-12 form that depends on ``key`` alone (reproducible)."""
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join(str(part) for part in key)))


@dataclass(frozen=True)
class CodeTree:
    """The nested codes in pre-order, and code path -> codebook code id (the mapping's
    ``codes``), path -> direction (its ``directions``; apart, since a codebook id may be spelled
    like a direction)."""

    codes: tuple[QdaCode, ...]
    to_code: dict[str, str]
    to_direction: dict[str, str]
    _paths: dict[str, str] = field(init=False, repr=False, compare=False)
    _direction_paths: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_paths", {c: p for p, c in self.to_code.items()})
        object.__setattr__(self, "_direction_paths", {d: p for p, d in self.to_direction.items()})

    def code_guid(self, code_id: str) -> str:
        """The GUID of the project code of a codebook code; ``ValueError`` for an id the
        codebook lacks (a project could not code it)."""
        if code_id not in self._paths:
            raise ValueError(f"a code of the codebook, got {code_id!r}")
        return qda_guid("code", self._paths[code_id])

    def direction_guid(self, direction: str) -> str:
        """The GUID of a direction's code (a key of :data:`DIRECTION_CODES`)."""
        return qda_guid("code", self._direction_paths[direction])


def code_tree(codebook: Codebook) -> CodeTree:
    """The codebook as nested codes (see the module doc); ``ValueError`` for what a path cannot
    tell apart (a code or group name with "/", two codes of one group with one label) and for a
    codebook group named :data:`DIRECTION_GROUP`."""
    categories = dict(codebook.categories)
    groups: dict[str, list[Code]] = {}
    for code in codebook.codes:
        groups.setdefault(_group(code, categories), []).append(code)
    if DIRECTION_GROUP in groups:
        raise ValueError(f"a codebook group other than {DIRECTION_GROUP!r}, the directions' own")
    codes: list[QdaCode] = []
    to_code: dict[str, str] = {}
    for group, members in groups.items():
        parent = _parent(group, _group_description(group, categories))
        codes.append(parent)
        for code in members:
            path = _path(group, code.label, to_code)
            description = _description(code)
            codes.append(
                QdaCode(qda_guid("code", path), code.label, path, description, True, parent.guid)
            )
            to_code[path] = code.id
    direction = _parent(DIRECTION_GROUP, GROUP_DESCRIPTIONS[DIRECTION_GROUP])
    codes.append(direction)
    to_direction: dict[str, str] = {}
    for target, name in DIRECTION_CODES.items():
        path = _path(DIRECTION_GROUP, name, to_direction)
        codes.append(QdaCode(qda_guid("code", path), name, path, None, True, direction.guid))
        to_direction[path] = target
    return CodeTree(tuple(codes), to_code, to_direction)


def _group(code: Code, categories: dict[str, str]) -> str:
    """The parent a codebook code sits under: its factor category's label, or its kind."""
    if code.kind == "factor":
        return categories[code.category or ""]
    return RESPONSE_GROUP if code.kind == "response" else THEME_GROUP


def _description(code: Code) -> str:
    """The code's definition (whitespace collapsed) and its id (the id links the code to the
    coding tables); the id alone for a code without a definition."""
    definition = " ".join(code.definition.split())
    identity = f"Codebook id: {code.id}."
    return f"{definition}\n\n{identity}" if definition else identity


def _group_description(group: str, categories: dict[str, str]) -> str:
    ids = {label: category for category, label in categories.items()}
    if group in ids:
        return f"Factors of the codebook category {ids[group]!r}."
    return GROUP_DESCRIPTIONS[group]


def _path(group: str, name: str, taken: Iterable[str]) -> str:
    """``group/name``; ``ValueError`` when a name holds "/" or the path is taken (the mapping
    refers to codes by path and could not tell them apart)."""
    if "/" in group or "/" in name:
        raise ValueError(f"a code or group name without '/', got {group!r} / {name!r}")
    path = f"{group}/{name}"
    if path in taken:
        raise ValueError(f"one code per path, got {path!r} twice")
    return path


def _parent(group: str, description: str) -> QdaCode:
    return QdaCode(qda_guid("code", group), group, group, description, False)
