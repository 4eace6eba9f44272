"""Sources and methods: how the data are built, where every raw file came from, where sources
disagree, which differences are definitions rather than disagreements, and the data dictionary."""
import streamlit as st

from app import cards, chart_card, data, downloads, views_sources
from app.i18n import t
from app.sources import HOST_DISPLAY

release = data.ensure_release()


def column_labels(*columns: str, **configs) -> dict:
    """Column headers in the reader's language (keys sources.col_<column>); a column given in
    `configs` keeps its own type and width, labelled the same way."""
    labels = {column: st.column_config.Column(t(f"sources.col_{column}")) for column in columns}
    for column, make in configs.items():
        labels[column] = make(t(f"sources.col_{column}"))
    return labels


def wide_text(label: str):
    return st.column_config.TextColumn(label, width="large")


def host_link(label: str):
    """A link cell that shows the host it leads to, so a reader sees where a click goes."""
    return st.column_config.LinkColumn(label, display_text=HOST_DISPLAY)


st.title(t("sources.title"))
st.markdown(t("sources.intro"))

# ------------------------------------------------------------------ how the data are built
st.header(t("sources.build_header"))
st.markdown(t("sources.build_text"))
st.markdown(t("sources.release_line", release=release.release_id,
              built=chart_card.md(views_sources.built_at(release))))
diff = views_sources.release_diff(release)
if diff is None:
    st.caption(t("sources.no_diff"))
else:
    st.markdown(chart_card.md(views_sources.diff_summary(diff)))
    for warning in views_sources.diff_warnings(diff):
        st.caption(chart_card.md(warning))
    more = views_sources.diff_tables(diff)
    if more:
        with st.expander(t("sources.diff_expander")):
            for number, (heading, table) in enumerate(more):
                st.markdown(f"**{chart_card.md(heading)}**")
                st.dataframe(table, hide_index=True, key=f"sources_diff_{number}")
with st.expander(t("sources.tables_expander")):
    st.dataframe(views_sources.published_tables(release), hide_index=True, key="sources_tables",
                 column_config=column_labels("table", "layer", "rows", "sha256", description=wide_text))

# ------------------------------------------------------------------ downloads
# Files are made on click (deferred) and no button reruns the page, so reading stays where it was.
st.header(t("sources.download_header"))
st.markdown(t("sources.download_text"))
field_dictionary = views_sources.field_dictionary(release)
indicator_dictionary = views_sources.indicator_dictionary(release)  # shown at the end of the page too
dictionary = downloads.dictionary_csv(field_dictionary, indicator_dictionary)
readme = views_sources.dataset_readme(release)
zip_column, dictionary_column = st.columns(2)
with zip_column:
    st.download_button(t("sources.download_zip"), lambda: downloads.dataset_zip(release, dictionary, readme),
                       file_name=downloads.file_name(release, "dataset", "zip"), mime="application/zip",
                       key="download-zip", on_click="ignore", icon=":material/folder_zip:", type="primary")
with dictionary_column:
    st.download_button(t("sources.download_dictionary"), dictionary,
                       file_name=downloads.file_name(release, "data_dictionary", "csv"), mime="text/csv",
                       key="download-dictionary", on_click="ignore", icon=":material/menu_book:")
for item in downloads.published_files(release):
    name_column, csv_column, file_column = st.columns([4, 1, 1], vertical_alignment="center")
    with name_column:
        st.markdown(f"**{item.name}** · {chart_card.md(t(f'sources.table_{item.name}'))} "
                    f"· {t('sources.download_rows', count=item.rows)}")
    if item.suffix == "parquet":
        with csv_column:
            st.download_button(t("sources.download_csv"), lambda path=item.path: downloads.csv_bytes(path),
                               file_name=downloads.file_name(release, item.name, "csv"), mime="text/csv",
                               key=f"download-{item.name}-csv", on_click="ignore", icon=":material/download:")
    with file_column:
        st.download_button(t("sources.download_original", format=item.suffix),
                           lambda path=item.path: downloads.file_bytes(path),
                           file_name=downloads.file_name(release, item.name, item.suffix),
                           mime="application/octet-stream", key=f"download-{item.name}-file", on_click="ignore",
                           icon=":material/download:")

# ------------------------------------------------------------------ provenance
st.header(t("sources.provenance_header"))
st.markdown(t("sources.provenance_text"))
st.dataframe(views_sources.provenance(release), hide_index=True, key="sources_provenance", height="content",
             column_config=column_labels(
                 "source_id", "release_dir", "file", "producer", "title", "licence", "citation", "accessed", "bytes",
                 url=host_link,
                 sha256=lambda label: st.column_config.TextColumn(label, width="small")))

# ------------------------------------------------------------------ conflicts
st.header(t("sources.conflicts_header"))
st.markdown(t("sources.conflicts_text"))
st.dataframe(views_sources.conflict_table(release), hide_index=True, key="sources_conflict_table", height="content",
             column_config=column_labels("disagreement", "figure", "period", "publisher", "checked", "fact_id",
                                         source_url=host_link, note=wide_text))
chart_card.render(cards.build("sources-conflicts", release), release)

st.subheader(t("sources.definitions_header"))
st.markdown(t("sources.definitions_text"))
for heading, text in views_sources.definition_contrasts(release):
    st.markdown(f"**{chart_card.md(heading)}.** {chart_card.md(text)}")

st.subheader(t("sources.estimates_header"))
st.markdown(t("sources.estimates_text"))
st.dataframe(views_sources.estimates_table(release), hide_index=True, key="sources_estimates", height="content",
             column_config=column_labels("publisher", "published", "figure", "low", "high", "counted", "checked",
                                         source_title=wide_text, source_url=host_link))

# ------------------------------------------------------------------ data dictionary
st.header(t("sources.dictionary_header"))
st.markdown(t("sources.dictionary_text"))
st.dataframe(indicator_dictionary, hide_index=True, key="sources_indicators", height=560,
             column_config=column_labels("indicator", "title", "kind", "unit", "sources", "licence", "update_period",
                                         description=wide_text, note=wide_text))
st.subheader(t("sources.fields_header"))
st.dataframe(field_dictionary, hide_index=True, key="sources_fields",
             column_config=column_labels("field", "type", description=wide_text))
