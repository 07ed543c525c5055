"""Adapter for rule render_reports."""

from pathlib import Path

from peacekeeping_interviews.reports.rendering import Document, RenderRequest, render_reports
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    render_reports(
        RenderRequest(
            root=Path.cwd(),
            reports_dir=Path("reports"),
            documents=[
                Document(
                    source=Path("reports") / f"{name}.qmd",
                    html=Path(snakemake.output[f"{name}_html"]),
                    pdf=Path(snakemake.output[f"{name}_pdf"]),
                )
                for name in snakemake.params.documents
            ],
            declared=list(snakemake.input.readable),
            study=snakemake.input.study,
            version=snakemake.params.version,
            record=Path(snakemake.output.record),
            exhibits=Path(snakemake.output.exhibits),
            producers=dict(snakemake.params.producers),
            named=snakemake.params.named,
            deposited=dict(snakemake.params.deposited),
        )
    )
