# Public tier: who was interviewed, counted from the release with small cells masked.


rule describe_sample:
    input:
        **release_inputs(),
        mission_counts=RELEASE["mission_counts"],
        code=package_code("describe_sample"),
    output:
        **SampleOutputs.layout(),
    log:
        "logs/sample/describe_sample.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["sample"],
        k_min=config["anonymisation"]["k_min"],
        schema_dir=SCHEMA_DIR,
    message:
        "Analysis: the sample description, results/sample/; log {log}"
    script:
        "../scripts/describe_sample.py"
