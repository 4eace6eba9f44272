"""Raw snapshots: exact bytes from a producer plus a provenance sidecar, never edited.

Layout: data/raw/<source>/<release_date>/<file> with <file>.provenance.yml beside it.
The build picks, per source, the newest release folder that holds every required file,
and refuses any file whose bytes do not match the sha256 in its sidecar.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from etl.atomic import sha256_file

SIDECAR_SUFFIX = ".provenance.yml"
RELEASE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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
        meta = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
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


def select_snapshot(raw_root: Path, source_id: str, required: list[str],
                    release: str | None = None) -> dict[str, RawFile]:
    """Return the newest complete snapshot of a source (or the named release), verified."""
    candidates = release_dirs(raw_root, source_id)
    if release is not None:
        candidates = [p for p in candidates if p.name == release]
    complete = [p for p in candidates
                if all((p / name).exists() and sidecar_path(p / name).exists() for name in required)]
    if not complete:
        where = raw_root / source_id
        raise RawSnapshotError(
            f"no complete snapshot of '{source_id}' under {where}"
            + (f" for release {release}" if release else "")
            + f" (needs {', '.join(required)} each with a {SIDECAR_SUFFIX} sidecar)"
        )
    chosen = complete[-1]
    files = {}
    for name in required:
        path = chosen / name
        raw = RawFile(source_id, chosen.name, path, read_sidecar(path))
        verify(raw)
        files[name] = raw
    return files
