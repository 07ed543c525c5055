# Stage 4, public tier: Table 1, factor and response counts, Figure 2 and direction cross-tabulations.


rule tabulate_factors:
    input:
        **release_inputs(),
        code=package_code("tabulate_factors"),
    output:
        **TabulationOutputs.layout(),
    log:
        "logs/tabulation/tabulate_factors.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["tabulation"],
        schema_dir=SCHEMA_DIR,
    message:
        "Analysis: factor and response tables and tests, results/tabulation/; log {log}"
    script:
        "../scripts/tabulate_factors.py"
