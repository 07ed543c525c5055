# Stage 3, public tier: code accumulation, Guest et al. (2020) saturation, order effect,
# richness estimators and subgroup coverage, from the release alone.


rule analyse_saturation:
    input:
        **release_inputs(),
        code=package_code("analyse_saturation"),
    output:
        **SaturationOutputs.layout(),
    log:
        "logs/saturation/analyse_saturation.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["saturation"],
        schema_dir=SCHEMA_DIR,
    message:
        "Analysis: code accumulation and saturation, results/saturation/; log {log}"
    script:
        "../scripts/analyse_saturation.py"
