"""Shared fixtures: a private copy of the committed raw snapshots, and one built release.

Tests never touch data/ of the checkout: every build goes into a temporary folder.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from etl.paths import REPO_ROOT, DataPaths

RAW = REPO_ROOT / "data" / "raw"

# Property tests of the release gate draw few examples in the fast loop and many in CI
# (.ci/run sets HYPOTHESIS_PROFILE=ci); tests that fix their own max_examples keep it.
settings.register_profile("dev", max_examples=8)
settings.register_profile("ci", max_examples=40)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def copy_raw(dest: Path) -> DataPaths:
    shutil.copytree(RAW, dest / "raw")
    return DataPaths(dest)


@pytest.fixture
def raw_copy(tmp_path) -> DataPaths:
    """A writable data folder holding a copy of the raw snapshots and nothing built yet."""
    return copy_raw(tmp_path / "data")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[DataPaths, dict]:
    """One full offline build shared by read-only tests: (paths, manifest)."""
    from etl.pipeline import build

    paths = copy_raw(tmp_path_factory.mktemp("built") / "data")
    manifest = build(paths, log=lambda *_: None)
    return paths, manifest
