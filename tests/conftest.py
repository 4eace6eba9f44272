"""Shared fixtures: a private copy of the committed raw snapshots, and one built release.

Tests never touch data/ of the checkout: every build goes into a temporary folder.
"""
from __future__ import annotations

import functools
import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from etl.paths import REPO_ROOT, DataPaths
from tests import scheduling
from tests.page_registry import SHARED_RENDER_MODULES

RAW = REPO_ROOT / "data" / "raw"

# The loop keeps compiled modules between runs, Python's default, also where the environment turns
# writing them off (PYTHONDONTWRITEBYTECODE=1 on these machines): otherwise every worker of every run
# compiles the project's modules and rewrites the asserts of ~100 test modules again (collection
# 16 s -> 7-8 s of CPU a worker from the second run on). __pycache__/ is ignored by git.
sys.dont_write_bytecode = False

# Property tests of the release gate draw few examples in the fast loop and many in CI
# (.ci/run sets HYPOTHESIS_PROFILE=ci); tests that fix their own max_examples keep it.
settings.register_profile("dev", max_examples=8)
settings.register_profile("ci", max_examples=40)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _scan_installed_components_once() -> None:
    """Every AppTest scans the metadata of every installed package for Streamlit components
    (about 0.3 s of CPU with the test requirements installed, paid by each of several hundred
    AppTests). The installed packages do not change during a test run: scan once per process.
    If a Streamlit upgrade moves the scanner, the tests only get slower, never wrong."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return
    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is not None and not hasattr(scan, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.lru_cache(maxsize=1)(scan)  # type: ignore[assignment]


_scan_installed_components_once()


def pytest_addoption(parser):
    parser.addoption("--store-module-seconds", action="store_true",
                     help=f"record each module's seconds in {scheduling.RECORD.name} (orders later runs)")


def pytest_configure(config):
    if config.getoption("--store-module-seconds"):
        config.pluginmanager.register(scheduling.ModuleSeconds(), "module-seconds")


def pytest_collection_modifyitems(config, items):
    """The longest modules first (tests/scheduling.py), so the two workers end together."""
    items[:] = scheduling.longest_modules_first(items, scheduling.recorded_seconds())


def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile, with the modules that share rendered pages (tests/app/page_renders.py)
    scheduled as one file: one worker renders each page once for all of them, one after another;
    files handed out in the collected order (longest first), not xdist's order by number of tests."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False

    class SharedRendersTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scheduling.module_of(nodeid)
    return SharedRendersTogether(config, log)


def pytest_runtest_setup(item):
    """A test of any other module ends the shared renders' recording (and frees them)."""
    renders = sys.modules.get("tests.app.page_renders")
    if renders is not None and item.nodeid.split("::", 1)[0] not in SHARED_RENDER_MODULES:
        renders.SHARED.close()


def copy_raw(dest: Path) -> DataPaths:
    shutil.copytree(RAW, dest / "raw")
    return DataPaths(dest)


@pytest.fixture
def raw_copy(tmp_path) -> DataPaths:
    """A writable data folder holding a copy of the raw snapshots and nothing built yet."""
    return copy_raw(tmp_path / "data")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[DataPaths, dict]:
    """One full offline build shared by read-only tests: (paths, manifest)."""
    from etl.pipeline import build

    paths = copy_raw(tmp_path_factory.mktemp("built") / "data")
    manifest = build(paths, log=lambda *_: None)
    return paths, manifest


@pytest.fixture
def built_copy(built, tmp_path) -> tuple[DataPaths, dict]:
    """A writable copy of the session's built data folder (raw snapshots, release, manifest): for
    tests that start from a published release and change it, without paying for a build."""
    paths, manifest = built
    shutil.copytree(paths.root, tmp_path / "data")
    return DataPaths(tmp_path / "data"), manifest


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright, one per test process for every browser test (the
    dashboard's, the static edition's, the proxy's). Playwright's sync API keeps an event loop
    running on this thread while it lives: a second sync_playwright() or an asyncio.run() on the
    same thread fails (run coroutines with tests.streamlit_server.run_coroutine)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); .ci/run installs it")
    api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
    with api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
