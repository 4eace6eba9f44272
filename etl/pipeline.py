"""Run the build: verify raw snapshots, run the steps, enforce schemas, publish a release.

Publishing is all-or-nothing. Every file of a build goes into a new release folder
(data/releases/<id>/) with atomic writes, and the manifest (data/manifest.json) is replaced
last: until that single rename, readers keep seeing the previous release, whatever fails.
A build whose inputs (raw bytes, ETL code, metadata) match the manifest's fingerprint is
skipped without importing pandas, which keeps a no-change rebuild well under a second.

A build killed at the wrong moment (power cut, OOM killer, Ctrl-C twice) cannot damage the
published release, but it leaves debris: a release folder no manifest names, temporary files
of the atomic writers, a half-written snapshot of a refresh, or a refresh's snapshot that was
never judged by the diff gate. Each build starts by removing exactly those (clean_debris, under
the data folder's lock, so never what another running build is writing) and says what it removed.
The manifest names the current release and the ones kept before it (`previous_releases`);
nothing a manifest names is ever removed.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib
import json
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path

from etl.atomic import TEMP_NAME, sha256_file, write_bytes_atomic, write_json_atomic
from etl.errors import BuildError
from etl.paths import ETL_DIR, DataPaths
from etl.raw import INCOMING_PREFIX, RawFile, select_snapshot
from etl.steps import STEP_MODULES

try:
    import fcntl
except ImportError:  # not POSIX: builds are serialised within a process only, and clean up nothing
    fcntl = None  # type: ignore[assignment]

MANIFEST_VERSION = 1
KEEP_RELEASES = 3  # the current release and two before it, for comparison and rollback


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
    files: list[RawFile] = []
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


# ------------------------------------------------------------------ lock and debris
_THREAD_LOCKS: dict[str, threading.RLock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()
_HELD = threading.local()


@contextlib.contextmanager
def build_lock(paths: DataPaths, log=print):
    """Hold the data folder's lock: one build or refresh writes into a folder at a time, across
    processes (flock on data/releases/.build.lock, which the kernel releases even when the holder
    is killed) and across threads (the dashboard builds in a server thread). Re-entrant within a
    thread, so a refresh can hold it around its own build. Yields True for the outermost holder
    that really holds the lock: only that one may clean up debris."""
    key = str(paths.root.resolve())
    with _THREAD_LOCKS_GUARD:
        thread_lock = _THREAD_LOCKS.setdefault(key, threading.RLock())
    depth = getattr(_HELD, "depth", None)
    if depth is None:
        depth = _HELD.depth = {}
    with thread_lock:
        if depth.get(key):
            depth[key] += 1
            try:
                yield False
            finally:
                depth[key] -= 1
            return
        handle = None
        try:
            paths.lock.parent.mkdir(parents=True, exist_ok=True)
            handle = open(paths.lock, "a+b")
        except OSError:
            pass  # a read-only data folder: nothing can be written, nor cleaned up
        try:
            if handle is not None and fcntl is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    log(f"Waiting for another build of {paths.root} to finish …")
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            depth[key] = 1
            try:
                yield handle is not None and fcntl is not None  # without flock, clean up nothing
            finally:
                depth[key] = 0
        finally:
            if handle is not None:
                handle.close()  # closing releases the flock


def kept_releases(paths: DataPaths, manifest: dict | None) -> list[str]:
    """The release folders a manifest names: its own and the ones kept before it. A manifest
    written before `previous_releases` existed keeps the folders older than its release (the
    timestamped ids sort by build time; a newer folder can only be a build that never published)."""
    if manifest is None:
        return []
    current = manifest["release_id"]
    if "previous_releases" in manifest:
        return [current, *manifest["previous_releases"]]
    older = sorted((p.name for p in paths.releases.iterdir() if p.is_dir() and p.name < current),
                   reverse=True) if paths.releases.is_dir() else []
    return [current, *older[:KEEP_RELEASES - 1]]


def clean_debris(paths: DataPaths, manifest: dict | None, log=print) -> list[str]:
    """Remove what interrupted builds and refreshes left behind and no manifest names; return
    the removed paths (relative to the data folder). Call only while holding build_lock."""
    removed: list[str] = []

    def remove(path: Path) -> None:
        folder = path.is_dir() and not path.is_symlink()
        try:
            shutil.rmtree(path) if folder else path.unlink()
        except FileNotFoundError:
            return
        removed.append(str(path.relative_to(paths.root)) + ("/" if folder else ""))

    # 1. Snapshots of a refresh that was killed before its build ended: the gate never judged them.
    journal = read_journal(paths)
    if journal is not None:
        named = {(s["source_id"], s["release_dir"]) for s in (manifest or {}).get("sources", [])}
        raw = paths.raw.resolve()
        for relative in journal:
            folder = (paths.root / relative).resolve()
            inside = folder.is_relative_to(raw) and len(folder.relative_to(raw).parts) == 2  # raw/<source>/<dir>
            if inside and folder.is_dir() and (folder.parent.name, folder.name) not in named:
                remove(paths.raw / folder.parent.name / folder.name)
        paths.refresh_journal.unlink(missing_ok=True)
    # 2. Release folders no manifest names: a build killed before its commit, or a prune cut short.
    if manifest is not None and paths.releases.is_dir():
        kept = set(kept_releases(paths, manifest))
        kept |= {Path(entry["path"]).parts[1] for entry in manifest.get("tables", {}).values()
                 if Path(entry["path"]).parts[:1] == ("releases",)}
        for folder in sorted(paths.releases.iterdir()):
            if folder.is_dir() and folder.name not in kept:
                remove(folder)
    # 3. Temporary files of the atomic writers and half-written snapshot folders, anywhere.
    for top, dirs, files in os.walk(paths.root):
        here = Path(top)
        for name in [d for d in dirs if d.startswith(INCOMING_PREFIX)]:
            dirs.remove(name)
            remove(here / name)
        for name in files:
            if TEMP_NAME.match(name):
                remove(here / name)
    if removed:
        shown = ", ".join(removed[:6]) + (f" and {len(removed) - 6} more" if len(removed) > 6 else "")
        log(f"Cleaned up after an interrupted build or refresh: removed {shown}")
    return removed


def read_journal(paths: DataPaths) -> list[str] | None:
    try:
        journal = json.loads(paths.refresh_journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return []  # unreadable (killed mid-write cannot happen: it is written atomically); drop it
    folders = journal.get("snapshots") if isinstance(journal, dict) else None
    return [str(f) for f in folders] if isinstance(folders, list) else []


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
          log=print, accept_changes=False) -> dict:
    """Build and publish a release; return the manifest. Raises BuildError (or a schema or
    snapshot error) without touching the current release; the diff gate raises ReleaseBlocked
    (a BuildError) on a suspicious change unless accepted: `accept_changes` is True (accept
    everything) or names (`indicator/COUNTRY`, see etl/diff.py)."""
    with build_lock(paths, log) as exclusive:
        if exclusive:
            clean_debris(paths, read_manifest(paths), log)
        return _build(paths, force, releases, log, accept_changes)


def _build(paths: DataPaths, force: bool, releases: dict[str, str] | None, log, accept_changes) -> dict:
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
    while True:
        built_at = datetime.now(UTC)
        release_id = built_at.strftime("%Y%m%dT%H%M%SZ") + "-" + fp[:8]
        release_dir = paths.releases / release_id
        if not release_dir.exists():
            break
        time.sleep(0.2)  # two builds of the same inputs within one second: never write into a release
    try:
        tables = publish.write_release(ctx.tables, indicators, release_dir, paths.root, lineage(steps), raw_files)
        diff.gate(paths, current, tables, release_id, accept_changes, log)  # compare before publishing
    except BaseException:
        # A failed build leaves no half-written release behind; the manifest still names the old one.
        shutil.rmtree(release_dir, ignore_errors=True)
        raise
    kept = [r for r in kept_releases(paths, current) if (paths.releases / r).is_dir()]
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
        # Published before this one and kept for comparison and rollback, newest first.
        "previous_releases": kept[:KEEP_RELEASES - 1],
    }
    write_json_atomic(paths.manifest, manifest)  # the commit point
    prune_releases(paths, manifest)
    log(f"Published release {release_id}: {len(tables)} files, "
        f"{sum(t['rows'] or 0 for t in tables.values()):,} rows ({time.perf_counter() - started:.2f} s)")
    return manifest


def prune_releases(paths: DataPaths, manifest: dict) -> None:
    """Remove every release folder the new manifest does not name (it names KEEP_RELEASES)."""
    if not paths.releases.is_dir():
        return
    kept = set(kept_releases(paths, manifest))
    for folder in sorted(paths.releases.iterdir()):
        if folder.is_dir() and folder.name not in kept:
            shutil.rmtree(folder, ignore_errors=True)


__all__ = ["build", "status", "BuildError", "build_lock", "clean_debris", "write_bytes_atomic"]
