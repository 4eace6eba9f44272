"""Indicator metadata: one YAML file per indicator in etl/metadata/indicators/.

Captions, the data dictionary and the Sources page are generated from these files, so every
caveat is written once. The build refuses an indicator without metadata, or metadata whose
kind or unit disagrees with the published rows.
"""
from __future__ import annotations

from pathlib import Path

from etl.paths import METADATA_DIR
from etl.schemas import KINDS, UNITS
from etl.yaml_io import read_yaml

INDICATOR_DIR = METADATA_DIR / "indicators"
REQUIRED = ("title", "description", "unit", "kind", "source_ids", "licence", "note", "update_period")


class MetadataError(ValueError):
    pass


def load_indicators(folder: Path = INDICATOR_DIR) -> dict[str, dict]:
    indicators = {}
    for path in sorted(folder.glob("*.yml")):
        meta = read_yaml(path) or {}
        missing = [key for key in REQUIRED if not meta.get(key)]
        if missing:
            raise MetadataError(f"{path.name}: missing {', '.join(missing)}")
        if meta["kind"] not in KINDS:
            raise MetadataError(f"{path.name}: kind {meta['kind']!r} not one of {KINDS}")
        units = meta["unit"] if isinstance(meta["unit"], list) else [meta["unit"]]
        if not set(units) <= set(UNITS):
            raise MetadataError(f"{path.name}: unit {units} not among {UNITS}")
        if not path.stem.endswith("_" + meta["kind"]):
            raise MetadataError(f"{path.name}: indicator ids end in their kind (…_{meta['kind']})")
        indicators[path.stem] = {"id": path.stem, **meta, "unit": units}
    return indicators


def check_series(series, indicators: dict[str, dict]) -> None:
    """Every published indicator is described, and described truthfully."""
    problems = []
    # The distinct combinations first: iterating 31,000 rows of text columns cost ~1 s per build.
    distinct = series[["indicator", "kind", "unit", "source_id"]].drop_duplicates()
    for indicator, rows in distinct.groupby("indicator"):
        meta = indicators.get(indicator)
        if meta is None:
            problems.append(f"{indicator}: no metadata file etl/metadata/indicators/{indicator}.yml")
            continue
        if set(rows["kind"]) != {meta["kind"]}:
            problems.append(f"{indicator}: rows are {sorted(set(rows['kind']))}, metadata says {meta['kind']}")
        if not set(rows["unit"]) <= set(meta["unit"]):
            problems.append(f"{indicator}: rows in {sorted(set(rows['unit']))}, metadata allows {meta['unit']}")
        if not set(rows["source_id"]) <= set(meta["source_ids"]):
            problems.append(f"{indicator}: rows from {sorted(set(rows['source_id']))}, "
                            f"metadata names {meta['source_ids']}")
    if problems:
        raise MetadataError("indicator metadata does not match pub_series:\n  - " + "\n  - ".join(problems))
