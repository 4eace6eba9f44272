"""`python -m etl refresh` end to end, on recorded answers: snapshot, rebuild, diff, and the
promise that a refused fetch or a blocked release changes nothing."""
import json
from datetime import datetime, UTC

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NameResolutionError

from etl import cli, raw, refresh
from etl.diff import ReleaseBlocked
from etl.fetch import eurostat, unhcr
from tests.etl.fetch.recorded import (Recorder, copy_data, dumps, eurostat_doc, serve_eurostat, serve_unhcr,
                                      tree)

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
REPORTS = ("release_diff.md", "release_diff.json")


@pytest.fixture
def published(built, tmp_path):
    paths, _ = built
    return copy_data(paths, tmp_path / "data")


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def run(paths, recorder, **kwargs):
    return refresh.run(paths, client=recorder.client, now=NOW, log=recorder.lines.append, **kwargs)


def without_reports(files: dict) -> dict:
    return {name: sha for name, sha in files.items() if name not in REPORTS}


def report(paths) -> dict:
    return json.loads((paths.root / "release_diff.json").read_text())


def test_refresh_snapshots_the_answers_rebuilds_and_reports(published, rsps):
    recorder = Recorder()
    before = tree(published)
    old_release = json.loads(published.manifest.read_text())["release_id"]
    serve_unhcr(rsps)
    serve_eurostat(rsps)
    manifest = run(published, recorder)

    assert manifest["release_id"] != old_release
    assert all(tree(published).get(name) == sha for name, sha in before.items() if name.startswith("raw/"))
    unhcr_dir, eurostat_dir = (published.raw / source / "2026-11-25" for source in ("unhcr", "eurostat"))
    marker = raw.read_marker(unhcr_dir)
    assert marker["tables"]["population.csv"] == [f"population.p00{n}.json" for n in range(1, 5)]
    assert marker["tables"]["countries.csv"] == ["../2026-06-25/countries.csv"]  # not served by the API
    assert sorted(raw.read_marker(eurostat_dir)["tables"]) == sorted(q.file for q in eurostat.QUERIES)
    for path in [*unhcr_dir.glob("*.json"), *eurostat_dir.glob("*.json")]:
        meta = raw.read_sidecar(path)  # every provenance field the build requires
        raw.verify(raw.RawFile(meta["source_id"], path.parent.name, path, meta))
        assert meta["request"]["url"].startswith("https://") and meta["retrieved"] == meta["retrieved"][:19] + "Z"
    page = raw.read_sidecar(unhcr_dir / "population.p001.json")
    assert (page["page"], page["pages"], page["rows"], page["http_status"]) == (1, 4, 1000, 200)
    assert raw.read_sidecar(eurostat_dir / "migr_resvalid_BY.json")["updated"] == "2026-07-09T23:00:00+0200"

    used = {(s["source_id"], s["release_dir"], s["file"]) for s in manifest["sources"]}
    assert ("unhcr", "2026-11-25", "asylum_decisions.p005.json") in used
    assert ("unhcr", "2026-06-25", "countries.csv") in used
    # The API pages carry the same figures as the embedded CSV: the published numbers agree.
    diff = report(published)
    assert diff["status"] == "published" and diff["blockers"] == []
    assert (diff["summary"]["added"], diff["summary"]["removed"], diff["summary"]["changed"]) == (0, 0, 0)
    assert any("page 4/4" in line for line in recorder.lines)  # progress while it runs

    again = Recorder()
    serve_unhcr(rsps)
    serve_eurostat(rsps)
    assert run(published, again)["release_id"] == manifest["release_id"]
    assert sum("upstream unchanged" in line for line in again.lines) == 2
    assert sorted(p.name for p in (published.raw / "unhcr").iterdir()) == ["2026-06-25", "2026-11-25"]


def test_no_network_fails_fast_and_changes_nothing(published, rsps, capsys):
    cause = NameResolutionError("api.unhcr.org", None, "[Errno -2] Name or service not known")
    rsps.get(unhcr.API + "population/", body=requests.ConnectionError(MaxRetryError(None, "/", cause)))
    before = tree(published)
    assert cli.main(["--data-dir", str(published.root), "refresh"]) == 5
    err = capsys.readouterr().err
    assert err.startswith("Refresh failed: cannot reach api.unhcr.org: the name does not resolve (no network?)")
    assert err.rstrip().endswith("nothing was changed")
    assert len(rsps.calls) == 1 and tree(published) == before


def test_one_refused_source_means_no_snapshot_at_all(published, rsps):
    recorder = Recorder()
    serve_unhcr(rsps)
    rsps.get(eurostat.API + "migr_resvalid", status=404,
             body=b'{"error":{"status":404,"id":100,"label":"No results found"}}')
    before = tree(published)
    with pytest.raises(refresh.RefreshError, match=r"has no such dataset .*; nothing was changed"):
        run(published, recorder)
    assert tree(published) == before


def without_poland(doc: dict) -> dict:
    """The answer with every Polish cell gone, as if Eurostat had dropped Poland."""
    geo = doc["dimension"]["geo"]["category"]["index"]
    years = doc["size"][doc["id"].index("time")]
    polish = {str(geo["PL"] * years + t) for t in range(years)}
    doc["value"] = {k: v for k, v in doc["value"].items() if k not in polish}
    doc["status"] = {k: v for k, v in doc["status"].items() if k not in polish}
    return doc


@pytest.mark.slow  # several builds: in CI and on demand (-m slow)
def test_the_gate_blocks_a_vanished_country_until_accepted(published, rsps):
    blocked = without_poland(eurostat_doc("migr_resvalid_BY.json"))
    serve_eurostat(rsps, {"migr_resvalid_BY.json": dumps(blocked)})
    before = tree(published)
    with pytest.raises(ReleaseBlocked, match=r"POL \(destination of eurostat_valid_permits_stock\)"):
        run(published, Recorder(), sources=["eurostat"])
    assert without_reports(tree(published)) == without_reports(before)  # the snapshot went, the release stayed
    assert report(published)["status"] == "blocked"
    assert "Blocking problems" in (published.root / "release_diff.md").read_text()

    serve_eurostat(rsps, {"migr_resvalid_BY.json": dumps(blocked)})
    manifest = run(published, Recorder(), sources=["eurostat"], accept_changes=True)
    assert report(published)["status"] == "accepted"
    assert {s["release_dir"] for s in manifest["sources"] if s["source_id"] == "eurostat"} == {"2026-11-25"}
