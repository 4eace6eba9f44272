"""app/data.py serves the release and never builds it, except on a fresh clone's first start:
once, under the build lock, and never with EXILE_READ_ONLY=1. A missing or corrupt release gives
a translated page that says what to do, never a traceback; production page runs load no ETL."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import data
from app.i18n import t
from etl.paths import REPO_ROOT, DataPaths
from tests.page_registry import DASHBOARD, registered_pages

FAKE_BUILD_SECONDS = 1.0


def copy_release(built: tuple[DataPaths, dict], dest: Path) -> DataPaths:
    """A private copy of the session's release (manifest and the files it names), safe to break."""
    paths, manifest = built
    for entry in manifest["tables"].values():
        target = dest / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths.root / entry["path"], target)
    shutil.copyfile(paths.manifest, dest / "manifest.json")
    return DataPaths(dest)


def error_page(data_root: Path, monkeypatch, lang: str = "en") -> AppTest:
    monkeypatch.setenv("EXILE_DATA_DIR", str(data_root))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


# ------------------------------------------------------------------ first start: one build, locked
def slow_fake_build(calls: list[str]):
    def build(paths: DataPaths, log=print, **_):
        calls.append(threading.current_thread().name)
        time.sleep(FAKE_BUILD_SECONDS)  # long enough for the other first visitor to arrive meanwhile
        paths.manifest.write_text(json.dumps({"release_id": "fake", "tables": {}}), encoding="utf-8")
    return build


def test_two_first_visitors_in_one_server_build_once(tmp_path, monkeypatch):
    import etl.pipeline
    calls: list[str] = []
    monkeypatch.setattr(etl.pipeline, "build", slow_fake_build(calls))
    paths = DataPaths(tmp_path / "data")
    visitors = [threading.Thread(target=data.first_start_build, args=(paths, False), name=f"visitor-{i}")
                for i in range(2)]
    for visitor in visitors:
        visitor.start()
    for visitor in visitors:
        visitor.join(timeout=30)
    assert len(calls) == 1, calls
    assert json.loads(paths.manifest.read_text())["release_id"] == "fake"


FIRST_START = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import etl.pipeline
    from app import data
    from etl.paths import DataPaths

    def build(paths, log=print, **_):
        with open(sys.argv[2], "a") as calls:
            calls.write("built\\n")
        time.sleep({seconds})
        paths.manifest.write_text(json.dumps({{"release_id": "fake", "tables": {{}}}}))

    etl.pipeline.build = build
    data.first_start_build(DataPaths(Path(sys.argv[1])), show_progress=False)
""")


@pytest.mark.slow  # two fresh processes building at once (concurrency, ~7 s); one process's two visitors run in the fast loop
def test_two_first_starts_in_two_processes_build_once(tmp_path):
    root, calls = tmp_path / "data", tmp_path / "calls.txt"
    script = FIRST_START.format(seconds=FAKE_BUILD_SECONDS * 3)
    starts = [subprocess.Popen([sys.executable, "-c", script, str(root), str(calls)], cwd=REPO_ROOT)
              for _ in range(2)]
    assert [start.wait(timeout=120) for start in starts] == [0, 0]
    assert calls.read_text().splitlines() == ["built"]


def test_a_fresh_clone_builds_on_its_first_start_with_a_translated_message(raw_copy, monkeypatch):
    monkeypatch.delenv(data.READ_ONLY_ENV, raising=False)
    at = error_page(raw_copy.root, monkeypatch, lang="pl")
    assert raw_copy.manifest.exists()
    assert [status.label for status in at.status] == [t("common.built", lang="pl")]
    assert not at.error


# ------------------------------------------------------------------ production: read only
def test_read_only_never_builds_and_says_what_to_do(raw_copy, monkeypatch):
    monkeypatch.setenv(data.READ_ONLY_ENV, "1")
    at = error_page(raw_copy.root, monkeypatch, lang="lt")
    assert not raw_copy.manifest.exists() and not raw_copy.releases.exists(), "nothing was built"
    [box] = at.error
    assert t("common.release_unavailable", lang="lt") in box.value
    assert "python -m etl build" in box.value and str(raw_copy.manifest) in box.value
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("damage, kind", [
    ("unparsable manifest", "unreadable"),
    ("manifest without tables", "unreadable"),
    ("a named file removed", "file_missing"),
    ("a named file changed", "file_changed"),
])
def test_a_corrupt_release_gives_a_translated_page_not_a_traceback(built, tmp_path, monkeypatch, damage, kind):
    paths = copy_release(built, tmp_path / "data")
    manifest = json.loads(paths.manifest.read_text())
    named = paths.root / manifest["tables"]["pub_series"]["path"]
    if damage == "unparsable manifest":
        paths.manifest.write_text('{"release_id": ')
    elif damage == "manifest without tables":
        paths.manifest.write_text(json.dumps({"release_id": "x"}))
    elif damage == "a named file removed":
        named.unlink()
    else:
        with named.open("r+b") as handle:  # same size, other bytes: only the checksum can tell
            first = handle.read(1)
            handle.seek(0)
            handle.write(bytes([first[0] ^ 0xFF]))
    for read_only in ("1", ""):  # corrupt is never "first start": development does not rebuild it either
        monkeypatch.setenv(data.READ_ONLY_ENV, read_only)
        at = error_page(paths.root, monkeypatch, lang="be")
        [box] = at.error
        assert t("common.release_unavailable", lang="be") in box.value
        where = str(paths.manifest) if kind == "unreadable" else manifest["tables"]["pub_series"]["path"]
        assert t(f"common.release_{kind}", lang="be", path=where) in box.value
        assert not at.get("plotly_chart")


def test_the_files_are_hashed_once_per_manifest_version(built, tmp_path, monkeypatch):
    from app import release_files
    paths = copy_release(built, tmp_path / "data")
    hashed: list[Path] = []
    real = release_files._sha256
    monkeypatch.setattr(release_files, "_sha256", lambda path: hashed.append(path) or real(path))
    monkeypatch.setenv("EXILE_DATA_DIR", str(paths.root))
    monkeypatch.setenv(data.READ_ONLY_ENV, "1")
    for _ in range(3):
        assert data.ensure_release(show_progress=False).release_id == built[1]["release_id"]
    assert len(hashed) == len(built[1]["tables"]), "checked once, not per run"
    time.sleep(0.01)
    paths.manifest.write_text(paths.manifest.read_text())  # a build publishing: a new manifest version
    data.ensure_release(show_progress=False)
    assert len(hashed) == 2 * len(built[1]["tables"])


SERVING = textwrap.dedent("""
    import json, sys
    from streamlit.testing.v1 import AppTest
    from tests.page_registry import DASHBOARD, registered_pages

    at = AppTest.from_file(str(DASHBOARD), default_timeout=300)
    at.run()
    ran = []
    for page in registered_pages():
        at.switch_page(page.file).run()
        ran.append([page.url_path, [e.message for e in at.exception], len(at.error)])
    heavy = sorted(name for name in sys.modules if name.split(".")[0] in {"pandera", "geopandas", "shapely"}
                   or name in {"etl.pipeline", "etl.publish", "etl.diff"})
    print(json.dumps({"ran": ran, "heavy": heavy}))
""")


IMPORTING = textwrap.dedent("""
    import ast, importlib, json, sys
    from pathlib import Path

    scripts = [Path("dashboard.py"), *sorted(Path("pages").glob("*.py"))]
    names = set()
    for script in scripts:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
    for name in sorted(names):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            pass  # a name imported from a module, not a module
    heavy = sorted(name for name in sys.modules if name.split(".")[0] in {"pandera", "geopandas", "shapely"}
                   or name in {"etl.pipeline", "etl.publish", "etl.diff"})
    print(json.dumps({"imported": sorted(names), "heavy": heavy}))
""")


def serving_report(built, script: str, timeout: int) -> dict:
    """What `script` prints last, run in a fresh process (imports are process-wide) reading the
    built release with EXILE_READ_ONLY=1."""
    paths, _ = built
    env = {**os.environ, "EXILE_DATA_DIR": str(paths.root), data.READ_ONLY_ENV: "1"}
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                         timeout=timeout)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_serving_code_imports_no_etl_nor_its_data_libraries(built):
    """The fast guard of the slow test below: in a fresh process, every module that dashboard.py
    and the page scripts import (and what those import) leaves the ETL's libraries unloaded."""
    report = serving_report(built, IMPORTING, timeout=300)
    assert "app.chart_card" in report["imported"] and "app.cards" in report["imported"]
    assert report["heavy"] == []


@pytest.mark.slow  # every page's first run in a fresh process: ~20 s; the import guard above runs in the fast loop
def test_production_page_runs_load_no_etl_nor_its_data_libraries(built):
    """Every registered page, in a fresh process (imports are process-wide), reading a built
    release with EXILE_READ_ONLY=1: pandera, geopandas, shapely and the pipeline stay unloaded."""
    report = serving_report(built, SERVING, timeout=900)
    assert [row[0] for row in report["ran"]] == [p.url_path for p in registered_pages()]
    assert [row for row in report["ran"] if row[1] or row[2]] == [], "every page ran without an error"
    assert report["heavy"] == []
