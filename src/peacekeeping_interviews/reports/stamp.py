"""What every page says about how it was made: the stamp (version, commit, data
fingerprint, renderer, date), the synthetic-data banner, and the date they carry."""

from __future__ import annotations

import datetime
import html
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from peacekeeping_interviews.reports.render_engine import RenderError

# The smallest viewport (CSS pixels) on which the HTML banner and stamp stay in view as the reader
# scrolls; on a smaller one they would cover a third of the screen or more.
STICKY_MIN_WIDTH = 900
STICKY_MIN_HEIGHT = 600
SYNTHETIC_BANNER = (
    "SYNTHETIC EXAMPLE DATA: every number, table and figure here comes from the project's "
    "seeded generator, not from the study's interviews."
)


@dataclass(frozen=True)
class Stamp:
    """What every page says about how it was made."""

    version: str
    commit: str
    data_fingerprint: str
    engine: str
    date: str

    def line(self) -> str:
        """The stamp as a reader reads it, in words: which version of the analysis, from which
        commit, on which data, rendered when and by what."""
        return (
            f"Version {self.version}, commit {self.commit}; data fingerprint "
            f"{self.data_fingerprint}; rendered on {self.date} by {self.engine}"
        )


def render_date(root: Path, environment: Mapping[str, str]) -> datetime.date:
    """The date printed on the documents: ``SOURCE_DATE_EPOCH`` (reproducible-builds.org) if
    set, else the commit's time, so that two renders of one commit print the same date."""
    epoch = environment.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        try:
            epoch = subprocess.run(
                ["git", "-C", str(root), "log", "-1", "--format=%ct"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            raise RenderError(
                "set SOURCE_DATE_EPOCH: the date on the documents must not be "
                "the clock's, and there is no git commit to take it from"
            ) from None
    if not epoch.isdigit():
        raise RenderError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}")
    try:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    except (OverflowError, ValueError, OSError):
        raise RenderError(f"SOURCE_DATE_EPOCH {epoch} is out of range") from None


def css_string(text: str) -> str:
    """``text`` as a CSS string that cannot end the string or the ``<style>`` element."""
    escaped = "".join(c if c.isalnum() or c in " .,;:()'-_/" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def print_margins(stamp: Stamp, synthetic: bool) -> str:
    """Page-margin rules for a printed HTML page: the banner (if any) at the head and the stamp
    and page number at the foot of every page, as the PDF has them, not on the first page only."""
    banner = (
        f"@top-center{{content:{css_string(SYNTHETIC_BANNER)};color:#b00020;"
        "font:bold 8pt sans-serif}"
        if synthetic
        else ""
    )
    return (
        f"@page{{margin:20mm 16mm 18mm;{banner}"
        f"@bottom-left{{content:{css_string(stamp.line())};font:7pt sans-serif;color:#333}}"
        "@bottom-right{content:counter(page);font:7pt sans-serif}}\n"
    )


def banner_html(stamp: Stamp, synthetic: bool) -> str:
    """The top of every HTML page: the synthetic-data banner (if any) and the stamp, which a
    printed page repeats in its margins (:func:`print_margins`, after them, so that the banner is
    the first line of the page's source to say anything). On a screen with room for them they
    stay in view as the reader scrolls, and a followed link or a focused element stops below them
    (scroll padding); on a small screen, where they would cover much of it, they stay at the top
    of the page."""
    banner = f'<div class="pki-banner">{html.escape(SYNTHETIC_BANNER)}</div>\n' if synthetic else ""
    return (
        "<style>\n"
        ".pki-top{position:static!important;margin:0 0 1.5em 0;"
        "display:block!important;visibility:visible!important;font-family:sans-serif}\n"
        ".pki-banner{display:block!important;visibility:visible!important;background:#b00020;"
        "color:#fff;font-weight:bold;padding:.6em 1em}\n"
        ".pki-stamp{background:#f2f2f2;color:#333;font-size:.8em;padding:.3em 1em}\n"
        "@media (max-width:600px){.pki-banner{font-size:.75em;padding:.4em .8em}"
        ".pki-stamp{font-size:.7em}}\n"
        f"@media (min-width:{STICKY_MIN_WIDTH}px) and (min-height:{STICKY_MIN_HEIGHT}px){{"
        ".pki-top{position:sticky!important;top:0;z-index:10}"
        "html{scroll-padding-top:11rem}}\n"
        "</style>\n"
        f'<div class="pki-top" role="region" aria-label="How this document was made">\n{banner}'
        f'<div class="pki-stamp">{html.escape(stamp.line())}</div>\n</div>\n'
        f"<style>\n{print_margins(stamp, synthetic)}</style>\n"
    )


def typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def banner_typst(stamp: Stamp, synthetic: bool) -> str:
    """Typst set rules that put the banner (if any) at the top and the stamp at the foot of
    every PDF page."""
    banner = (
        'block(width: 100%, fill: rgb("#b00020"), inset: 5pt, '
        f'text(fill: white, weight: "bold", size: 8pt, {typst_string(SYNTHETIC_BANNER)}))'
        if synthetic
        else "none"
    )
    return (
        f"#set page(header: {banner}, footer: context text(size: 7pt, "
        f'{typst_string(stamp.line())} + h(1fr) + counter(page).display("1")))\n'
    )


def notice_typst(synthetic: bool) -> str:
    """The synthetic-data notice once more in the body of the first page: the banner in the page
    header is an artifact to a screen reader (PDF/UA), so the tagged text must say it too."""
    if not synthetic:
        return ""
    return (
        '#block(above: 0.8em, below: 1.2em, text(size: 9pt, weight: "bold", fill: '
        f'rgb("#b00020"), {typst_string(SYNTHETIC_BANNER)}))\n'
    )


# ---------------------------------------------------------------------------- fallback engine


def midnight_epoch(date: datetime.date) -> int:
    """Seconds since 1970 at 00:00 UTC on ``date``: the time every output of a run carries."""
    return int(datetime.datetime.combine(date, datetime.time(), datetime.UTC).timestamp())
