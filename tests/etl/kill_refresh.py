"""A refresh against recorded answers (no network), run as its own process by the kill test:

    python -m tests.etl.kill_refresh DATA_DIR RUN

Each RUN gets a later retrieval time and a Eurostat answer whose label differs, so every run
writes a new snapshot (and so has something to be killed in the middle of)."""
import sys
from datetime import datetime, timedelta, UTC
from pathlib import Path

import responses

from etl import refresh
from etl.fetch import eurostat
from etl.paths import DataPaths
from tests.etl.fetch.recorded import Recorder, asylum_doc, dumps, serve_eurostat, serve_unhcr


def main(root: str, run: int) -> None:
    query = next(q for q in eurostat.QUERIES if q.dataset == "migr_asyappctza")
    answer = {**asylum_doc(query), "label": f"{query.dataset} (test answer, run {run})"}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        serve_unhcr(rsps)
        serve_eurostat(rsps, {query.file: dumps(answer)})
        recorder = Recorder()
        now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC) + timedelta(hours=run)
        refresh.run(DataPaths(Path(root)), client=recorder.client, now=now, log=lambda *_: None)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
