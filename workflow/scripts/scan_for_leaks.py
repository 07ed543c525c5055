"""Adapter for rule scan_for_leaks: named inputs and params in, the scan report out."""

from peacekeeping_interviews.restricted.leak_scan import run_leak_scan
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_leak_scan(
        index=snakemake.input.restricted_strings,
        settings=snakemake.params.settings,
        public_dirs=snakemake.params.public_dirs,
        report=snakemake.output.report,
        quarantine=snakemake.params.quarantine,
        products=snakemake.params.products,
        final_products=snakemake.params.final_products,
        binding=snakemake.params.index_binding,
    )
