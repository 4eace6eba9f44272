"""Which raw snapshot the build reads, so tests never pin a snapshot folder's date."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from etl.paths import REPO_ROOT
from etl.raw import release_dirs

RAW = REPO_ROOT / "data" / "raw"


def newest_snapshot(source_id: str, raw_root: Path = RAW) -> Path:
    """The snapshot folder the build picks for a source: the newest."""
    return release_dirs(raw_root, source_id)[-1]


def later_folder(folder: Path, days: int = 1) -> Path:
    """A sibling snapshot folder dated `days` after `folder`, so it sorts after it."""
    return folder.with_name((date.fromisoformat(folder.name[:10]) + timedelta(days=days)).isoformat())
