# Public tier: the paper and its appendix, rendered from reports/*.qmd by Quarto when it is on
# PATH, by the fallback renderer otherwise. The documents read only the inputs declared here.


rule render_reports:
    input:
        sources=[
            "reports/paper.qmd",
            "reports/appendix.qmd",
            "reports/_quarto.yml",
            "reports/references.bib",
            "reports/international-studies-association.csl",
        ],
        readable=[
            *published_outputs(),
            config["inputs"]["codebook"],
            config["inputs"]["mandates"],
        ],
        code=package_modules("rendering", "crossref", "report_data"),
    output:
        paper_html=f"results/paper/paper-v{VERSION}.html",
        paper_pdf=f"results/paper/paper-v{VERSION}.pdf",
        appendix_html=f"results/paper/appendix-v{VERSION}.html",
        appendix_pdf=f"results/paper/appendix-v{VERSION}.pdf",
        record="results/paper/render.json",
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
    script:
        "../scripts/render_reports.py"
