"""Raw snapshots: exact bytes from a producer plus a provenance sidecar, never edited.

Layout: data/raw/<source>/<release_date>/<file> with <file>.provenance.yml beside it.
The build picks, per source, the newest release folder that holds every required file,
and refuses any file whose bytes do not match the sha256 in its sidecar.

A live refresh stores API answers as they came, so one table may span several JSON pages.
Its folder carries a snapshot marker (snapshot.provenance.yml, written last) that lists the
files holding each table; until the marker exists the folder holds none of the tables the
build asks for, so a half-written one is never chosen. The marker may name a file of an
earlier snapshot of the same source (a table the API does not serve), used from there unchanged.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from etl.atomic import sha256_file
from etl.yaml_io import read_yaml

SIDECAR_SUFFIX = ".provenance.yml"
SNAPSHOT_MARKER = "snapshot" + SIDECAR_SUFFIX
# A snapshot being written by a refresh sits in a hidden folder of this prefix beside the
# release folders until complete; only a killed refresh leaves one behind (the next build removes it).
INCOMING_PREFIX = ".incoming-"
# A second refresh on one day gets a time suffix; both sort after the plain date.
RELEASE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{6}Z)?$")
# Fields every sidecar must carry, so that any number can be traced to who published it.
REQUIRED_FIELDS = (
    "source_id", "file", "producer", "title", "url", "licence", "citation",
    "release", "accessed", "sha256", "bytes",
)


class RawSnapshotError(Exception):
    """A raw file is missing, has no usable sidecar, or does not match its sidecar."""


@dataclass(frozen=True)
class RawFile:
    source_id: str
    release_dir: str
    path: Path
    provenance: dict

    @property
    def sha256(self) -> str:
        return self.provenance["sha256"]


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict:
    side = sidecar_path(path)
    if not side.exists():
        raise RawSnapshotError(f"{path}: no provenance sidecar ({side.name}); raw files must carry one")
    try:
        meta = read_yaml(side) or {}
    except yaml.YAMLError as exc:
        raise RawSnapshotError(f"{side}: not valid YAML ({exc})") from exc
    missing = [field for field in REQUIRED_FIELDS if meta.get(field) in (None, "")]
    if missing:
        raise RawSnapshotError(f"{side}: missing provenance fields {', '.join(missing)}")
    return meta


def verify(raw: RawFile) -> None:
    """Refuse a file whose size or sha256 differs from its sidecar: it is not the file we cited."""
    size = raw.path.stat().st_size
    if size != int(raw.provenance["bytes"]):
        raise RawSnapshotError(
            f"{raw.path}: {size} bytes on disk but the sidecar records {raw.provenance['bytes']}; "
            "the raw file was changed or truncated. Restore it (git checkout -- data/raw) or "
            "record a new snapshot with its own sidecar."
        )
    actual = sha256_file(raw.path)
    if actual != raw.provenance["sha256"]:
        raise RawSnapshotError(
            f"{raw.path}: sha256 {actual[:12]}… does not match the sidecar's "
            f"{raw.provenance['sha256'][:12]}…; the raw file was changed. Restore it "
            "(git checkout -- data/raw) or record a new snapshot with its own sidecar."
        )


def release_dirs(raw_root: Path, source_id: str) -> list[Path]:
    folder = raw_root / source_id
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and RELEASE_DIR.match(p.name))


def read_marker(folder: Path) -> dict:
    marker = folder / SNAPSHOT_MARKER
    try:
        meta = read_yaml(marker) or {}
    except yaml.YAMLError as exc:
        raise RawSnapshotError(f"{marker}: not valid YAML ({exc})") from exc
    if not isinstance(meta.get("tables"), dict):
        raise RawSnapshotError(f"{marker}: no `tables` listing the files of the snapshot")
    return meta


def holdings(folder: Path, required: list[str]) -> dict[str, list[Path]] | None:
    """The files holding each required table in this folder, or None if one is missing."""
    if (folder / SNAPSHOT_MARKER).exists():
        tables = read_marker(folder)["tables"]
        if not all(name in tables for name in required):
            return None
        found = {name: [Path(os.path.normpath(folder / file)) for file in tables[name]] for name in required}
        outside = [p for files in found.values() for p in files if not p.is_relative_to(folder.parent)]
        if outside:
            raise RawSnapshotError(f"{folder / SNAPSHOT_MARKER}: names {outside[0]}, outside the source's folder")
    else:
        found = {name: [folder / name] for name in required}
    present = all(p.exists() and sidecar_path(p).exists() for files in found.values() for p in files)
    return found if present else None


def select_snapshot(raw_root: Path, source_id: str, required: list[str],
                    release: str | None = None) -> dict[str, RawFile]:
    """Return the newest complete snapshot of a source (or the named release), verified,
    keyed by file name (a table stored as API pages contributes one entry per page)."""
    candidates = release_dirs(raw_root, source_id)
    if release is not None:
        candidates = [p for p in candidates if p.name == release]
    complete = [(p, found) for p in candidates if (found := holdings(p, required)) is not None]
    if not complete:
        where = raw_root / source_id
        raise RawSnapshotError(
            f"no complete snapshot of '{source_id}' under {where}"
            + (f" for release {release}" if release else "")
            + f" (needs {', '.join(required)} each with a {SIDECAR_SUFFIX} sidecar)"
        )
    _, found = complete[-1]
    files = {}
    for path in (p for name in required for p in found[name]):
        raw = RawFile(source_id, path.parent.name, path, read_sidecar(path))
        verify(raw)
        files[path.name] = raw
    return files
