"""Adapter for rule scan_for_leaks: named inputs and params in, the scan report out."""

from peacekeeping_interviews.anonymisation import run_leak_scan
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_leak_scan(
        interviews=snakemake.input.interviews,
        coding=snakemake.input.coding,
        codebook=snakemake.input.codebook,
        schema_dir=snakemake.params.schema_dir,
        settings=snakemake.params.settings,
        latest_interview_date=snakemake.params.latest_interview_date,
        public_dirs=snakemake.params.public_dirs,
        report=snakemake.output.report,
    )
