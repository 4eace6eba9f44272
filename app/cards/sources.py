"""The sources page's card: where curated figures disagree, each figure a dot. Shaping is
app/views_sources.py."""
from __future__ import annotations

from app import data, views_sources
from app.card import ChartCard
from app.i18n import t


def conflicts(release: data.Release) -> ChartCard:
    rows = views_sources.conflict_rows(release)
    return ChartCard(
        key="sources-conflicts",
        title=t("sources.dots_title"),
        subtitle=t("sources.dots_subtitle"),
        data=rows,
        build=views_sources.conflict_dots,
        alt=views_sources.conflict_alt(rows, release),
        note=t("sources.dots_note"),
    )
