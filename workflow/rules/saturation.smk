# Stage 3, public tier: code accumulation, Guest et al. (2020) saturation, order effect,
# richness estimators and subgroup coverage, from the release alone.


rule analyse_saturation:
    input:
        **release_inputs(),
        code=package_code("analyse_saturation"),
    output:
        accumulation="results/saturation/accumulation.csv",
        guest_runs="results/saturation/guest_runs.csv",
        guest_saturation="results/saturation/guest_saturation.csv",
        order_effect_curve="results/saturation/order_effect_curve.csv",
        order_effect_saturation="results/saturation/order_effect_saturation.csv",
        order_effect_saturation_counts="results/saturation/order_effect_saturation_counts.csv",
        richness="results/saturation/richness.csv",
        subgroups="results/saturation/subgroups.csv",
        subgroup_saturation="results/saturation/subgroup_saturation.csv",
        numbers="results/saturation/numbers.json",
        accumulation_svg="results/saturation/accumulation.svg",
        accumulation_png="results/saturation/accumulation.png",
        new_information_svg="results/saturation/new_information.svg",
        new_information_png="results/saturation/new_information.png",
    log:
        "logs/saturation/analyse_saturation.log",
    conda:
        "../../environment.yml"
    params:
        settings=config["saturation"],
        schema_dir=SCHEMA_DIR,
    script:
        "../scripts/analyse_saturation.py"
