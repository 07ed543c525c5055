# Stage 4, public tier: Table 1, factor and response counts, Figure 2 and direction cross-tabulations.


rule tabulate_factors:
    input:
        **release_inputs(),
        code=package_code("tabulate_factors"),
    output:
        table1="results/tabulation/table1.csv",
        factor_mentions="results/tabulation/factor_mentions.csv",
        response_spectrum="results/tabulation/response_spectrum.csv",
        crosstabs="results/tabulation/crosstabs.csv",
        tests="results/tabulation/tests.csv",
        numbers="results/tabulation/numbers.json",
        spectrum_svg="results/tabulation/spectrum.svg",
        spectrum_png="results/tabulation/spectrum.png",
    log:
        "logs/tabulation/tabulate_factors.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["tabulation"],
        schema_dir=SCHEMA_DIR,
    script:
        "../scripts/tabulate_factors.py"
