"""Mappings kept as data (etl/metadata/<name>.yml), not as Python: metric-id prefixes of the
curated facts, Polish row and column labels of the UdSC report. Adding an indicator or a new
label is an entry in a YAML file; a value the data use that no entry covers stops the build
with an error that names the file to edit.
"""
from __future__ import annotations

from functools import cache

import pandas as pd

from etl.paths import METADATA_DIR
from etl.yaml_io import read_yaml


class MappingError(ValueError):
    """The data use a label or prefix that the mapping file does not list."""


def mapping_path(name: str):
    return METADATA_DIR / f"{name}.yml"


@cache
def load_mapping(name: str) -> dict:
    """etl/metadata/<name>.yml as a dict; every leaf a string (a category code, an indicator stem)."""
    path = mapping_path(name)
    content = read_yaml(path)
    if not isinstance(content, dict) or not content:
        raise MappingError(f"{path.relative_to(METADATA_DIR.parents[1])}: expected a mapping of entries")
    return content


def section(name: str, key: str) -> dict[str, str]:
    """One table of a mapping file (e.g. udsc_labels.yml → document_types), label → code."""
    entries = load_mapping(name).get(key)
    if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
        raise MappingError(f"{describe(name)}: `{key}` must map labels to codes")
    return {str(label): code for label, code in entries.items()}


def describe(name: str) -> str:
    return f"etl/metadata/{name}.yml"


def map_every(labels: pd.Series, name: str, key: str) -> pd.Series:
    """Map every label through the file's `key` table; a label it lacks is an error naming the file,
    never a silent null category."""
    entries = section(name, key)
    unknown = sorted(set(labels.dropna()) - set(entries))
    if unknown:
        raise MappingError(f"{describe(name)}: no entry under `{key}` for {unknown}; add each label with "
                           "its code (and the code's label in app/locales/<lang>/ if readers see it)")
    return labels.map(entries)
