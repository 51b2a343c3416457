"""Rule sensitivity_forecast: median expected limits for longer observations, and the
observation time that reaches the Vela SNR prediction; a table and a figure."""

import json
from pathlib import Path

import pandas as pd

from calet_aniso.analysis.forecast import DAYS_PER_YEAR, forecast_table
from calet_aniso.analysis.headline import read_headline_table
from calet_aniso.figures.sensitivity import sensitivity_figure
from calet_aniso.io.files import write_parquet
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "sensitivity_forecast", exit_when_done=True) as log:
    report = json.loads(Path(snakemake.input.ingest_report).read_text())
    years = report["orbit"]["covered_duration_s"] / 86400.0 / DAYS_PER_YEAR
    table = forecast_table(
        read_headline_table(snakemake.input.table),
        pd.read_parquet(snakemake.input.vela),
        years,
    )
    write_parquet(table, snakemake.output.table, {"period_years": years})
    sensitivity_figure(table, snakemake.output.png, snakemake.output.pdf, snakemake.params.period)
    log.info("period %.2f years\n%s", years, table.to_string())
