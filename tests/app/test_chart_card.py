"""Chart card helpers: markdown escaping, the source line, the exported table, the conflicts list."""
from __future__ import annotations

import html

import pandas as pd
import pytest

from app import chart_card, select
from app.markdown import md
from etl.fields import FIELDS
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


def test_conflicts_for_lists_every_figure_of_each_group_as_a_reader_reads_it(published, release):
    series, facts = published("pub_series"), published("pub_facts")
    plotted = select.rows(series, "pl_residence_document_holders_stock", destination="POL")
    groups = set(plotted["conflict_group"].dropna())
    assert groups
    conflicts = chart_card.conflicts_for(plotted, release)
    expected = facts[facts["conflict_group"].isin(groups)].sort_values(["conflict_group", "period_end", "fact_id"])
    assert conflicts["Figure"].tolist() == [f"{v:,.0f} persons" for v in expected["value"]]
    assert conflicts["Published by"].tolist() == expected["publisher"].tolist()
    assert conflicts["Link"].tolist() == expected["source_url"].tolist()
    assert conflicts["Date or period"].tolist() == ["1 January 2020"] * len(expected)
    # No internal column names or figure ids in front of readers.
    assert not [c for c in conflicts.columns if c in FIELDS or "_" in c]
    assert not conflicts.astype(str).apply(lambda column: column.str.contains(r"[A-Z]{2}_[A-Z]+_")).any().any()
    notes = conflicts["Curator's note (in English)"].tolist()
    assert "CONFLICT with the figure from Charter97 (28,745)" in " ".join(notes)

    without = select.rows(series, "eurostat_valid_permits_stock", destination="POL")
    assert chart_card.conflicts_for(without, release).empty


def test_reader_table_has_translated_headers_formatted_values_and_marks(published, release):
    series = published("pub_series")
    frame = select.rows(series, ["eurostat_valid_permits_stock", "pl_residence_document_holders_stock"], destination="POL")
    frame["_label"] = ["Eurostat" if i.startswith("eurostat") else "national<br>count" for i in frame["indicator"]]
    table = chart_card.reader_table(frame, release)
    assert list(table.columns) == ["Series", "Country", "Date or period", "Figure", "Source's flag", "Checked",
                                   "Sources disagree", "Published by", "Source title", "Published", "Link"]
    assert table["Series"].iloc[-1] in ("Eurostat", "national count")
    by_fact = dict(zip(frame["fact_id"], table.to_dict("records")))
    assert by_fact["PL_STOCK_BY_20190101"]["Date or period"] == "January 2019"  # month precision
    assert by_fact["PL_STOCK_BY_20190101"]["Checked"] == "not re-checked against the cited page"
    assert by_fact["PL_STOCK_BY_20200101a"]["Sources disagree"].startswith("yes")
    assert by_fact["PL_STOCK_BY_20231231"]["Figure"].endswith(" persons")
    official = table[table["Series"] == "Eurostat"]
    assert (official["Checked"] == "official statistics").all()
    assert official["Figure"].str.fullmatch(r"[\d,]+ persons").all()
    with_language("pl")
    assert "Kraj" in chart_card.reader_table(frame, release).columns


def with_language(lang):
    from app import i18n
    i18n.set_language(lang)


def test_a_card_with_an_unverified_figure_says_so_in_note_and_alt(published):
    series = published("pub_series")
    frame = select.rows(series, "pl_residence_document_holders_stock", destination="POL")
    frame["_label"] = "National count"
    card = chart_card.ChartCard("k", "title", "subtitle", frame, build=lambda f: None, alt="A chart.", note="A note.")
    expected = ("Not re-checked against a stored copy of the cited page, and marked so on the chart: "
                "National count: 20,000 (January 2019); National count: 143,097 (28 February 2025).")
    assert card.note == "A note. " + expected
    assert card.alt == "A chart. " + expected
    again = chart_card.ChartCard("k", "t", "s", frame, build=lambda f: None, alt=card.alt, note=card.note)
    assert again.note == card.note  # never said twice
    verified = frame[frame["verification"] != "unverified"]
    assert chart_card.ChartCard("k", "t", "s", verified, build=lambda f: None, alt="A chart.").alt == "A chart."


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


def test_data_as_of_prints_a_month_precise_date_as_a_month():
    frame = pd.DataFrame({"period_end": pd.to_datetime(["2019-01-01", "2022-11-01"]),
                          "period_end_precision": ["day", "month"]})
    assert chart_card.data_as_of(frame) == "Latest figure: November 2022"
    both = pd.concat([frame, pd.DataFrame({"period_end": pd.to_datetime(["2022-11-01"]), "period_end_precision": ["day"]})])
    assert chart_card.data_as_of(both) == "Latest figure: 1 November 2022"  # the most precise of that date


def test_downloads_made_on_click_speak_the_readers_language_on_any_thread(release, monkeypatch):
    """A download button's callable runs when the reader clicks, outside the page's run and on
    another thread: the image is laid out in the language the card was drawn in, not the process's."""
    import threading

    from app import cards, i18n, image_export

    i18n.set_language("pl")
    card = cards.build("poland-pbh-running-total", release)
    i18n.set_language("en")
    monkeypatch.setattr(image_export, "image_bytes", lambda figure, fmt: figure.to_json().encode())
    drawn: dict[str, bytes] = {}

    def click() -> None:
        drawn["png"] = chart_card.card_image(card, release, None, "png", "pl")
        drawn["csv"] = chart_card.card_csv(card, release, "pl")
        drawn["after"] = i18n.t("common.share").encode()

    worker = threading.Thread(target=click)
    worker.start()
    worker.join()
    image = drawn["png"].decode("unicode_escape")
    assert i18n.t("common.source_label", lang="pl") in image and i18n.t("common.source_label", lang="en") not in image
    assert drawn["after"].decode() == i18n.t("common.share", lang="en")  # the override ends with the block
    assert drawn["csv"] == chart_card.export_table(card.data, release).to_csv(index=False).encode("utf-8")


def test_the_accessible_table_holds_the_reader_table_in_the_readers_language(published, release):
    from app import html_table
    from app.i18n import t
    series = published("pub_series")
    frame = select.rows(series, "eurostat_valid_permits_stock", destination="POL")
    with_language("pl")
    figure = t("common.col_value")
    table = chart_card.reader_table(frame, release)
    out = chart_card.accessible_table(table, "Tytuł <karty>")
    assert out == html_table.table(table, "Wartości pokazane na wykresie: Tytuł <karty>", figure,
                                   lang="pl", wrap_class=chart_card.SCREEN_READER_CLASS)
    assert out.count("<tr>") == len(table) + 1 and "Tytuł &lt;karty&gt;" in out
    assert '<th scope="col">Kraj</th>' in out
    assert all(f"<td>{value}</td>" in out or f'<td class="figure">{value}</td>' in out
               for value in table[figure].map(html_table.esc))


def test_wrapped_lines_counts_the_lines_image_export_wraps_in_every_language():
    """The embed heights count lines without wrapping them (a few measures a line): the count is
    image_export.wrap_to's, for the catalogues' long texts, a link wider than a line and blanks."""
    from app import i18n, image_export
    texts = [text for lang in i18n.LANGUAGES for text in list(i18n.catalogue(lang).values())[::40]
             if isinstance(text, str) and len(text) > 60]
    texts += ["https://example.org/" + "a" * 200 + " then short words" * 8, "word", "", "  "]
    assert len(texts) > 40
    for text in texts:
        for width, size, bold in ((252, 24, True), (286, 16, False), (566, 14, False), (666, 14, False)):
            assert chart_card.wrapped_lines(text, width, size, bold) == len(image_export.wrap_to(text, width, size, bold)), \
                (text, width)


def test_a_run_draws_the_tables_and_words_made_once_per_card_as_streamlit_would_make_them(release):
    """render() hands st.dataframe the Arrow table converted once per card, byte for byte what
    st.dataframe makes of the pandas frame, and prints the card's words made once in the card's
    own language (a card is built per language), whatever the language at a later run."""
    from streamlit import dataframe_util

    from app import cards, i18n

    i18n.set_language("pl")
    card = cards.build("poland-pbh-running-total", release)
    try:
        conflicts = chart_card.drawn_conflicts(card, release)
        assert not conflicts.empty  # a card with a conflicts table, so both tables are checked
        frame = chart_card.drawn_table(card, release)
        arrow = chart_card.drawn_arrow(card, "reader_table", frame)
        assert arrow is chart_card.drawn_arrow(card, "reader_table", frame)
        assert (dataframe_util.convert_arrow_table_to_arrow_bytes(arrow)
                == dataframe_util.convert_pandas_df_to_arrow_bytes(frame))
        table = chart_card.drawn_conflicts_table(card, release)
        assert table is chart_card.drawn_conflicts_table(card, release)
        assert table == chart_card.conflicts_table(conflicts, chart_card.drawn_caption(card, release).title)
        title, subtitle, *below = chart_card.caption_lines(chart_card.drawn_caption(card, release))
        expected = {"title": title, "subtitle": subtitle, "below": "\n\n".join(line for line in below if line), "lang": "pl",
                    "data_expander": i18n.t("common.data_expander"), "download_csv": i18n.t("common.download_csv"),
                    "col_link": i18n.t("common.col_link")}
        share = {"link_label": i18n.t("common.share_link_label"), "download_png": i18n.t("common.download_png"),
                 "embed_title": i18n.t("common.embed_title", title=card.title), "lang": "pl"}
        made = chart_card.drawn_texts(card, release), chart_card.drawn_share_texts(card)  # a Polish run draws it
        i18n.set_language("en")
        texts, share_texts = chart_card.drawn_texts(card, release), chart_card.drawn_share_texts(card)
        assert (texts, share_texts) == made and texts is made[0]
        assert {key: texts[key] for key in expected} == expected
        assert {key: share_texts[key] for key in share} == share
        assert texts["data_expander"] != i18n.t("common.data_expander")  # Polish, not the process's English
    finally:
        i18n.set_language("en")


def test_a_card_s_disagreements_are_a_real_table_in_the_readers_language(release):
    """Every figure of the disagreements under a card, as an HTML table a screen reader reads cell
    by cell: the caption names the chart, the headers are conflicts_for's in the reader's language,
    one row per figure with its value, links only as http(s) showing their host, every cell
    escaped, and it is shown (the page's table class), not hidden for screen readers only."""
    import re

    from app import cards, i18n

    with i18n.speaking("pl"):
        card = cards.build("poland-pbh-running-total", release)
        conflicts = chart_card.drawn_conflicts(card, release)
        table = chart_card.drawn_conflicts_table(card, release)
        title = chart_card.drawn_caption(card, release).title
        caption = i18n.t("edition.conflicts_caption", title=title)
    assert not conflicts.empty and len(conflicts) >= 2  # a disagreement has two figures at least
    assert table.startswith(f'<div class="{chart_card.TABLE_CLASS}" lang="pl"><table><caption>')
    assert chart_card.TABLE_CLASS != chart_card.SCREEN_READER_CLASS
    headers = re.findall(r'<th scope="col">(.*?)</th>', table)
    assert headers == [html.escape(str(column)) for column in conflicts.columns]
    assert i18n.t("common.col_value", "pl") in headers and i18n.t("common.col_link", "pl") in headers
    assert table.count("<tr>") == len(conflicts) + 1  # the header row and a row per figure
    assert f"<caption>{html.escape(caption)}</caption>" in table
    assert all(href.startswith(("http://", "https://")) for href in re.findall(r'href="([^"]*)"', table))
    assert len(re.findall(r'<td class="figure">', table)) == len(conflicts)


@pytest.mark.slow  # a full-page AppTest run
def test_a_card_s_data_is_sent_only_once_the_reader_opens_it(release):
    """A first visit sends none of a card's data expander's content (a closed <details> is out of
    sight and out of the accessibility tree, and every element is a message on every run): no
    description, no interactive table (so no reader downloads Streamlit's dataframe chunk for a
    table few open), no HTML table, no CSV button. Opening it sends what the chart shows, the
    interactive table of exactly the plotted rows, the same rows as an HTML table for screen
    readers and the CSV; closing it takes them away again."""
    from streamlit.testing.v1 import AppTest

    from app import cards, i18n
    from tests.page_registry import DASHBOARD

    card = cards.build("overview-stocks", release)
    expected = chart_card.drawn_table(card, release).reset_index(drop=True)

    def card_tables(at) -> list[pd.DataFrame]:
        return [d.value.reset_index(drop=True) for d in at.dataframe if list(d.value.columns) == list(expected.columns)]

    def expander_content(at) -> dict:
        box = at.expander[0]
        return {"tables": card_tables(at),
                "html": [h.proto.body for h in at.get("html")
                         if h.proto.body.startswith(f'<div class="{chart_card.SCREEN_READER_CLASS}"')],
                "csv": [b.proto.label for b in box.get("download_button")],
                "described": [m.value for m in box.markdown if i18n.t("common.what_chart_shows") in m.value]}

    at = AppTest.from_file(str(DASHBOARD), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    assert [e.label for e in at.expander] == ["Chart data, description and download"]
    assert expander_content(at) == {"tables": [], "html": [], "csv": [], "described": []}
    # no st.dataframe at all (the card's disagreements are an HTML table): no dataframe chunk to load
    assert not at.dataframe
    assert [h.proto.body for h in at.get("html") if h.proto.body.startswith(f'<div class="{chart_card.TABLE_CLASS}"')] \
        == [chart_card.drawn_conflicts_table(card, release)]

    at.session_state[chart_card.data_key(card.key)] = True  # the reader opens the expander
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    opened = expander_content(at)
    assert len(opened["tables"]) == 1
    pd.testing.assert_frame_equal(opened["tables"][0], expected)
    assert opened["html"] == [chart_card.drawn_accessible_table(card, release)]
    assert opened["csv"] == [i18n.t("common.download_csv")]
    assert opened["described"] == [f"**{i18n.t('common.what_chart_shows')}** {md(card.alt)}"]

    at.session_state[chart_card.data_key(card.key)] = False
    at.run()
    assert expander_content(at) == {"tables": [], "html": [], "csv": [], "described": []}
