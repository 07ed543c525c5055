# Stage 2, public tier: mandate data (PEMA layout) merged onto Figure 1's task groups and missions.


rule merge_mandates:
    input:
        mandates=config["inputs"]["mandates"],
        mission_counts=RELEASE["mission_counts"],
        schemas=schema_files("anonymised_mission_counts.table.yaml"),
        code=package_code("merge_mandates"),
    output:
        **MandatesOutputs.layout(),
    log:
        "logs/mandates/merge_mandates.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["mandates"],
        latest_interview_date=config["latest_interview_date"],
        schema_dir=SCHEMA_DIR,
    message:
        "Analysis: mandates merged with the missions interviewees served in, results/mandates/; log {log}"
    script:
        "../scripts/merge_mandates.py"
