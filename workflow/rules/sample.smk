# Public tier: who was interviewed, counted from the release with small cells masked.


rule describe_sample:
    input:
        **release_inputs(),
        mission_counts=RELEASE["mission_counts"],
        code=package_code("describe_sample"),
    output:
        table="results/sample/sample_description.csv",
        interview_list="results/sample/interview_list.csv",
        numbers="results/sample/numbers.json",
    log:
        "logs/sample/describe_sample.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["sample"],
        k_min=config["anonymisation"]["k_min"],
        schema_dir=SCHEMA_DIR,
    script:
        "../scripts/describe_sample.py"
