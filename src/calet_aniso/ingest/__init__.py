"""Ingest of raw data: ``contract`` (the columns and units of orbit tables and event lists),
``validation`` (every check, one clear error naming file, column and row), ``time_system``
(seconds since an epoch in a time scale), ``normalise`` (raw files to the normalised tables
and the QA report)."""
