import shutil

import pytest
import yaml

from etl import raw
from tests.snapshots import later_folder, newest_snapshot

UNHCR_FILES = ["population.csv", "asylum_applications.csv", "asylum_decisions.csv", "countries.csv"]


def test_every_committed_raw_file_has_a_complete_sidecar_that_matches(raw_copy):
    files = [p for p in raw_copy.raw.rglob("*") if p.is_file() and not p.name.endswith(raw.SIDECAR_SUFFIX)]
    assert len(files) >= 13
    for path in files:
        meta = raw.read_sidecar(path)
        raw.verify(raw.RawFile(meta["source_id"], path.parent.name, path, meta))
        assert meta["licence"] and meta["url"].startswith("http")


def test_changed_byte_is_refused_with_a_clear_message(raw_copy):
    path = raw_copy.raw / "unhcr" / "2026-06-25" / "population.csv"
    data = bytearray(path.read_bytes())
    data[100] = ord("9") if data[100] != ord("9") else ord("8")
    path.write_bytes(bytes(data))
    with pytest.raises(raw.RawSnapshotError, match=r"population\.csv: sha256 .* does not match"):
        raw.select_snapshot(raw_copy.raw, "unhcr", UNHCR_FILES)


def test_truncated_file_is_refused(raw_copy):
    path = newest_snapshot("curated", raw_copy.raw) / "facts.csv"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(raw.RawSnapshotError, match="bytes on disk"):
        raw.select_snapshot(raw_copy.raw, "curated", ["facts.csv"])


def test_missing_sidecar_field_is_refused(raw_copy):
    side = raw.sidecar_path(newest_snapshot("curated", raw_copy.raw) / "facts.csv")
    meta = yaml.safe_load(side.read_text())
    del meta["licence"]
    side.write_text(yaml.safe_dump(meta))
    with pytest.raises(raw.RawSnapshotError, match="missing provenance fields licence"):
        raw.select_snapshot(raw_copy.raw, "curated", ["facts.csv"])


def test_newest_complete_snapshot_wins_and_incomplete_ones_are_skipped(raw_copy):
    newest = newest_snapshot("curated", raw_copy.raw)
    newer, half_written = later_folder(newest), later_folder(newest, days=30)
    shutil.copytree(newest, newer)
    half_written.mkdir()  # a half-written future snapshot: no sidecars yet
    (half_written / "facts.csv").write_text("metric_id\n")
    chosen = raw.select_snapshot(raw_copy.raw, "curated", ["facts.csv", "events.csv"])
    assert chosen["facts.csv"].release_dir == newer.name
    pinned = raw.select_snapshot(raw_copy.raw, "curated", ["facts.csv"], release=newest.name)
    assert pinned["facts.csv"].release_dir == newest.name


def test_no_snapshot_names_what_is_needed(raw_copy):
    with pytest.raises(raw.RawSnapshotError, match="no complete snapshot of 'unhcr'.*population.csv"):
        raw.select_snapshot(raw_copy.raw, "unhcr", UNHCR_FILES, release="1999-01-01")
