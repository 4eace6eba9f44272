"""Where every layer lives. One place, so tests can point a whole build at a temporary folder."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ETL_DIR = REPO_ROOT / "etl"
METADATA_DIR = ETL_DIR / "metadata"
SOURCES_CATALOGUE = ETL_DIR / "sources.yml"


@dataclass(frozen=True)
class DataPaths:
    """The data folder of one build: raw snapshots in, releases and the manifest out."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def releases(self) -> Path:
        # Each build writes a new release folder; the manifest names the current one.
        return self.root / "releases"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def lock(self) -> Path:
        # Held (flock) by a build or a refresh while it writes, so that one never cleans up
        # after another that is still running. Beside the releases: built state, not in git.
        return self.releases / ".build.lock"

    @property
    def refresh_journal(self) -> Path:
        # The snapshot folders a running refresh has written and not yet seen published; a
        # refresh killed before its build ended leaves it behind for the next build to undo.
        return self.releases / ".refresh-pending.json"


def default_data_paths() -> DataPaths:
    # EXILE_DATA_DIR lets a deployment keep built data outside the checkout.
    return DataPaths(Path(os.environ.get("EXILE_DATA_DIR", REPO_ROOT / "data")))
