"""Text as people paste it: what every comparison of names sets aside first."""

from __future__ import annotations

import unicodedata


def without_format_characters(text: str) -> str:
    """``text`` without invisible format characters (Unicode category Cf: a zero-width space, a
    soft hyphen, a byte-order mark), which editors and web pages leave inside words."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")
