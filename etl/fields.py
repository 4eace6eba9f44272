"""One field dictionary (PUDL's habit): every column of every published table is described
here once. Schemas take their types from it and the Sources page prints it as the data
dictionary, so a column means the same thing wherever it appears."""
from __future__ import annotations

FIELDS: dict[str, dict[str, str]] = {
    "indicator": {"dtype": "string", "description": "Indicator id; its title, unit, kind, source and caveats are in metadata.json."},
    "source_id": {"dtype": "string", "description": "Raw source the row comes from: unhcr, eurostat, udsc or curated (see pub_sources)."},
    "origin": {"dtype": "string", "description": "Citizenship or country of origin: ISO 3166-1 alpha-3, or an aggregate (ALL, BLR+RUS, UNK, XXA)."},
    "destination": {"dtype": "string", "description": "Country of residence or asylum: ISO 3166-1 alpha-3, or an aggregate (EU27_2020, EU)."},
    "category": {"dtype": "string", "description": "Breakdown within the indicator (e.g. decision outcome, document type); 'total' when there is none."},
    "period_start": {"dtype": "date", "description": "First day the figure covers. Equal to period_end for a stock (a count on one date)."},
    "period_end": {"dtype": "date", "description": "Last day the figure covers; for a stock, the reference date."},
    "value": {"dtype": "float", "description": "The figure, in `unit`. Never negative; missing figures are absent rows, never 0."},
    "unit": {"dtype": "string", "description": "What is counted: persons, cases, permits, visas, decisions, applications, percent, share."},
    "kind": {"dtype": "string", "description": "stock (people on a date), flow (events in a period), cumulative (running total since a start date) or ratio. Never add rows of different kinds."},
    "flag": {"dtype": "string", "description": "Source flag: Eurostat status (b break, d definition differs, e estimated, p provisional, u low reliability); p for UdSC provisional 2025 figures."},
    "fact_id": {"dtype": "string", "description": "Curated figure id (metric_id in facts.csv) for rows from curated national figures."},
    "conflict_group": {"dtype": "string", "description": "Rows that disagree with each other share this id; show them side by side, never pick one silently."},
    "verification": {"dtype": "string", "description": "Curated rows: verified (value found on a stored copy of the cited page) or unverified."},
    "metric": {"dtype": "string", "description": "The curated figure's own description, as in facts.csv."},
    "publisher": {"dtype": "string", "description": "Who published the figure (curated rows: the outlet and whom it cites)."},
    "source_title": {"dtype": "string", "description": "Title of the cited page or report (in square brackets where it is a description, not the headline)."},
    "source_url": {"dtype": "string", "description": "Link to the cited page or dataset."},
    "published": {"dtype": "string", "description": "Publication date of the cited page as given (may be a year or a month)."},
    "note": {"dtype": "string", "description": "Curator's note: definitions, caveats, and for CONFLICT rows the disagreement."},
    "date": {"dtype": "date", "description": "Date of an event (some are approximate; the text says so)."},
    "country": {"dtype": "string", "description": "Country an event concerns (ISO 3166-1 alpha-3)."},
    "event": {"dtype": "string", "description": "What happened, in one or two sentences."},
    "event_category": {"dtype": "string", "description": "election, repression, war, security, policy-support or policy-restriction."},
    "claim_id": {"dtype": "string", "description": "Id of a claim of the seed article (claims.csv)."},
    "quote": {"dtype": "string", "description": "The claim, quoted briefly from the article."},
    "subject": {"dtype": "string", "description": "Who or what the claim is about."},
    "claim_kind": {"dtype": "string", "description": "numeric, survey or event: what kind of evidence could check the claim."},
    "evidence_hint": {"dtype": "string", "description": "Which data bear on the claim."},
    "file": {"dtype": "string", "description": "Raw file name within its snapshot."},
    "release": {"dtype": "string", "description": "The producer's release the raw file belongs to."},
    "release_dir": {"dtype": "string", "description": "Snapshot folder (data/raw/<source>/<release_dir>/)."},
    "producer": {"dtype": "string", "description": "Organisation that produced the raw data."},
    "title": {"dtype": "string", "description": "Title of the dataset or report."},
    "url": {"dtype": "string", "description": "Where the dataset or report is published."},
    "licence": {"dtype": "string", "description": "Licence or terms of reuse."},
    "citation": {"dtype": "string", "description": "How to cite the source."},
    "accessed": {"dtype": "string", "description": "Date the raw file was retrieved."},
    "sha256": {"dtype": "string", "description": "SHA-256 of the raw file's exact bytes."},
    "bytes": {"dtype": "int", "description": "Size of the raw file in bytes."},
}


def describe(columns: list[str]) -> list[dict[str, str]]:
    return [{"field": name, **FIELDS[name]} for name in columns]
