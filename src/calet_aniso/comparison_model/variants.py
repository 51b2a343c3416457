"""The comparison model's variants, as in the proceedings' Figure 2: ``reference`` (primaries,
secondaries, pulsars: the isotropic flux of the Monte Carlo) and ``vela`` (the same plus the
Vela SNR, whose anisotropy is predicted).

A module of its own so that the workflow's definition (every ``snakemake`` start) reads the
names without importing the model and its fit (iminuit, scipy.optimize, astropy: 0.6 s).
"""

VARIANTS = ("reference", "vela")
