"""Rule mc_summary: gather a threshold's shards; quantile bands of the statistics."""

from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.bands import band_row, write_bands
from calet_aniso.montecarlo.samples import gather_samples, write_samples

with rule_log(snakemake.log[0], "mc_summary") as log:
    samples, meta = gather_samples(snakemake.input.shards, snakemake.params.samples)
    write_samples(samples, snakemake.output.samples, **meta)
    row = band_row(samples, meta)
    write_bands(row, snakemake.output.summary, meta)
    log.info("%s", row)
