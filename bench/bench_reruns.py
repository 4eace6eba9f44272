"""Server cost of a page's first run and of a reader's filter changes, measured on a real
`streamlit run dashboard.py` (production config) through Streamlit's websocket protocol
(tests/deploy/streamlit_client.py), side by side for several checkouts (e.g. main and a branch).

    python bench/bench_reruns.py --checkout /path/to/main --checkout . [--rounds 3] [--changes 10]

For every page, each checkout gets a fresh server process (its own data/ release), then:
  fresh:    the page's first run in English: the process's first run (imports, tables read);
  language: a new session, the page in Polish: imports and tables warm, the page's cards and
            shaping in a language not drawn yet (the first reader of a language);
  visit:    a new session, the page in Polish again (a later reader);
  new:      in that session, --changes filter changes, one widget at a time, as a browser sends
            them (a widget inside an st.fragment reruns that fragment only), to views not drawn yet;
  warm:     the same changes again: views the server has drawn (the warm rerun after a filter
            change; "frag" counts the changes that reran a fragment alone; "warm mean" is their
            summed CPU over their number, finer than a single change's 10 ms ticks).
Server time is the CPU time (user + system, /proc/<pid>/stat) the server process used between
sending the message and receiving script_finished; wall time beside it. Checkouts alternate page
by page so both see the same load.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.deploy.stack import image_allocator  # noqa: E402
from tests.deploy.streamlit_client import PageRun, Session  # noqa: E402
from tests.streamlit_server import stop, wait_until_healthy  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
# The filters changed on each page (widget keys), in turn; pages without filters get first runs only.
FILTERS: dict[str, list[str]] = {
    "overview": ["overview_eurostat"],
    "where": ["where_arrows", "where_scale", "where_measure"],
    "lithuania": ["lithuania_events"],
    "poland": ["poland_voivode_year", "poland_eurostat"],
    "asylum": ["asylum_unit", "asylum_rate", "asylum_since"],
    "claims": [], "story": [], "briefing": [], "sources": [],
}
PAGES = ["overview", "where", "lithuania", "poland", "asylum", "claims", "story", "briefing", "sources"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def app_tree(checkout: Path, folder: Path) -> Path:
    """The image's layout: the checkout's code beside the production config."""
    folder.mkdir(parents=True)
    shutil.copy2(checkout / "dashboard.py", folder / "dashboard.py")
    for name in ("app", "pages", "etl"):
        (folder / name).symlink_to(checkout / name, target_is_directory=True)
    (folder / ".streamlit").mkdir()
    shutil.copy2(checkout / "deploy" / "streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    (folder / "home").mkdir()
    return folder


def allocator() -> dict[str, str]:
    """The server's allocator: the image's (jemalloc, deploy/Dockerfile), or glibc's where
    EXILE_BENCH_ALLOCATOR=glibc asks for it (to measure one against the other) or where this
    machine has no libjemalloc2."""
    return {} if os.environ.get("EXILE_BENCH_ALLOCATOR") == "glibc" else image_allocator()


def allocator_name() -> str:
    chosen = allocator()
    return f"jemalloc ({chosen['MALLOC_CONF']})" if chosen else "glibc"


@dataclass
class Server:
    checkout: Path
    port: int
    tree: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
        env.update({"EXILE_DATA_DIR": str(self.checkout / "data"), "EXILE_READ_ONLY": "1",
                    "EXILE_PUBLIC_URL": self.url, "STREAMLIT_SERVER_CORS_ALLOWED_ORIGINS": self.url,
                    "HOME": str(self.tree / "home"), **allocator()})
        log = self.tree / "server.log"
        # the image's command: the launcher (app/serve.py) where the checkout has one
        launcher = (["-m", "app.serve"] if (self.checkout / "app" / "serve.py").exists()
                    else ["-m", "streamlit", "run", "dashboard.py"])
        self.process = subprocess.Popen(
            [sys.executable, *launcher, "--server.port", str(self.port),
             "--server.address", "127.0.0.1"], cwd=self.tree, env=env, stdout=log.open("a"),
            stderr=subprocess.STDOUT)
        wait_until_healthy(self.url, self.process, log, 120)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, 15)
        self.process = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def next_value(session: Session, key: str, step: int) -> Any:
    widget = session.widget(key)
    if widget.kind == "checkbox":
        return step % 2 == 0
    options = widget.options
    return options[(step + 1) % len(options)]


async def timed(server: Server, action) -> tuple[PageRun, float]:
    before = cpu_seconds(server.pid)
    run = await action
    return run, cpu_seconds(server.pid) - before


async def settle(server: Server, limit: float = 600) -> float:
    """Wait until the server is idle (under 0.05 s of CPU in 2 s: a start-up warm-up done); its CPU meanwhile."""
    start = last = cpu_seconds(server.pid)
    for _ in range(int(limit / 2)):
        await asyncio.sleep(2)
        now = cpu_seconds(server.pid)
        if now - last < 0.05:
            break
        last = now
    return cpu_seconds(server.pid) - start


async def measure_page(server: Server, page: str, changes: int, settle_after_fresh: bool = False) -> dict[str, Any]:
    path = "" if page == "overview" else page
    origin = {"Origin": server.url}
    result: dict[str, Any] = {"failures": 0}
    async with aiohttp.ClientSession() as http:
        for label, query in (("fresh", "lang=en"), ("language", "lang=pl"), ("visit", "lang=pl")):
            async with Session.open(http, server.url, headers=origin) as session:
                run, cpu = await timed(server, session.run(path, query))
                result[f"{label}_cpu"], result[f"{label}_wall"] = cpu, run.seconds
                result["failures"] += 0 if run.ok else 1
                if label == "fresh" and settle_after_fresh:
                    result["settle_cpu"] = await settle(server)
                if label != "visit":
                    continue
                keys = FILTERS[page]
                # The same changes twice: first to views this server has not drawn yet ("new"), then
                # again to views it has ("warm", the target's warm rerun).
                for phase in ("new", "change"):
                    for step in range(changes if keys else 0):
                        key = keys[step % len(keys)]
                        value = next_value(session, key, step // len(keys))
                        run, cpu = await timed(server, session.set(key, value))
                        result.setdefault(f"{phase}_cpu", []).append(cpu)
                        result.setdefault(f"{phase}_wall", []).append(run.seconds)
                        result["failures"] += 0 if run.ok else 1
                        result["fragment_runs"] = result.get("fragment_runs", 0) + (
                            run.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
    result["rss"] = rss_bytes(server.pid)
    return result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkout", action="append", type=Path, help="a checkout with data/ built (repeat)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--port", type=int, default=8621, help="first port; one per checkout")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--settle", action="store_true",
                        help="after the fresh run, wait until the server is idle (a start-up warm-up done) "
                             "and print the CPU it used meanwhile")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    args = parser.parse_args()
    checkouts = [c.resolve() for c in (args.checkout or [REPO])]
    pages = args.pages.split(",")
    results: dict[str, dict[str, list[dict]]] = {str(c): {p: [] for p in pages} for c in checkouts}
    print(f"server allocator: {allocator_name()}; load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for page in pages:
                for index, checkout in enumerate(checkouts):
                    tree = app_tree(checkout, Path(tmp) / f"{round_}-{page}-{index}")
                    server = Server(checkout, args.port + index, tree)
                    server.start()
                    try:
                        measured = asyncio.run(measure_page(server, page, args.changes, args.settle))
                    finally:
                        server.stop()
                    results[str(checkout)][page].append(measured)
                    if "settle_cpu" in measured:
                        print(f"round {round_} {checkout.name:<12} {page:<10} idle after the fresh run: "
                              f"{measured['settle_cpu']:.2f} s CPU (warm-up)", flush=True)
                    print(f"round {round_} {checkout.name:<12} {page:<10} fresh {measured['fresh_cpu']:.2f} "
                          f"language {measured['language_cpu']:.2f} visit {measured['visit_cpu']:.2f} "
                          f"warm changes p95 {p95(measured.get('change_cpu', [])):.3f} s CPU, "
                          f"load {os.getloadavg()[0]:.1f}",
                          flush=True)
    print(f"load average at end: {os.getloadavg()}")
    for checkout in checkouts:
        print(f"\n{checkout} (median over {args.rounds} rounds; [min–max])")
        print(f"{'page':<10} {'fresh s':>16} {'language s':>16} {'visit s':>16} {'new p95':>11} {'warm p50':>11} "
              f"{'warm p95':>11} {'warm mean':>11} {'warm wall p95':>15} {'fail':>4} {'frag':>5}")
        for page in pages:
            rows = results[str(checkout)][page]

            def spread(name: str, rows: list[dict] = rows) -> str:
                values = [r[name] for r in rows]
                return f"{statistics.median(values):.2f} [{min(values):.2f}–{max(values):.2f}]"
            cpu = [v for r in rows for v in r.get("change_cpu", [])]
            wall = [v for r in rows for v in r.get("change_wall", [])]
            new = [v for r in rows for v in r.get("new_cpu", [])]
            # The kernel counts CPU in ticks (10 ms): a single change reads 10, 20, 30 ms, so the
            # mean of all warm changes (their summed CPU over their number) is the finer figure.
            changed = (f"{p95(new) * 1000:9.0f}ms {statistics.median(cpu) * 1000:9.0f}ms {p95(cpu) * 1000:9.0f}ms "
                       f"{statistics.fmean(cpu) * 1000:9.1f}ms {p95(wall) * 1000:13.0f}ms" if cpu
                       else f"{'-':>11} {'-':>11} {'-':>11} {'-':>11} {'-':>15}")
            fragments = sum(r.get("fragment_runs", 0) for r in rows)
            print(f"{page:<10} {spread('fresh_cpu'):>16} {spread('language_cpu'):>16} {spread('visit_cpu'):>16} "
                  f"{changed} {sum(r['failures'] for r in rows):4d} {fragments:5d}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
