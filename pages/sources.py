"""Sources and methods: how the data are built, where every raw file came from, where sources
disagree, which differences are definitions rather than disagreements, and the data dictionary."""
import streamlit as st

from app import chart_card, data, views_sources

release = data.ensure_release()

st.title("Sources and methods")
st.markdown(
    "Every figure in this dashboard comes from a published table built from stored copies of the "
    "sources below. This page lists those files, says where sources disagree, and explains every "
    "indicator and column."
)

# ------------------------------------------------------------------ how the data are built
st.header("How the data are built")
st.markdown(
    "Each source is stored as an exact copy of the file its publisher released, with a record of where it "
    "came from, its licence and its SHA-256 checksum. A build first checks every file against its checksum "
    "and stops if one has changed. It then cleans each file into a typed table (ISO country codes; a blank or "
    "a dash becomes a missing value, never a zero) and shapes the published tables the pages read, each "
    "checked against its schema. Before a new release replaces the published one, its figures are compared "
    "with the published figures, and it is held back if a series loses its latest period, a country vanishes "
    "or many values change by more than half. All files of a build go into a new release folder; the manifest "
    "that names the current release is replaced last, in one step, so readers never see half a release."
)
st.markdown(f"This page shows release `{release.release_id}`, built on {chart_card.md(views_sources.built_at(release))}.")
diff = views_sources.release_diff(release)
if diff is None:
    st.caption("No comparison with the previous release has been recorded for this release.")
else:
    st.markdown(chart_card.md(views_sources.diff_summary(diff)))
    for warning in diff.get("warnings") or []:
        st.caption(chart_card.md(warning))
    with st.expander("The full comparison with the previous release"):
        st.json(diff, expanded=1)
with st.expander("Tables in this release"):
    st.dataframe(views_sources.published_tables(release), hide_index=True, key="sources_tables")

# ------------------------------------------------------------------ provenance
st.header("Where the raw files come from")
st.markdown("Every raw file this release was built from: who produced it, where it is published, under which "
            "licence, when it was retrieved, and the checksum of its exact bytes.")
st.dataframe(views_sources.provenance(release), hide_index=True, key="sources_provenance", height="content",
             column_config={"url": st.column_config.LinkColumn("url"),
                            "sha256": st.column_config.TextColumn("sha256", width="small")})

# ------------------------------------------------------------------ conflicts
st.header("Where sources disagree")
st.markdown(
    "Some national figures reach us through several publications that do not agree. We keep every figure and "
    "show them side by side, with the curator's note on the likely reason; the charts mark them with open "
    "diamonds or hatched bars. None is picked as the right one."
)
st.dataframe(views_sources.conflict_table(release), hide_index=True, key="sources_conflict_table", height="content",
             column_config={"source_url": st.column_config.LinkColumn("link"),
                            "note": st.column_config.TextColumn("note", width="large")})
conflicts = views_sources.conflict_rows(release)
chart_card.render(chart_card.ChartCard(
    key="sources-conflicts",
    title="How far apart the disagreeing figures are",
    subtitle="Each panel is one figure reported differently by different publications; its axis says the unit "
             "and whether it is a stock (a count on a date), a flow (events in a period) or a running total.",
    data=conflicts,
    build=views_sources.conflict_dots,
    alt=views_sources.conflict_alt(conflicts, release),
    note="Some gaps come from rounding or different cut-off dates. In Lithuania's 2024 security figures two "
         "reports swap the numbers of refused first permits and refused renewals. The widest gaps, in Poland, "
         "come from figures that may count different documents or visa types; the notes in the table above say "
         "what is known.",
), release)

st.subheader("Different definitions, not disagreements")
st.markdown("Some figures differ widely because they count different things. Both are right; the charts say which is which.")
for heading, text in views_sources.definition_contrasts(release):
    st.markdown(f"**{chart_card.md(heading)}.** {chart_card.md(text)}")

# ------------------------------------------------------------------ data dictionary
st.header("Data dictionary")
st.markdown("Every indicator in the published series, as described in the release's metadata. The kind says "
            "whether figures may be compared over time as counts on a date (stock), events in a period (flow) "
            "or a running total since a start date (cumulative); figures of different kinds are never added.")
st.dataframe(views_sources.indicator_dictionary(release), hide_index=True, key="sources_indicators", height=560,
             column_config={"description": st.column_config.TextColumn(width="large"),
                            "note": st.column_config.TextColumn(width="large")})
st.subheader("Columns of the published tables")
st.dataframe(views_sources.field_dictionary(release), hide_index=True, key="sources_fields",
             column_config={"description": st.column_config.TextColumn(width="large")})
