"""Run the build: verify raw snapshots, run the steps, enforce schemas, publish a release.

Publishing is all-or-nothing. Every file of a build goes into a new release folder
(data/releases/<id>/) with atomic writes, and the manifest (data/manifest.json) is replaced
last: until that single rename, readers keep seeing the previous release, whatever fails.
A build whose inputs (raw bytes, ETL code, metadata) match the manifest's fingerprint is
skipped without importing pandas, which keeps a no-change rebuild well under a second.
"""
from __future__ import annotations

import ast
import hashlib
import importlib
import json
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from etl.atomic import sha256_file, write_bytes_atomic, write_json_atomic
from etl.paths import ETL_DIR, DataPaths
from etl.raw import RawFile, select_snapshot
from etl.steps import STEP_MODULES

MANIFEST_VERSION = 1
KEEP_RELEASES = 3  # the current release and two before it, for comparison and rollback


class BuildError(Exception):
    """The build stopped; the previous release is untouched."""


@dataclass
class StepDeclaration:
    module: str
    inputs: dict
    outputs: list[str]


def declarations() -> list[StepDeclaration]:
    """Read each step's INPUTS/OUTPUTS from its source without importing it (imports are slow)."""
    found = []
    for module in STEP_MODULES:
        path = ETL_DIR.parent / (module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        values = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if node.targets[0].id in ("INPUTS", "OUTPUTS"):
                    values[node.targets[0].id] = ast.literal_eval(node.value)
        found.append(StepDeclaration(module, values.get("INPUTS", {}), values.get("OUTPUTS", [])))
    return found


def required_raw(steps: list[StepDeclaration]) -> dict[str, list[str]]:
    needed: dict[str, list[str]] = {}
    for step in steps:
        for source_id, files in step.inputs.get("raw", {}).items():
            needed.setdefault(source_id, [])
            needed[source_id] += [f for f in files if f not in needed[source_id]]
    return needed


def lineage(steps: list[StepDeclaration]) -> dict[str, list[str]]:
    """table name → the raw sources it is derived from."""
    sources: dict[str, set[str]] = {}
    for step in steps:
        from_raw = set(step.inputs.get("raw", {}))
        for table in step.inputs.get("tables", []):
            from_raw |= sources.get(table, set())
        for output in step.outputs:
            sources[output] = from_raw
    return {name: sorted(value) for name, value in sources.items()}


def code_digest() -> str:
    """Hash of the ETL code and metadata: a change to either makes the release stale."""
    digest = hashlib.sha256()
    for path in sorted(ETL_DIR.rglob("*")):
        if path.suffix in (".py", ".yml", ".yaml") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ETL_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(raw_files: list[RawFile]) -> str:
    payload = {
        "raw": sorted((r.source_id, r.release_dir, r.path.name, r.sha256) for r in raw_files),
        "code": code_digest(),
        "manifest_version": MANIFEST_VERSION,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def select_raw(paths: DataPaths, steps, releases: dict[str, str] | None = None) -> list[RawFile]:
    releases = releases or {}
    unknown = set(releases) - set(required_raw(steps))
    if unknown:
        raise BuildError(f"--raw-release names unknown source(s) {sorted(unknown)}")
    files = []
    for source_id, names in required_raw(steps).items():
        files += select_snapshot(paths.raw, source_id, names, releases.get(source_id)).values()
    return files


def read_manifest(paths: DataPaths) -> dict | None:
    try:
        return json.loads(paths.manifest.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def release_is_intact(paths: DataPaths, manifest: dict) -> bool:
    for entry in manifest.get("tables", {}).values():
        path = paths.root / entry["path"]
        if not path.exists() or path.stat().st_size != entry["bytes"] or sha256_file(path) != entry["sha256"]:
            return False
    return True


def status(paths: DataPaths, releases: dict[str, str] | None = None) -> tuple[bool, str]:
    """(up_to_date, reason). Cheap: hashes files, imports no data libraries."""
    steps = declarations()
    raw_files = select_raw(paths, steps, releases)
    manifest = read_manifest(paths)
    if manifest is None:
        return False, "no published release yet"
    if manifest.get("fingerprint") != fingerprint(raw_files):
        return False, "raw data, ETL code or metadata changed since the last build"
    if not release_is_intact(paths, manifest):
        return False, "a published file is missing or was changed"
    return True, f"release {manifest['release_id']} is up to date"


@dataclass
class BuildContext:
    raw: dict[tuple[str, str], RawFile]
    tables: dict[str, object] = field(default_factory=dict)

    def raw_path(self, source_id: str, name: str) -> Path:
        return self.raw[(source_id, name)].path

    def raw_files(self) -> list[RawFile]:
        return list(self.raw.values())

    def table(self, name: str):
        if name not in self.tables:
            raise BuildError(f"table {name} requested before any step produced it")
        return self.tables[name]


def build(paths: DataPaths, force: bool = False, releases: dict[str, str] | None = None,
          log=print, accept_changes: bool = False) -> dict:
    """Build and publish a release; return the manifest. Raises BuildError (or a schema or
    snapshot error) without touching the current release; the diff gate raises ReleaseBlocked
    (a BuildError) on a suspicious change unless `accept_changes`."""
    started = time.perf_counter()
    steps = declarations()
    raw_files = select_raw(paths, steps, releases)
    log(f"Verified {len(raw_files)} raw files (sha256 matches their provenance sidecars)")
    current = read_manifest(paths)
    fp = fingerprint(raw_files)
    if not force and current and current.get("fingerprint") == fp and release_is_intact(paths, current):
        log(f"Nothing changed: release {current['release_id']} is up to date "
            f"({time.perf_counter() - started:.2f} s). Use --force to rebuild anyway.")
        return current

    from etl import diff, metadata, publish  # data libraries load only when there is work to do

    ctx = BuildContext({(r.source_id, r.path.name): r for r in raw_files})
    for number, step in enumerate(steps, 1):
        t0 = time.perf_counter()
        module = importlib.import_module(step.module)
        outputs = module.run(ctx)
        if set(outputs) != set(step.outputs):
            raise BuildError(f"{step.module} returned {sorted(outputs)} but declares {sorted(step.outputs)}")
        ctx.tables.update(outputs)
        log(f"[{number}/{len(steps)}] {step.module.rsplit('.', 1)[-1]:<16} "
            f"{', '.join(step.outputs)}  ({time.perf_counter() - t0:.2f} s)")

    indicators = metadata.load_indicators()
    built_at = datetime.now(timezone.utc)
    release_id = built_at.strftime("%Y%m%dT%H%M%SZ") + "-" + fp[:8]
    release_dir = paths.releases / release_id
    try:
        tables = publish.write_release(ctx.tables, indicators, release_dir, paths.root, lineage(steps), raw_files)
        diff.gate(paths, current, tables, release_id, accept_changes, log)  # compare before publishing
    except BaseException:
        # A failed build leaves no half-written release behind; the manifest still names the old one.
        shutil.rmtree(release_dir, ignore_errors=True)
        raise
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "release_id": release_id,
        "built_at": built_at.isoformat(timespec="seconds"),
        "fingerprint": fp,
        "python": sys.version.split()[0],
        "sources": [
            {"source_id": r.source_id, "release_dir": r.release_dir, "file": r.path.name,
             "path": str(r.path.relative_to(paths.root)) if r.path.is_relative_to(paths.root) else str(r.path),
             "sha256": r.sha256, "release": r.provenance.get("release"),
             "release_date": r.provenance.get("release_date"), "accessed": r.provenance.get("accessed")}
            for r in sorted(raw_files, key=lambda r: (r.source_id, r.path.name))
        ],
        "tables": tables,
    }
    write_json_atomic(paths.manifest, manifest)  # the commit point
    prune_releases(paths, keep=release_id)
    log(f"Published release {release_id}: {len(tables)} files, "
        f"{sum(t['rows'] or 0 for t in tables.values()):,} rows ({time.perf_counter() - started:.2f} s)")
    return manifest


def prune_releases(paths: DataPaths, keep: str) -> None:
    if not paths.releases.is_dir():
        return
    folders = sorted(p for p in paths.releases.iterdir() if p.is_dir())
    stale = [p for p in folders[:-KEEP_RELEASES] if p.name != keep]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["build", "status", "BuildError", "write_bytes_atomic"]
