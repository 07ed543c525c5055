# Last step, restricted tier: prove no restricted string reached any public file.


rule scan_for_leaks:
    input:
        **confidential_inputs(),
        public=[
            *published_outputs(),
            *rules.describe_study.output,
            *rules.render_reports.output,
        ],
        code=package_modules("anonymisation", "leak_scan", "scrub", "text"),
    output:
        report="results/leak_scan/report.json",
    log:
        "logs/leak_scan/scan_for_leaks.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["anonymisation"],
        latest_interview_date=config["latest_interview_date"],
        schema_dir=SCHEMA_DIR,
        public_dirs=["data/anonymised", "results", "logs"],
        # Restricted space: on a leak, the leaking files are moved here (never into a public folder).
        quarantine="data/restricted/quarantine",
    script:
        "../scripts/scan_for_leaks.py"
