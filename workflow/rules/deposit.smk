# Restricted tier, last: the UK Data Service bundle (a BagIt bag and its zips). It reads the
# confidential inputs only to scan the finished bag for leaks; nothing from them is copied in.


rule build_deposit:
    input:
        **confidential_inputs(),
        published=[*published_outputs(), *rules.render_reports.output],
        leak_scan=rules.scan_for_leaks.output.report,
        mandates=config["inputs"]["mandates"],
        schemas=schema_files(
            "anonymised_interviews.table.yaml",
            "anonymised_coding.table.yaml",
            "anonymised_mission_counts.table.yaml",
            "interviews.table.yaml",
        ),
        reports=rules.render_reports.input.sources,
        code=package_modules(
            "deposit", "deposit_metadata", "exhibits", "leak_scan", "anonymisation"
        ),
    output:
        bag=directory(f"results/deposit/{DEPOSIT_NAME}"),
        zips=directory(f"results/deposit/{DEPOSIT_NAME}-zip"),
    log:
        "logs/deposit/build_deposit.log",
    conda:
        "../../environment.yml"
    params:
        config=config,
        version=VERSION,
        name=DEPOSIT_NAME,
        schema_dir=SCHEMA_DIR,
        settings=config["anonymisation"],
        latest_interview_date=config["latest_interview_date"],
    script:
        "../scripts/build_deposit.py"
