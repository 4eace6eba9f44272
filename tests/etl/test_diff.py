"""The release diff and its gate: revisions and new coverage pass, losses and upheavals block."""
import json

import pandas as pd
import pytest

from etl import cli, diff, pipeline
from tests.etl.fetch.recorded import copy_data, tree


@pytest.fixture(scope="module")
def series(built) -> pd.DataFrame:
    paths, manifest = built
    return diff.read_series(paths.root / manifest["tables"]["pub_series"]["path"])


def eurostat_stock(frame):
    return frame["indicator"] == "eurostat_valid_permits_stock"


def test_identical_releases_have_no_changes(series):
    result = diff.compare_series(series, series.copy())
    assert result["blockers"] == [] and result["summary"]["changed"] == 0


def test_a_small_revision_passes_and_is_ranked(series):
    new = series.copy()
    revised = new.index[eurostat_stock(new) & (new["destination"] == "POL")][:3]
    new.loc[revised, "value"] *= 1.05
    result = diff.compare_series(series, new)
    assert result["blockers"] == []
    assert result["summary"]["changed"] == 3 and result["summary"]["changed_by_more_than_half"] == 0
    top = result["largest_changes"][0]
    assert top["destination"] == "POL" and top["relative_change"] == pytest.approx(0.05 / 2.05, abs=1e-4)


def test_a_vanished_country_blocks(series):
    new = series[~(eurostat_stock(series) & (series["destination"] == "LTU"))]
    result = diff.compare_series(series, new)
    assert any("LTU (destination of eurostat_valid_permits_stock)" in b for b in result["blockers"])
    assert result["summary"]["removed"] > 0


def test_a_new_year_passes_as_coverage(series):
    latest = series[eurostat_stock(series) & (series["period_end"] == "2025-12-31")]
    next_year = latest.assign(period_start="2026-12-31", period_end="2026-12-31")
    result = diff.compare_series(series, pd.concat([series, next_year], ignore_index=True))
    assert result["blockers"] == []
    assert result["summary"]["added"] == len(next_year)
    assert {"indicator": "eurostat_valid_permits_stock", "periods": ["2026-12-31"]} in result["new_coverage"]


def test_losing_the_latest_period_blocks(series):
    new = series[~(eurostat_stock(series) & (series["period_end"] == "2025-12-31"))]
    result = diff.compare_series(series, new)
    assert any("lost their latest period" in b for b in result["blockers"])


def test_more_than_one_percent_halved_blocks(series):
    new = series.copy()
    halved = new.index[: len(new) // 50]  # 2 % of the values drop to a third
    new.loc[halved, "value"] /= 3
    result = diff.compare_series(series, new)
    assert any("changed by more than half" in b for b in result["blockers"])
    assert result["summary"]["share_changed_by_more_than_half"] == pytest.approx(len(halved) / len(new), abs=1e-4)


def test_relative_change_is_bounded_and_symmetric():
    before, after = pd.Series([10.0, 0.0, 0.0, 100.0]), pd.Series([12.0, 5.0, 0.0, 0.0])
    assert diff.relative_change(before, after).round(4).tolist() == [0.0909, 1.0, 0.0, 1.0]


def test_first_release_has_nothing_to_compare(raw_copy):
    pipeline.build(raw_copy, log=lambda *_: None)
    summary = json.loads((raw_copy.root / diff.REPORT_JSON).read_text())
    assert summary["status"] == "first_release" and summary["published_release"] is None


def test_a_blocked_build_keeps_the_release_and_accepting_publishes(built, tmp_path, monkeypatch, capsys):
    paths = copy_data(built[0], tmp_path / "data")
    from etl.steps import pub_series
    real_build = pub_series.build

    def without_latvia(tables):
        frame = real_build(tables)
        return frame[frame["destination"] != "LVA"]

    monkeypatch.setattr(pub_series, "build", without_latvia)
    before = tree(paths)
    assert cli.main(["--data-dir", str(paths.root), "build", "--force"]) == 4
    err = capsys.readouterr().err
    assert "release blocked by the diff gate" in err and "LVA" in err and "--accept-changes" in err
    kept = {k: v for k, v in tree(paths).items() if not k.startswith("release_diff")}
    assert kept == {k: v for k, v in before.items() if not k.startswith("release_diff")}
    summary = json.loads((paths.root / diff.REPORT_JSON).read_text())
    assert summary["status"] == "blocked" and summary["vanished_countries"]
    assert "## Blocking problems" in (paths.root / diff.REPORT_MD).read_text()

    assert cli.main(["--data-dir", str(paths.root), "build", "--force", "--accept-changes"]) == 0
    accepted = json.loads((paths.root / diff.REPORT_JSON).read_text())
    assert accepted["status"] == "accepted"
    assert json.loads(paths.manifest.read_text())["release_id"] == accepted["candidate_release"]
