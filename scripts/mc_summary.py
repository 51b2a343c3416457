"""Rule mc_summary: gather a selection's samples from the shards; quantile bands."""

from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.bands import band_row, write_bands
from calet_aniso.montecarlo.samples import gather_selection, write_samples

with rule_log(snakemake.log[0], "mc_summary") as log:
    label = snakemake.wildcards.selection
    samples, meta = gather_selection(snakemake.input.shards, label, snakemake.params.samples)
    write_samples(
        samples,
        snakemake.output.samples,
        snakemake.params.selection,
        meta["mean_count"],
        meta["seed"],
    )
    row = band_row(samples, meta)
    write_bands(row, snakemake.output.summary, meta)
    log.info("%s", row)
