"""`python -m etl refresh`: fetch the latest UNHCR and Eurostat figures, keep the exact bytes as
new dated raw snapshots, rebuild, and say what changed since the published release.

All or nothing. Every source is fetched and checked before anything is written; one refused
answer (or no network) stops the refresh with data/raw and the published release as they were.
If the rebuild fails or the diff gate blocks it, the snapshots this refresh wrote are removed
again: a bad upstream answer never replaces good data. Review data/release_diff.md and re-run
with --accept-changes to publish a change the gate held back.
"""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

from etl import import_shared, pipeline
from etl.fetch import eurostat, unhcr
from etl.fetch.http import FetchError, HttpClient
from etl.fetch.snapshot import write_snapshot
from etl.paths import DataPaths

FETCHERS = {unhcr.SOURCE_ID: unhcr.fetch, eurostat.SOURCE_ID: eurostat.fetch}


class RefreshError(Exception):
    """The refresh stopped before writing anything."""


def run(paths: DataPaths, sources: list[str] | None = None, accept_changes: bool = False,
        client: HttpClient | None = None, now: datetime | None = None, log=print) -> dict:
    """Fetch, snapshot, rebuild; return the new (or unchanged) manifest."""
    client = client or HttpClient(log=log)
    now = now or datetime.now(timezone.utc)
    catalogue = import_shared.load_catalogue()
    fetched = []
    for source_id in sources or list(FETCHERS):
        log(f"Fetching {source_id} …")
        try:
            fetched.append(FETCHERS[source_id](client, paths.raw, now, log))
        except FetchError as exc:
            raise RefreshError(f"{exc}; nothing was changed") from exc
    written = []
    try:
        for source in fetched:
            folder = write_snapshot(paths.raw, source, catalogue[source.source_id], now)
            if folder is None:
                log(f"{source.source_id}: upstream unchanged since the newest snapshot; nothing written")
            else:
                written.append(folder)
                log(f"{source.source_id}: new snapshot {folder.relative_to(paths.root)} "
                    f"({len(source.documents)} files)")
        return pipeline.build(paths, log=log, accept_changes=accept_changes)
    except BaseException:
        # The rebuild refused the new data: take its snapshots out again, the release stays.
        for folder in written:
            shutil.rmtree(folder, ignore_errors=True)
        raise
