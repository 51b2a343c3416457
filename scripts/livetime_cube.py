"""Rule livetime_cube: the period's live-time cube, the sum of its months' partial cubes."""

from calet_aniso.exposure.livetime_cube import PartialCube, sum_partial_cubes
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "livetime_cube", exit_when_done=True) as log:
    months = list(snakemake.input.months)  # in time order
    cube = sum_partial_cubes(PartialCube.read(path) for path in months).cube(
        snakemake.params.period
    )
    cube.write(snakemake.output.cube)
    log.info(
        "%d months -> %d cells, live time %.6g s",
        len(months),
        len(cube.livetime_s),
        cube.livetime_s.sum(),
    )
