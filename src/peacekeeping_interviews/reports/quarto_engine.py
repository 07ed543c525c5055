"""The reference renderer: ``quarto render`` with the Jupyter engine (HTML, and Typst to
PDF), used whenever ``quarto`` is on PATH."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from peacekeeping_interviews.reports.render_engine import (
    Rendered,
    RenderError,
    Styling,
    environment_variable,
)
from peacekeeping_interviews.reports.report_data import CONTEXT_ENVIRONMENT_VARIABLE


class QuartoEngine:
    """``quarto render`` with the Jupyter engine, used whenever ``quarto`` is on PATH."""

    name = "quarto"

    def __init__(self, executable: str):
        self.executable = executable

    def versions(self) -> dict[str, str]:
        quarto = subprocess.run(
            [self.executable, "--version"], capture_output=True, text=True, check=True
        )
        return {"renderer": "quarto", "quarto": quarto.stdout.strip()}

    def label(self) -> str:
        return f"Quarto {self.versions()['quarto']} with its Jupyter engine"

    def render(self, source: Path, build: Path, styling: Styling) -> Rendered:
        before = build / "_pki_before_body.html"
        header = build / "_pki_header.typ"
        before.write_text(styling.before_body_html, encoding="utf-8")
        header.write_text(styling.typst_header, encoding="utf-8")
        document_metadata = styling.document_metadata()
        # Quarto's HTML template writes the keywords into a <meta> attribute without escaping a
        # double quote, which would end it (a keyword could add a redirect): the HTML leaves
        # them out; the PDF keeps them in its metadata.
        html_metadata = {k: v for k, v in document_metadata.items() if k != "keywords"}
        outputs = {}
        for target, include, suffix, metadata in (
            ("html", f"include-before-body:{before.name}", "html", html_metadata),
            ("typst", f"include-in-header:{header.name}", "pdf", document_metadata),
        ):
            metadata_file = build / f"_pki_metadata_{suffix}.yaml"
            metadata_file.write_text(
                yaml.safe_dump(metadata, allow_unicode=True, sort_keys=True), encoding="utf-8"
            )
            output = f"{source.stem}.{suffix}"
            command = [
                self.executable,
                "render",
                source.name,
                "--to",
                target,
                "--output",
                output,
                "--metadata-file",
                metadata_file.name,
                "-M",
                include,
                "--execute",
            ]
            with environment_variable(CONTEXT_ENVIRONMENT_VARIABLE, str(styling.context_file)):
                run = subprocess.run(command, cwd=source.parent, capture_output=True, text=True)
            if run.returncode != 0:
                raise RenderError(
                    f"{source}: quarto render --to {target} failed:\n{run.stderr[-4000:]}"
                )
            outputs[suffix] = (source.parent / output).read_bytes()
        return Rendered(html=outputs["html"], pdf=outputs["pdf"])
