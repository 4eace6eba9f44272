"""Many readers at once on the heaviest page (Poland), one server process: --sessions concurrent
sessions each open the page and change its filters --changes times (as a browser does, through
tests/deploy/streamlit_client.Session; a change inside an st.fragment reruns that fragment), for
--cycles cycles. Reports per cycle the p50/p95 of a filter change and of the first page run
(wall time, client side), failures, and the server's resident memory (VmRSS, sampled every 0.2 s)
and CPU. The server runs with the image's allocator (jemalloc, deploy/Dockerfile, where Debian's
libjemalloc2 is installed; EXILE_BENCH_ALLOCATOR=glibc runs it on glibc's, to compare).

    python bench/bench_sessions.py [--checkout DIR] [--sessions 50] [--changes 5] [--cycles 10]
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

from bench.bench_reruns import Server, allocator_name, app_tree, cpu_seconds, p95, rss_bytes  # noqa: E402
from tests.deploy.streamlit_client import Session  # noqa: E402

CHANGES = [("poland_voivode_year", None), ("poland_eurostat", False), ("poland_voivode_year", None),
           ("poland_eurostat", True), ("poland_voivode_year", None)]
LANGUAGES = ["en", "pl", "lt", "be"]


async def reader(http: aiohttp.ClientSession, url: str, index: int, changes: int, page_runs: list[float],
                 change_runs: list[float], failures: list[str]) -> None:
    try:
        async with Session.open(http, url, headers={"Origin": url}) as session:
            run = await session.run("poland", f"lang={LANGUAGES[index % len(LANGUAGES)]}", timeout=300)
            page_runs.append(run.seconds)
            if not run.ok:
                failures.append(f"page: {run.finished} {run.exceptions}")
                return
            for step in range(changes):
                key, value = CHANGES[step % len(CHANGES)]
                if value is None:  # a year: each reader its own, in turn
                    options = session.widget(key).options
                    value = options[(index + step) % len(options)]
                run = await session.set(key, value, timeout=300)
                change_runs.append(run.seconds)
                if not run.ok:
                    failures.append(f"change: {run.finished} {run.exceptions}")
    except Exception as error:  # a refused or dropped websocket, a time-out
        failures.append(f"{type(error).__name__}: {error}")


async def cycle(url: str, sessions: int, changes: int, pid: int) -> dict:
    page_runs: list[float] = []
    change_runs: list[float] = []
    failures: list[str] = []
    peak = 0
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_bytes(pid))
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())
    cpu, started = cpu_seconds(pid), time.perf_counter()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        await asyncio.gather(*(reader(http, url, i, changes, page_runs, change_runs, failures)
                               for i in range(sessions)))
    done.set()
    await sampler
    return {"seconds": time.perf_counter() - started, "cpu": cpu_seconds(pid) - cpu, "page": page_runs,
            "change": change_runs, "failures": failures, "peak_rss": peak, "after_rss": rss_bytes(pid)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkout", type=Path, default=REPO)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--port", type=int, default=8629)
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    print(f"{checkout}; server allocator: {allocator_name()}; load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(checkout, args.port, app_tree(checkout, Path(tmp) / "tree"))
        server.start()
        try:
            print(f"{'cycle':>5} {'s':>6} {'CPU s':>6} {'page p50':>9} {'page p95':>9} {'change p50':>10} "
                  f"{'change p95':>10} {'fail':>4} {'peak MB':>8} {'after MB':>8} load")
            all_changes: list[float] = []
            failures = 0
            for number in range(args.cycles):
                result = asyncio.run(cycle(server.url, args.sessions, args.changes, server.pid))
                all_changes += result["change"]
                failures += len(result["failures"])
                print(f"{number:5d} {result['seconds']:6.1f} {result['cpu']:6.1f} "
                      f"{statistics.median(result['page'] or [0]):9.2f} {p95(result['page']):9.2f} "
                      f"{statistics.median(result['change'] or [0]):10.2f} {p95(result['change']):10.2f} "
                      f"{len(result['failures']):4d} {result['peak_rss'] / 1e6:8.0f} {result['after_rss'] / 1e6:8.0f} "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
                for failure in result["failures"][:3]:
                    print("   ", failure)
            print(f"all cycles: filter change p50 {statistics.median(all_changes):.2f} s, "
                  f"p95 {p95(all_changes):.2f} s, {failures} failures; load average at end: {os.getloadavg()}")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
