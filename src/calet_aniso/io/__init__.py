"""Files at the edges.

``files``: atomic writes, Parquet with metadata, JSON; ``contract_tables``: raw orbit and event
tables (Parquet, FITS, CSV) read and written by the data contract; ``healpix_maps``: HEALPix
maps in FITS binary tables; ``rule_log``: logging of rule scripts.
"""
