# Last step, restricted tier: prove no restricted string reached any public file. What to look
# for comes from the anonymisation stage's restricted-string index, not the confidential inputs.


rule scan_for_leaks:
    input:
        restricted_strings=rules.anonymise_interviews.output.restricted_strings,
        public=[
            *published_outputs(),
            *rules.describe_study.output,
            *rules.render_reports.output,
        ],
        code=package_code("scan_for_leaks"),
    output:
        report=LEAK_SCAN_REPORT,
    log:
        "logs/leak_scan/scan_for_leaks.log",
    conda:
        "../../environment.yml"
    params:
        settings=recorded_config(config)["anonymisation"],
        index_binding=INDEX_BINDING,
        public_dirs=["data/anonymised", "results", "logs"],
        # On a leak, the leaking files are moved to QUARANTINE with every output of the rules
        # that wrote them or read them, and the deposit.
        quarantine=QUARANTINE,
        products=products_of(
            "anonymise_interviews",
            "merge_mandates",
            "describe_sample",
            "analyse_saturation",
            "tabulate_factors",
            "assess_reliability",
            "describe_study",
            "render_reports",
        ),
        final_products=[DEPOSIT_DIR],
    message:
        "Restricted tier: scanning every public file for restricted strings (seconds), {output}; log {log}"
    script:
        "../scripts/scan_for_leaks.py"
