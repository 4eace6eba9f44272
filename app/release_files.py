"""The published release on disk, as the serving side sees it: data/manifest.json and the files
it names, checked (present, same size, same sha256) once per manifest version.

Standard library only: the dashboard's page runs and the readiness check (`python -m app.health`)
use it without loading the ETL or its data libraries.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from etl.paths import DataPaths


@dataclass(frozen=True)
class ReleaseProblem:
    """Why the release cannot be served. `kind` names the reader's message (common.release_<kind>)."""

    kind: str  # "missing" | "unreadable" | "file_missing" | "file_changed"
    path: str  # the manifest, or the named file, relative to the data folder where possible

    def reason(self) -> str:
        """One line in English for logs and the readiness check (operators, not readers)."""
        return {
            "missing": f"no published release: {self.path} does not exist (run `python -m etl build`)",
            "unreadable": f"{self.path} is not a readable release manifest (run `python -m etl build`)",
            "file_missing": f"the release names {self.path}, which is missing (run `python -m etl build`)",
            "file_changed": f"{self.path} differs from the size or sha256 in the manifest (run `python -m etl build`)",
        }[self.kind]


def manifest_stamp(paths: DataPaths) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size) of the manifest, None if there is none: one stat() that changes
    whenever a build publishes (it replaces the manifest atomically)."""
    try:
        stat = paths.manifest.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def read_checked(paths: DataPaths) -> tuple[dict | None, ReleaseProblem | None]:
    """(manifest, None) if the release is complete and intact, else (None, the first problem)."""
    try:
        manifest = json.loads(paths.manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, ReleaseProblem("missing", str(paths.manifest))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None, ReleaseProblem("unreadable", str(paths.manifest))
    try:
        entries = [(entry["path"], int(entry["bytes"]), entry["sha256"]) for entry in manifest["tables"].values()]
        manifest["release_id"]
    except (TypeError, KeyError, AttributeError, ValueError):
        return None, ReleaseProblem("unreadable", str(paths.manifest))
    for relative, size, sha256 in entries:
        path = paths.root / relative
        if not path.is_file():
            return None, ReleaseProblem("file_missing", relative)
        if path.stat().st_size != size or _sha256(path) != sha256:
            return None, ReleaseProblem("file_changed", relative)
    return manifest, None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
