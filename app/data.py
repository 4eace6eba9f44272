"""Cached, read-only access to the published release. The only module that reads data files.

Each table is loaded once per release and shared by every session (st.cache_resource), never
copied per session. Callers must not modify what they get: pandas' copy-on-write makes any
filtered or derived frame a copy, so ordinary use is safe.
Readers use only files named in data/manifest.json.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.paths import DataPaths, default_data_paths


class NoReleaseError(RuntimeError):
    """No published release could be found or built."""


@dataclass(frozen=True)
class Release:
    paths: DataPaths
    manifest: dict

    @property
    def release_id(self) -> str:
        return self.manifest["release_id"]

    def path(self, table: str) -> Path:
        try:
            return self.paths.root / self.manifest["tables"][table]["path"]
        except KeyError:
            raise NoReleaseError(f"the published release has no table {table!r}; rebuild with `python -m etl build`") from None


def data_paths() -> DataPaths:
    return default_data_paths()


def ensure_release(show_progress=True) -> Release:
    """Return the current release, building it first if it is missing or stale.

    A fresh clone has only raw snapshots: the first start builds the tables (a few seconds)
    with a visible message, so `streamlit run dashboard.py` is the only command a reader needs.
    Every page starts here, so this is also where a page outside dashboard.py is sent back to it.
    """
    from app.entry import require_entrypoint
    require_entrypoint()
    paths = data_paths()
    manifest = _current_manifest(str(paths.root))
    if manifest is None:
        _build(paths, show_progress)
        _current_manifest.clear()
        manifest = _current_manifest(str(paths.root))
    if manifest is None:
        raise NoReleaseError(f"no published release in {paths.root}")
    return Release(paths, manifest)


@st.cache_resource(show_spinner=False, ttl=60)
def _current_manifest(root: str) -> dict | None:
    """The manifest if the release is current; None if it must be (re)built. Rechecked each minute."""
    from etl.pipeline import read_manifest, status
    paths = DataPaths(Path(root))
    try:
        up_to_date, _ = status(paths)
    except Exception:  # a raw-file problem: serve the last good release if there is one
        return read_manifest(paths)
    return read_manifest(paths) if up_to_date else None


def _build(paths: DataPaths, show_progress: bool) -> None:
    from etl.pipeline import build
    if not show_progress:
        build(paths, log=lambda *_: None)
        return
    with st.status("Building the published tables from the embedded raw snapshots…", expanded=True) as box:
        build(paths, log=lambda line: box.write(line))
        box.update(label="Published tables are ready.", state="complete", expanded=False)


@st.cache_resource(show_spinner=False, max_entries=4)
def _parquet(path: str) -> pd.DataFrame:
    return pd.read_parquet(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _json(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def table(release: Release, name: str) -> pd.DataFrame:
    return _parquet(str(release.path(name)))


def series(release: Release) -> pd.DataFrame:
    return table(release, "pub_series")


def facts(release: Release) -> pd.DataFrame:
    return table(release, "pub_facts")


def events(release: Release) -> pd.DataFrame:
    return table(release, "pub_events")


def sources(release: Release) -> pd.DataFrame:
    return table(release, "pub_sources")


def metadata(release: Release) -> dict:
    return _json(str(release.path("pub_metadata")))


def indicator_meta(release: Release, indicator: str) -> dict:
    return metadata(release)["indicators"][indicator]


def boundaries(release: Release) -> dict:
    return _json(str(release.path("pub_boundaries_europe")))
