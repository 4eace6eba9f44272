"""Copy the sources named in etl/sources.yml from a shared data folder into data/raw,
each with a provenance sidecar (producer, licence, citation, dates, sha256, size).

Run once per new delivery: `python -m etl import-shared ../shared/data` (all sources) or
`python -m etl import-shared ../shared/data --source curated` (only the sources named). The
copies and sidecars are committed so that a fresh clone builds without the shared folder.

A raw file is never edited: a revised delivery goes into a new release folder (its
`release_date` in etl/sources.yml), and an import that would overwrite an existing raw file
with different bytes is refused.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from etl.atomic import sha256_file, write_bytes_atomic
from etl.paths import SOURCES_CATALOGUE
from etl.raw import sidecar_path
from etl.yaml_io import read_yaml

CATALOGUE_FIELDS = ("producer", "title", "url", "api_url", "licence", "licence_url", "citation",
                    "release", "release_date", "accessed", "obtained_via")


def load_catalogue(path: Path = SOURCES_CATALOGUE) -> dict:
    return read_yaml(path)


class ImportRefused(ValueError):
    """The import would change a raw file that is already stored (raw files are never edited)."""


def run(shared_data: Path, raw_root: Path, log=print, sources: list[str] | None = None) -> list[Path]:
    """Copy the files of the catalogue's sources (or only of `sources`) into raw_root."""
    catalogue = load_catalogue()
    unknown = sorted(set(sources or []) - set(catalogue))
    if unknown:
        raise ValueError(f"--source names unknown source(s) {unknown}; "
                         f"{SOURCES_CATALOGUE.name} has {sorted(catalogue)}")
    chosen = {source_id: entry for source_id, entry in catalogue.items() if not sources or source_id in sources}
    # Check everything before writing anything, so a refused import leaves data/raw as it was.
    plan = []
    for source_id, entry in chosen.items():
        release_folder = entry.get("release_date") or entry["accessed"]
        for name, description in entry["files"].items():
            src = shared_data / entry["shared_folder"] / name
            if not src.exists():
                raise FileNotFoundError(f"{src} is named in {SOURCES_CATALOGUE.name} but does not exist")
            dest = raw_root / source_id / str(release_folder) / name
            if dest.exists() and dest.read_bytes() != src.read_bytes():
                raise ImportRefused(
                    f"{dest} exists with other bytes than {src}: raw files are never edited. Give the revised "
                    f"delivery its own release_date in {SOURCES_CATALOGUE.name} so it becomes a new snapshot.")
            plan.append((source_id, entry, release_folder, name, description, src, dest))
    written = []
    for source_id, entry, release_folder, name, description, src, dest in plan:
        if dest.exists() and sidecar_path(dest).exists():
            log(f"  {source_id}/{release_folder}/{name}  already stored, unchanged")
            continue
        write_bytes_atomic(dest, src.read_bytes())
        sidecar = {
            "source_id": source_id,
            "file": name,
            "description": description,
            **{field: entry.get(field) for field in CATALOGUE_FIELDS if entry.get(field) is not None},
            "request": (entry.get("requests") or {}).get(name),
            "sha256": sha256_file(dest),
            "bytes": dest.stat().st_size,
        }
        sidecar = {key: value for key, value in sidecar.items() if value is not None}
        text = yaml.safe_dump(sidecar, sort_keys=False, allow_unicode=True, width=100)
        write_bytes_atomic(sidecar_path(dest), text.encode("utf-8"))
        log(f"  {source_id}/{release_folder}/{name}  {sidecar['bytes']:,} bytes  sha256 {sidecar['sha256'][:12]}…")
        written.append(dest)
    return written
