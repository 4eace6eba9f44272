"""import-shared: a delivery becomes a new raw snapshot with sidecars; --source limits it to the
sources named; a stored raw file is never overwritten with other bytes."""
from __future__ import annotations

import shutil

import pytest

from etl import cli, import_shared
from etl.raw import read_sidecar, release_dirs, sidecar_path
from tests.snapshots import newest_snapshot


@pytest.fixture
def shared(tmp_path):
    """A shared data folder holding the catalogue's curated and udsc files (copied from data/raw)."""
    catalogue = import_shared.load_catalogue()
    folder = tmp_path / "shared"
    for source_id in ("curated", "udsc"):
        (folder / catalogue[source_id]["shared_folder"]).mkdir(parents=True)
        for name in catalogue[source_id]["files"]:
            shutil.copy(newest_snapshot(source_id) / name, folder / catalogue[source_id]["shared_folder"] / name)
    return folder


def test_source_limits_the_import_to_the_named_source(shared, tmp_path):
    raw = tmp_path / "raw"
    written = import_shared.run(shared, raw, log=lambda *_: None, sources=["curated"])
    catalogue = import_shared.load_catalogue()
    assert sorted(p.name for p in written) == sorted(catalogue["curated"]["files"])
    assert [p.name for p in raw.iterdir()] == ["curated"]  # udsc is in the delivery but was not asked for
    folder = raw / "curated" / catalogue["curated"]["release_date"]
    for name in catalogue["curated"]["files"]:
        meta = read_sidecar(folder / name)
        assert meta["release_date"] == catalogue["curated"]["release_date"] and meta["source_id"] == "curated"


def test_an_unknown_source_is_refused(shared, tmp_path, capsys):
    assert cli.main(["--data-dir", str(tmp_path), "import-shared", str(shared), "--source", "nosuch"]) == 2
    assert "unknown source(s) ['nosuch']" in capsys.readouterr().err
    assert not (tmp_path / "raw").exists()


def test_a_stored_raw_file_is_never_overwritten_with_other_bytes(shared, tmp_path):
    raw = tmp_path / "raw"
    import_shared.run(shared, raw, log=lambda *_: None, sources=["curated"])
    facts = shared / "curated" / "facts.csv"
    facts.write_bytes(facts.read_bytes() + b"\n")  # a revised delivery under the same release date
    stored = newest_snapshot("curated", raw) / "facts.csv"
    before = stored.read_bytes(), sidecar_path(stored).read_bytes()
    with pytest.raises(import_shared.ImportRefused, match="raw files are never edited"):
        import_shared.run(shared, raw, log=lambda *_: None, sources=["curated"])
    assert (stored.read_bytes(), sidecar_path(stored).read_bytes()) == before
    assert len(release_dirs(raw, "curated")) == 1


def test_a_repeated_import_leaves_stored_files_and_sidecars_alone(shared, tmp_path):
    raw = tmp_path / "raw"
    import_shared.run(shared, raw, log=lambda *_: None, sources=["curated"])
    stored = newest_snapshot("curated", raw) / "events.csv"
    sidecar_before = sidecar_path(stored).read_bytes()
    assert import_shared.run(shared, raw, log=lambda *_: None, sources=["curated"]) == []
    assert sidecar_path(stored).read_bytes() == sidecar_before
