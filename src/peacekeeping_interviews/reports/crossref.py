"""Cross-references and citation checks on a Pandoc AST, for the fallback renderer.

Quarto numbers ``#fig-…`` and ``#tbl-…`` targets and turns ``@fig-…`` into "Figure 1"; Pandoc
alone reads ``@fig-…`` as a citation and leaves it unresolved. The usual cure, the
``pandoc-crossref`` filter, is a Haskell binary that no registry reachable here ships, so these
few rules are written by hand on Pandoc's JSON AST (pandoc-types 1.23): figures and tables are
numbered separately in document order, each caption starts with "Figure n:" or "Table n:", and
each reference becomes a link reading "Figure n". A reference to an unknown target, or a citation
key missing from the bibliography, is an error rather than a "??" in the output.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

KINDS = {"fig": "Figure", "tbl": "Table"}


class CrossrefError(Exception):
    """Unresolvable references or citations, all listed."""


@dataclass(frozen=True)
class Target:
    kind: str
    number: int

    @property
    def name(self) -> str:
        return f"{KINDS[self.kind]} {self.number}"


def prefix_of(identifier: str) -> str | None:
    head, _, rest = identifier.partition("-")
    return head if head in KINDS and rest else None


def text_inlines(text: str) -> list[dict]:
    """``text`` as Pandoc inlines (words and spaces)."""
    inlines: list[dict] = []
    for index, word in enumerate(text.split(" ")):
        if index:
            inlines.append({"t": "Space"})
        inlines.append({"t": "Str", "c": word})
    return inlines


def blocks_of(node: dict) -> Iterator[list]:
    """The block lists directly inside a block node, in document order."""
    kind = node.get("t")
    content: Any = node.get("c")  # Pandoc JSON: its shape depends on the kind
    if kind in {"Div", "Figure"}:
        yield content[-1]
    elif kind in {"BlockQuote"}:
        yield content
    elif kind in {"BulletList"}:
        yield from content
    elif kind == "OrderedList":
        yield from content[1]


def number_targets(blocks: list[dict]) -> dict[str, Target]:
    """Number ``fig-`` figures and ``tbl-`` tables in place; a ``tbl-`` Div around one table gives
    the table its id and disappears, so that every writer anchors the table itself."""
    counters = dict.fromkeys(KINDS, 0)
    targets: dict[str, Target] = {}

    def visit(blocks: list[dict]) -> None:
        for position, block in enumerate(blocks):
            if block["t"] == "Div" and prefix_of(block["c"][0][0]) == "tbl":
                tables = [b for b in block["c"][1] if b["t"] == "Table"]
                if len(tables) != 1:
                    raise CrossrefError(f"'{block['c'][0][0]}' should hold one table")
                tables[0]["c"][0][0] = block["c"][0][0]
                blocks[position] = block = tables[0]
            identifier = block["c"][0][0] if block["t"] in {"Figure", "Table"} else ""
            kind = prefix_of(identifier) if identifier else None
            if kind is not None:
                if identifier in targets:
                    raise CrossrefError(f"the label '{identifier}' is used twice")
                if (kind == "fig") != (block["t"] == "Figure"):
                    raise CrossrefError(f"'{identifier}' labels a {block['t'].lower()}")
                counters[kind] += 1
                targets[identifier] = Target(kind, counters[kind])
                caption_blocks = block["c"][1][1]
                if not caption_blocks:
                    raise CrossrefError(f"'{identifier}' has no caption")
                label = text_inlines(targets[identifier].name + ":")
                caption_blocks[0]["c"][:0] = [*label, {"t": "Space"}]
            for inner in blocks_of(block):
                visit(inner)

    visit(blocks)
    return targets


def reference_link(citation: dict, target: Target) -> list[dict]:
    """ "Figure 1" as a link, with the citation's prefix and suffix ("see @fig-a, panel b"), or
    the bare number for ``-@fig-a``, as Quarto writes them."""
    bare = citation["citationMode"]["t"] == "SuppressAuthor"
    text = text_inlines(str(target.number) if bare else target.name)
    link = {"t": "Link", "c": [["", ["crossref"], []], text, ["#" + citation["citationId"], ""]]}
    prefix = citation["citationPrefix"]
    return [*prefix, *([{"t": "Space"}] if prefix else []), link, *citation["citationSuffix"]]


def resolve_citations(node: object, targets: dict[str, Target], known: set[str], errors: list):
    """Replace cross-reference citations by links, in place, and record unknown keys."""
    if isinstance(node, list):
        position = 0
        while position < len(node):
            item = node[position]
            if isinstance(item, dict) and item.get("t") == "Cite":
                replacement = cite_replacement(item, targets, known, errors)
                node[position : position + 1] = replacement
                position += len(replacement)
                continue
            resolve_citations(item, targets, known, errors)
            position += 1
    elif isinstance(node, dict):
        for value in node.values():
            resolve_citations(value, targets, known, errors)


def cite_replacement(cite: dict, targets: dict, known: set[str], errors: list) -> list[dict]:
    """Links for the cross-references in one Cite, then a Cite of the rest (if any)."""
    citations = cite["c"][0]
    references = [c for c in citations if prefix_of(c["citationId"])]
    works = [c for c in citations if not prefix_of(c["citationId"])]
    for citation in references:
        if citation["citationId"] not in targets:
            errors.append(f"@{citation['citationId']} refers to no figure or table label")
    for citation in works:
        if citation["citationId"] not in known:
            errors.append(f"@{citation['citationId']} is not in the bibliography")
    if not references:
        return [cite]
    inlines: list[dict] = []
    for citation in references:
        if inlines:
            inlines += [{"t": "Str", "c": ","}, {"t": "Space"}]
        if citation["citationId"] in targets:
            inlines += reference_link(citation, targets[citation["citationId"]])
    if works:
        rest = copy.deepcopy(cite)
        rest["c"][0] = works
        rest["c"][1] = []
        inlines += [{"t": "Space"}, rest]
    return inlines


def resolve(document: dict, bibliography_keys: set[str], source: str) -> dict:
    """A copy of ``document`` with targets numbered and references linked; every problem in
    one :class:`CrossrefError` naming ``source``."""
    document = copy.deepcopy(document)
    try:
        targets = number_targets(document["blocks"])
    except CrossrefError as error:
        raise CrossrefError(f"{source}: {error}") from None
    errors: list[str] = []
    resolve_citations(document["blocks"], targets, bibliography_keys, errors)
    resolve_citations(document["meta"], targets, bibliography_keys, errors)
    if errors:
        raise CrossrefError(f"{source}: " + "; ".join(dict.fromkeys(errors)))
    return document
