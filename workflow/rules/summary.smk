"""What a physicist reads first: the headline summary (text, JSON, the report's landing page)
and HTML pages of the headline table and of the ingest QA report for the Snakemake report.
"""


rule summary:
    input:
        table=rules.dipole_limits.output.parquet,
        bins=rules.dipole_limits.output.bins_parquet,
        global_pvalue=rules.dipole_limits.output.global_pvalue,
        ingest_report=rules.ingest.output.report,
        figures=figure_outputs(),
    output:
        text=result("summary_text"),
        json=result("summary_json"),
        rst=result("summary_rst"),
        headline=report(
            result("headline_html"),
            caption="../report/dipole_limits.rst",
            category="Dipole and limits",
            labels={"table": "headline table"},
        ),
        ingest=report(
            result("ingest_html"),
            caption="../report/ingest_report.rst",
            category="Data QA",
            labels={"table": "ingest QA report"},
        ),
    log:
        log("summary"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    message:
        "Summary of the headline result, and the report's pages"
    script:
        "../../scripts/summary.py"
