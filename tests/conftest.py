"""Shared fixtures: a private copy of the committed raw snapshots, and one built release.

Tests never touch data/ of the checkout: every build goes into a temporary folder.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.paths import REPO_ROOT, DataPaths

RAW = REPO_ROOT / "data" / "raw"


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
