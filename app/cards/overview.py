"""Overview cards: where Belarusians live in Poland and Lithuania since 2019."""
from __future__ import annotations

import pandas as pd

from app import data, events, figures, formatting, select
from app.card import ChartCard
from app.i18n import t

SINCE = "2019-01-01"


def national_stocks(series: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Belarusians holding a residence document in Poland and in Lithuania since 2019 (national counts)."""
    poland_rows = select.rows(series, ["udsc_residence_documents_stock", "pl_residence_document_holders_stock"],
                              destination="POL", since=SINCE)
    lithuania_rows = select.rows(series, "lt_residence_permit_holders_stock", destination="LTU", since=SINCE)
    return poland_rows, lithuania_rows


def stocks(release: data.Release, compare: bool = False) -> ChartCard:
    """National counts of residence-document holders, with Eurostat's valid permits when `compare`."""
    series = data.series(release)
    poland_rows, lithuania_rows = national_stocks(series)
    national = pd.concat([poland_rows, lithuania_rows], ignore_index=True)
    national["_label"] = [t(f"overview.label_national_{code.lower()}") for code in national["destination"]]
    plotted = [national]
    if compare:
        eurostat = select.rows(series, "eurostat_valid_permits_stock", destination=["POL", "LTU"], since=SINCE)
        eurostat["_label"] = [t(f"overview.label_eurostat_{code.lower()}") for code in eurostat["destination"]]
        plotted.append(eurostat)
    stocks = pd.concat(plotted, ignore_index=True).sort_values(["_label", "period_end"]).reset_index(drop=True)
    # colour by country and count (figures.SERIES_COLOURS), the same in every language and with the toggle
    stocks["_colour_key"] = [dest if indicator != "eurostat_valid_permits_stock" else f"{dest}:eurostat"
                             for dest, indicator in zip(stocks["destination"], stocks["indicator"])]
    select.one_kind(stocks)  # all stocks: people holding a document on a date
    stocks["_hover"] = [
        t("overview.hover", label=row["_label"], value=formatting.number(row["value"]), date=formatting.row_date(row))
        + ("<br>" + t("overview.hover_conflict") if pd.notna(row["conflict_group"]) else "")
        for row in stocks.to_dict("records")
    ]
    key_events = events.key_events(release)

    def first_last(frame: pd.DataFrame, which: int) -> tuple[str, str]:
        return formatting.number(frame["value"].iloc[which]), formatting.row_date(frame.iloc[which])

    (pl_first, pl_first_date), (pl_last, pl_last_date) = first_last(poland_rows, 0), first_last(poland_rows, -1)
    (lt_first, lt_first_date), (lt_last, lt_last_date) = first_last(lithuania_rows, 0), first_last(lithuania_rows, -1)
    return ChartCard(
        key="overview-stocks",
        title=t("overview.chart_title"),
        subtitle=t("overview.chart_subtitle", first=stocks["period_end"].min().year,
                   last=stocks["period_end"].max().year),
        data=stocks,
        build=lambda frame: figures.add_events(figures.lines(frame, t("overview.y_axis")), key_events),
        alt=t("overview.alt", pl_first=pl_first, pl_first_date=pl_first_date, pl_last=pl_last,
              pl_last_date=pl_last_date, lt_first=lt_first, lt_first_date=lt_first_date,
              lt_peak=formatting.number(lithuania_rows["value"].max()), lt_last=lt_last, lt_last_date=lt_last_date),
        note=t("overview.note"),
        hint=t("common.events_hint"),
        events=events.listed(key_events),
    )
