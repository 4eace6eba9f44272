"""The full published dataset as files a reader can take away: every published table as CSV and
as the parquet file of the release (which carries its field descriptions, source citations and
licences in its metadata), the data dictionary, and all of it in one ZIP with a README.

Files are prepared only when a download button is clicked (Streamlit's deferred downloads), in
a server thread without the reader's session: whatever depends on the reader's language (the
dictionary) is computed in the page run and handed over as finished text.
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from app import data

DOWNLOAD_PREFIX = "belarus-exiles"


@dataclass(frozen=True)
class PublishedFile:
    name: str            # table name in the manifest, e.g. pub_series
    path: str            # absolute path of the release file
    rows: int
    description: str
    suffix: str          # parquet, geojson or json


def published_files(release: data.Release) -> list[PublishedFile]:
    files = []
    for name, entry in release.manifest["tables"].items():
        if entry["layer"] != "pub":
            continue
        path = release.paths.root / entry["path"]
        files.append(PublishedFile(name, str(path), entry["rows"], entry.get("description", ""), path.suffix[1:]))
    return files


def file_name(release: data.Release, name: str, suffix: str) -> str:
    """belarus-exiles_<table>_<release>.<suffix>: our own ids only, so a file names its release."""
    return f"{DOWNLOAD_PREFIX}_{name}_{release.release_id}.{suffix}"


@lru_cache(maxsize=32)
def file_bytes(path: str) -> bytes:
    """The release file exactly as published (its sha256 is the manifest's)."""
    with open(path, "rb") as handle:
        return handle.read()


@lru_cache(maxsize=32)
def csv_bytes(path: str) -> bytes:
    """A parquet table as UTF-8 CSV, dates as ISO dates, no index."""
    frame = pd.read_parquet(path)
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame.to_csv(index=False).encode("utf-8")


def dictionary_csv(fields: pd.DataFrame, indicators: pd.DataFrame) -> bytes:
    """One CSV: the fields of the tables, then every indicator, with a column saying which."""
    table = pd.concat([fields.assign(entry="field").rename(columns={"field": "name"}),
                       indicators.assign(entry="indicator").rename(columns={"indicator": "name"})],
                      ignore_index=True)
    ordered = ["entry", "name"] + [c for c in table.columns if c not in ("entry", "name")]
    return table[ordered].to_csv(index=False).encode("utf-8")


def dataset_zip(release: data.Release, dictionary: bytes, readme: str) -> bytes:
    """Every published table as CSV and in its release format, the dictionary, the manifest and
    a README (what the files are, how to cite them, their licences)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme)
        archive.writestr("data_dictionary.csv", dictionary)
        archive.writestr("manifest.json", json.dumps(release.manifest, indent=2, ensure_ascii=False))
        for item in published_files(release):
            archive.writestr(f"{item.suffix}/{item.name}.{item.suffix}", file_bytes(item.path))
            if item.suffix == "parquet":
                archive.writestr(f"csv/{item.name}.csv", csv_bytes(item.path))
    return buffer.getvalue()
