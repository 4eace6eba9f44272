"""A reader's first visit through the production proxy: time to the first drawn chart and bytes on
the wire, the app against the static edition's page of the same card, for two proxy
configurations side by side (issue 16, target 4; docs/performance.md).

    python bench/bench_first_chart.py [--pairs 5] [--pages overview,where] [--before-ref main]
                                      [--site DIR] [--app-static DIR] [--brotli-filter] [--json FILE]

The loopback production topology (tests/deploy/stack.py): one `streamlit run dashboard.py` replica
with deploy/streamlit/config.toml and EXILE_READ_ONLY=1, reading this checkout's data/ release,
behind two Debian nginx proxies at once:
  before: the nginx and Streamlit configuration of --before-ref (`git archive <ref> deploy/nginx
          deploy/streamlit`), with the pre-compressed copy of Streamlit's frontend made by the
          ref's deploy/precompress.py if that configuration serves one, else every /static/
          bundle from the app;
  after:  this checkout's deploy/nginx and deploy/streamlit with the proxy image's pre-compressed
          copy of Streamlit's frontend (deploy/precompress.py: <file>.br and <file>.gz beside each
          bundle).
The app code is this checkout's in both (--before-code uses the ref's dashboard.py, app/, pages/
and etl/ for `before`).
Both serve the static edition (`python -m etl site --out DIR`, with <file>.gz beside each text
file as deploy/Dockerfile bakes it). nginx runs without the brotli filter module, as the production
image (the official nginx image has none); --brotli-filter loads Debian's, as the tests do.

Each visit is Debian's Chromium (Playwright, headless) in a fresh browser context (cold cache) at
1280 x 900. Time to first chart: performance.now() (from navigation start) when an element
`.js-plotly-plot .main-svg` first appears (a MutationObserver injected before any page script).
Bytes on the wire: the sum of Chromium's encodedDataLength over finished requests (headers and
compressed bodies) plus websocket frame payloads both ways, counted until the network has been
quiet for 1.5 s after the first chart (so everything a first visit loads is in). Requests: their
count. Server CPU: user + system time of the replica process during the visit (/proc/<pid>/stat).
The first chart's path (MILESTONES, Chromium's timestamps, ms from the page's request): the HTML
received, the websocket's handshake, its first frame, the first frame with a figure's JSON,
Streamlit's Plotly chunk asked for and received, the first chart drawn.

Per pair and page: an app visit through `before`, one through `after`, and the static edition's
page of the page's first card (through `after`; the edition is served the same by both), in an
order that alternates between pairs. One unmeasured warm-up round first (the server's first run of
each page). Reports medians and ranges, the app/static ratio of the medians (and the median of the
per-pair ratios), the load average, and the largest responses of a first visit.
"""
from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.deploy.stack import Nginx, Replica, make_app_tree  # noqa: E402
from tests.streamlit_server import free_port  # noqa: E402

# app page path -> the static edition's page of the app page's first card
PAGES = {
    "overview": ("/", "/edition/en/overview-stocks.html"),
    "where": ("/where", "/edition/en/where-map.html"),
    "poland": ("/poland", "/edition/en/poland-pbh-running-total.html"),
}
CODE = ("dashboard.py", "app", "pages", "etl")  # what make_app_tree links into the app tree
QUIET_S = 1.5
SETTLE_LIMIT_S = 30.0
CHART_TIMEOUT_MS = 180_000
FIRST_CHART_PROBE = """
(() => {
  const seen = () => document.querySelector('.js-plotly-plot .main-svg');
  const mark = () => { if (window.__firstChart === undefined && seen()) { window.__firstChart = performance.now(); } };
  new MutationObserver(mark).observe(document, {childList: true, subtree: true});
})();
"""
SITE_TEXT = (".html", ".js", ".css", ".csv", ".svg", ".json")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


# ------------------------------------------------------------------ the two proxies' inputs

def before_config(ref: str, folder: Path) -> Path:
    """deploy/nginx, deploy/streamlit and deploy/precompress.py as they are at ref; returns the
    deploy/ folder."""
    names = ["deploy/nginx", "deploy/streamlit"]
    listed = subprocess.run(["git", "-C", str(REPO), "ls-tree", "--name-only", ref, "deploy/"],
                            check=True, capture_output=True, text=True).stdout.split()
    names += [name for name in ("deploy/precompress.py",) if name in listed]
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, *names], check=True, capture_output=True).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "deploy"


def baked_site(given: Path | None, folder: Path) -> Path:
    """The static edition as the proxy image has it: plain files, <file>.gz beside each text file."""
    source = given
    if source is None:
        source = folder / "bake"
        subprocess.run([sys.executable, "-m", "etl", "site", "--out", str(source), "--quiet"], cwd=REPO, check=True)
    site = folder / "site"
    shutil.copytree(source, site, symlinks=False)
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in SITE_TEXT:
            path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
    return site


def app_static_copy(given: Path | None, folder: Path) -> Path:
    if given is not None:
        return given
    dest = folder / "app-static"
    subprocess.run([sys.executable, str(REPO / "deploy" / "precompress.py"), str(dest)], check=True)
    return dest


# ------------------------------------------------------------------ one visit

@dataclass
class Visit:
    kind: str          # before | after | static
    page: str
    pair: int
    first_chart_ms: float
    http_bytes: int
    ws_bytes: int
    requests: int
    server_cpu_s: float
    load1: float
    responses: list[tuple[str, int, str]] = field(default_factory=list)  # (path, bytes, encoding), CDP
    cdp_http_bytes: int = 0   # Chromium's encodedDataLength, summed
    cdp_ws_bytes: int = 0     # websocket frame payloads as Chromium hands them over (inflated)
    # ms from the page's request (Chromium's clock): MILESTONES, where they happened
    milestones: dict[str, float] = field(default_factory=dict)

    @property
    def bytes(self) -> int:
        return self.http_bytes + self.ws_bytes


# The first chart's path, in the order a first visit of the app meets them (the static page has the
# first and the last only): the HTML received; the websocket's handshake sent (the app shell has
# booted); its first frame received; the first frame holding a figure's JSON (the first chart's
# element, sent when the page script reaches it); Streamlit's Plotly chunk asked for and received;
# and the first chart drawn (performance.now(), the same clock origin).
MILESTONES = ("html", "websocket", "first frame", "chart element", "chart chunk asked", "chart chunk received",
              "first chart")


def frame_payload(response: dict[str, Any]) -> bytes:
    data = response.get("payloadData", "")
    return base64.b64decode(data) if response.get("opcode") == 2 and data else data.encode()


def frame_bytes(response: dict[str, Any]) -> int:
    data = response.get("payloadData", "")
    if response.get("opcode") == 2:  # binary frames arrive base64-encoded
        return len(base64.b64decode(data)) if data else 0
    return len(data.encode())


def log_lines(nginx: Nginx, start: int) -> tuple[list[str], int]:
    text = nginx.access_log_path.read_bytes()[start:] if nginx.access_log_path.exists() else b""
    return text.decode().splitlines(), start + len(text)


def visit(browser, nginx: Nginx, url: str, kind: str, page: str, pair: int, server_pid: int) -> Visit:
    """One first visit; wire bytes are nginx's $bytes_sent (access log) over the visit's requests,
    the websocket included (logged when it closes, with the context), plus the frames the browser
    sent; the CDP figures are the cross-check (their websocket payloads are uncompressed)."""
    _, offset = log_lines(nginx, 0)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        tab = context.new_page()
        tab.add_init_script(FIRST_CHART_PROBE)
        cdp = context.new_cdp_session(tab)
        urls: dict[str, str] = {}
        encodings: dict[str, str] = {}
        finished: dict[str, int] = {}
        ws = [0]
        last_event = [time.monotonic()]

        def touch(*_):
            last_event[0] = time.monotonic()

        clock: dict[str, float] = {}  # milestone -> Chromium's monotonic timestamp (s)
        document: list[str] = []

        def mark(name: str, event) -> None:
            if name not in clock and "timestamp" in event:
                clock[name] = float(event["timestamp"])

        def sent(event):
            touch()
            urls[event["requestId"]] = event["request"]["url"]
            if not document:
                document.append(event["requestId"])
                mark("request", event)
            if "/PlotlyChart." in event["request"]["url"]:
                mark("chart chunk asked", event)

        def received(event):
            touch()
            headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
            encodings[event["requestId"]] = headers.get("content-encoding", "")

        def done(event):
            touch()
            finished[event["requestId"]] = int(event["encodedDataLength"])
            if document and event["requestId"] == document[0]:
                mark("html", event)
            if "/PlotlyChart." in urls.get(event["requestId"], ""):
                mark("chart chunk received", event)

        def frame(event):
            touch()
            ws[0] += frame_bytes(event["response"])
            mark("first frame", event)
            if "chart element" not in clock and b'"layout"' in frame_payload(event["response"]):
                mark("chart element", event)  # a figure's JSON (the first st.plotly_chart's delta)

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", done)
        cdp.on("Network.loadingFailed", touch)
        def frame_sent(event):
            touch()
            ws_sent[0] += frame_bytes(event["response"])

        ws_sent = [0]
        cdp.on("Network.webSocketFrameReceived", frame)
        cdp.on("Network.webSocketFrameSent", frame_sent)
        cdp.on("Network.webSocketWillSendHandshakeRequest", lambda event: mark("websocket", event))
        cdp.send("Network.enable")
        cpu0 = cpu_seconds(server_pid)
        tab.goto(url, wait_until="commit", timeout=CHART_TIMEOUT_MS)
        # polled from here: the app's CSP forbids the page-side eval that wait_for_function uses
        # (the time itself is taken in the page, when the chart appears)
        give_up = time.monotonic() + CHART_TIMEOUT_MS / 1000
        while (first := tab.evaluate("() => window.__firstChart")) is None:
            if time.monotonic() > give_up:
                raise TimeoutError(f"no chart drawn at {url}")
            tab.wait_for_timeout(100)
        first = float(first)
        deadline = time.monotonic() + SETTLE_LIMIT_S
        while time.monotonic() < deadline and time.monotonic() - last_event[0] < QUIET_S:
            tab.wait_for_timeout(200)
        cpu1 = cpu_seconds(server_pid)
        responses = sorted(((urls.get(rid, "?").split("://", 1)[-1].split("/", 1)[-1], size, encodings.get(rid, ""))
                            for rid, size in finished.items()), key=lambda row: -row[1])
        cdp_http, cdp_ws, requests = sum(finished.values()), ws[0] + ws_sent[0], len(urls)
        start = clock.get("request")
        milestones = {name: round((clock[name] - start) * 1000) for name in MILESTONES[:-1]
                      if name in clock and start is not None}
        milestones["first chart"] = round(first)
    finally:
        context.close()
    # nginx logs the websocket when it closes
    lines: list[str] = []
    deadline = time.monotonic() + 5
    while True:
        more, offset = log_lines(nginx, offset)
        lines += more
        if kind == "static" or any("/_stcore/stream" in line for line in lines) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    sent = [(line, int(line.rsplit(" ", 1)[1])) for line in lines]
    ws_wire = sum(size for line, size in sent if "/_stcore/stream" in line) + ws_sent[0]
    http_wire = sum(size for line, size in sent if "/_stcore/stream" not in line)
    return Visit(kind, page, pair, first, http_wire, ws_wire, requests, cpu1 - cpu0, os.getloadavg()[0],
                 [("/" + path, size, enc) for path, size, enc in responses], cdp_http, cdp_ws, milestones)


# ------------------------------------------------------------------ report

def summary(values: list[float], unit: str, scale: float = 1.0, digits: int = 0) -> str:
    med = statistics.median(values) / scale
    return f"{med:.{digits}f} {unit} [{min(values) / scale:.{digits}f}-{max(values) / scale:.{digits}f}]"


def report(visits: list[Visit], pages: list[str]) -> None:
    print()
    print("median [range] per page and kind; ratio = app median / static median (median of per-pair ratios)")
    for page in pages:
        static = [v for v in visits if v.page == page and v.kind == "static"]
        static_ms = statistics.median(v.first_chart_ms for v in static)
        for kind in ("before", "after", "static"):
            rows = [v for v in visits if v.page == page and v.kind == kind]
            ms = [v.first_chart_ms for v in rows]
            ratio = ""
            if kind != "static":
                pairs = {v.pair: v.first_chart_ms for v in static}
                per_pair = [v.first_chart_ms / pairs[v.pair] for v in rows if v.pair in pairs]
                ratio = f"  ratio {statistics.median(ms) / static_ms:.2f} ({statistics.median(per_pair):.2f})"
            print(f"{page:9} {kind:7} first chart {summary(ms, 'ms')}{ratio}")
            print(f"{'':17} wire {summary([v.bytes for v in rows], 'MB', 1e6, 2)}"
                  f" (http {summary([v.http_bytes for v in rows], 'MB', 1e6, 2)},"
                  f" websocket {summary([v.ws_bytes for v in rows], 'KB', 1e3, 0)}),"
                  f" requests {summary([v.requests for v in rows], '')},"
                  f" server CPU {summary([v.server_cpu_s for v in rows], 's', 1, 2)}")
            print(f"{'':17} Chromium's count: http {summary([v.cdp_http_bytes for v in rows], 'MB', 1e6, 2)},"
                  f" websocket payloads (inflated) {summary([v.cdp_ws_bytes for v in rows], 'KB', 1e3, 0)}")
    print()
    print("the first chart's path, ms from the page's request: median [range]")
    for page in pages:
        for kind in ("before", "after", "static"):
            rows = [v for v in visits if v.page == page and v.kind == kind]
            parts = [f"{name} {summary([v.milestones[name] for v in rows if name in v.milestones], '')}"
                     for name in MILESTONES if any(name in v.milestones for v in rows)]
            print(f"{page:9} {kind:7} " + "; ".join(parts))
    print()
    for page in pages:
        for kind in ("before", "after", "static"):
            last = [v for v in visits if v.page == page and v.kind == kind][-1]
            print(f"largest responses, {page} {kind} (last pair): total {last.http_bytes / 1e6:.2f} MB http in"
                  f" {last.requests} requests, {last.ws_bytes / 1e3:.0f} KB websocket")
            for path, size, encoding in last.responses[:12]:
                print(f"    {size / 1e3:8.1f} KB  {encoding or '-':5} {path[:100]}")
            rest = last.responses[12:]
            print(f"    {sum(size for _, size, _ in rest) / 1e3:8.1f} KB  in {len(rest)} more responses")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--pages", default="overview,where")
    parser.add_argument("--before-ref", default="main", help="git revision whose deploy/nginx is `before`")
    parser.add_argument("--site", type=Path, help="an edition baked by `python -m etl site --out DIR` (default: bake)")
    parser.add_argument("--app-static", type=Path, help="a deploy/precompress.py copy (default: make one)")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="the data root the replica reads")
    parser.add_argument("--before-app-static", type=Path,
                        help="the ref's deploy/precompress.py copy (default: make one with it)")
    parser.add_argument("--before-code", action="store_true",
                        help="run --before-ref's app code (dashboard.py, app/, pages/, etl/) for `before`")
    parser.add_argument("--brotli-filter", action="store_true", help="load Debian's brotli filter module in both")
    parser.add_argument("--json", type=Path, help="write every visit here")
    args = parser.parse_args()
    pages = args.pages.split(",")
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-first-chart-"))
    replicas: dict[str, Replica] = {}
    proxies: dict[str, Nginx] = {}
    print(f"load average at start {load()}", flush=True)
    try:
        site = baked_site(args.site, work)
        app_static = app_static_copy(args.app_static, work)
        before_deploy = before_config(args.before_ref, work / "before")
        ports = {"before": free_port(), "after": free_port()}
        # the ref's proxy gets the pre-compressed copy too when its configuration serves one
        serves_copy = (before_deploy / "nginx" / "templates" / "app-static.conf.template").exists()
        before_static = None
        if serves_copy:  # made by the ref's own deploy/precompress.py
            before_static = args.before_app_static or work / "before-app-static"
            if args.before_app_static is None:
                subprocess.run([sys.executable, str(before_deploy / "precompress.py"), str(before_static)], check=True)
        proxies["before"] = Nginx.create(site, [f"127.0.0.1:{ports['before']}"], brotli=args.brotli_filter,
                                         nginx_dir=before_deploy / "nginx", app_static=before_static)
        proxies["after"] = Nginx.create(site, [f"127.0.0.1:{ports['after']}"], brotli=args.brotli_filter,
                                        app_static=app_static)
        for kind in ("before", "after"):
            tree = make_app_tree(work / f"app-tree-{kind}")
            if kind == "before" and args.before_code:  # the ref's code in place of the links
                code = work / "before-code"
                code.mkdir()
                archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before_ref, *CODE],
                                         check=True, capture_output=True).stdout
                subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
                for name in CODE:
                    (tree / name).unlink()
                    (tree / name).symlink_to(code / name)
            if kind == "before":  # the ref's production Streamlit config
                shutil.copy2(before_deploy / "streamlit" / "config.toml", tree / ".streamlit" / "config.toml")
            replicas[kind] = Replica(tree, args.data, proxies[kind].public_origin, work / f"replica-{kind}.log",
                                     port=ports[kind])
            replicas[kind].start()
        for kind in ("before", "after"):
            replicas[kind].wait_healthy()
            proxies[kind].start()
        pids = {kind: replica.process.pid for kind, replica in replicas.items() if replica.process}
        visits: list[Visit] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            try:
                for pair in range(-1, args.pairs):  # -1: the warm-up round, not reported
                    order = ["before", "static", "after"] if pair % 2 else ["after", "static", "before"]
                    for page in pages:
                        app_path, static_path = PAGES[page]
                        for kind in order:
                            side = "after" if kind == "static" else kind
                            url = proxies[side].url + (static_path if kind == "static" else app_path)
                            one = visit(browser, proxies[side], url, kind, page, pair, pids[side])
                            print(f"pair {pair:2} {page:9} {kind:7} {one.first_chart_ms:7.0f} ms"
                                  f" {one.bytes / 1e6:6.2f} MB {one.requests:4} req"
                                  f" cpu {one.server_cpu_s:5.2f} s load {one.load1:.1f}", flush=True)
                            if pair >= 0:
                                visits.append(one)
            finally:
                browser.close()
        print(f"load average at end {load()}")
        report(visits, pages)
        if args.json:
            args.json.write_text(json.dumps([{**asdict(v), "bytes": v.bytes} for v in visits], indent=1))
    finally:
        for proxy in proxies.values():
            proxy.cleanup()
        for replica in replicas.values():
            replica.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
