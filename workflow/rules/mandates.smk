# Stage 2, public tier: mandate data (PEMA layout) merged onto Figure 1's task groups and missions.


rule merge_mandates:
    input:
        mandates=config["inputs"]["mandates"],
        mission_counts=RELEASE["mission_counts"],
        schemas=schema_files("anonymised_mission_counts.table.yaml"),
        code=package_code("merge_mandates"),
    output:
        matrix="results/mandates/figure1_matrix.csv",
        mission_tasks="results/mandates/mission_tasks.csv",
        missions="results/mandates/missions.csv",
        exclusions="results/mandates/exclusions.csv",
        numbers="results/mandates/numbers.json",
        figure_svg="results/mandates/figure1.svg",
        figure_png="results/mandates/figure1.png",
    log:
        "logs/mandates/merge_mandates.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["mandates"],
        latest_interview_date=config["latest_interview_date"],
        schema_dir=SCHEMA_DIR,
    script:
        "../scripts/merge_mandates.py"
