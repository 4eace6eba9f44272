"""Who said each number: source lines for chart cards, built from the release's provenance
table (structured sources) and the curated figures' own citations."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from app import data, formatting
from app.i18n import t

CURATED_LICENCE = "figure quoted from the cited publication"


@dataclass(frozen=True)
class SourceRef:
    publisher: str
    title: str
    url: str
    licence: str
    released: str  # release or publication date as a reader reads it ('' when unknown)


def _source_table_refs(release: data.Release) -> dict[str, SourceRef]:
    table = data.sources(release).drop_duplicates("source_id")
    released = {s["source_id"]: s.get("release_date") or s.get("accessed") for s in release.manifest["sources"]}
    # Publisher and licence in the reader's language; dataset titles stay as their producer wrote them.
    return {
        row.source_id: SourceRef(t(f"common.publisher_{row.source_id}"), row.title, row.url,
                                 t(f"common.licence_{row.source_id}"), formatting.date(released.get(row.source_id)))
        for row in table.itertuples()
    }


def refs_for(frame: pd.DataFrame, release: data.Release) -> list[SourceRef]:
    """Distinct sources of the plotted rows, structured sources first."""
    structured = _source_table_refs(release)
    refs = [structured[s] for s in sorted(set(frame["source_id"]) - {"curated"}) if s in structured]
    fact_ids = frame.loc[frame["source_id"] == "curated", "fact_id"].dropna().unique()
    if len(fact_ids):
        cited = data.facts(release).set_index("fact_id").loc[list(fact_ids)]
        seen = set()
        for row in cited.itertuples():
            if row.source_url in seen:
                continue
            seen.add(row.source_url)
            refs.append(SourceRef(row.publisher, row.source_title, row.source_url, CURATED_LICENCE,
                                  row.published if isinstance(row.published, str) else ""))
    return refs


def with_source_columns(frame: pd.DataFrame, release: data.Release) -> pd.DataFrame:
    """Add the publisher and link of each row, so a downloaded CSV carries its own citation."""
    structured = _source_table_refs(release)
    facts = data.facts(release).set_index("fact_id")
    out = frame.copy()
    publisher, url = [], []
    for source_id, fact_id in zip(out["source_id"], out["fact_id"]):
        if source_id == "curated" and isinstance(fact_id, str) and fact_id in facts.index:
            publisher.append(facts.at[fact_id, "publisher"])
            url.append(facts.at[fact_id, "source_url"])
        else:
            ref = structured.get(source_id)
            publisher.append(ref.publisher if ref else source_id)
            url.append(ref.url if ref else "")
    out["source"] = publisher
    out["source_url"] = url
    return out
