"""The isotropic Monte Carlo: ``random_streams`` (keyed xoshiro256** streams, Poisson),
``alias`` (alias tables), ``sampler`` (isotropic skies, a_lm accumulated while drawing, then
``analysis.statistics``), ``expected_counts`` (flux × exposure), ``samples`` (shard tables),
``bands`` (quantile bands), ``calibration`` (the Monte Carlo against simulated observations)."""
