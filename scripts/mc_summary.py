"""Rule mc_summary: gather each energy selection's samples from the shards; quantile bands."""

from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.bands import band_row, write_bands
from calet_aniso.montecarlo.samples import gather_selection, write_samples

with rule_log(snakemake.log[0], "mc_summary", exit_when_done=True) as log:
    outputs = snakemake.output
    selections = snakemake.params.selections
    for selection, samples_path, bands_path in zip(
        selections, outputs.samples, outputs.summary, strict=True
    ):
        samples, meta = gather_selection(
            snakemake.input.shards, selection.label, snakemake.params.samples
        )
        write_samples(samples, samples_path, selection, meta["mean_count"], meta["seed"])
        row = band_row(samples, meta)
        write_bands(row, bands_path, meta)
        log.info("%s: %s", selection.describe(), row)
