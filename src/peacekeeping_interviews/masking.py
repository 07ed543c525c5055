"""How a restricted value may be shown where messages and reports are read (the terminal,
Snakemake's log, a public leak report): by its initials and length, never in full."""

from __future__ import annotations

KEY = "pseudonymisation key"


_MASKED_WORDS = 3  # initials shown of a masked value's first words


def mask(value: str, kind: str) -> str:
    """What a public report may show of a restricted value: the initials of its first words and
    its length (``H… Q… (14 characters)``); of the key, only its length."""
    length = f"({len(value)} characters)"
    if kind == KEY:
        return length
    words = value.split()
    initials = [f"{word[0]}…" for word in words[:_MASKED_WORDS]]
    if len(words) > _MASKED_WORDS:
        initials.append("…")
    return " ".join([*initials, length])
