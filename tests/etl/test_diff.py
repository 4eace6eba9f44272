"""The release diff and its gate: revisions and new coverage pass, losses and upheavals block."""
import json

import pandas as pd
import pytest

from etl import cli, diff
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
    assert any("lost its latest period" in b for b in result["blockers"])


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


def test_first_release_has_nothing_to_compare(built):
    paths, _ = built  # the session's release: the first build of an empty data folder
    summary = json.loads((paths.root / diff.REPORT_JSON).read_text())
    assert summary["status"] == "first_release" and summary["published_release"] is None


@pytest.mark.slow  # several builds: in CI and on demand (-m slow)
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


# ---------------------------------------------------------------- per-series gate
def blocked_keys(result, accepted=False) -> list[str]:
    return diff.decide({**result, "status": None}, diff.Acceptance.of(accepted))["unaccepted_keys"]


def checks(result, key) -> set[str]:
    return {f["check"] for f in result["findings"] if f["key"] == key}


def test_a_collapse_under_one_percent_of_the_table_blocks_per_series(series):
    # The case that was published: every UNHCR count of Belarusians in Poland 60 % lower, ~240 rows.
    new = series.copy()
    hit = (new["source_id"] == "unhcr") & (new["destination"] == "POL") & (new["origin"] == "BLR") \
        & (new["unit"] != "percent")
    new.loc[hit, "value"] *= 0.4
    result = diff.compare_series(series, new)
    assert hit.sum() / len(series) < diff.MAX_BIG_CHANGE_SHARE  # the old global test let it through
    assert "many_halved" not in {f["check"] for f in result["findings"]}
    assert "unhcr_under_mandate_stock/POL" in blocked_keys(result)
    assert {"revision", "latest_fell"} <= checks(result, "unhcr_under_mandate_stock/POL")
    headline = next(f for f in result["findings"] if f["check"] == "latest_fell"
                    and f["key"] == "unhcr_under_mandate_stock/POL" and f["origin"] == "BLR")
    assert (headline["before"], headline["after"], headline["period_end"]) == (14_308, pytest.approx(5_723.2),
                                                                              "2025-12-31")
    assert all(key.endswith("/POL") for key in blocked_keys(result))


def test_a_single_absurd_value_blocks_as_implausible(series):
    new = series.copy()
    row = new.index[eurostat_stock(new) & (new["destination"] == "DEU") & (new["period_end"] == "2019-12-31")][0]
    new.loc[row, "value"] = 9.9e9
    result = diff.compare_series(series, new)
    finding = next(f for f in result["findings"] if f["check"] == "implausible")
    assert finding["key"] == "eurostat_valid_permits_stock/DEU" and finding["after"] == 9.9e9
    assert finding["ceiling"] == diff.ORIGIN_POPULATION["BLR"] and finding["period_end"] == "2019-12-31"
    assert {"revision", "break"} <= checks(result, "eurostat_valid_permits_stock/DEU")
    assert blocked_keys(result) == ["eurostat_valid_permits_stock/DEU"]


def test_a_percentage_above_100_is_implausible_even_in_a_first_release(series):
    new = series.copy()
    new.loc[new.index[new["unit"] == "percent"][0], "value"] = 140.0
    assert [f["check"] for f in diff.check_first_release(new)] == ["implausible"]
    assert diff.check_first_release(series) == []


def test_a_sixty_percent_drop_in_eurostat_polish_permits_blocks(series):
    new = series.copy()
    new.loc[eurostat_stock(new) & (new["destination"] == "POL"), "value"] *= 0.4
    result = diff.compare_series(series, new)
    assert blocked_keys(result) == ["eurostat_valid_permits_stock/POL"]
    revision = next(f for f in result["findings"] if f["check"] == "revision")
    assert revision["values"] == (eurostat_stock(series) & (series["destination"] == "POL")).sum()
    assert revision["change"] == pytest.approx(-0.6)
    assert blocked_keys(result, ["eurostat_valid_permits_stock/POL"]) == []
    assert blocked_keys(result, "eurostat_valid_permits_stock") == []  # the whole indicator
    assert blocked_keys(result, "*/pol") == []                          # every indicator for Poland
    assert blocked_keys(result, "eurostat_valid_permits_stock/LTU") == ["eurostat_valid_permits_stock/POL"]


def next_year(series, indicator, destination, factor):
    rows = series[(series["indicator"] == indicator) & (series["destination"] == destination)
                  & (series["period_end"] == "2025-12-31") & (series["origin"] == "BLR")]
    added = rows.assign(period_start="2026-12-31", period_end="2026-12-31", value=rows["value"] * factor)
    return pd.concat([series, added], ignore_index=True)


def test_a_new_year_that_breaks_the_series_blocks(series):
    result = diff.compare_series(series, next_year(series, "unhcr_under_mandate_stock", "POL", 5))
    finding = next(f for f in result["findings"] if f["check"] == "break")
    assert (finding["previous_period_end"], finding["period_end"]) == ("2025-12-31", "2026-12-31")
    assert (finding["before"], finding["after"]) == (14_308, 71_540)
    assert blocked_keys(result) == ["unhcr_under_mandate_stock/POL"]


def test_a_new_latest_figure_below_half_blocks(series):
    result = diff.compare_series(series, next_year(series, "unhcr_under_mandate_stock", "POL", 0.45))
    assert checks(result, "unhcr_under_mandate_stock/POL") == {"latest_fell"}


def test_ordinary_growth_and_small_counts_pass(series):
    grown = diff.compare_series(series, next_year(series, "unhcr_under_mandate_stock", "POL", 1.3))
    assert grown["findings"] == [] and grown["summary"]["added"] == 1
    new = series.copy()
    small = new.index[(new["unit"] == "persons") & new["value"].between(10, 40)][:50]
    new.loc[small, "value"] *= 2  # doubled, but by fewer than MIN_COUNT_CHANGE people each
    assert diff.compare_series(series, new)["findings"] == []


def test_breaks_already_published_do_not_trigger_again(series):
    # Poland 2021 → 2022 is in the published series; revising 2021 by 1 % is no new break.
    new = series.copy()
    new.loc[eurostat_stock(new) & (new["destination"] == "POL") & (new["period_end"] == "2021-12-31"), "value"] *= 1.01
    assert diff.compare_series(series, new)["findings"] == []


def test_acceptance_names():
    accept = diff.Acceptance.of(["unhcr_under_mandate_stock/pol,eurostat_valid_permits_stock", "*/LTU"])
    assert accept.names == {"unhcr_under_mandate_stock/POL", "eurostat_valid_permits_stock", "*/LTU"}
    assert accept.accepts("unhcr_under_mandate_stock/POL") and not accept.accepts("unhcr_under_mandate_stock/DEU")
    assert accept.accepts("eurostat_valid_permits_stock/DEU") and accept.accepts("unhcr_refugees_stock/LTU")
    assert diff.Acceptance.of(True).everything and diff.Acceptance.of(["all"]).everything
    assert not diff.Acceptance.of(False).accepts("x/POL") and not diff.Acceptance.of(None).accepts("x/POL")
    many = {"check": "many_halved", "key": "*", "keys": ["a/POL", "b/POL"]}
    assert diff.Acceptance.of("*/POL").covers(many) and not diff.Acceptance.of("a/POL").covers(many)
    with pytest.raises(ValueError, match="INDICATOR/COUNTRY"):
        diff.Acceptance.of("unhcr stock/POL")


def test_the_report_keeps_the_keys_the_sources_page_reads(built, tmp_path):
    paths = copy_data(built[0], tmp_path / "data")
    current = json.loads(paths.manifest.read_text())
    report = diff.gate(paths, current, current["tables"], "candidate", log=lambda *_: None)
    assert report["status"] == "published" and report["findings"] == []
    stored = json.loads((paths.root / diff.REPORT_JSON).read_text())
    assert {"added", "removed", "changed", "changed_by_more_than_half"} <= set(stored["summary"])
    assert {"status", "published_release", "candidate_release", "vanished_categories", "findings"} <= set(stored)


def shrink_polish_permits(monkeypatch, factor=0.4):
    from etl.steps import pub_series
    real_build = pub_series.build

    def shrunk(tables):
        frame = real_build(tables)
        hit = (frame["indicator"] == "eurostat_valid_permits_stock") & (frame["destination"] == "POL")
        return frame.assign(value=frame["value"].where(~hit, frame["value"] * factor))

    monkeypatch.setattr(pub_series, "build", shrunk)


@pytest.mark.slow  # several builds: in CI and on demand (-m slow)
def test_changes_are_accepted_by_name_from_the_command_line(built, tmp_path, monkeypatch, capsys):
    paths = copy_data(built[0], tmp_path / "data")
    shrink_polish_permits(monkeypatch)
    data = ["--data-dir", str(paths.root), "build", "--force"]
    assert cli.main([*data, "--accept-changes", "eurostat_valid_permits_stock/LTU"]) == 4
    out, err = capsys.readouterr()
    assert "--accept-changes eurostat_valid_permits_stock/LTU matches no finding" in out
    assert err.count("\n") == 1 and "eurostat_valid_permits_stock/POL:" in err
    assert "--accept-changes eurostat_valid_permits_stock/POL (or --accept-changes all)" in err
    report = json.loads((paths.root / diff.REPORT_JSON).read_text())
    assert report["status"] == "blocked" and report["unaccepted_keys"] == ["eurostat_valid_permits_stock/POL"]
    findings = [f for f in report["findings"] if f["check"] == "revision"]
    assert findings[0]["indicator"] == "eurostat_valid_permits_stock" and findings[0]["destination"] == "POL"
    assert findings[0]["before"] > findings[0]["after"] > 0 and findings[0]["period_end"]
    md = (paths.root / diff.REPORT_MD).read_text()
    assert "## Findings per series" in md and "`eurostat_valid_permits_stock/POL`" in md and "**no**" in md

    assert cli.main([*data, "--accept-changes", "eurostat_valid_permits_stock/POL"]) == 0
    report = json.loads((paths.root / diff.REPORT_JSON).read_text())
    assert report["status"] == "accepted" and all(f["accepted"] for f in report["findings"])
    assert report["accepted"] == ["eurostat_valid_permits_stock/POL"]
    assert json.loads(paths.manifest.read_text())["release_id"] == report["candidate_release"]


def test_a_malformed_name_is_a_usage_error(raw_copy, capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["--data-dir", str(raw_copy.root), "build", "--accept-changes", "unhcr stock/POL"])
    assert caught.value.code == 2 and "INDICATOR/COUNTRY" in capsys.readouterr().err
