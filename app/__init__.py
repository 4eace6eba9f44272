"""The dashboard's own package: cached data access, the chart card, figure builders and
formatting. Pages import from here; this package never imports pages."""
