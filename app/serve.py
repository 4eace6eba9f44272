"""The production launcher: `python -m app.serve [streamlit run's options]`.

A fresh server process's first page run used to pay the process's one-time work inside a reader's
run (about 2 s of CPU on any page, issue 16): importing the app's modules and the parts of
Streamlit and plotly the pages load on first use, and reading the release's tables. This launcher
does that work first, in the same process, then starts Streamlit exactly as `streamlit run
dashboard.py [options]` does (its command-line entry, so every option and config file means the
same). The server listens, and answers its health check, only once the preload is done.

A light preload, not a warm-up: no card is built (that is app/cards/warm.py, opt-in,
EXILE_WARM_UP=1). It only reads: a missing, unreadable or corrupt release is logged and left for
the page run to report, as without a preload (dashboard.py's clear page, `python -m app.health`);
nothing here ever builds a release (serving with EXILE_READ_ONLY=1 never does) nor stops the start.

What the tables are read into are the app's own `st.cache_resource` loaders (app/data.py), whose
caches are global to the process: a session's run finds the very objects read here
(tests/app/test_serve.py checks it).
"""
from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import time
from pathlib import Path

ENTRY = "dashboard.py"  # run from the app's folder, as `streamlit run dashboard.py` is

# What a page run imports on first use that importing dashboard.py does not: the app's modules
# imported inside functions, Streamlit's icon and emoji tables (read on the first widget with an
# icon: the sidebar's language switch), and the figure and table libraries behind the cards.
# tests/app/test_serve.py runs every page after the preload and fails on any module of these
# packages that the run still imports.
LAZY_MODULES = (
    "app.chart_card",
    "app.html_table",
    "app.image_export",
    "app.cards.bake",
    "streamlit.emojis",
    "streamlit.material_icon_names",
    "streamlit.components.v2.manifest_scanner",
    "streamlit.runtime.scriptrunner.magic_funcs",
    "plotly.graph_objects",
    "plotly.io",
    "plotly.io._json",
    "plotly.offline",
    "plotly.tools",
    "PIL.Image",
    "pyarrow",
    "narwhals.stable.v1",
)

_log = logging.getLogger("app.serve")


def entry_modules(root: Path | None = None) -> list[str]:
    """The modules dashboard.py and the pages import at their top level (they run as scripts, so
    Streamlit would import these on their first run)."""
    import ast
    root = Path.cwd() if root is None else root
    names: list[str] = []
    for path in [root / ENTRY, *sorted((root / "pages").glob("*.py"))]:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.append(node.module)
                # `from app import chrome`: chrome is a module of the package
                names += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(n for n in names if n != "__future__"))


def import_modules(names) -> int:
    imported = 0
    for name in names:
        try:
            importlib.import_module(name)
            imported += 1
        except ModuleNotFoundError as error:
            if error.name != name:  # `from app import t`: a name, not a module; anything else is real
                raise
    return imported


def read_release() -> str:
    """The current release's published tables, read once into app/data.py's cached loaders, and
    every language's catalogue. Returns what was done, for the log; never raises for a release
    that cannot be served (the page run says so)."""
    from app import data, i18n
    from app.release_files import manifest_stamp
    paths = data.data_paths()
    stamp = manifest_stamp(paths)
    for lang in i18n.LANGUAGES:
        i18n.catalogue(lang)
    if stamp is None:
        return "no release yet: nothing read (the first page run says what to do)"
    manifest, problem = data._checked_release(str(paths.root), stamp)
    if problem is not None or manifest is None:
        return f"release not readable, nothing read: {problem.reason() if problem else 'no manifest'}"
    release = data.Release(paths, manifest)
    read = 0
    for name, entry in manifest["tables"].items():
        if not name.startswith("pub_"):  # the pages read only the published tables
            continue
        if entry["path"].endswith(".parquet"):
            data.table(release, name)
        else:
            data.json_table(release, name)  # the loader behind data.metadata and data.boundaries
        read += 1
    return f"release {release.release_id}: {read} tables read"


def preload() -> dict[str, object]:
    """The process's one-time work, before the server exists. Never raises for the data: a
    release problem is logged and left to the page run; a broken import is a broken image."""
    begun, cpu = time.monotonic(), time.process_time()
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    modules = import_modules([*entry_modules(), *LAZY_MODULES])
    from PIL import Image
    Image.preinit()  # the image plugins Pillow loads on its first open (Streamlit's page icon)
    try:
        release = read_release()
    except Exception as error:  # noqa: BLE001 - a start never fails on the data: the page run reports it
        release = f"release not read ({type(error).__name__}: {error}); the page run reports it"
    # What was read is kept for the process's life: out of the cyclic collector's sight, or each
    # full collection walks it again inside some reader's run (as app/cards/warm.py does after
    # its warm-up). Collected first, so that no garbage is frozen.
    gc.collect()
    gc.freeze()
    done = {"modules": modules, "release": release, "cpu_s": round(time.process_time() - cpu, 2),
            "wall_s": round(time.monotonic() - begun, 2)}
    _log.warning("preload done: %s", done)
    return done


def keep_preload_to_this_process() -> None:
    """Take LD_PRELOAD out of the environment the server's children inherit. The image preloads
    jemalloc for this process (deploy/Dockerfile); chromium, which kaleido starts for images and
    the briefing PDF, brings its own allocator and starts without it."""
    os.environ.pop("LD_PRELOAD", None)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    keep_preload_to_this_process()
    preload()
    from streamlit.web import cli
    sys.argv = ["streamlit", "run", ENTRY, *(sys.argv[1:] if argv is None else argv)]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
