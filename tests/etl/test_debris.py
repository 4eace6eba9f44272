"""What interrupted builds and refreshes leave behind is removed at the start of the next build,
which says so; nothing a manifest names is ever removed; builds of one folder take turns."""
import json
import shutil
import subprocess
import sys
import time
from datetime import datetime, UTC

import pytest
import responses

from etl import pipeline, raw, refresh
from tests.etl.fetch.recorded import Recorder, copy_data, serve_eurostat, serve_unhcr, tree

NEWER = "20991231T000000Z-deadbeef"  # a build killed before its commit: newer than the manifest's


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def published(built, tmp_path):
    paths, _ = built
    return copy_data(paths, tmp_path / "data")


def folders(paths) -> list[str]:
    return sorted(p.name for p in paths.releases.iterdir() if p.is_dir())


def orphan(paths, name: str):
    folder = paths.releases / name
    folder.mkdir(parents=True)
    (folder / "pub_series.parquet").write_bytes(b"half")
    return folder


def test_the_next_build_removes_debris_and_says_so(published):
    manifest = json.loads(published.manifest.read_text())
    current = manifest["release_id"]
    orphan(published, NEWER)
    temporary = [published.root / ".manifest.json.a1b2c3d4.tmp",
                 published.releases / current / ".pub_series.parquet.0f0f0f0f.tmp",
                 published.raw / "unhcr" / "2026-06-25" / ".population.csv.deadbeef.tmp"]
    for path in temporary:
        path.write_bytes(b"partial")
    incoming = published.raw / "eurostat" / f"{raw.INCOMING_PREFIX}k1ll3d"
    incoming.mkdir()
    (incoming / "migr_resvalid_BY.json").write_bytes(b"{")
    # A refresh killed mid-build: its complete snapshot, never judged by the gate, is journalled.
    unjudged = published.raw / "unhcr" / "2026-12-01"
    shutil.copytree(published.raw / "unhcr" / "2026-06-25", unjudged)
    published.refresh_journal.write_text(json.dumps({"snapshots": ["raw/unhcr/2026-12-01"]}))
    keep = [published.root / "notes.tmp", published.raw / "unhcr" / "2026-06-25" / "README.md.tmp"]
    for path in keep:
        path.write_bytes(b"not ours")

    lines = []
    again = pipeline.build(published, log=lines.append)
    assert again["release_id"] == current and any("Nothing changed" in line for line in lines)
    cleaned = next(line for line in lines if line.startswith("Cleaned up after an interrupted build or refresh"))
    assert f"releases/{NEWER}/" in cleaned and "raw/unhcr/2026-12-01/" in cleaned
    assert folders(published) == [current]
    assert not any(path.exists() for path in [*temporary, incoming, unjudged, published.refresh_journal])
    assert all(path.exists() for path in keep)
    assert published.manifest.read_text() == json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    assert pipeline.status(published)[0]

    lines.clear()
    pipeline.build(published, log=lines.append)
    assert not any(line.startswith("Cleaned up") for line in lines)  # nothing left: nothing said


def test_releases_the_manifest_names_are_kept(published):
    manifest = json.loads(published.manifest.read_text())
    current = manifest["release_id"]
    older = ["20000101T000000Z-00000001", "20000102T000000Z-00000002"]
    for name in older:
        orphan(published, name)
    manifest["previous_releases"] = older[::-1]
    published.manifest.write_text(json.dumps(manifest))
    orphan(published, NEWER)
    orphan(published, "20000103T000000Z-00000003")  # older, but no manifest names it
    removed = pipeline.clean_debris(published, manifest, log=lambda *_: None)
    assert sorted(removed) == ["releases/20000103T000000Z-00000003/", f"releases/{NEWER}/"]
    assert folders(published) == sorted([*older, current])


def test_a_manifest_without_previous_releases_keeps_the_older_folders(published):
    manifest = json.loads(published.manifest.read_text())
    del manifest["previous_releases"]  # written before the key existed
    names = ["20000101T000000Z-00000001", "20000102T000000Z-00000002", "20000103T000000Z-00000003", NEWER]
    for name in names:
        orphan(published, name)
    pipeline.clean_debris(published, manifest, log=lambda *_: None)
    assert folders(published) == sorted([*names[1:3], manifest["release_id"]])


def test_without_a_manifest_no_release_folder_is_touched(raw_copy):
    orphan(raw_copy, NEWER)
    (raw_copy.releases / ".x.json.12345678.tmp").write_bytes(b"")
    assert pipeline.clean_debris(raw_copy, None, log=lambda *_: None) == ["releases/.x.json.12345678.tmp"]
    assert folders(raw_copy) == [NEWER]


def test_a_journalled_snapshot_the_manifest_names_stays(published):
    manifest = json.loads(published.manifest.read_text())
    published.refresh_journal.write_text(json.dumps({"snapshots": [
        "raw/unhcr/2026-06-25", "raw/../releases", "../outside", "raw/unhcr"]}))
    before = tree(published)
    assert pipeline.clean_debris(published, manifest, log=lambda *_: None) == []
    assert not published.refresh_journal.exists()
    assert tree(published) == {k: v for k, v in before.items() if k != "releases/.refresh-pending.json"}


def test_a_refresh_journals_each_snapshot_before_it_appears(published, rsps, monkeypatch):
    seen = []
    real_rename = refresh.write_snapshot.__globals__["os"].rename

    def rename(src, dst):
        journal = json.loads(published.refresh_journal.read_text())["snapshots"]
        seen.append((str(dst.relative_to(published.root)), journal))
        return real_rename(src, dst)

    monkeypatch.setattr("etl.fetch.snapshot.os.rename", rename)
    serve_unhcr(rsps)
    serve_eurostat(rsps)
    recorder = Recorder()
    refresh.run(published, client=recorder.client, now=datetime(2026, 11, 25, tzinfo=UTC),
                log=recorder.lines.append)
    assert seen == [("raw/unhcr/2026-11-25", ["raw/unhcr/2026-11-25"]),
                    ("raw/eurostat/2026-11-25", ["raw/unhcr/2026-11-25", "raw/eurostat/2026-11-25"])]
    assert not published.refresh_journal.exists()


HOLD = """
import fcntl, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.mark.skipif(pipeline.fcntl is None, reason="flock is POSIX")
def test_builds_of_one_folder_take_turns(published):
    published.lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(published.lock), "1.0"], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        lines, started = [], time.monotonic()
        with pipeline.build_lock(published, lines.append) as exclusive:
            waited = time.monotonic() - started
            with pipeline.build_lock(published, lines.append) as nested:  # a refresh around its build
                assert exclusive and not nested
        assert waited >= 0.5 and lines == [f"Waiting for another build of {published.root} to finish …"]
    finally:
        holder.kill()
        holder.wait()
