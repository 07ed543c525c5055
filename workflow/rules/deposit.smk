# Last: the UK Data Service bundle (a BagIt bag and its zips). In the authors' run (restricted
# tier) it snapshots the code and reads the restricted-string index only to scan the finished bag
# for leaks; nothing from it is copied in. A run from a deposit (start_from: release) rebuilds the
# bag from the deposited snapshot and leak-scan report, for make verify to compare file by file.


rule build_deposit:
    input:
        **(
            {
                "restricted_strings": rules.anonymise_interviews.output.restricted_strings
            }
            if FROM_CONFIDENTIAL
            else {"snapshot": DEPOSITED_SNAPSHOT}
        ),
        published=[
            *published_outputs(),
            *rules.describe_study.output,
            *rules.render_reports.output,
        ],
        leak_scan=LEAK_SCAN_REPORT,
        mandates=config["inputs"]["mandates"],
        schemas=schema_files(
            "anonymised_interviews.table.yaml",
            "anonymised_coding.table.yaml",
            "anonymised_mission_counts.table.yaml",
            "interviews.table.yaml",
        ),
        reports=rules.render_reports.input.sources,
        code=package_code("build_deposit"),
        # What the synthetic generator writes into the example: let through in the code snapshot.
        example_vocabulary=str(PACKAGE_DIR / "examples" / "example_vocabulary.yaml"),
    output:
        bag=str(DEPOSIT_DIR / DEPOSIT_NAME / "bagit.txt"),
        zips=directory(str(DEPOSIT_DIR / f"{DEPOSIT_NAME}-zip")),
    log:
        "logs/deposit/build_deposit.log",
    conda:
        "../../environment.yml"
    params:
        config=recorded_config(config),
        version=VERSION,
        name=DEPOSIT_NAME,
        deposited=DEPOSITED_INPUTS,
        producers=made_by(
            "anonymise_interviews",
            "merge_mandates",
            "describe_sample",
            "analyse_saturation",
            "tabulate_factors",
            "assess_reliability",
            "describe_study",
            "render_reports",
            "scan_for_leaks",
        ),
        schema_dir=SCHEMA_DIR,
        quarantine=QUARANTINE,
        settings=recorded_config(config)["anonymisation"],
        index_binding=INDEX_BINDING,
    message:
        "Archive: the UK Data Service deposit, bagged, checked and zipped (about 30 s on the example), results/deposit/; log {log}"
    script:
        "../scripts/build_deposit.py"
