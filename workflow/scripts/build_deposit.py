"""Adapter for rule build_deposit: named inputs and params in, the bag and its zips out."""

from pathlib import Path

from peacekeeping_interviews.archive.deposit import build_deposit
from peacekeeping_interviews.deposit_layout import RunFiles
from peacekeeping_interviews.restricted.leak_scan import indexed_restricted_strings
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    summary = build_deposit(
        RunFiles(
            root=Path.cwd(),
            deposited=dict(snakemake.params.deposited),
            results=[p for p in snakemake.input.published if p.startswith("results/")]
            + [snakemake.input.leak_scan],
            schema_dir=Path(snakemake.params.schema_dir),
            reports_dir=Path("reports"),
        ),
        config=snakemake.config,
        version=snakemake.params.version,
        name=snakemake.params.name,
        bag=Path(snakemake.output.bag).parent,
        zips=Path(snakemake.output.zips),
        producers=snakemake.params.producers,
        restricted=indexed_restricted_strings(
            index, snakemake.params.settings, binding=snakemake.params.index_binding
        )[1]
        if (index := snakemake.input.get("restricted_strings"))
        else None,
        deposited_snapshot=Path(snapshot)
        if (snapshot := snakemake.input.get("snapshot"))
        else None,
        quarantine=Path(snakemake.params.quarantine),
        example_vocabulary=Path(snakemake.input.example_vocabulary),
    )
    print(summary)
