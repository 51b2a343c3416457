"""The analysis of the data: ``harmonics`` (real a_lm of HEALPix maps), ``statistics`` (mask,
eq. 3.1 weights, C_l, δ, eq. 2.3 limit, direction, ratios: one implementation for data and
Monte Carlo), ``skymaps`` (counts and weighted maps of a threshold sample, FITS), ``headline``
(a threshold's row and the headline table)."""
