"""End to end: build into a temporary folder and trace published values back to the raw files."""
import json
import os

import pandas as pd
import pytest

from etl import atomic, pipeline
from etl.atomic import sha256_file
from etl.raw import RawSnapshotError
from etl.schemas import SchemaViolation
from tests.snapshots import later_folder, newest_snapshot


def quiet(*_):
    pass


def release_folders(paths) -> list[str]:
    return sorted(p.name for p in paths.releases.iterdir() if p.is_dir())


def published(paths, manifest, name):
    return pd.read_parquet(paths.root / manifest["tables"][name]["path"])


def value(series, indicator, origin, destination, end, category="total", unit=None):
    rows = series[(series.indicator == indicator) & (series.origin == origin) & (series.destination == destination)
                  & (series.period_end == pd.Timestamp(end)) & (series.category == category)]
    if unit:
        rows = rows[rows.unit == unit]
    assert len(rows) == 1, rows
    return rows["value"].item()


def test_manifest_names_every_file_with_matching_hash(built):
    paths, manifest = built
    expected = {"pub_series", "pub_facts", "pub_estimates", "pub_events", "pub_claims", "pub_sources", "pub_boundaries_europe",
                "pub_metadata", "pub_population", "clean_worldbank__population", "pub_boundaries_poland", "clean_unhcr__population", "clean_eurostat__resvalid", "clean_udsc__report_tables"}
    assert expected <= set(manifest["tables"])
    for entry in manifest["tables"].values():
        path = paths.root / entry["path"]
        assert sha256_file(path) == entry["sha256"]
        assert entry["path"].startswith(f"releases/{manifest['release_id']}/")
    assert manifest["tables"]["pub_series"]["sources"] == ["curated", "eurostat", "udsc", "unhcr"]
    assert manifest["tables"]["pub_boundaries_poland"]["sources"] == ["gugik", "udsc"]
    assert {s["source_id"] for s in manifest["sources"]} == {"unhcr", "eurostat", "udsc", "curated", "naturalearth",
                                                                   "worldbank", "gugik"}


def test_published_values_match_the_raw_files(built):
    paths, manifest = built
    series = published(paths, manifest, "pub_series")
    # UNHCR sanity figures (PROVENANCE.md): refugees / asylum seekers from Belarus in Poland
    assert value(series, "unhcr_refugees_stock", "BLR", "POL", "2024-12-31") == 10_035
    assert value(series, "unhcr_asylum_seekers_stock", "BLR", "POL", "2025-12-31") == 2_883
    assert value(series, "unhcr_under_mandate_stock", "BLR", "POL", "2025-12-31") == 11_425 + 2_883
    assert value(series, "unhcr_asylum_applications_flow", "BLR", "POL", "2024-12-31", "new", "persons") == 3_637
    assert value(series, "unhcr_recognition_rate_ratio", "BLR", "POL", "2022-12-31", "total_protection") == \
        round(100 * (174 + 3474) / (174 + 3474 + 29), 1)
    # Eurostat sanity table
    assert value(series, "eurostat_valid_permits_stock", "BLR", "POL", "2022-12-31") == 301_611
    assert value(series, "eurostat_first_permits_flow", "BLR", "LTU", "2019-12-31") == 7_121
    assert value(series, "eurostat_valid_permits_stock", "BLR", "EU27_2020", "2024-12-31") == 386_834
    # Office for Foreigners report and curated figures
    assert value(series, "udsc_residence_documents_stock", "BLR", "POL", "2026-01-01") == 144_219
    assert value(series, "udsc_pbh_visas_cumulative", "BLR", "POL", "2025-12-31") == 210_223
    assert value(series, "lt_security_threat_flow", "BLR", "LTU", "2024-12-31") == 598


def test_stocks_and_flows_never_share_an_indicator(built):
    paths, manifest = built
    series = published(paths, manifest, "pub_series")
    kinds = series.groupby("indicator")["kind"].nunique()
    assert (kinds == 1).all()
    assert all(ind.endswith("_" + kind) for ind, kind in series.groupby("indicator")["kind"].first().items())


def test_no_change_rebuild_is_skipped(built):
    paths, manifest = built
    again = pipeline.build(paths, log=quiet)
    assert again["release_id"] == manifest["release_id"]
    assert pipeline.status(paths) == (True, f"release {manifest['release_id']} is up to date")


def test_corrupted_raw_file_stops_the_build_and_keeps_the_release(built_copy):
    raw_copy, first = built_copy
    before = raw_copy.manifest.read_bytes()
    target = raw_copy.raw / "eurostat" / "2026-07-09" / "migr_resfirst_BY.json"
    target.write_bytes(target.read_bytes().replace(b"54107", b"54108"))
    with pytest.raises(RawSnapshotError, match="migr_resfirst_BY.json: sha256"):
        pipeline.build(raw_copy, force=True, log=quiet)
    assert raw_copy.manifest.read_bytes() == before
    assert release_folders(raw_copy) == [first["release_id"]]


def test_replace_failing_mid_build_leaves_previous_manifest_and_files_intact(built_copy, monkeypatch):
    raw_copy, first = built_copy
    before = raw_copy.manifest.read_bytes()
    hashes = {name: sha256_file(raw_copy.root / e["path"]) for name, e in first["tables"].items()}
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 5:  # somewhere in the middle of writing the release
            raise OSError("simulated failure")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky_replace)
    with pytest.raises(OSError, match="simulated failure"):
        pipeline.build(raw_copy, force=True, log=quiet)
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert raw_copy.manifest.read_bytes() == before
    for name, entry in first["tables"].items():
        assert sha256_file(raw_copy.root / entry["path"]) == hashes[name]
    assert release_folders(raw_copy) == [first["release_id"]]  # the failed one is gone
    assert pipeline.status(raw_copy)[0]


def test_schema_violation_publishes_nothing(raw_copy, monkeypatch):
    from etl.steps import pub_series

    real_build = pub_series.build

    def negative(tables):
        frame = real_build(tables)
        frame.loc[0, "value"] = -1.0
        return frame

    monkeypatch.setattr(pub_series, "build", negative)
    with pytest.raises(SchemaViolation, match=r"(?s)pub_series: .*greater_than_or_equal_to.*fact_id="):
        pipeline.build(raw_copy, log=quiet)
    assert not raw_copy.manifest.exists()
    assert not raw_copy.releases.exists() or release_folders(raw_copy) == []


def test_a_changed_input_makes_the_release_stale(built_copy):
    raw_copy, _ = built_copy
    newest = newest_snapshot("curated", raw_copy.raw)
    extra = later_folder(newest)
    extra.mkdir()
    for path in newest.iterdir():
        (extra / path.name).write_bytes(path.read_bytes())
    up_to_date, reason = pipeline.status(raw_copy)
    assert not up_to_date and "changed" in reason
    manifest = pipeline.build(raw_copy, log=quiet)
    assert {s["release_dir"] for s in manifest["sources"] if s["source_id"] == "curated"} == {extra.name}


@pytest.mark.slow  # several builds: in CI and on demand (-m slow)
def test_old_releases_are_pruned(raw_copy):
    ids = [pipeline.build(raw_copy, force=True, log=quiet)["release_id"] for _ in range(pipeline.KEEP_RELEASES + 1)]
    assert release_folders(raw_copy) == sorted(ids[1:])
    manifest = json.loads(raw_copy.manifest.read_text())
    assert manifest["previous_releases"] == [ids[2], ids[1]]  # newest first: kept for comparison and rollback


def test_parquet_carries_field_descriptions_and_sources(built):
    import pyarrow.parquet as pq
    paths, manifest = built
    meta = pq.read_schema(paths.root / manifest["tables"]["pub_series"]["path"]).metadata
    doc = json.loads(meta[b"exile_dashboard"])
    assert doc["table"] == "pub_series" and "unhcr" in doc["sources"]
    assert any(f["field"] == "kind" and "Never add" in f["description"] for f in doc["fields"])
    assert doc["release"] == manifest["release_id"]
    unhcr = [f for f in doc["source_files"] if f["source_id"] == "unhcr"]
    assert unhcr and all(f["url"].startswith("https://") and f["licence"] and f["citation"] for f in unhcr)
    assert doc["indicators"]["unhcr_under_mandate_stock"]["kind"] == "stock"


# The mirror hosts the curated delivery of 2026-11-25 linked for six figures (unrelated-looking
# domains and cloudfront addresses); the revised delivery links the publishers' own pages.
OLD_MIRROR_HOSTS = {"aianalyticsweb.com", "mstagmanager.com", "zerka1o-browse.xyz",
                    "d3ocw5hokzud4a.cloudfront.net", "d3rebrwga7u6ai.cloudfront.net"}


def test_no_published_link_points_at_a_mirror_host(built):
    from urllib.parse import urlsplit
    paths, manifest = built
    checked = 0
    for name, entry in manifest["tables"].items():
        if entry["layer"] != "pub" or not entry["path"].endswith(".parquet"):
            continue
        frame = pd.read_parquet(paths.root / entry["path"])
        for column in [c for c in frame.columns if c == "url" or c.endswith("_url")]:
            hosts = {urlsplit(url).hostname for url in frame[column].dropna()}
            assert not hosts & OLD_MIRROR_HOSTS, f"{name}.{column} links {hosts & OLD_MIRROR_HOSTS}"
            assert not any(host.endswith(".cloudfront.net") for host in hosts), f"{name}.{column}"
            checked += len(frame[column].dropna())
    assert checked > 100
    facts = published(paths, manifest, "pub_facts").set_index("fact_id")
    assert facts.at["LT_STOCK_BY_20260101", "source_url"].startswith("https://pozirk.online/")  # backs a headline
    curated = {s["release_dir"] for s in manifest["sources"] if s["source_id"] == "curated"}
    assert curated == {newest_snapshot("curated").name}  # the build reads the newest delivery
