"""`python -m etl refresh`: fetch the latest UNHCR and Eurostat figures, keep the exact bytes as
new dated raw snapshots, rebuild, and say what changed since the published release.

All or nothing. Every source is fetched and checked before anything is written; one refused
answer (or no network, or a broken transfer) stops the refresh with a one-line error and data/raw
and the published release as they were. If the rebuild fails or the diff gate blocks it, the
snapshots this refresh wrote are removed again: a bad upstream answer never replaces good data.
Each snapshot is journalled (data/releases/.refresh-pending.json) before it appears, so that even
a refresh killed mid-build is undone by the next build. Review data/release_diff.md and re-run
with --accept-changes INDICATOR/COUNTRY to publish a change the gate held back.
"""
from __future__ import annotations

import shutil
from datetime import datetime, UTC
from pathlib import Path

from etl import import_shared, pipeline
from etl.atomic import write_json_atomic
from etl.fetch import eurostat, unhcr
from etl.fetch.http import FetchError, HttpClient
from etl.fetch.snapshot import write_snapshot
from etl.paths import DataPaths

FETCHERS = {unhcr.SOURCE_ID: unhcr.fetch, eurostat.SOURCE_ID: eurostat.fetch}


class RefreshError(Exception):
    """The refresh stopped before writing anything."""


def one_line(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def run(paths: DataPaths, sources: list[str] | None = None, accept_changes=False,
        client: HttpClient | None = None, now: datetime | None = None, log=print) -> dict:
    """Fetch, snapshot, rebuild; return the new (or unchanged) manifest. `accept_changes` is
    passed to the diff gate: True, or names such as `unhcr_under_mandate_stock/POL`."""
    client = client or HttpClient(log=log)
    now = now or datetime.now(UTC)
    catalogue = import_shared.load_catalogue()
    fetched = []
    for source_id in sources or list(FETCHERS):
        log(f"Fetching {source_id} …")
        try:
            fetched.append(FETCHERS[source_id](client, paths.raw, now, log))
        except FetchError as exc:
            raise RefreshError(f"{exc}; nothing was changed") from exc
        except Exception as exc:
            # Nothing is written yet, so whatever an answer did to the reader (a shape no check
            # foresaw) ends as one sentence too; the cause stays chained for a debugger.
            raise RefreshError(f"{source_id}: the answer could not be read ({type(exc).__name__}: "
                               f"{one_line(exc)}); nothing was changed") from exc
    with pipeline.build_lock(paths, log) as exclusive:  # no other build writes or cleans meanwhile
        if exclusive:
            pipeline.clean_debris(paths, pipeline.read_manifest(paths), log)
        written: list[Path] = []

        def journal(folder: Path) -> None:
            # Before the folder appears: a refresh killed from here on is undone by the next build.
            write_json_atomic(paths.refresh_journal, {"snapshots": [
                str(f.relative_to(paths.root)) for f in [*written, folder]]})

        try:
            for source in fetched:
                folder = write_snapshot(paths.raw, source, catalogue[source.source_id], now, before_rename=journal)
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
        finally:
            paths.refresh_journal.unlink(missing_ok=True)
