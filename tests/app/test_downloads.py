"""Full dataset downloads (app/downloads.py and the Sources page's download section).

Pins: the published files are exactly the manifest's pub layer, byte for byte; the CSVs hold the
parquet rows with ISO dates; each parquet explains itself in its `exile_dashboard` metadata; the
ZIP holds every table (CSV and original), the dictionary, the manifest and a README citing every
source; file names carry only our ids; every download button on the page is there under its key,
never reruns the page, and speaks the reader's language.

Expected values are read from the release files and the raw provenance sidecars, not through the
code under test."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from app import downloads, views_sources
from tests.app.i18n_checks import open_data_tables
from tests.page_registry import DASHBOARD

SOURCES = "pages/sources.py"
LOCALES = Path(__file__).resolve().parents[2] / "app" / "locales"


def pub_tables(manifest: dict) -> dict[str, dict]:
    return {name: entry for name, entry in manifest["tables"].items() if entry["layer"] == "pub"}


def parquet_tables(manifest: dict) -> dict[str, dict]:
    return {name: entry for name, entry in pub_tables(manifest).items() if entry["path"].endswith(".parquet")}


def iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame


@pytest.fixture
def served_files(monkeypatch) -> dict[str, tuple[str | None, object]]:
    """What each download button hands to Streamlit: {proto url or deferred id: (file name,
    bytes or the callable that makes them)}. AppTest discards its media manager after each run,
    so the manager's two entry points are recorded instead."""
    files: dict[str, tuple[str | None, object]] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record_add(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        url = add(self, data, mimetype, coordinates, file_name=file_name,
                  is_for_static_download=is_for_static_download)
        files[url] = (file_name, data)
        return url

    def record_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = add_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)
        files[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add", record_add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return files


def served(files: dict, button) -> tuple[str | None, object]:
    return files[button.proto.deferred_file_id or button.proto.url]


def sources_page(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page(SOURCES).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def buttons(at: AppTest) -> dict:
    return {button.key: button for button in at.get("download_button")}


# ------------------------------------------------------------------ the files
def test_published_files_are_the_manifests_pub_tables_byte_for_byte(app_data, release):
    paths, manifest = app_data
    files = downloads.published_files(release)
    assert [f.name for f in files] == list(pub_tables(manifest))
    for item in files:
        entry = manifest["tables"][item.name]
        on_disk = (paths.root / entry["path"]).read_bytes()
        assert Path(item.path) == paths.root / entry["path"]
        assert (item.rows, item.suffix) == (entry["rows"], Path(entry["path"]).suffix[1:])
        assert downloads.file_bytes(item.path) == on_disk
        assert hashlib.sha256(downloads.file_bytes(item.path)).hexdigest() == entry["sha256"]


def test_series_csv_has_the_parquet_rows_with_iso_dates(app_data, published):
    paths, manifest = app_data
    path = paths.root / manifest["tables"]["pub_series"]["path"]
    back = pd.read_csv(io.BytesIO(downloads.csv_bytes(str(path))))
    expected = iso_dates(published("pub_series"))
    assert len(back) == manifest["tables"]["pub_series"]["rows"] > 0
    assert back["period_end"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_parquet_files_carry_fields_release_sources_and_kinds(app_data, published):
    paths, manifest = app_data
    dictionary = json.loads((paths.root / manifest["tables"]["pub_metadata"]["path"]).read_text(encoding="utf-8"))
    for name, entry in parquet_tables(manifest).items():
        schema = pq.read_schema(paths.root / entry["path"])
        doc = json.loads(schema.metadata[b"exile_dashboard"])
        assert (doc["table"], doc["release"], doc["sources"]) == (name, manifest["release_id"], entry["sources"])
        described = {field["field"]: field["description"] for field in doc["fields"]}
        assert set(described) == set(schema.names) & set(dictionary["fields"]), name
        assert all(described.values()), name
        expected_files = sorted((s["source_id"], s["file"]) for s in manifest["sources"]
                                if s["source_id"] in entry["sources"])
        assert sorted((f["source_id"], f["file"]) for f in doc["source_files"]) == expected_files, name
        sidecars = {(s["source_id"], s["file"]): yaml.safe_load(
            (paths.root / f"{s['path']}.provenance.yml").read_text(encoding="utf-8")) for s in manifest["sources"]}
        for item in doc["source_files"]:
            sidecar = sidecars[(item["source_id"], item["file"])]
            assert item["url"].startswith(("https://", "http://")), item
            assert (item["url"], item["licence"], item["citation"]) == (
                sidecar["url"], sidecar["licence"], sidecar["citation"]), item

    series = published("pub_series")
    doc = json.loads(pq.read_schema(paths.root / manifest["tables"]["pub_series"]["path"]).metadata[b"exile_dashboard"])
    assert {f["field"] for f in doc["fields"]} == set(series.columns)
    assert set(doc["indicators"]) == set(series["indicator"])
    for indicator, meta in doc["indicators"].items():
        assert set(series.loc[series["indicator"] == indicator, "kind"]) == {meta["kind"]}, indicator
        assert meta["kind"] == dictionary["indicators"][indicator]["kind"] == indicator.rsplit("_", 1)[1]


def test_every_column_of_every_published_parquet_is_described(app_data):
    paths, manifest = app_data
    undescribed = {}
    for name, entry in parquet_tables(manifest).items():
        schema = pq.read_schema(paths.root / entry["path"])
        described = {field["field"] for field in json.loads(schema.metadata[b"exile_dashboard"])["fields"]}
        if set(schema.names) - described:
            undescribed[name] = sorted(set(schema.names) - described)
    assert undescribed == {}


def test_the_zip_holds_every_table_the_dictionary_and_a_readme_citing_every_source(app_data, release, published):
    paths, manifest = app_data
    fields, indicators = views_sources.field_dictionary(release), views_sources.indicator_dictionary(release)
    archive = zipfile.ZipFile(io.BytesIO(downloads.dataset_zip(
        release, downloads.dictionary_csv(fields, indicators), views_sources.dataset_readme(release))))

    expected = {"README.md", "data_dictionary.csv", "manifest.json"}
    for name, entry in pub_tables(manifest).items():
        suffix = Path(entry["path"]).suffix[1:]
        expected.add(f"{suffix}/{name}.{suffix}")
        if suffix == "parquet":
            expected.add(f"csv/{name}.csv")
    assert {"geojson/pub_boundaries_europe.geojson", "json/pub_metadata.json"} <= expected
    assert set(archive.namelist()) == expected
    for name, entry in pub_tables(manifest).items():
        suffix = Path(entry["path"]).suffix[1:]
        assert hashlib.sha256(archive.read(f"{suffix}/{name}.{suffix}")).hexdigest() == entry["sha256"], name
    assert json.loads(archive.read("manifest.json"))["release_id"] == manifest["release_id"]

    readme = archive.read("README.md").decode("utf-8")
    urls = set(published("pub_sources")["url"].dropna())
    assert urls and sorted(url for url in urls if url not in readme) == []
    assert manifest["release_id"] in readme

    dictionary = pd.read_csv(io.BytesIO(archive.read("data_dictionary.csv")))
    metadata = json.loads((paths.root / manifest["tables"]["pub_metadata"]["path"]).read_text(encoding="utf-8"))
    assert set(dictionary.loc[dictionary["entry"] == "field", "name"]) == set(metadata["fields"])
    assert set(dictionary.loc[dictionary["entry"] == "indicator", "name"]) == set(metadata["indicators"])


def test_file_names_carry_only_our_ids(app_data, release):
    _, manifest = app_data
    release_id = re.escape(manifest["release_id"])
    for item in downloads.published_files(release):
        for suffix in {item.suffix, "csv"}:
            assert re.fullmatch(rf"belarus-exiles_{item.name}_{release_id}\.{suffix}",
                                downloads.file_name(release, item.name, suffix))


# ------------------------------------------------------------------ the page
def test_sources_page_offers_every_download_without_rerunning(app_data, served_files):
    _, manifest = app_data
    at = sources_page()
    found = buttons(at)
    expected = {"download-zip", "download-dictionary"}
    for name, entry in pub_tables(manifest).items():
        expected.add(f"download-{name}-file")
        if entry["path"].endswith(".parquet"):
            expected.add(f"download-{name}-csv")
    assert {key for key in found if key and key.startswith("download-")} == expected

    # What each button serves is named belarus-exiles_<table>_<release>.<ext>, from our ids alone.
    tables = "|".join(re.escape(name) for name in [*pub_tables(manifest), "dataset", "data_dictionary"])
    pattern = rf"belarus-exiles_({tables})_{re.escape(manifest['release_id'])}\.(zip|csv|parquet|geojson|json)"
    names = {key: served(served_files, found[key])[0] for key in expected}
    assert sorted(key for key, name in names.items() if not re.fullmatch(pattern, name or "")) == []
    assert names["download-pub_series-csv"] == f"belarus-exiles_pub_series_{manifest['release_id']}.csv"
    made = served(served_files, found["download-zip"])[1]()
    assert json.loads(zipfile.ZipFile(io.BytesIO(made)).read("manifest.json"))["release_id"] == manifest["release_id"]
    # the chart cards' own CSV buttons, drawn once the reader opens a card's data (chart_card.card_tools)
    opened = buttons(open_data_tables(at))
    assert {key for key in opened if key.startswith("csv-")}, "the chart cards' own CSV buttons are on the page too"
    # on_click="ignore" is recorded in the proto as ignore_rerun (Streamlit 1.67)
    assert sorted(key for key, button in opened.items() if not button.proto.ignore_rerun) == []


def test_download_section_in_polish():
    polish = yaml.safe_load((LOCALES / "pl" / "sources.yml").read_text(encoding="utf-8"))
    at = sources_page("pl")
    assert polish["download_header"] in [header.value for header in at.header]
    found = buttons(at)
    assert found["download-zip"].proto.label == polish["download_zip"]
    assert found["download-dictionary"].proto.label == polish["download_dictionary"]
