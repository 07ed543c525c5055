# Stage 5, public tier: inter-coder reliability on the double-coded segments of the release.


rule assess_reliability:
    input:
        **release_inputs(),
        code=package_code("assess_reliability"),
    output:
        **ReliabilityOutputs.layout(),
    log:
        "logs/reliability/assess_reliability.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["reliability"],
        schema_dir=SCHEMA_DIR,
    message:
        "Analysis: inter-coder reliability, results/reliability/; log {log}"
    script:
        "../scripts/assess_reliability.py"
