"""Figures as deterministic bytes: the same data and version give byte-identical SVG and PNG.

Matplotlib stamps a creation date into SVG and PDF and draws random ids into SVG; both are
switched off here, and text is drawn with the DejaVu fonts that ship inside matplotlib, so the
output does not depend on the fonts of the machine.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

STYLE = {
    "svg.hashsalt": "peacekeeping-interviews",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 200,
}
SYNTHETIC_MARK = "SYNTHETIC EXAMPLE DATA - not the study's interviews"


@contextmanager
def figure(width: float, height: float, synthetic: bool) -> Iterator[Figure]:
    """A new figure in the project style; synthetic data get a visible mark in the corner."""
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(width, height))
        if synthetic:
            fig.text(
                0.995, 0.005, SYNTHETIC_MARK, ha="right", va="bottom", fontsize=7, color="#b00020"
            )
        try:
            yield fig
        finally:
            plt.close(fig)


def figure_bytes(fig: Figure) -> dict[str, bytes]:
    """The figure as ``{"svg": ..., "png": ...}`` with no timestamps or random ids."""
    with plt.rc_context(STYLE):
        rendered = {}
        for kind, metadata in (("svg", {"Date": None}), ("png", {"Software": None})):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=kind, metadata=metadata, bbox_inches="tight")
            rendered[kind] = buffer.getvalue()
    return rendered
