"""Cached, read-only access to the published release. The only module that reads data files.

Each table is loaded once per release and shared by every session (st.cache_resource), never
copied per session. Callers must not modify what they get: pandas' copy-on-write makes any
filtered or derived frame a copy, so ordinary use is safe.
Readers use only files named in data/manifest.json. Serving never builds (see ensure_release).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from app.i18n import t
from app.release_files import ReleaseProblem, manifest_stamp, read_checked
from etl.paths import DataPaths, default_data_paths


class NoReleaseError(RuntimeError):
    """No published release could be found or built."""


# The production switch: with EXILE_READ_ONLY=1 the app never builds. The release is built by
# `python -m etl build` before the server starts (`python -m app.health` says whether it is ready).
READ_ONLY_ENV = "EXILE_READ_ONLY"


def read_only() -> bool:
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


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
            raise NoReleaseError(f"the published release has no table {table!r}; "
                                 "rebuild with `python -m etl build`") from None


def data_paths() -> DataPaths:
    return default_data_paths()


def ensure_release(show_progress=True) -> Release:
    """Return the published release; on a page run, stop with a clear page if it cannot be served.

    The app only reads: a page run costs one stat() of data/manifest.json, and the release's files
    are checked (sha256) once per manifest version. One exception keeps a fresh clone's promise
    (`streamlit run dashboard.py` is the only command a reader needs): when there is no manifest
    at all and EXILE_READ_ONLY is not set, the first start builds the tables, once, under the
    build lock (so two first visitors never build twice), with a visible message.
    Every page starts here, so this is also where a page outside dashboard.py is sent back to it.
    """
    from app.entry import require_entrypoint
    require_entrypoint()
    paths = data_paths()
    if manifest_stamp(paths) is None and not read_only():
        first_start_build(paths, show_progress)
    manifest, problem = _checked_release(str(paths.root), manifest_stamp(paths))
    if problem is not None:
        if show_progress:  # a page run: a page that says what is wrong and what to do, not a traceback
            show_release_problem(problem)
            st.stop()
        raise NoReleaseError(problem.reason())
    assert manifest is not None  # no problem means the manifest was read
    return Release(paths, manifest)


def first_start_build(paths: DataPaths, show_progress: bool) -> None:
    """Build the release on a fresh clone. Whoever takes the build lock second finds the
    manifest the first one published and builds nothing."""
    from etl.pipeline import build, build_lock  # only here: production page runs never load the ETL
    with build_lock(paths, log=lambda *_: None):
        if manifest_stamp(paths) is not None:
            return
        if not show_progress:
            build(paths, log=lambda *_: None)
            return
        with st.status(t("common.building"), expanded=True) as box:
            build(paths, log=lambda line: box.write(line))
            box.update(label=t("common.built"), state="complete", expanded=False)


@st.cache_resource(show_spinner=False, max_entries=4)
def _checked_release(root: str, stamp: tuple[int, int, int] | None) -> tuple[dict | None, ReleaseProblem | None]:
    """The manifest and its files' check, once per manifest version: `stamp` (the manifest's
    inode, mtime and size) changes when a build publishes, and only then is the check redone."""
    return read_checked(DataPaths(Path(root)))


def show_release_problem(problem: ReleaseProblem) -> None:
    st.error(f"**{t('common.release_unavailable')}**\n\n"
             f"{t(f'common.release_{problem.kind}', path=problem.path)}\n\n"
             f"{t('common.release_fix')}", icon=":material/error:")


# Keyed by file path: every table a page reads stays loaded (a page reads up to six, the release
# has about twenty), for the current release and the one before it while readers move over.
_TABLES_KEPT = 48


@st.cache_resource(show_spinner=False, max_entries=_TABLES_KEPT)
def _parquet(path: str) -> pd.DataFrame:
    return pd.read_parquet(path)


@st.cache_resource(show_spinner=False, max_entries=_TABLES_KEPT)
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


def json_table(release: Release, name: str) -> dict:
    """A published JSON table (the metadata, a map's shapes), read once per process."""
    return _json(str(release.path(name)))


def metadata(release: Release) -> dict:
    return json_table(release, "pub_metadata")


def indicator_meta(release: Release, indicator: str) -> dict:
    return metadata(release)["indicators"][indicator]


def boundaries(release: Release, name: str = "pub_boundaries_europe") -> dict:
    """A map's shapes (GeoJSON in EPSG:3035): Europe's countries, or Poland's voivodeships."""
    return json_table(release, name)


def population(release: Release) -> pd.DataFrame:
    """Mid-year population per country and year (World Bank): the per-capita views' denominator."""
    return table(release, "pub_population")
