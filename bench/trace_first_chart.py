"""Where a first visit's browser time goes before the first chart: a Chromium performance trace of
one cold first visit through the loopback production proxy (docs/performance.md, issue 16 target 4).

    python bench/trace_first_chart.py [--page where] [--visits 1] [--app-static DIR] [--out DIR]

The topology of bench/bench_first_chart.py's `after` side (tests/deploy/stack.py: this checkout's
deploy/nginx in front of one `streamlit run dashboard.py` replica, production config), one
unmeasured warm-up visit, then each visit in a fresh context (cold cache) traced with Chromium's
timeline and V8's sampling profiler (`disabled-by-default-v8.cpu_profiler`). The report, per visit:
the milestones (Plotly chunk received, websocket opened, first chart drawn; ms from the trace's
navigation start), every main-thread task over 50 ms from the chunk's arrival to the first chart
with what it spent (script compile and evaluation, style, layout, paint, GC), and the JavaScript
functions with the most self time in that window (by script URL and line), summed over visits.
The raw trace is kept in --out for Chromium's DevTools (Performance panel, "Load profile").
"""
from __future__ import annotations

import argparse
import collections
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_first_chart import FIRST_CHART_PROBE, PAGES, app_static_copy  # noqa: E402
from tests.deploy.stack import Nginx, Replica, make_app_tree, write_fixture_site  # noqa: E402
from tests.streamlit_server import free_port  # noqa: E402

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "v8",
              "blink.user_timing", "loading", "toplevel", "disabled-by-default-v8.cpu_profiler",
              "disabled-by-default-devtools.timeline.frame", "blink", "cc", "gpu"]
LONG_MS = 50
# trace event names -> what they are, for the per-task split (nested events are counted once, at
# the outermost of these)
KINDS = {
    "v8.compile": "compile", "V8.CompileCode": "compile", "v8.compileModule": "compile",
    "V8.ScriptCompiler": "compile", "v8.parseOnBackground": "compile",
    "EvaluateScript": "script", "v8.evaluateModule": "script", "FunctionCall": "script",
    "TimerFire": "script", "FireAnimationFrame": "script", "EventDispatch": "script",
    "v8.run": "script", "RunMicrotasks": "script", "V8.Execute": "script",
    "UpdateLayoutTree": "style", "RecalculateStyles": "style", "ParseAuthorStyleSheet": "style",
    "Layout": "layout", "UpdateLayerTree": "layout", "PrePaint": "paint", "Paint": "paint",
    "Layerize": "paint", "Commit": "paint", "MajorGC": "gc", "MinorGC": "gc", "V8.GC_MARK_COMPACTOR": "gc",
    "ParseHTML": "html",
}


def run_visit(browser, url: str, trace_path: Path) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        tab = context.new_page()
        tab.add_init_script(FIRST_CHART_PROBE)
        browser.start_tracing(page=tab, path=str(trace_path), screenshots=False, categories=CATEGORIES)
        tab.goto(url, wait_until="commit", timeout=180_000)
        give_up = time.monotonic() + 180
        while (first := tab.evaluate("() => window.__firstChart")) is None:
            if time.monotonic() > give_up:
                raise TimeoutError(f"no chart drawn at {url}")
            tab.wait_for_timeout(100)
        tab.wait_for_timeout(1500)
        browser.stop_tracing()
        return float(first)
    finally:
        context.close()


# ------------------------------------------------------------------ reading a trace

def events_of(trace_path: Path) -> list[dict[str, Any]]:
    data = json.loads(trace_path.read_text())
    return data["traceEvents"] if isinstance(data, dict) else data


def main_thread(events: list[dict[str, Any]]) -> tuple[int, int]:
    """(pid, tid) of the busiest renderer main thread (the page's)."""
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    counts: collections.Counter = collections.Counter()
    for e in events:
        if names.get((e.get("pid"), e.get("tid"))) == "CrRendererMain" and e.get("ph") == "X":
            counts[(e["pid"], e["tid"])] += e.get("dur", 0)
    return counts.most_common(1)[0][0]


def analyse(trace_path: Path, first_chart_ms: float) -> dict[str, Any]:
    events = events_of(trace_path)
    pid, tid = main_thread(events)
    nav = [e for e in events if e.get("name") == "navigationStart" and e.get("pid") == pid]
    start = min(e["ts"] for e in nav) if nav else min(e["ts"] for e in events if e.get("ts"))
    ms = lambda ts: (ts - start) / 1000  # noqa: E731
    chunk = ws_open = None
    chunk_ids = set()
    for e in events:
        args = e.get("args", {}).get("data", {}) or {}
        if e.get("name") == "ResourceSendRequest" and "/PlotlyChart." in str(args.get("url", "")):
            chunk_ids.add(args.get("requestId"))
        elif e.get("name") == "ResourceFinish" and args.get("requestId") in chunk_ids and chunk is None:
            chunk = ms(e["ts"])
        elif e.get("name") == "WebSocketCreate" and ws_open is None:
            ws_open = ms(e["ts"])
    first = first_chart_ms  # performance.now() from navigation start
    window_start = chunk if chunk is not None else 0
    thread = sorted((e for e in events if e.get("pid") == pid and e.get("tid") == tid and e.get("ph") == "X"),
                    key=lambda e: (e["ts"], -e.get("dur", 0)))
    tasks = [e for e in thread if e["name"] in ("RunTask", "ThreadControllerImpl::RunTask")]
    # keep outermost tasks only
    outer: list[dict[str, Any]] = []
    for task in tasks:
        if outer and task["ts"] < outer[-1]["ts"] + outer[-1].get("dur", 0):
            continue
        outer.append(task)
    long_tasks = []
    for task in outer:
        begin, dur = ms(task["ts"]), task.get("dur", 0) / 1000
        if dur < LONG_MS or begin + dur < window_start - 1 or begin > first + 1:
            continue
        end_ts = task["ts"] + task.get("dur", 0)
        inside = [e for e in thread if task["ts"] <= e["ts"] < end_ts and e is not task]
        split: collections.Counter = collections.Counter()
        covered_until = -1.0
        labels: list[str] = []
        for e in inside:  # outermost classified event wins
            kind = KINDS.get(e["name"])
            if kind is None or e["ts"] < covered_until:
                continue
            split[kind] += e.get("dur", 0) / 1000
            covered_until = e["ts"] + e.get("dur", 0)
            data = e.get("args", {}).get("data", {}) or {}
            what = data.get("url") or data.get("functionName") or data.get("type") or ""
            if what and len(labels) < 4:
                labels.append(f"{e['name']}:{str(what).rsplit('/', 1)[-1][:40]}")
        long_tasks.append({"start": round(begin), "ms": round(dur), "split": {k: round(v) for k, v in split.items()},
                           "what": labels})
    # main-thread busy time in the window, by kind
    busy = sum(t.get("dur", 0) for t in outer if window_start <= ms(t["ts"]) <= first) / 1000
    return {"chunk_received": chunk, "websocket": ws_open, "first_chart": first, "long_tasks": long_tasks,
            "busy_ms_in_window": round(busy), "window_ms": round(first - window_start),
            "profile": profile_self_time(events, pid, start, window_start, first)}


def profile_self_time(events, pid, start, lo_ms, hi_ms) -> dict[str, float]:
    """Self time (ms) by function (name @ script:line) from V8's sampling profiler, samples in
    [lo_ms, hi_ms] of the trace's navigation start."""
    nodes: dict[tuple[str, int], dict] = {}
    totals: collections.Counter = collections.Counter()
    profiles: dict[str, dict] = {}
    for e in events:
        if e.get("pid") != pid:
            continue
        if e.get("name") == "Profile":
            profiles[e["id"]] = {"time": e["args"]["data"].get("startTime", 0)}
        elif e.get("name") == "ProfileChunk":
            data = e["args"]["data"]
            profile = profiles.setdefault(e["id"], {"time": 0})
            cpu = data.get("cpuProfile", {})
            for node in cpu.get("nodes", []):
                frame = node.get("callFrame", {})
                nodes[(e["id"], node["id"])] = frame
            samples = cpu.get("samples", [])
            deltas = data.get("timeDeltas", [])
            for sample, delta in zip(samples, deltas):
                profile["time"] += delta
                when = (profile["time"] - start) / 1000
                frame = nodes.get((e["id"], sample), {})
                if lo_ms <= when <= hi_ms:
                    key = (f"{frame.get('functionName') or '(anonymous)'} @ "
                           f"{str(frame.get('url', '')).rsplit('/', 1)[-1][:30]}:{frame.get('lineNumber', -1)}")
                    totals[key] += delta / 1000
    return dict(totals)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", default="where", choices=sorted(PAGES))
    parser.add_argument("--visits", type=int, default=1)
    parser.add_argument("--app-static", type=Path)
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "first-chart-traces")
    parser.add_argument("--url-suffix", default="", help="appended to the page's path (e.g. '?lang=en')")
    parser.add_argument("--static", action="store_true",
                        help="trace the static edition's page of the page's first card instead (needs --site)")
    parser.add_argument("--site", type=Path, help="an edition baked by `python -m etl site --out DIR`")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="trace-first-chart-"))
    args.out.mkdir(parents=True, exist_ok=True)
    replica = nginx = None
    try:
        site = args.site
        if site is None:
            site = work / "site"
            write_fixture_site(site)
        port = free_port()
        nginx = Nginx.create(site, [f"127.0.0.1:{port}"], brotli=False,
                             app_static=app_static_copy(args.app_static, work))
        replica = Replica(make_app_tree(work / "app-tree"), args.data, nginx.public_origin, work / "replica.log",
                          port=port)
        replica.start()
        replica.wait_healthy()
        nginx.start()
        url = nginx.url + PAGES[args.page][1 if args.static else 0] + args.url_suffix
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            try:
                run_visit(browser, url, work / "warm-up.json")
                profile: collections.Counter = collections.Counter()
                for number in range(args.visits):
                    path = args.out / f"{args.page}{'-static' if args.static else ''}-{number}.json"
                    first = run_visit(browser, url, path)
                    result = analyse(path, first)
                    profile.update(result.pop("profile"))
                    print(json.dumps(result, indent=1), flush=True)
            finally:
                browser.close()
        total = sum(profile.values())
        print(f"\nJS self time in the window (chunk received -> first chart), {args.visits} visit(s): {total:.0f} ms")
        for key, value in profile.most_common(40):
            print(f"  {value:8.1f} ms  {key}")
    finally:
        if nginx is not None:
            nginx.cleanup()
        if replica is not None:
            replica.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
