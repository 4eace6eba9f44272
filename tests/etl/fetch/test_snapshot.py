"""Snapshots written by a refresh: all or nothing, never edited, and picked by the build only
when complete."""
from datetime import datetime, UTC

import pytest

from etl import raw
from etl.fetch.snapshot import FetchedSource, RawDocument, write_snapshot
from etl.import_shared import load_catalogue

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
PROVENANCE = {"citation": "Refugee Population Statistics Database, UNHCR", "release": "API as served on 2026-11-25"}


def pages(*bodies, table="population.csv"):
    return [RawDocument(f"population.p{n:03d}.json", table, body, PROVENANCE) for n, body in enumerate(bodies, 1)]


def fetched(*bodies):
    return FetchedSource("unhcr", pages(*bodies), {"countries.csv": ["../2026-06-25/countries.csv"]})


def write(raw_copy, source, when=NOW):
    return write_snapshot(raw_copy.raw, source, load_catalogue()["unhcr"], when)


def test_pages_and_carried_table_are_selected_as_one_snapshot(raw_copy):
    folder = write(raw_copy, fetched(b'{"items": []}', b'{"items": [1]}'))
    assert folder.name == "2026-11-25" and (folder / raw.SNAPSHOT_MARKER).exists()
    chosen = raw.select_snapshot(raw_copy.raw, "unhcr", ["population.csv", "countries.csv"])
    assert sorted(chosen) == ["countries.csv", "population.p001.json", "population.p002.json"]
    assert chosen["countries.csv"].release_dir == "2026-06-25"
    assert chosen["population.p002.json"].provenance["table"] == "population.csv"
    assert (folder / "population.p002.json").read_bytes() == b'{"items": [1]}'


def test_identical_answers_write_nothing_and_a_second_change_the_same_day_gets_its_own_folder(raw_copy):
    first = write(raw_copy, fetched(b"1"))
    assert write(raw_copy, fetched(b"1")) is None
    second = write(raw_copy, fetched(b"2"), NOW.replace(hour=15))
    assert (first.name, second.name) == ("2026-11-25", "2026-11-25T153000Z")
    chosen = raw.select_snapshot(raw_copy.raw, "unhcr", ["population.csv"])
    assert chosen["population.p001.json"].release_dir == "2026-11-25T153000Z"


def test_a_folder_without_its_marker_is_never_chosen(raw_copy):
    folder = write(raw_copy, fetched(b"1"))
    (folder / raw.SNAPSHOT_MARKER).unlink()  # as if the refresh had died before the last write
    chosen = raw.select_snapshot(raw_copy.raw, "unhcr", ["population.csv", "countries.csv"])
    assert {r.release_dir for r in chosen.values()} == {"2026-06-25"}


def test_a_failed_write_leaves_no_trace(raw_copy, monkeypatch):
    before = sorted(p.name for p in (raw_copy.raw / "unhcr").iterdir())

    def broken(*_):
        raise OSError("disk full")

    monkeypatch.setattr("etl.fetch.snapshot.os.rename", broken)
    with pytest.raises(OSError, match="disk full"):
        write(raw_copy, fetched(b"1"))
    assert sorted(p.name for p in (raw_copy.raw / "unhcr").iterdir()) == before


def test_a_marker_may_not_point_outside_its_source(raw_copy):
    source = FetchedSource("unhcr", pages(b"1"), {"countries.csv": ["../../eurostat/2026-07-09/migr_resvalid_BY.json"]})
    write(raw_copy, source)
    with pytest.raises(raw.RawSnapshotError, match="outside the source's folder"):
        raw.select_snapshot(raw_copy.raw, "unhcr", ["population.csv", "countries.csv"])
