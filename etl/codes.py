"""Country codes: everything is harmonised to ISO 3166-1 alpha-3 (from pycountry, a maintained
copy of the ISO standard), plus a few named aggregates that the sources use."""
from __future__ import annotations

from functools import lru_cache

import pycountry

# Codes that are not countries but appear as an origin or destination in a source.
AGGREGATES = {
    "EU27_2020": "European Union (27 countries, from 2020)",
    "EU": "European Union (as reported by the source)",
    "ALL": "All citizenships",
    "BLR+RUS": "Belarusian and Russian citizens together",
    "UNK": "Unknown origin (UNHCR)",
    "XXA": "Stateless (UNHCR)",
}
# Kosovo has no ISO code; XKX is the code the EU and the World Bank use.
EXTRA_COUNTRIES = {"XKX": "Kosovo"}
# Eurostat uses EL for Greece and UK for the United Kingdom, not the ISO alpha-2 codes.
EUROSTAT_SPECIAL = {"EL": "GRC", "UK": "GBR", "XK": "XKX", "EU27_2020": "EU27_2020"}
# The curated files use two-letter country codes and two combined citizenship groups.
CURATED_SPECIAL = {"EU": "EU", "ALL": "ALL", "BY+RU": "BLR+RUS"}


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    return frozenset({c.alpha_3 for c in pycountry.countries} | set(EXTRA_COUNTRIES))


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every code a published table may use as origin or destination."""
    return iso3_codes() | frozenset(AGGREGATES)


def alpha2_to_iso3(code: str, special: dict[str, str]) -> str:
    if code in special:
        return special[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise ValueError(f"unknown country code {code!r}")
    return country.alpha_3


def eurostat_geo_to_iso3(code: str) -> str:
    return alpha2_to_iso3(code, EUROSTAT_SPECIAL)


def curated_to_iso3(code: str) -> str:
    return alpha2_to_iso3(code, CURATED_SPECIAL)


def country_name(code: str) -> str:
    """English name for a code (the translation layer localises it later)."""
    if code in AGGREGATES:
        return AGGREGATES[code]
    if code in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name
