"""The caption of a chart card: every word printed around a chart, built once per card.

Title, subtitle, note (and apart from it the sentence naming figures not re-checked against their
source), the sources (publisher, title, URL, licence, release date, host), the date of the latest
figure, the link to the view and the alt text. Three thin renderers print it: the page
(app/chart_card.py), the stand-alone image (app/image_export.py) and the briefing PDF
(app/briefing_pdf.py); none of them looks at the card's rows, so they cannot disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from app import data, figures, formatting
from app.i18n import t
from app.sources import CURATED_LICENCE, SourceRef, refs_for

_TAG = re.compile(r"<[^>]+>")


def plain(text) -> str:
    """A presentation label without Plotly's line breaks and tags: '2024<br>(provisional)' → '2024 (provisional)'."""
    return " ".join(_TAG.sub(" ", str(text)).split())


def unverified_note(frame: pd.DataFrame) -> str:
    """A sentence naming each plotted figure whose cited page could not be re-checked: series,
    value and period (as precisely as it is known)."""
    rows = frame[figures.unverified(frame)]
    if rows.empty:
        return ""
    items = []
    for row in rows.to_dict("records"):
        value, period = formatting.number(row["value"]), formatting.row_period(row)
        series = plain(row.get("_series", row.get("_label", ""))) if "_series" in row or "_label" in row else ""
        items.append(t("common.unverified_item", series=series, value=value, period=period) if series
                     else f"{value} ({period})")
    return t("common.unverified_note", items="; ".join(dict.fromkeys(items)))


def data_as_of(frame: pd.DataFrame) -> str:
    latest = formatting.latest_date(frame)
    return t("common.latest_figure", date=latest) if latest else ""


def licence_text(ref: SourceRef) -> str:
    """A source's licence as a reader reads it: curated citations carry an English marker, the
    reader gets it in their language."""
    return t("common.curated_licence") if ref.licence == CURATED_LICENCE else ref.licence


@dataclass(frozen=True)
class Caption:
    title: str
    subtitle: str
    note: str                     # the card's note without the unverified-figures sentence
    caveat: str                   # the sentence naming figures not re-checked ('' when none)
    sources: tuple[SourceRef, ...]
    data_as_of: str               # 'Latest figure: …' ('' when the rows have no date)
    link: str | None              # the view in the dashboard, when known
    alt: str
    hint: str = ""                # on screen only, after the subtitle: what hovering shows
    events: tuple[str, ...] = ()  # the numbered events marked on the chart, for outputs without hover

    @property
    def full_note(self) -> str:
        return " ".join(part for part in (self.note, self.caveat) if part)

    @property
    def structured_sources(self) -> list[SourceRef]:
        return [ref for ref in self.sources if ref.licence != CURATED_LICENCE]

    @property
    def curated_sources(self) -> list[SourceRef]:
        return [ref for ref in self.sources if ref.licence == CURATED_LICENCE]

    @classmethod
    def of(cls, title: str, subtitle: str, note: str, alt: str, rows: pd.DataFrame, release: data.Release,
           link: str | None = None, cites: tuple[str, ...] = (), hint: str = "",
           events: tuple[str, ...] = ()) -> Caption:
        caveat = unverified_note(rows)
        note = " ".join(note.replace(caveat, "").split()) if caveat else note
        return cls(title=title, subtitle=subtitle, note=note, caveat=caveat,
                   sources=tuple(refs_for(rows, release, cites)), data_as_of=data_as_of(rows), link=link, alt=alt,
                   hint=hint, events=tuple(events))

    @property
    def events_text(self) -> str:
        """The events marked on the chart, for outputs without hover: 'Events marked: 1 9 August
        2020: …; 2 …' ('' when none)."""
        return t("common.events_listed", events="; ".join(self.events)) if self.events else ""
