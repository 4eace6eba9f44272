"""What a smaller plotly.js would save a first visit: the static edition's card page drawn with the
full plotly.js it ships and with Plotly's "basic" partial bundle (scatter, bar and pie: every trace
type the cards draw), side by side (docs/performance.md, issue 16 target 4).

    python bench/bench_plotly_bundle.py --site DIR [--cards overview-stocks,where-map] [--runs 9]
        [--basic FILE]

DIR is an edition baked by `python -m etl site --out DIR`. --basic is plotly-basic.min.js of the
same plotly.js version as the edition's (default: `npm pack plotly.js-basic-dist-min@<version>`
from the npm registry into a temporary folder). Each run is a fresh Chromium context (cold cache,
Debian's chromium, 1280 x 900) on a loopback server that sends both bundles gzip'd (level 9); the
page is the card's figure and the bundle's <script>, nothing else, so the two differ only in the
bundle. Per card and bundle: the median [range] of when the bundle's script has run
(performance.now() from navigation) and of when the chart is drawn (Plotly.newPlot resolved), and
the bytes of the bundle on the wire. The report also lists the trace types the edition's figures
use and whether the basic bundle registers each.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
from pathlib import Path

FIGURE = re.compile(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', re.S)
PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<div id="chart" style="width:1000px"></div><script src="{bundle}"></script><script>
window.__ran = performance.now();
fetch("{card}.json").then(r => r.json()).then(f => Plotly.newPlot("chart", f.data, f.layout, {{responsive: true}}))
  .then(() => {{ window.__drawn = performance.now(); }});
</script></body></html>"""


def figure(site: Path, card: str) -> dict:
    """The card's figure as the edition's page holds it (edition/en/<card>.html)."""
    found = FIGURE.search((site / "edition" / "en" / f"{card}.html").read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f"{site}/edition/en/{card}.html holds no figure")
    data = json.loads(found.group(1))
    return data.get("figure", data)


def edition_trace_types(site: Path) -> set[str]:
    types = set()
    for page in (site / "edition" / "en").glob("*.html"):
        found = FIGURE.search(page.read_text(encoding="utf-8"))
        if found:
            data = json.loads(found.group(1))
            types |= {trace.get("type", "scatter") for trace in data.get("figure", data).get("data", [])}
    return types


def full_bundle(site: Path) -> Path:
    bundles = sorted((site / "assets").glob("plotly-*.min.js"))
    if len(bundles) != 1:
        raise SystemExit(f"{site}/assets: expected one plotly-*.min.js, found {bundles}")
    return bundles[0]


def basic_bundle(version: str, folder: Path) -> Path:
    """plotly-basic.min.js of `version`, from the npm registry."""
    subprocess.run(["npm", "pack", "--silent", f"plotly.js-basic-dist-min@{version}"], cwd=folder, check=True,
                   capture_output=True)
    with tarfile.open(next(folder.glob("plotly.js-basic-dist-min-*.tgz"))) as archive:
        archive.extract("package/plotly-basic.min.js", folder, filter="data")
    return folder / "package" / "plotly-basic.min.js"


class Gzipped(http.server.SimpleHTTPRequestHandler):
    """Sends <path>.gz with Content-Encoding: gzip where it exists, as the proxy does."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        packed = path.with_name(path.name + ".gz")
        if not packed.is_file():
            return super().send_head()
        body = packed.open("rb")
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(packed.stat().st_size))
        self.end_headers()
        return body

    def log_message(self, *args) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--cards", default="overview-stocks,where-map")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--basic", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="bench-plotly-bundle-"))
    full = full_bundle(args.site)
    version = re.search(rb"plotly\.js v(\d+\.\d+\.\d+)", full.read_bytes()[:2000])
    if version is None:
        raise SystemExit(f"{full}: no plotly.js version in its header")
    basic = args.basic or basic_bundle(version.group(1).decode(), root)
    cards = args.cards.split(",")
    for name, source in (("full", full), ("basic", basic)):
        data = source.read_bytes()
        (root / f"{name}.js").write_bytes(data)
        (root / f"{name}.js.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        for card in cards:
            (root / f"{card}.json").write_text(json.dumps(figure(args.site, card)), encoding="utf-8")
            (root / f"{card}-{name}.html").write_text(PAGE.format(bundle=f"{name}.js", card=card), encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Gzipped, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            registered = None
            for run in range(args.runs):
                for card in cards:
                    for name in ("full", "basic") if run % 2 == 0 else ("basic", "full"):
                        context = browser.new_context(viewport={"width": 1280, "height": 900})
                        page = context.new_page()
                        page.goto(f"{url}/{card}-{name}.html")
                        page.wait_for_function("window.__drawn !== undefined", timeout=120_000)
                        times.setdefault((card, name), []).append(page.evaluate("[window.__ran, window.__drawn]"))
                        if name == "basic" and registered is None:
                            registered = set(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
                        context.close()
            browser.close()
    finally:
        server.shutdown()
    used = edition_trace_types(args.site)
    print(f"plotly.js {version.group(1).decode()}; the edition's trace types: {sorted(used)}; "
          f"registered by the basic bundle: {sorted(used & (registered or set()))}, missing: "
          f"{sorted(used - (registered or set()))}")
    for name in ("full", "basic"):
        print(f"{name:5s} bundle: {(root / f'{name}.js').stat().st_size / 1e6:.2f} MB, "
              f"{(root / f'{name}.js.gz').stat().st_size / 1e3:.0f} KB gzip 9")
    print(f"median [range] of {args.runs} cold visits, ms from navigation")
    for card in cards:
        for name in ("full", "basic"):
            ran, drawn = zip(*times[(card, name)])
            print(f"{card:20s} {name:5s}  script run {statistics.median(ran):6.0f} [{min(ran):.0f}-{max(ran):.0f}]"
                  f"  chart drawn {statistics.median(drawn):6.0f} [{min(drawn):.0f}-{max(drawn):.0f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
