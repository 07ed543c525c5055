"""Walking and rewriting Pandoc's JSON AST (pandoc-types 1.23), for the fallback renderer and the
deposit README's PDF."""

from __future__ import annotations

from collections.abc import Iterator


def elements(node: object) -> Iterator[dict]:
    """Every element of a Pandoc JSON document (a dict with ``t``), outermost first. An element
    changed when it is yielded is walked as it then is."""
    if isinstance(node, list):
        for item in node:
            yield from elements(item)
    elif isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from elements(value)


def literal_markup(node: object) -> None:
    """Print raw HTML or TeX, maths and images as the characters written, in place: text
    generated from a config (a README's title, names, abstract) is text, and Typst would drop raw
    HTML, refuse a formula without alternative text (PDF/UA) and fail on an image it cannot
    find."""
    for element in elements(node):
        kind, content = element["t"], element.get("c", [])
        if kind == "RawInline":
            element.update(t="Str", c=content[1])
        elif kind == "RawBlock":
            element.update(t="Para", c=[{"t": "Str", "c": content[1]}])
        elif kind == "Image":
            alt = "".join(e["c"] if e["t"] == "Str" else " " for e in content[1])
            element.update(t="Str", c=f"![{alt}]({content[2][0]})")
        elif kind == "Math":
            fence = "$$" if content[0]["t"] == "DisplayMath" else "$"
            element.update(t="Str", c=f"{fence}{content[1]}{fence}")
