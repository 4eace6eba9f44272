"""The production launcher (app/serve.py): a light preload, then `streamlit run dashboard.py`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from app import data, i18n, serve
from app.i18n import t
from tests.app.test_data import copy_release
from tests.deploy.streamlit_client import Session
from tests.streamlit_server import REPO_ROOT, free_port, run_coroutine, stop, wait_until_healthy


def test_the_preload_imports_what_dashboard_and_every_page_import():
    names = serve.entry_modules(REPO_ROOT)
    assert {"streamlit", "app.chrome", "app.data", "app.cards", "app.cards.warm"} <= set(names)
    for page in (REPO_ROOT / "pages").glob("*.py"):  # each page's own app modules
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("from app import "):
                for name in line.removeprefix("from app import ").split(","):
                    assert f"app.{name.split(' as ')[0].strip()}" in names, (page.name, name)
    assert serve.import_modules(names) > 0  # every one of them imports (a name, not a module, skipped)


def test_the_preload_reads_the_published_tables_into_the_app_loaders(built, monkeypatch):
    paths, manifest = built
    monkeypatch.setenv("EXILE_DATA_DIR", str(paths.root))
    monkeypatch.setenv(data.READ_ONLY_ENV, "1")
    assert manifest["release_id"] in serve.read_release()
    release = data.Release(paths, manifest)

    def refuse(*_, **__):
        raise AssertionError("a table read again after the preload")
    monkeypatch.setattr(data.pd, "read_parquet", refuse)  # the loaders now answer from their caches
    assert len(data.series(release)) > 0 and len(data.facts(release)) > 0
    assert data.boundaries(release)["type"] == "FeatureCollection"
    assert i18n.catalogue.cache_info().currsize >= len(i18n.LANGUAGES)  # every language's catalogue


def test_a_missing_release_is_left_to_the_page_and_nothing_is_built(tmp_path, monkeypatch):
    monkeypatch.setenv("EXILE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(data.READ_ONLY_ENV, "")  # even where a page run would build: the preload never does
    done = serve.preload()
    assert "no release yet" in str(done["release"])
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("damage", ["unparsable manifest", "a named file removed"])
def test_a_corrupt_release_is_logged_and_never_stops_the_start(built, tmp_path, monkeypatch, damage):
    paths = copy_release(built, tmp_path / "data")
    manifest = json.loads(paths.manifest.read_text())
    if damage == "unparsable manifest":
        paths.manifest.write_text('{"release_id": ')
    else:
        (paths.root / manifest["tables"]["pub_series"]["path"]).unlink()
    monkeypatch.setenv("EXILE_DATA_DIR", str(paths.root))
    monkeypatch.setenv(data.READ_ONLY_ENV, "1")
    done = serve.preload()
    assert "release not readable, nothing read" in str(done["release"])


# A server started by the launcher whose preload is followed by a refusal of any further table
# read: a session's run can then only use the tables the preload put into the loaders' caches.
LAUNCH_THEN_REFUSE_READS = """
import sys
import pandas as pd
from app import serve
read = serve.read_release
def read_then_refuse():
    done = read()
    def refuse(*_, **__):
        raise RuntimeError("a table read inside a session's run")
    pd.read_parquet = refuse
    return done
serve.read_release = read_then_refuse
serve.main(sys.argv[1:])
"""


def _server(data_root: Path, log: Path, code: str | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "EXILE_DATA_DIR": str(data_root), "EXILE_READ_ONLY": "1"}
    launcher = ["-c", code] if code else ["-m", "app.serve"]
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, *launcher, "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log, 180)
    except BaseException:
        stop(process, 10)
        raise
    return process, url


async def _first_run(url: str, page: str, lang: str):
    async with aiohttp.ClientSession() as http:
        async with Session.open(http, url, headers={"Origin": url}) as session:
            return await session.run(page, f"lang={lang}")


@pytest.mark.slow  # a real server and a page run: ~15 s
def test_a_sessions_run_uses_the_tables_the_preload_read(built, tmp_path):
    paths, _ = built
    process, url = _server(paths.root, tmp_path / "server.log", LAUNCH_THEN_REFUSE_READS)
    try:
        run = run_coroutine(_first_run(url, "claims", "pl"))
    finally:
        stop(process, 10)
    log = (tmp_path / "server.log").read_text()
    assert "preload done" in log and "tables read" in log
    assert run.ok, (run.exceptions, log[-2000:])
    assert "a table read inside" not in log


@pytest.mark.slow  # a real server and a page run: ~10 s
def test_a_server_without_a_release_starts_and_its_page_says_what_to_do(tmp_path):
    process, url = _server(tmp_path / "data", tmp_path / "server.log")
    try:
        run = run_coroutine(_first_run(url, "", "en"))
    finally:
        stop(process, 10)
    assert run.finished == "FINISHED_SUCCESSFULLY" and not run.exceptions
    assert any(t("common.release_unavailable", lang="en") in alert for alert in run.alerts), run.alerts
    assert run.charts == 0
    assert not (tmp_path / "data").exists()  # read only: nothing built


# In a fresh process: the preload, then one page's first run (AppTest, in the same process):
# which modules the run still imports.
FIRST_RUN_IMPORTS = """
import json, sys
from app import serve
serve.preload()
from streamlit.testing.v1 import AppTest
before = set(sys.modules)
at = AppTest.from_file("dashboard.py", default_timeout=300)
at.query_params["lang"] = sys.argv[2]
if sys.argv[1] != "overview":
    at.switch_page(f"pages/{sys.argv[1]}.py")
at.run()
new = sorted(set(sys.modules) - before)
print(json.dumps({"errors": [e.value for e in at.exception], "new": new,
                  "packages": sorted({m.split(".")[0] for m in new} - {m.split(".")[0] for m in before})}))
"""


@pytest.mark.slow  # a page's full first run in a fresh process, twice: ~20 s
@pytest.mark.parametrize("page, lang", [("claims", "pl"), ("poland", "en")])
def test_a_fresh_servers_first_page_run_imports_nothing_of_the_app_nor_streamlit(built, page, lang):
    paths, _ = built
    env = {**os.environ, "EXILE_DATA_DIR": str(paths.root), "EXILE_READ_ONLY": "1"}
    out = subprocess.run([sys.executable, "-c", FIRST_RUN_IMPORTS, page, lang], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=600, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["errors"] == []
    assert [m for m in report["new"] if m.split(".")[0] in {"app", "pages", "streamlit", "etl"}] == []
    assert report["packages"] == []  # no library the preload had not loaded at all



def test_the_preloaded_allocator_stays_with_the_server_not_what_it_starts(monkeypatch):
    """The image preloads jemalloc into the server (deploy/Dockerfile, LD_PRELOAD); chromium, which
    the server starts for images and the PDF, starts without it."""
    monkeypatch.setenv("LD_PRELOAD", "/usr/local/lib/libjemalloc.so.2")
    seen: dict[str, str] = {}

    def preload():  # main() preloads before it starts Streamlit: look at a child there, and stop
        child = subprocess.run([sys.executable, "-c", "import os; print(os.environ.get('LD_PRELOAD'))"],
                               capture_output=True, text=True, timeout=60)
        seen["child"] = child.stdout.strip()
        raise SystemExit(0)

    monkeypatch.setattr(serve, "preload", preload)
    with pytest.raises(SystemExit):
        serve.main([])
    assert seen["child"] == "None"
