"""Rule summary: the headline summary (text, JSON, RST) and the report's HTML pages."""

import json
from pathlib import Path

from calet_aniso.analysis.headline import read_headline_table
from calet_aniso.io.rule_log import rule_log
from calet_aniso.reporting.html_pages import headline_page, ingest_page
from calet_aniso.reporting.summary import summarise, write_summary

with rule_log(snakemake.log[0], "summary", exit_when_done=True) as log:
    summary = summarise(Path(snakemake.input.table).parent)
    summary.report = None  # built after the run (make report); not an input of this rule
    write_summary(summary, snakemake.output.text, snakemake.output.json, snakemake.output.rst)
    headline_page(summary, read_headline_table(snakemake.input.table), snakemake.output.headline)
    ingest_page(
        json.loads(Path(snakemake.input.ingest_report).read_text()), snakemake.output.ingest
    )
    log.info("\n%s", Path(snakemake.output.text).read_text())
