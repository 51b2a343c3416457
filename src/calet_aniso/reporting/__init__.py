"""What a physicist reads: the headline summary (terminal, JSON, report landing page) and the
HTML renderings of the headline table and the ingest QA report for the Snakemake report."""
