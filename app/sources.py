"""Who said each number: source lines for chart cards, built from the release's provenance
table (structured sources) and the curated figures' own citations. Every link a reader sees is
shown with its host (`host`), so a reader knows where a click goes before clicking."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from app import data, formatting, memo
from app.i18n import t

CURATED_LICENCE = "figure quoted from the cited publication"
# For st.column_config.LinkColumn(display_text=…): a link cell shows the host it leads to.
HOST_DISPLAY = r"^https?://(?:www\.)?([^/?#:]+)"


def host(url: str) -> str:
    """Where a link leads, as a reader reads it: 'pozirk.online', 'svaboda.org' (no 'www.')."""
    name = urlsplit(str(url)).hostname or ""
    return name.removeprefix("www.")


def published_date(text) -> str:
    """A publication date as given ('2023', '2024-05', '2024-05-08'), in the reader's language,
    never more precise than given: a year, a month and year, or a date (formatting.date by precision)."""
    if not isinstance(text, str) or not text.strip():
        return ""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return formatting.date(text + "-01", precision="month")
    return formatting.date(text)


@dataclass(frozen=True)
class SourceRef:
    publisher: str
    title: str
    url: str
    licence: str
    released: str  # release or publication date as a reader reads it ('' when unknown)

    @property
    def host(self) -> str:
        return host(self.url)


def _source_table_refs(release: data.Release) -> dict[str, SourceRef]:
    """Each published source's reference in the reader's language, made once per release and
    language (every card's caption and the claims' tables ask for it; callers never modify it)."""
    return memo.once(release, "sources.table_refs", lambda: _make_source_table_refs(release))


def _make_source_table_refs(release: data.Release) -> dict[str, SourceRef]:
    table = data.sources(release).drop_duplicates("source_id")
    released = {s["source_id"]: s.get("release_date") or s.get("accessed") for s in release.manifest["sources"]}
    # Publisher and licence in the reader's language; dataset titles stay as their producer wrote them.
    return {
        row.source_id: SourceRef(t(f"common.publisher_{row.source_id}"), row.title, row.url,
                                 t(f"common.licence_{row.source_id}"), formatting.date(released.get(row.source_id)))
        for row in table.itertuples()
    }


def source_ids(frame: pd.DataFrame) -> set[str]:
    """The sources of the plotted rows: each row's `source_id`, and the source of any other
    published figure a plotted value is computed with (a per-capita value's population), named in
    a column ending in `_source_id`."""
    ids = set(frame["source_id"])
    for column in frame.columns:
        if column.endswith("_source_id") and not column.startswith("_"):
            ids |= set(frame[column].dropna())
    return ids


def refs_for(frame: pd.DataFrame, release: data.Release, cites: tuple[str, ...] = ()) -> list[SourceRef]:
    """Distinct sources of the plotted rows (and of what their values are computed with),
    structured sources first, then those `cites` names (a map's boundaries), in that order."""
    structured = _source_table_refs(release)
    own = sorted(source_ids(frame) - {"curated"})
    refs = [structured[s] for s in own + [c for c in cites if c not in own] if s in structured]
    fact_ids = frame.loc[frame["source_id"] == "curated", "fact_id"].dropna().unique()
    if len(fact_ids):
        cited = data.facts(release).set_index("fact_id").loc[list(fact_ids)]
        seen = set()
        for row in cited.itertuples():
            if row.source_url in seen:
                continue
            seen.add(row.source_url)
            refs.append(curated_ref(row))
    return refs


def curated_ref(row) -> SourceRef:
    """The citation of one curated figure (a row of pub_facts or pub_estimates)."""
    return SourceRef(row.publisher, row.source_title, row.source_url, CURATED_LICENCE, published_date(row.published))


def structured_ref(source_id: str, release: data.Release) -> SourceRef:
    return _source_table_refs(release)[source_id]


def ref_for_row(row, release: data.Release) -> SourceRef:
    """The citation of one published row: its curated figure's own, or its source's dataset."""
    if row["source_id"] == "curated" and isinstance(row["fact_id"], str):
        return curated_ref(data.facts(release).set_index("fact_id").loc[row["fact_id"]])
    return structured_ref(row["source_id"], release)


def with_source_columns(frame: pd.DataFrame, release: data.Release) -> pd.DataFrame:
    """Add the publisher, title, publication date and link of each row, so the chart's data table
    and a downloaded CSV carry each row's own citation (curated rows: the cited publication)."""
    structured = _source_table_refs(release)
    released = {s["source_id"]: s.get("release_date") or s.get("accessed") for s in release.manifest["sources"]}
    facts = data.facts(release).set_index("fact_id")
    out = frame.copy()
    publisher, title, published, url = [], [], [], []
    for source_id, fact_id in zip(out["source_id"], out["fact_id"]):
        if source_id == "curated" and isinstance(fact_id, str) and fact_id in facts.index:
            publisher.append(facts.at[fact_id, "publisher"])
            title.append(facts.at[fact_id, "source_title"])
            published.append(facts.at[fact_id, "published"] if isinstance(facts.at[fact_id, "published"], str) else "")
            url.append(facts.at[fact_id, "source_url"])
        else:
            ref = structured.get(source_id)
            publisher.append(ref.publisher if ref else source_id)
            title.append(ref.title if ref else "")
            published.append(str(released.get(source_id) or ""))
            url.append(ref.url if ref else "")
    out["source"] = publisher
    out["source_title"] = title
    out["published"] = published  # as the publication gives it (a year, a month or a date), ISO
    out["source_url"] = url
    return out
