"""Builds and refreshes killed (SIGKILL) at random moments: the published release is never lost,
and the next build leaves no debris.

A bounded number of kills at random points of a run's duration (the shortest run of that kind
seen so far); the seed is in every failure message and EXILE_KILL_SEED replays it. After each kill: the manifest parses and
every file it names matches its hash. After the next build: no temporary file, no half-written
snapshot, no release folder the manifest does not name, no snapshot no manifest ever named."""
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from etl import pipeline
from etl.atomic import TEMP_NAME
from etl.paths import REPO_ROOT
from etl.raw import INCOMING_PREFIX
from tests.etl.fetch.recorded import copy_data

pytestmark = pytest.mark.slow
KILLS = 6           # runs really killed (builds and refreshes), after one uninterrupted run of each
MAX_RUNS = 3 * KILLS  # a run that finishes before its kill is checked too, but does not count
EARLIEST = 0.3      # share of an uninterrupted run before the first kill (imports write nothing)


def command(paths, kind: str, run: int) -> list[str]:
    if kind == "build":
        return [sys.executable, "-m", "etl", "--data-dir", str(paths.root), "build", "--force", "--quiet"]
    return [sys.executable, "-m", "tests.etl.kill_refresh", str(paths.root), str(run)]


def start(paths, kind: str, run: int) -> subprocess.Popen:
    return subprocess.Popen(command(paths, kind, run), cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def snapshot_folders(paths) -> set[str]:
    return {f"{source.name}/{folder.name}" for source in paths.raw.iterdir() if source.is_dir()
            for folder in source.iterdir() if folder.is_dir()}


def named_snapshots(manifest: dict) -> set[str]:
    return {f"{s['source_id']}/{s['release_dir']}" for s in manifest["sources"]}


def intact(paths, context: str) -> dict:
    manifest = json.loads(paths.manifest.read_text(encoding="utf-8"))  # parses, or the test fails here
    assert pipeline.release_is_intact(paths, manifest), f"{context}: a file of the published release changed"
    return manifest


def debris(paths, manifest: dict, published_snapshots: set[str], original: set[str]) -> list[str]:
    found = []
    for top, dirs, files in os.walk(paths.root):
        found += [os.path.join(top, d) for d in dirs if d.startswith(INCOMING_PREFIX)]
        found += [os.path.join(top, f) for f in files if TEMP_NAME.match(f)]
    kept = set(pipeline.kept_releases(paths, manifest))
    found += [f"releases/{p.name}" for p in paths.releases.iterdir() if p.is_dir() and p.name not in kept]
    found += [f"raw/{s}" for s in snapshot_folders(paths) - original - published_snapshots]
    if paths.refresh_journal.exists():
        found.append(str(paths.refresh_journal))
    return found


def test_killed_builds_and_refreshes_never_lose_the_release_nor_leave_debris(built, tmp_path):
    seed = int(os.environ.get("EXILE_KILL_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    paths = copy_data(built[0], tmp_path / "data")
    original = snapshot_folders(paths)
    published = set()

    duration = {}
    for kind in ("build", "refresh"):  # one uninterrupted run of each: it works, and how long it takes
        started = time.monotonic()
        proc = start(paths, kind, 0)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"uninterrupted {kind} failed: {err}"
        duration[kind] = time.monotonic() - started
        published |= named_snapshots(intact(paths, f"uninterrupted {kind}"))

    kills, runs = [], []
    for run in range(1, MAX_RUNS + 1):
        if len(kills) == KILLS:
            break
        kind = "refresh" if run % 3 == 0 else "build"
        delay = rng.uniform(EARLIEST, 1.05) * duration[kind]
        started = time.monotonic()
        proc = start(paths, kind, run)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)  # our own child, by its pid
        proc.communicate()
        context = f"seed {seed}, run {run}: {kind} killed after {delay:.2f} s (rc {proc.returncode})"
        runs.append(context)
        if proc.returncode == -signal.SIGKILL:
            kills.append(context)
        elif proc.returncode == 0:
            # Why: the first run's time is a guess under a loaded CI; a run that finished before its
            # kill shows how long this kind takes now, so later kills land inside the run.
            duration[kind] = min(duration[kind], time.monotonic() - started)
        manifest = intact(paths, context)
        published |= named_snapshots(manifest)

        lines = []
        manifest = pipeline.build(paths, log=lines.append)  # the next build cleans up
        intact(paths, context + ", after the next build")
        left = debris(paths, manifest, published, original)
        assert left == [], f"{context}: debris after the next build: {left}\n" + "\n".join(lines)
        assert pipeline.status(paths)[0], context

    assert len(kills) == KILLS, f"too few runs were really killed in {MAX_RUNS} runs: {runs}"
