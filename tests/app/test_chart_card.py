"""Chart card helpers: markdown escaping, the source line, the exported table, the conflicts list."""
from __future__ import annotations

import pandas as pd

from app import chart_card, select
from app.sources import CURATED_LICENCE, SourceRef

EUROSTAT = SourceRef("Eurostat", "Residence permits [migr_resvalid]", "https://ec.europa.eu/eurostat/x", "CC BY 4.0",
                     "9 July 2026")
CURATED = SourceRef("Nasha Niva (citing Rzeczpospolita)", "[report]", "https://nashaniva.com/1", CURATED_LICENCE, "")


def test_md_escapes_markdown_so_text_prints_as_written():
    assert chart_card.md("a*b_[c](d)") == r"a\*b\_\[c\]\(d\)"
    assert chart_card.md("# 1.5 + 2 - 3!") == r"\# 1\.5 \+ 2 \- 3\!"
    assert chart_card.md("$5 <b> `x` ~y~ |z|") == r"\$5 \<b\> \`x\` \~y\~ \|z\|"
    assert chart_card.md("Trakų žemė, 1,634") == "Trakų žemė, 1,634"
    assert chart_card.md(2024) == "2024"


def test_source_line_of_a_structured_source():
    line = chart_card.source_line([EUROSTAT])
    assert line == ("**Source:** Eurostat, [Residence permits \\[migr\\_resvalid\\]](<https://ec.europa.eu/eurostat/x>) "
                    "(ec\\.europa\\.eu), 9 July 2026 — CC BY 4\\.0")


def test_source_line_lists_curated_publishers_after_structured_sources():
    line = chart_card.source_line([CURATED, EUROSTAT])
    assert line.startswith("**Source:** Eurostat, ")
    assert line.index("Eurostat") < line.index(
        "[Nasha Niva \\(citing Rzeczpospolita\\)](<https://nashaniva.com/1>) (nashaniva\\.com)")
    assert chart_card.source_line([]) == ""


def test_export_table_drops_helpers_keeps_iso_dates_and_cites_each_row(published, release):
    series = published("pub_series")
    frame = select.rows(series, ["eurostat_valid_permits_stock", "pl_residence_document_holders_stock"], destination="POL")
    frame["_label"] = "a label"
    frame["_hover"] = "hover text"
    table = chart_card.export_table(frame, release)
    assert not [c for c in table.columns if c.startswith("_")]
    assert list(table.columns[:7]) == ["indicator", "origin", "destination", "category", "period_start", "period_end", "value"]
    assert table["period_end"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert table["period_end"].tolist() == frame["period_end"].dt.strftime("%Y-%m-%d").tolist()
    assert table["value"].tolist() == frame["value"].tolist()
    curated = table["indicator"] == "pl_residence_document_holders_stock"
    facts = published("pub_facts").set_index("fact_id")
    assert table.loc[curated, "source_url"].tolist() == facts.loc[table.loc[curated, "fact_id"], "source_url"].tolist()
    assert (table.loc[~curated, "source"] == "Eurostat").all()
    assert "_label" in frame.columns  # the caller's frame is not modified


def test_conflicts_for_lists_every_figure_of_each_group(published, release):
    series, facts = published("pub_series"), published("pub_facts")
    plotted = select.rows(series, "pl_residence_document_holders_stock", destination="POL")
    groups = set(plotted["conflict_group"].dropna())
    assert groups
    conflicts = chart_card.conflicts_for(plotted, release)
    expected = facts[facts["conflict_group"].isin(groups)]
    assert sorted(conflicts["fact_id"]) == sorted(expected["fact_id"])
    assert conflicts["period_end"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert {"value", "publisher", "source_url", "note"} <= set(conflicts.columns)

    without = select.rows(series, "eurostat_valid_permits_stock", destination="POL")
    assert chart_card.conflicts_for(without, release).empty


def test_data_as_of_names_the_latest_period():
    frame = pd.DataFrame({"period_end": pd.to_datetime(["2024-12-31", "2026-01-01"])})
    assert chart_card.data_as_of(frame) == "Latest figure: 1 January 2026"


def test_every_link_of_a_source_line_is_followed_by_its_host():
    import re
    line = chart_card.source_line([CURATED, EUROSTAT])
    links = re.findall(r"\]\(<https?://([^/>]+)[^>]*>\) \(([^)]+)\)", line)
    assert links == [("ec.europa.eu", "ec\\.europa\\.eu"), ("nashaniva.com", "nashaniva\\.com")]


def test_the_data_table_names_each_rows_source_title_and_publication_date(published, release):
    series, facts = published("pub_series"), published("pub_facts").set_index("fact_id")
    frame = select.rows(series, ["udsc_residence_documents_stock", "pl_residence_document_holders_stock"],
                        destination="POL")
    table = chart_card.export_table(frame, release)
    curated = table[table["fact_id"].notna()]
    assert len(curated) and curated["source_title"].tolist() == facts.loc[curated["fact_id"], "source_title"].tolist()
    assert curated["published"].tolist() == facts.loc[curated["fact_id"], "published"].fillna("").tolist()
    udsc = table[table["fact_id"].isna()]
    sources = published("pub_sources").drop_duplicates("source_id").set_index("source_id")
    assert (udsc["source_title"] == sources.at["udsc", "title"]).all()
    released = {s["source_id"]: s["release_date"] for s in release.manifest["sources"]}
    assert len(udsc) and (udsc["published"] == released["udsc"]).all()  # the report's release date
