"""Does making a briefing pack hold up other readers? Times one reader's page load alone and
while another reader makes a six-chart pack, on a real server in headless chromium.

    python bench/bench_briefing_concurrency.py [--repeat 3]

Starts `streamlit run dashboard.py` on a free port (on data/ of this checkout; run
`python -m etl build` first), opens the briefing page in one browser process and the Lithuania
page in another. Each reader is its own process, as two people are. Needs /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, running_dashboard  # noqa: E402

READER = f"""
import sys, time
from playwright.sync_api import sync_playwright
role, base, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path={str(CHROMIUM)!r}, args={CHROMIUM_ARGS!r})
    page = browser.new_page(viewport={{"width": 1400, "height": 1000}}, locale="en-GB")
    idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    if role == "pack":
        page.goto(base + "/briefing"); page.wait_for_selector("text=Make the PDF", timeout=60000)
        start = time.perf_counter(); page.get_by_role("button", name="Make the PDF").click()
        page.locator('[data-testid="stDownloadButton"] button').first.wait_for(state="visible", timeout=180000)
    else:
        time.sleep(delay)
        start = time.perf_counter(); page.goto(base + "/lithuania")
        page.wait_for_selector(".js-plotly-plot", timeout=60000); page.wait_for_selector(idle, timeout=60000)
    print(f"{{time.perf_counter() - start:.3f}}")
    browser.close()
"""


def reader(role: str, base: str, delay: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", READER, role, base, str(delay)], stdout=subprocess.PIPE, text=True)


def seconds(process: subprocess.Popen) -> float:
    out, _ = process.communicate(timeout=300)
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with running_dashboard(REPO / "data", Path("/tmp/bench_briefing_server.log")) as base:
        seconds(reader("page", base))              # first visit: the server leaves its pages/ mode
        seconds(reader("pack", base))              # starts kaleido's browser
        alone = [seconds(reader("page", base)) for _ in range(repeat)]
        packs, during = [], []
        for _ in range(repeat):
            pack = reader("pack", base)
            page = reader("page", base, delay=1.0)  # arrives while the charts are being drawn
            during.append(seconds(page))
            packs.append(seconds(pack))
    print(f"page load, alone:                 median {statistics.median(alone):.2f} s  {alone}")
    print(f"page load, while a pack is made:  median {statistics.median(during):.2f} s  {during}")
    print(f"six-chart pack (warm):            median {statistics.median(packs):.2f} s  {packs}")


if __name__ == "__main__":
    main()
