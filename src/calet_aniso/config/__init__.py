"""The configuration of a data period.

``schema``: the schema (every default lives there) and loading a config outside the workflow;
``checks``: parse-time checks a schema cannot express (they import no science module);
``paths``: the catalogue of result paths used by rules, scripts, tests and the README;
``energy_selections``: the thresholds and differential bins, and the nested Monte Carlo's
elementary bins.
Typed settings per section are built where they are used: ``TimeSystem.from_config``,
``SimulationSettings.from_config``, ``comparison_model.configuration``.
"""
