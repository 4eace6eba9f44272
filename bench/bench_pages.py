"""Server-side cost of each dashboard page, and the size of each figure it sends.

    python bench/bench_pages.py [--repeat 3]

Builds a release from data/raw into a temporary folder, then for every page of the registry in
dashboard.py runs the page in Streamlit's AppTest (in-process, no browser):
  cold: the first run of the page after clearing Streamlit's caches (tables read from disk);
  warm: the run right after it (tables served from st.cache_resource).
Module imports are paid once by a warm-up run before any timing. Times are the median of
--repeat rounds. Then one more run per page records the JSON size of every figure the chart
cards draw (len(plotly.io.to_json(fig)), what the browser has to download and parse).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.page_registry import DASHBOARD, RegisteredPage, registered_pages  # noqa: E402


def build_release(folder: Path) -> None:
    from etl.paths import DataPaths
    from etl.pipeline import build
    shutil.copytree(REPO / "data" / "raw", folder / "raw")
    build(DataPaths(folder), log=lambda *_: None)


def clear_caches() -> None:
    import streamlit as st
    from streamlit import logger
    # outside `streamlit run` these calls warn that there is no runtime; keep the table readable
    logger.set_log_level("error")
    st.cache_resource.clear()
    st.cache_data.clear()


def open_page(entry: RegisteredPage):
    """An AppTest that will show `entry` on its next run (the navigation is registered by a first run)."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    if not entry.default:
        at.run()
        at.switch_page(entry.file)
    return at


def timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the page raised: {[e.message for e in at.exception]}")
    return elapsed


def cold_and_warm(entry: RegisteredPage) -> tuple[float, float]:
    at = open_page(entry)
    clear_caches()
    return timed_run(at), timed_run(at)


def figure_sizes(entry: RegisteredPage) -> list[tuple[str, int]]:
    """(card key, JSON bytes) of every figure drawn through the chart card on the page."""
    import plotly.io

    from app import chart_card
    sizes: list[tuple[str, int]] = []
    render = chart_card.render

    def measuring_render(card, release):
        def build(frame):
            figure = card.build(frame)
            sizes.append((card.key, len(plotly.io.to_json(figure))))
            return figure
        return render(dataclasses.replace(card, build=build), release)

    at = open_page(entry)  # the overview's own figures, drawn while registering the navigation, are not counted
    chart_card.render = measuring_render
    try:
        timed_run(at)
    finally:
        chart_card.render = render
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pages = registered_pages()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["EXILE_DATA_DIR"] = str(Path(tmp) / "data")
        build_release(Path(tmp) / "data")
        timed_run(open_page(pages[0]))  # imports and first-use setup, not a page's cost

        timings = {p.url_path: ([], []) for p in pages}
        for _ in range(args.repeat):
            for entry in pages:
                cold, warm = cold_and_warm(entry)
                timings[entry.url_path][0].append(cold)
                timings[entry.url_path][1].append(warm)
        sizes = {p.url_path: figure_sizes(p) for p in pages}

    print(f"{'page':<12} {'cold s':>7} {'warm s':>7} {'figures':>7} {'JSON KB':>8}  figure JSON sizes (KB)")
    for entry in pages:
        cold, warm = (statistics.median(t) for t in timings[entry.url_path])
        figures = sizes[entry.url_path]
        total = sum(size for _, size in figures) / 1000
        detail = ", ".join(f"{key} {size / 1000:.1f}" for key, size in figures)
        print(f"{entry.url_path:<12} {cold:7.2f} {warm:7.2f} {len(figures):7d} {total:8.1f}  {detail}")
    print(f"(median of {args.repeat} rounds; AppTest server-side run time, including dashboard.py's shared chrome)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
