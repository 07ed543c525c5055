"""Adapter for rule scan_for_leaks: named inputs and params in, the scan report out."""

from peacekeeping_interviews.anonymisation import run_leak_scan
from peacekeeping_interviews.restricted_adapter import confidential_inputs
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_leak_scan(
        confidential_inputs(snakemake),
        public_dirs=snakemake.params.public_dirs,
        report=snakemake.output.report,
        quarantine=snakemake.params.quarantine,
        products=snakemake.params.products,
        final_products=snakemake.params.final_products,
    )
