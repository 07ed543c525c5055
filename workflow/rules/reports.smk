# Public tier: the paper and its appendix, rendered from reports/*.qmd by Quarto when it is on
# PATH, by the fallback renderer otherwise. The documents read only the inputs declared here.


# What the documents say about the study (title, authors, abstract, related publication), as a
# file they may read, so that no sentence about the study is typed in a source.
rule describe_study:
    input:
        code=package_code("describe_study"),
    output:
        study="results/study/study.json",
    log:
        "logs/study/describe_study.log",
    conda:
        "../../environment.yml"
    params:
        study=config["study"],
    message:
        "Reports: the study record the documents read, {output}"
    script:
        "../scripts/describe_study.py"


rule render_reports:
    input:
        sources=[
            "reports/paper.qmd",
            "reports/appendix.qmd",
            "reports/_quarto.yml",
            "reports/references.bib",
            "reports/international-studies-association.csl",
        ],
        study=rules.describe_study.output.study,
        readable=[
            *published_outputs(),
            rules.describe_study.output.study,
            config["inputs"]["codebook"],
            config["inputs"]["mandates"],
        ],
        code=package_code("render_reports"),
    output:
        paper_html=f"{PAPER_DIR}/paper-v{VERSION}.html",
        paper_pdf=f"{PAPER_DIR}/paper-v{VERSION}.pdf",
        appendix_html=f"{PAPER_DIR}/appendix-v{VERSION}.html",
        appendix_pdf=f"{PAPER_DIR}/appendix-v{VERSION}.pdf",
        record=RENDER_RECORD,
        exhibits=EXHIBIT_MAP,
    log:
        "logs/paper/render_reports.log",
    conda:
        "../../environment.yml"
    params:
        documents=["paper", "appendix"],
        version=VERSION,
        named={
            "codebook": config["inputs"]["codebook"],
            "mandates": config["inputs"]["mandates"],
        },
        deposited=DEPOSITED_INPUTS,
        # The rule behind each results file, for the exhibit map.
        producers=made_by(
            "anonymise_interviews",
            "merge_mandates",
            "describe_sample",
            "analyse_saturation",
            "tabulate_factors",
            "assess_reliability",
            "describe_study",
        ),
    message:
        "Reports: rendering the paper and appendix to HTML and PDF (10-20 s on the example), results/paper/; log {log}"
    script:
        "../scripts/render_reports.py"
