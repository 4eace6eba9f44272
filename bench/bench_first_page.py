"""A page's first run in a server process, in any language, side by side for several checkouts
(e.g. main and a branch), each with its own release and bake: server CPU (user + system,
/proc/<pid>/stat) of that one run, on a real `streamlit run dashboard.py` (production config).

    python bench/bench_first_page.py --checkout /path/to/main --checkout . [--pages claims,story]
                                     [--langs en,pl,lt,be] [--modes after,first] [--rounds 3]

Modes, each on a fresh server process per measurement:
  after: the process has drawn another page first (Overview in English: imports, the release's
         tables); then the page in the language, the process's first run of that page (no earlier
         run of it in any language): what issue 16's target 2 asks of every page's first run;
  first: the page in the language is the process's very first run (imports and tables included).
Checkouts alternate measurement by measurement so both see the same load. Each server is started
as the checkout's image starts it (`python -m app.serve` where the checkout has the launcher,
else `streamlit run dashboard.py`); its start is reported too: wall time until healthy, the
process's CPU by then, and its resident memory (VmRSS) when healthy and after the measured run.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_reruns import Server, app_tree, cpu_seconds, rss_bytes  # noqa: E402

from tests.deploy.streamlit_client import Session  # noqa: E402

WARM_PAGE = ("", "lang=en")  # Overview in English


async def first_run(server: Server, page: str, lang: str, mode: str) -> float:
    origin = {"Origin": server.url}
    async with aiohttp.ClientSession() as http:
        if mode == "after":
            async with Session.open(http, server.url, headers=origin) as session:
                run = await session.run(*WARM_PAGE)
                assert run.ok, "the warm-up page failed"
        async with Session.open(http, server.url, headers=origin) as session:
            before = cpu_seconds(server.pid)
            run = await session.run("" if page == "overview" else page, f"lang={lang}")
            cpu = cpu_seconds(server.pid) - before
            assert run.ok, f"{page} in {lang} failed"
            return cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkout", action="append", type=Path, help="a checkout with data/ built and baked")
    parser.add_argument("--pages", default="claims,story")
    parser.add_argument("--langs", default="en,pl,lt,be")
    parser.add_argument("--modes", default="after,first")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8661)
    args = parser.parse_args()
    checkouts = [c.resolve() for c in (args.checkout or [REPO])]
    results: dict[tuple, list[float]] = {}
    starts: dict[str, list[tuple[float, float, float, float]]] = {}
    print(f"load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for mode in args.modes.split(","):
                for page in args.pages.split(","):
                    for lang in args.langs.split(","):
                        for index, checkout in enumerate(checkouts):
                            tree = app_tree(checkout, Path(tmp) / f"{round_}-{mode}-{page}-{lang}-{index}")
                            server = Server(checkout, args.port + index, tree)
                            begun = time.monotonic()
                            server.start()
                            start = (time.monotonic() - begun, cpu_seconds(server.pid), rss_bytes(server.pid) / 2**20)
                            try:
                                cpu = asyncio.run(first_run(server, page, lang, mode))
                                rss_after = rss_bytes(server.pid) / 2**20
                            finally:
                                server.stop()
                            results.setdefault((str(checkout), mode, page, lang), []).append(cpu)
                            starts.setdefault(str(checkout), []).append((*start, rss_after))
                            print(f"round {round_} {checkout.name:<14} {mode:<5} {page:<8} {lang} {cpu:.2f} s CPU, "
                                  f"start {start[0]:.1f} s wall / {start[1]:.2f} s CPU, RSS {start[2]:.0f} -> "
                                  f"{rss_after:.0f} MB, load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"load average at end: {os.getloadavg()}")
    print("\nmedian [min–max] of the server CPU, s")
    for (checkout, mode, page, lang), values in results.items():
        print(f"{Path(checkout).name:<14} {mode:<5} {page:<8} {lang}  {statistics.median(values):.2f} "
              f"[{min(values):.2f}–{max(values):.2f}] n={len(values)}")
    print("\nthe server's start, median [min–max]: wall s until healthy / CPU s by then / "
          "RSS MB healthy / after the run")
    for checkout, rows in starts.items():
        cells = []
        for column in zip(*rows):
            cells.append(f"{statistics.median(column):.2f} [{min(column):.2f}–{max(column):.2f}]")
        print(f"{Path(checkout).name:<14} " + " / ".join(cells) + f" n={len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
