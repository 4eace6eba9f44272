"""Country boundaries for the Europe map: simplified, edge-matched, recognised borders, small.

The app draws the map from this file, so it works offline (no tiles, no CDN shapes).
"""
from __future__ import annotations

from etl.geo import europe_boundaries

INPUTS = {"raw": {"naturalearth": ["ne_50m_admin_0_countries.geojson"]}}
OUTPUTS = ["pub_boundaries_europe"]


def run(ctx) -> dict[str, dict]:
    raw = ctx.raw_path("naturalearth", "ne_50m_admin_0_countries.geojson")
    return {"pub_boundaries_europe": europe_boundaries(raw)}
