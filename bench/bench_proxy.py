"""The hosted topology under a news-article spike, on this machine, through nginx.

    python bench/bench_proxy.py [--readers 500] [--seconds 20] [--sessions 50] [--replicas 2]

Starts the loopback topology of tests/deploy (Debian's nginx with deploy/nginx/, in front of
--replicas `streamlit run dashboard.py` processes with the production config and EXILE_READ_ONLY=1,
reading a release built into a temporary folder), then:

1. static: --readers concurrent readers of the static edition for --seconds, each from its own
   loopback address (127.0.0.0/8; the proxy's limits are per address, as they are for real
   readers). A reader's first visit fetches a page and everything it references (CSS, plotly.js,
   the PNG); later visits fetch pages only (hashed assets are cached for a year). Twice: files
   compressed by nginx on the fly (what the bake gives today), then with a baked <file>.gz beside
   each text file (served by gzip_static). Then page views alone (browsers that have the assets).
   The client speaks HTTP/1.1 keep-alive by hand over asyncio (two processes): cheap enough per
   request that the figures say something about nginx on two cores.
2. app: --sessions concurrent app sessions, each from its own address: GET / (the route cookie),
   open the websocket with the cookie and the public Origin, ask for a page run (Streamlit's
   BackMsg rerun_script) and wait for script_finished, so the page script really runs on a
   replica. Pages in turn over the registry, languages in turn. Replicas are warmed first (one run
   of every page each, directly on their port), as a server is after its first readers.
3. both: the static readers again while the app sessions run.

Reports requests/s, latency p50/p95/p99, failures, and the app replicas' memory (RSS of each
replica's process tree, sampled every 0.2 s). The static edition is the one `python -m etl site`
bakes when this checkout has that command, else a synthetic site in its layout with real
weights (plotly.min.js from the plotly package, pages with a figure's JSON inline).
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import gzip
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402

from tests.deploy.stack import Stack, write_fixture_site  # noqa: E402
from tests.deploy.streamlit_client import run_page  # noqa: E402
from tests.page_registry import registered_pages  # noqa: E402

LANGS = ("en", "pl", "lt", "be")
ASSET_REF = re.compile(r'(?:src|href)="([^"#?]+\.(?:js|css|png|svg))"')


# ------------------------------------------------------------------ the data and the site

def build_release(folder: Path) -> None:
    from etl.paths import DataPaths
    from etl.pipeline import build
    shutil.copytree(REPO / "data" / "raw", folder / "raw")
    build(DataPaths(folder), log=lambda *_: None)


def bake_site(data: Path, work: Path) -> tuple[Path, str]:
    """The real static edition when `python -m etl site` exists here, else a synthetic one."""
    baked = subprocess.run([sys.executable, "-m", "etl", "site"], cwd=REPO, capture_output=True, text=True,
                           env={**os.environ, "EXILE_DATA_DIR": str(data)})
    if baked.returncode == 0 and (data / "site").is_dir():
        site = work / "site"
        shutil.copytree(data / "site", site, symlinks=False)
        return site, "baked by `python -m etl site`"
    return synthetic_site(work / "site"), "synthetic, in the contract's layout (no `etl site` in this checkout)"


def synthetic_site(site: Path) -> Path:
    """The fixture's layout with real weights: plotly.min.js as the hashed chart script, and for
    10 cards x 4 languages an edition page and an embed page carrying a figure's JSON inline
    (30 KB, a typical card; the map is ~190 KB) and the chart's PNG."""
    write_fixture_site(site)
    import plotly
    plotly_js = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    name = f"plotly-{hashlib.sha256(plotly_js).hexdigest()[:8]}.js"
    (site / "assets" / name).write_bytes(plotly_js)
    css = next(p.name for p in (site / "assets").iterdir() if p.suffix == ".css")
    figure = {"data": [{"type": "scatter", "name": f"series {s}", "x": [f"{2000 + i}-12-31" for i in range(26)],
                        "y": [1000 + 37 * i * (s + 1) for i in range(26)]} for s in range(12)],
              "layout": {"title": {"text": "Valid residence permits held by citizens of Belarus"}}}
    data = json.dumps(figure)
    data = (data * (30_000 // len(data) + 1))[:30_000] if len(data) < 30_000 else data
    png = next((site / "files" / "en").glob("*.png")).read_bytes()
    for lang in LANGS:
        for folder in ("edition", "embed", "files"):
            (site / folder / lang).mkdir(parents=True, exist_ok=True)
        for card in range(10):
            body = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>card {card}</title>'
                    f'<link rel="stylesheet" href="../../assets/{css}"></head><body><h1>Card {card}</h1>'
                    f'<div class="chart"><img src="../../files/{lang}/card-{card}.png" alt="chart"></div>'
                    f'<script type="application/json" id="figure">{json.dumps(data)}</script>'
                    f'<script src="../../assets/{name}"></script></body></html>\n')
            (site / "edition" / lang / f"card-{card}.html").write_text(body)
            (site / "embed" / lang / f"card-{card}.html").write_text(body)
            (site / "files" / lang / f"card-{card}.png").write_bytes(png)
    return site


TEXT = (".html", ".js", ".css", ".csv", ".svg", ".json")


def precompress(site: Path) -> None:
    """What a bake can add: <file>.gz beside each text file, sent as it is by gzip_static."""
    for path in site.rglob("*"):
        if path.suffix in TEXT:
            path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), compresslevel=9))


def remove_precompressed(site: Path) -> None:
    for path in site.rglob("*.gz"):
        path.unlink()


def reader_pages(site: Path) -> list[tuple[str, list[str]]]:
    """(page URL path, the URL paths of what it references) for every edition and embed page."""
    pages = []
    for html in sorted([*site.glob("edition/*/*.html"), *site.glob("embed/*/*.html")]):
        path = "/" + html.relative_to(site).as_posix()
        refs = []
        for ref in ASSET_REF.findall(html.read_text(encoding="utf-8")):
            target = (html.parent / ref).resolve()
            if target.is_file() and site.resolve() in target.parents:
                refs.append("/" + target.relative_to(site.resolve()).as_posix())
        pages.append((path, refs))
    return pages


# ------------------------------------------------------------------ statistics

def summary(latencies: list[float], failures: int, seconds: float, label: str) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")
    return {"phase": label, "requests": len(latencies), "failures": failures, "seconds": round(seconds, 1),
            "rps": round(len(latencies) / seconds) if seconds else 0, "p50_ms": round(pct(0.50), 1),
            "p95_ms": round(pct(0.95), 1), "p99_ms": round(pct(0.99), 1)}


def source_address(block: int, index: int) -> str:
    return f"127.{block}.{index // 250}.{index % 250 + 1}"


# ------------------------------------------------------------------ static readers

class Connection:
    """One reader's keep-alive HTTP/1.1 connection, spoken by hand over asyncio streams: a client
    that costs far less per request than a general-purpose one, so that on two cores the figures
    say more about nginx than about the client. Reads Content-Length and chunked bodies (nginx
    compresses on the fly with chunked transfer); bodies are counted, not decompressed."""

    def __init__(self, host: str, port: int, source: str):
        self.host, self.port, self.source = host, port, source
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, int]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port, local_addr=(self.source, 0))
        reader, writer = self.streams
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept-Encoding: gzip\r\n\r\n".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        status = int(head[9:12])
        length = re.search(r"\r\ncontent-length: *(\d+)", head)
        size = 0
        if length:
            size = len(await reader.readexactly(int(length.group(1))))
        elif "transfer-encoding: chunked" in head:
            while True:
                chunk = int((await reader.readline()).split(b";")[0], 16)
                await reader.readexactly(chunk + 2)
                size += chunk
                if chunk == 0:
                    break
        if "\r\nconnection: close" in head:
            await self.close()
        return status, size

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _readers(url: str, pages: list[tuple[str, list[str]]], indices: list[int], seconds: float,
                   cached: bool) -> dict:
    latencies: list[float] = []
    failures: dict[str, int] = {}
    bytes_in = 0
    deadline = time.perf_counter() + seconds
    host, port = url.split("//")[1].split(":")

    def failed(kind: str) -> None:
        failures[kind] = failures.get(kind, 0) + 1

    async def reader(index: int) -> None:
        nonlocal bytes_in
        connection = Connection(host, int(port), source_address(10, index))
        visit = index
        seen = {ref for _, refs in pages for ref in refs} if cached else set()
        try:
            while time.perf_counter() < deadline:
                page, refs = pages[visit % len(pages)]
                visit += 7
                for path in [page, *[r for r in refs if r not in seen]]:
                    started = time.perf_counter()
                    try:
                        status, size = await asyncio.wait_for(connection.get(path), timeout=60)
                    except (OSError, ValueError, TimeoutError, asyncio.IncompleteReadError) as error:
                        failed(type(error).__name__)
                        await connection.close()
                        continue
                    if status != 200:
                        failed(str(status))
                        continue
                    bytes_in += size
                    latencies.append(time.perf_counter() - started)
                    if path != page:
                        seen.add(path)
        finally:
            await connection.close()

    await asyncio.gather(*(reader(i) for i in indices))
    return {"latencies": latencies, "failures": failures, "bytes": bytes_in}


def _reader_process(url: str, pages, indices: list[int], seconds: float, cached: bool) -> dict:
    return asyncio.run(_readers(url, pages, indices, seconds, cached))


def static_phase(url: str, pages, readers: int, seconds: float, label: str, nginx_pid: int,
                 cached: bool = False, processes: int = 2) -> dict:
    """Readers split over `processes` client processes (one asyncio loop each). Requests still
    running at the deadline finish (60 s at most): the wall time counts them."""
    chunks = [list(range(readers))[i::processes] for i in range(processes)]
    cpu_before = cpu_tree(nginx_pid)
    started = time.perf_counter()
    # spawned, not forked: the app phase may be running on a thread of this process
    with concurrent.futures.ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_reader_process, [url] * processes, [pages] * processes, chunks,
                                [seconds] * processes, [cached] * processes))
    elapsed = time.perf_counter() - started
    latencies = [x for r in results for x in r["latencies"]]
    failures: dict[str, int] = {}
    for r in results:
        for k, v in r["failures"].items():
            failures[k] = failures.get(k, 0) + v
    out = summary(latencies, sum(failures.values()), elapsed, label)
    out["failure_kinds"] = failures
    nginx_cpu = cpu_tree(nginx_pid) - cpu_before
    out["nginx_cpu_s"] = round(nginx_cpu, 2)
    out["nginx_us_per_request"] = round(nginx_cpu / max(1, len(latencies)) * 1e6)
    out["MB_per_s"] = round(sum(r["bytes"] for r in results) / 1e6 / out["seconds"], 1)
    return out


# ------------------------------------------------------------------ app sessions

def session_plan(count: int) -> list[tuple[str, str]]:
    pages = [("" if p.default else p.url_path) for p in registered_pages()]
    return [(pages[i % len(pages)], "" if LANGS[i % len(LANGS)] == "en" else f"lang={LANGS[i % len(LANGS)]}")
            for i in range(count)]


async def _sessions(url: str, plan: list[tuple[str, str]]) -> list[dict]:
    async def one(index: int, path: str, query: str) -> dict:
        connector = aiohttp.TCPConnector(local_addr=(source_address(20, index), 0))
        started = time.perf_counter()
        try:
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.get(f"{url}/{path}") as response:
                    await response.read()
                    cookie = response.headers.get("Set-Cookie", "").split(";")[0]
                run = await run_page(session, url, path, query, origin=url, headers={"Cookie": cookie}, timeout=300)
            return {"page": path or "overview", "seconds": time.perf_counter() - started, "ok": run.ok,
                    "largest": run.largest_message, "error": "" if run.ok else f"{run.finished} {run.exceptions[:1]}"}
        except Exception as error:  # noqa: BLE001 (a failed session is a figure of the benchmark)
            return {"page": path or "overview", "seconds": time.perf_counter() - started, "ok": False, "largest": 0,
                    "error": f"{type(error).__name__}: {error}"}

    return await asyncio.gather(*(one(i, path, query) for i, (path, query) in enumerate(plan)))


async def _warm(replica_urls: list[str]) -> None:
    pages = [("" if p.default else p.url_path) for p in registered_pages()]
    async with aiohttp.ClientSession() as session:
        for base in replica_urls:
            for page in pages:
                await run_page(session, base, page, "", origin=base, timeout=300)


def rss_tree(pid: int) -> int:
    """Resident memory of a process and all its descendants, bytes."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024
        except (OSError, AttributeError):
            pass
        todo.extend(children.get(current, []))
    return total


def cpu_tree(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        if current in stats:
            # fields after the name: state ppid ... utime is the 12th, stime the 13th (0-based 11, 12)
            total += (int(stats[current][11]) + int(stats[current][12])) / ticks
        todo.extend(children.get(current, []))
    return total


class MemorySampler(threading.Thread):
    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self.stop_flag = pids, {pid: 0 for pid in pids}, threading.Event()

    def run(self) -> None:
        while not self.stop_flag.is_set():
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_tree(pid))
            time.sleep(0.2)


def app_phase(stack: Stack, sessions: int) -> tuple[dict, list[dict], dict]:
    pids = [r.process.pid for r in stack.replicas]
    before = {pid: rss_tree(pid) for pid in pids}
    cpu_before = sum(cpu_tree(pid) for pid in pids)
    sampler = MemorySampler(pids)
    sampler.start()
    started = time.perf_counter()
    results = asyncio.run(_sessions(stack.nginx.url, session_plan(sessions)))
    elapsed = time.perf_counter() - started
    sampler.stop_flag.set()
    sampler.join()
    after = {pid: rss_tree(pid) for pid in pids}
    out = summary([r["seconds"] for r in results], sum(not r["ok"] for r in results), elapsed,
                  f"app: {sessions} concurrent sessions (GET / + websocket page run)")
    out["rps"] = round(sessions / elapsed, 2)
    out["app_cpu_s_per_session"] = round((sum(cpu_tree(pid) for pid in pids) - cpu_before) / sessions, 2)
    memory = {"before_MB": [round(before[p] / 2**20) for p in pids],
              "peak_MB": [round(sampler.peak[p] / 2**20) for p in pids],
              "after_MB": [round(after[p] / 2**20) for p in pids]}
    return out, results, memory


# ------------------------------------------------------------------ main

def print_report(reports: list[dict], per_page: dict[str, list[float]], largest: int, errors: list[str],
                 memory: dict, load_start: tuple[float, float, float]) -> None:
    print()
    print("| phase | requests | failures | req/s | p50 ms | p95 ms | p99 ms | server CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in reports:
        cpu = (f"nginx {r['nginx_us_per_request']} µs/request" if "nginx_us_per_request" in r
               else f"replicas {r.get('app_cpu_s_per_session', '?')} s/session")
        print(f"| {r['phase']} | {r['requests']} | {r['failures']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} "
              f"| {r['p99_ms']} | {cpu} |")
    print()
    static = [r for r in reports if "MB_per_s" in r]
    print(f"static transfer, MB/s: {[r['MB_per_s'] for r in static]}; "
          f"failure kinds: {[r['failure_kinds'] for r in static]}")
    medians = {page: round(statistics.median(v), 1) for page, v in per_page.items()}
    print(f"app session seconds by page (median): {medians}")
    print(f"largest websocket message: {largest} bytes; session errors: {errors[:5]}")
    print(f"replica memory (RSS of each replica's process tree, MB): {memory}")
    print(f"load average (1, 5, 15 min): {load_start} at the start, {os.getloadavg()} at the end; "
          f"{os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--nginx-workers", type=int, default=2)
    parser.add_argument("--site", type=Path, default=None,
                        help="a baked static edition to serve (e.g. from `python -m etl site --out DIR`)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-proxy-"))
    load_start = os.getloadavg()
    try:
        data = work / "data"
        t0 = time.perf_counter()
        build_release(data)
        if args.site is not None:
            site, site_kind = work / "site", f"given: {args.site}"
            shutil.copytree(args.site, site)
        else:
            site, site_kind = bake_site(data, work)
        print(f"release built, site {site_kind} ({time.perf_counter() - t0:.1f} s)", flush=True)
        pages = reader_pages(site)
        weights = {p.name: p.stat().st_size for p in (site / "assets").iterdir()}
        print(f"{len(pages)} pages; assets: {weights}", flush=True)

        stack = Stack.start(work, data, replicas=args.replicas, workers=args.nginx_workers, access_log=False)
        try:
            url, live_site = stack.nginx.url, stack.nginx.tree / "site"
            reports = []
            print(f"nginx {url} ({args.nginx_workers} workers), replicas {[r.address for r in stack.replicas]}",
                  flush=True)

            nginx_pid = stack.nginx.process.pid
            remove_precompressed(live_site)
            reports.append(static_phase(url, pages, args.readers, args.seconds,
                                        f"static: {args.readers} readers, assets gzip'd on the fly", nginx_pid))
            print(reports[-1], flush=True)
            precompress(live_site)
            for path in live_site.rglob("*"):
                if os.geteuid() == 0:
                    os.chown(path, 65534, 65534)
            reports.append(static_phase(url, pages, args.readers, args.seconds,
                                        f"static: {args.readers} readers, baked .gz files (gzip_static)", nginx_pid))
            print(reports[-1], flush=True)
            reports.append(static_phase(url, pages, args.readers, args.seconds,
                                        f"static: {args.readers} readers, page views only (assets cached), baked .gz",
                                        nginx_pid, cached=True))
            print(reports[-1], flush=True)

            if args.sessions == 0:
                print_report(reports, {}, 0, [], {}, load_start)
                return
            t0 = time.perf_counter()
            asyncio.run(_warm([f"http://{r.address}" for r in stack.replicas]))
            print(f"replicas warmed ({time.perf_counter() - t0:.1f} s)", flush=True)
            app, sessions, memory = app_phase(stack, args.sessions)
            reports.append(app)
            print(app, memory, flush=True)
            per_page: dict[str, list[float]] = {}
            for s in sessions:
                per_page.setdefault(s["page"], []).append(s["seconds"])
            largest = max(s["largest"] for s in sessions)
            errors = [s["error"] for s in sessions if not s["ok"]]

            # both at once: the static edition while every replica is busy
            holder: dict = {}
            thread = threading.Thread(target=lambda: holder.update(app_phase(stack, args.sessions)[0]))
            thread.start()
            time.sleep(1)
            reports.append(static_phase(url, pages, args.readers, min(args.seconds, 15),
                                        f"static during {args.sessions} app sessions", nginx_pid))
            thread.join()
            holder["phase"] = f"app: {args.sessions} sessions during the static load"
            reports.append(holder)
        finally:
            stack.cleanup()

        print_report(reports, per_page, largest, errors, memory, load_start)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
