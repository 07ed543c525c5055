"""What a rendering engine is: the request's styling in, the rendered bytes out, and
the error that names the source and cell that failed. :mod:`quarto_engine` and
:mod:`fallback_engine` implement it; :mod:`rendering` chooses one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from peacekeeping_interviews.reports.report_data import escape_markdown


class RenderError(Exception):
    """A document could not be rendered; the message names the source, the cell and the cause."""


@dataclass(frozen=True)
class Rendered:
    html: bytes
    pdf: bytes


@dataclass(frozen=True)
class Styling:
    """What both engines add around a document's own content; ``metadata`` (title, author,
    abstract) overrides nothing, since a source may not set those keys itself."""

    metadata: dict
    before_body_html: str
    typst_header: str
    context_file: Path
    papersize: str = "a4"
    timestamp: int = 0
    typst_before_body: str = ""  # tagged text at the top of the body (the fallback's PDF)

    def document_metadata(self) -> dict:
        """``metadata`` as the Pandoc Markdown both engines read it as, escaped so that it
        prints as the config writes it: a title, name or abstract is text, never markup (raw
        HTML that could hide the banner, a citation, maths or emphasis)."""
        return {key: literal_markdown(value) for key, value in self.metadata.items()}


def literal_markdown(value: Any) -> Any:
    """Every string in ``value`` (a string, or a list of them) Markdown-escaped."""
    if isinstance(value, str):
        return escape_markdown(value)
    if isinstance(value, list):
        return [literal_markdown(item) for item in value]
    return value


class Engine(Protocol):
    """What both engines offer: a name, the versions of their parts, a label for the stamp,
    and ``render``, which leaves its outputs in memory for :func:`render_reports` to write."""

    name: str

    def versions(self) -> dict[str, str]: ...

    def label(self) -> str: ...

    def render(self, source: Path, build: Path, styling: Styling) -> Rendered: ...


# ---------------------------------------------------------------------------- stamp and banner


@contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous
