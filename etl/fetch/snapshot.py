"""Write checked API answers into data/raw as a new dated snapshot, all or nothing.

Files and sidecars go into a hidden folder beside the snapshots; the snapshot marker is written
last and the folder is renamed into place only then, so a failed or interrupted refresh leaves
data/raw as it was. Answers identical to the newest snapshot write nothing at all.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from etl.atomic import sha256_bytes, write_bytes_atomic
from etl.fetch.http import Answer
from etl.raw import (INCOMING_PREFIX, SNAPSHOT_MARKER, RawSnapshotError, read_marker, read_sidecar, release_dirs,
                     sidecar_path)

CATALOGUE_FIELDS = ("producer", "title", "url", "api_url", "licence", "licence_url")


@dataclass(frozen=True)
class RawDocument:
    name: str          # file name in the snapshot
    table: str         # the table the build asks for; the pages of one table share it
    body: bytes        # exactly as received
    provenance: dict   # request, retrieval and upstream fields for the sidecar


@dataclass(frozen=True)
class FetchedSource:
    source_id: str
    documents: list[RawDocument]
    # table → files of an earlier snapshot (relative to the new folder) for tables the API lacks
    carried: dict[str, list[str]] = field(default_factory=dict)

    def tables(self) -> dict[str, list[str]]:
        tables: dict[str, list[str]] = {}
        for doc in self.documents:
            tables.setdefault(doc.table, []).append(doc.name)
        return {**tables, **self.carried}


def answer_provenance(answer: Answer, params: list[tuple[str, str]]) -> dict:
    """What the sidecar records about the request and the answer."""
    return {
        "request": {"url": answer.url, "params": [list(pair) for pair in params]},
        "retrieved": answer.retrieved_at,
        "http_status": answer.status,
        "etag": answer.headers.get("ETag"),
        "last_modified": answer.headers.get("Last-Modified"),
        "attempts": answer.attempts,
    }


def is_unchanged(source_dir: Path, fetched: FetchedSource) -> bool:
    """True when the newest snapshot holds exactly these files with exactly these bytes."""
    folders = release_dirs(source_dir.parent, source_dir.name)
    if not folders or not (folders[-1] / SNAPSHOT_MARKER).exists():
        return False
    newest = folders[-1]
    try:
        if read_marker(newest)["tables"] != fetched.tables():
            return False
        return all(read_sidecar(newest / doc.name)["sha256"] == sha256_bytes(doc.body) for doc in fetched.documents)
    except RawSnapshotError:
        return False


def free_folder(source_dir: Path, retrieved: datetime) -> Path:
    folder = source_dir / retrieved.strftime("%Y-%m-%d")
    if folder.exists():  # a second refresh on one day
        folder = source_dir / retrieved.strftime("%Y-%m-%dT%H%M%SZ")
    if folder.exists():
        raise FileExistsError(f"{folder} already exists")
    return folder


def write_snapshot(raw_root: Path, fetched: FetchedSource, catalogue_entry: dict, retrieved: datetime,
                   before_rename: Callable[[Path], None] | None = None) -> Path | None:
    """Write a new snapshot folder and return it, or None when upstream has not changed.
    `before_rename(folder)` is told the final folder just before it appears (the refresh
    journals it, so that a refresh killed later can be undone by the next build)."""
    source_dir = raw_root / fetched.source_id
    if is_unchanged(source_dir, fetched):
        return None
    source_dir.mkdir(parents=True, exist_ok=True)
    # The name does not look like a release date, so the build never picks it up half-written.
    incoming = Path(tempfile.mkdtemp(prefix=INCOMING_PREFIX, dir=source_dir))
    try:
        os.chmod(incoming, 0o755)
        for doc in fetched.documents:
            path = incoming / doc.name
            sidecar = {
                "source_id": fetched.source_id, "file": doc.name, "table": doc.table,
                **{key: catalogue_entry[key] for key in CATALOGUE_FIELDS if catalogue_entry.get(key)},
                "accessed": retrieved.strftime("%Y-%m-%d"),
                "obtained_via": "python -m etl refresh: live API request, bytes stored as received",
                **{key: value for key, value in doc.provenance.items() if value is not None},
                "sha256": write_bytes_atomic(path, doc.body),
                "bytes": len(doc.body),
            }
            write_bytes_atomic(sidecar_path(path), dump(sidecar))
        marker = {
            "source_id": fetched.source_id,
            "retrieved": retrieved.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "written_by": "python -m etl refresh",
            "tables": fetched.tables(),
        }
        write_bytes_atomic(incoming / SNAPSHOT_MARKER, dump(marker))  # last: the folder is complete
        folder = free_folder(source_dir, retrieved)
        if before_rename is not None:
            before_rename(folder)
        os.rename(incoming, folder)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    return folder


def dump(data: dict) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")
