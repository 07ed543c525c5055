# Stage 1, restricted tier: confidential inputs -> shareable release + restricted crosswalk and log.


rule anonymise_interviews:
    input:
        **confidential_inputs(),
        **({"allow_list": ALLOW_LIST} if ALLOW_LIST else {}),
        validated=VALIDATED_INPUTS,
        schemas=schema_files(
            "interviews.table.yaml",
            "coding.table.yaml",
            "codebook.schema.yaml",
            "anonymised_interviews.table.yaml",
            "anonymised_coding.table.yaml",
            "anonymised_mission_counts.table.yaml",
        ),
        code=package_code("anonymise_interviews"),
    output:
        **AnonymisationOutputs.layout(),
    log:
        "logs/anonymisation/anonymise_interviews.log",
    conda:
        "../../environment.yml"
    # Snakemake records params in .snakemake/metadata: the sensitive names only as a digest there
    # (which re-runs the rule when they change); the script reads them from the config.
    params:
        settings=recorded_config(config)["anonymisation"],
        latest_interview_date=config["latest_interview_date"],
        schema_dir=SCHEMA_DIR,
        package_dir=PACKAGE_DIR,
        index_binding=INDEX_BINDING,
    message:
        "Restricted tier: anonymising the interviews (pseudonyms, disclosure control, excerpt scrub) into data/anonymised/; log {log}"
    script:
        "../scripts/anonymise_interviews.py"


# The run's config as the release carries it: restricted settings removed, start_from: release.
rule publish_config:
    input:
        code=package_code("publish_config"),
    output:
        config=RELEASE["config"],
    log:
        "logs/anonymisation/publish_config.log",
    conda:
        "../../environment.yml"
    params:
        config=recorded_config(config),
    message:
        "Release: the run's config without its restricted settings, {output}"
    script:
        "../scripts/publish_config.py"
