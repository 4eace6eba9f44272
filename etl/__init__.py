"""Offline ETL for the Belarusian exile-flows dashboard.

raw snapshot (+ provenance sidecar) -> clean table -> published table + manifest.
Run `python -m etl --help`.
"""
