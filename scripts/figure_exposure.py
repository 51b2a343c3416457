"""Rule figure_exposure: Figure 1, average normalised exposure maps."""

from calet_aniso.exposure.average import AverageExposure
from calet_aniso.figures.fig1_exposure import exposure_figure, panel_title
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "figure_exposure", exit_when_done=True):
    averages = [AverageExposure.read(p) for p in snakemake.input.averages]
    panels = {panel_title(a.threshold_gev, a.n_events): a.exposure_m2s for a in averages}
    exposure_figure(panels, snakemake.output.png, snakemake.output.pdf, snakemake.params.period)
