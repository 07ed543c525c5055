"""Figures as deterministic bytes: the same data and version give byte-identical SVG and PNG.

Matplotlib stamps a creation date into SVG and PDF and draws random ids into SVG; both are
switched off here, and text is drawn with the DejaVu fonts that ship inside matplotlib, so the
output does not depend on the fonts of the machine.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.typing import RcKeyType

STYLE: dict[RcKeyType, Any] = {
    "svg.hashsalt": "peacekeeping-interviews",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 200,
}
SYNTHETIC_MARK = "SYNTHETIC EXAMPLE DATA - not the study's data"
SYNTHETIC_LABEL = "synthetic"


@contextmanager
def figure(width: float, height: float, synthetic: bool) -> Iterator[Figure]:
    """A new figure in the project style. A synthetic figure is labelled so, and
    :func:`figure_bytes` prints the synthetic mark below everything drawn on it."""
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(width, height))
        fig.set_label(SYNTHETIC_LABEL if synthetic else "")
        try:
            yield fig
        finally:
            plt.close(fig)


def _mark_synthetic(fig: Figure) -> None:
    """Put the mark under the lowest drawn element, right-aligned, so that it never overlaps an
    axis label however the figure is laid out (the tight bounding box then includes it)."""
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):  # matplotlib.use("Agg") above
        raise TypeError(f"an Agg canvas to lay out the synthetic mark, not {type(canvas)}")
    drawn = fig.get_tightbbox(canvas.get_renderer())
    width, height = fig.get_size_inches()
    fig.text(
        drawn.x1 / width,
        (drawn.y0 - 0.08) / height,
        SYNTHETIC_MARK,
        ha="right",
        va="top",
        fontsize=7,
        color="#b00020",
    )


def figure_bytes(fig: Figure) -> dict[str, bytes]:
    """The figure as ``{"svg": ..., "png": ...}`` with no timestamps or random ids.

    The PNG records the text drawn on it in its ``Description`` text chunk, since its pixels
    cannot be read: the leak scan reads it there (matplotlib's SVG keeps it in comments)."""
    with plt.rc_context(STYLE):
        if fig.get_label() == SYNTHETIC_LABEL and SYNTHETIC_MARK not in _texts(fig):
            _mark_synthetic(fig)
        rendered = {"svg": _saved(fig, "svg", {"Date": None})}
        drawn = "\n".join(drawn_text(fig))
        rendered["png"] = _saved(fig, "png", {"Software": None, "Description": drawn})
    return rendered


def drawn_text(fig: Figure) -> list[str]:
    """Every visible string of the figure (titles, labels, tick labels, legends, notes), once
    each, in drawing order; tick labels exist only once the figure has been drawn."""
    texts = [a for a in fig.findobj() if isinstance(a, Text) and a.get_visible()]
    return list(dict.fromkeys(text.get_text() for text in texts if text.get_text()))


def _saved(fig: Figure, kind: str, metadata: dict[str, str | None]) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=kind, metadata=metadata, bbox_inches="tight")
    return buffer.getvalue()


def _texts(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.texts]
