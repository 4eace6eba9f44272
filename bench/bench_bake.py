"""The cards' bake (app/cards/bake.py) on a real server: one server process visits every page once
in English, then once in Polish (each a new session), with the bake read (EXILE_BAKE unset) and
switched off (EXILE_BAKE=0), alternating, on the same checkout and data; prints the server's CPU
for each pass and its RSS after both.

    python bench/bench_bake.py [--checkout .] [--rounds 3]

Server CPU is user + system time of the server process (/proc/<pid>/stat) while the pages ran."""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_reruns import PAGES, Server, app_tree, cpu_seconds, rss_bytes  # noqa: E402
from tests.deploy.streamlit_client import Session  # noqa: E402


async def visit_all(server: Server, pages: list[str]) -> dict[str, float]:
    result: dict[str, float] = {"failures": 0}
    async with aiohttp.ClientSession() as http:
        for lang in ("en", "pl"):
            before = cpu_seconds(server.pid)
            for page in pages:
                async with Session.open(http, server.url, headers={"Origin": server.url}) as session:
                    run = await session.run("" if page == "overview" else page, f"lang={lang}")
                    result["failures"] += 0 if run.ok else 1
            result[f"{lang}_cpu"] = cpu_seconds(server.pid) - before
    result["rss_mb"] = rss_bytes(server.pid) / 2**20
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkout", type=Path, default=REPO)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8641)
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args()
    pages = args.pages.split(",")
    results: dict[str, list[dict[str, float]]] = {"baked": [], "built": []}
    print(f"load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for label in results:
                if label == "built":
                    os.environ["EXILE_BAKE"] = "0"
                else:
                    os.environ.pop("EXILE_BAKE", None)
                server = Server(args.checkout.resolve(), args.port, app_tree(args.checkout.resolve(),
                                                                             Path(tmp) / f"{round_}-{label}"))
                server.start()
                try:
                    measured = asyncio.run(visit_all(server, pages))
                finally:
                    server.stop()
                results[label].append(measured)
                print(f"round {round_} {label}: every page in English {measured['en_cpu']:.2f} s CPU, then in "
                      f"Polish {measured['pl_cpu']:.2f} s; RSS {measured['rss_mb']:.0f} MB, "
                      f"{measured['failures']:.0f} failed, load {os.getloadavg()[0]:.1f}", flush=True)
    os.environ.pop("EXILE_BAKE", None)
    print(f"load average at end: {os.getloadavg()}")
    for label, rows in results.items():
        def median(name: str, rows: list[dict[str, float]] = rows) -> str:
            values = [row[name] for row in rows]
            return f"{statistics.median(values):.2f} [{min(values):.2f}–{max(values):.2f}]"
        print(f"{label:<6} en {median('en_cpu')} s, pl {median('pl_cpu')} s, RSS {median('rss_mb')} MB "
              f"(median over {args.rounds} rounds; [min–max])")
    return 0


if __name__ == "__main__":
    sys.exit(main())
