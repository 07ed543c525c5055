# Stage 5, public tier: inter-coder reliability on the double-coded segments of the release.


rule assess_reliability:
    input:
        **release_inputs(),
        code=package_code("assess_reliability"),
    output:
        alpha="results/reliability/alpha.csv",
        agreement="results/reliability/agreement.csv",
        disagreements="results/reliability/disagreements.csv",
        numbers="results/reliability/numbers.json",
    log:
        "logs/reliability/assess_reliability.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["reliability"],
        schema_dir=SCHEMA_DIR,
    script:
        "../scripts/assess_reliability.py"
