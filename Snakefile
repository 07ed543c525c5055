# Table of contents of the pipeline. Logic lives in the peacekeeping_interviews package;
# the rules in workflow/rules/ only wire files to its functions.
from snakemake.utils import min_version

from peacekeeping_interviews.files import withdraw
from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.study_config import check_config

min_version("9.0")


# A study's own config (--configfile) replaces the project's whole: no key comes back from it.
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


try:
    check_config(config, "workflow/schemas/config.schema.yaml")
except InputError as error:
    raise WorkflowError(str(error)) from None


include: "workflow/rules/common.smk"


# Restricted tier: only these rules read confidential inputs; a run from a deposited release
# (start_from: release) leaves them out.
if FROM_CONFIDENTIAL:

    include: "workflow/rules/anonymisation.smk"


include: "workflow/rules/mandates.smk"
include: "workflow/rules/sample.smk"
include: "workflow/rules/saturation.smk"
include: "workflow/rules/tabulation.smk"
include: "workflow/rules/reliability.smk"
include: "workflow/rules/reports.smk"


if FROM_CONFIDENTIAL:

    include: "workflow/rules/leak_scan.smk"


include: "workflow/rules/deposit.smk"


rule all:
    default_target: True
    input:
        RELEASE["report"],
        rules.merge_mandates.output.numbers,
        rules.describe_sample.output.table,
        rules.analyse_saturation.output.numbers,
        rules.tabulate_factors.output.numbers,
        rules.assess_reliability.output.numbers,
        rules.render_reports.output,
        rules.build_deposit.output,
    message:
        "Done: the paper and appendix in results/paper/, the deposit in results/deposit/"


# A failed run leaves no earlier, complete-looking paper or deposit beside its failure.
onerror:
    withdraw(final_products())
