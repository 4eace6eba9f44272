"""What server-side images and the briefing pack cost.

    python bench/bench_export.py [--repeat 3]

Builds a release from data/raw into a temporary folder, makes six chart cards from it (lines,
bars, curated figures with many sources, a Europe map) and times, as the median of --repeat rounds:
  layout: export_figure for each card, its figure already built (no drawing: what a chart card
          pays on every page run);
  PNG cold: one card's PNG with no browser running (chromium starts first);
  PNG warm: the same PNG again with the browser warm and the image cache emptied;
  PNG cached: the same request once more (served from the cache);
  SVG warm: the card as SVG, browser warm, cache emptied;
  one-shot: the PNG through kaleido without the warm browser (a new chromium per image, what
            plotly's figure.to_image does by default), for comparison;
  PDF: the six-chart briefing pack, browser warm, image cache emptied.
Needs chromium (/usr/bin/chromium or BROWSER_PATH).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def build_release(folder: Path):
    from app import data
    from etl.paths import DataPaths
    from etl.pipeline import build
    shutil.copytree(REPO / "data" / "raw", folder / "raw")
    paths = DataPaths(folder)
    return data.Release(paths, build(paths, log=lambda *_: None))


def six_cards(release) -> list:
    import pandas as pd

    from app import data, figures, i18n, select
    from app.chart_card import ChartCard
    series = data.series(release)

    def labelled(frame, label):
        return frame.assign(_label=label)
    refugees = select.rows(series, "unhcr_refugees_stock", destination=["POL", "LTU", "DEU"], since="2019-01-01")
    refugees["_label"] = refugees["destination"].map(i18n.country)
    threats = select.rows(series, "lt_security_threat_flow", destination="LTU")
    threats = threats.assign(_label=threats["fact_id"], _x=threats["period_end"].dt.year.astype(str))
    stocks = pd.concat([labelled(select.rows(series, "pl_residence_document_holders_stock", destination="POL",
                                             since="2019-01-01"), "Poland"),
                        labelled(select.rows(series, "lt_residence_permit_holders_stock", destination="LTU",
                                             since="2019-01-01"), "Lithuania")], ignore_index=True)
    applications = select.rows(series, "unhcr_asylum_applications_flow", destination=["POL", "LTU", "DEU"],
                               category=None, since="2019-01-01")
    applications = select.total_by(applications, ["destination", "period_start", "period_end", "kind", "unit"])
    applications = applications.assign(_label=applications["destination"].map(i18n.country),
                                       _x=applications["period_end"].dt.year.astype(str), source_id="unhcr",
                                       fact_id=None, conflict_group=None)
    permits = select.rows(series, "eurostat_first_permits_flow", destination=["POL", "LTU"], since="2015-01-01")
    permits["_label"] = permits["destination"].map(i18n.country)
    europe = data.table(release, "pub_countries").query("unsd_region == 'Europe'")["iso3"]
    mandate = select.rows(series, "unhcr_under_mandate_stock", destination=list(europe))
    mandate = mandate[(mandate["period_end"] == mandate["period_end"].max()) & (mandate["value"] > 0)]
    geojson = data.boundaries(release)
    specs = [
        ("bench-refugees", "Refugees from Belarus", refugees, lambda f: figures.lines(f, "persons")),
        ("bench-threats", "Judged a threat to Lithuania's security", threats, lambda f: figures.bars(f, "decisions")),
        ("bench-stocks", "Residence documents in Poland and Lithuania", stocks, lambda f: figures.lines(f, "persons")),
        ("bench-applications", "Asylum applications", applications, lambda f: figures.bars(f, "applications")),
        ("bench-permits", "First residence permits", permits, lambda f: figures.lines(f, "permits")),
        ("bench-map", "Under UNHCR's mandate in Europe", mandate, lambda f: figures.choropleth(f, geojson, "persons")),
    ]
    return [ChartCard(key=key, title=title, subtitle="Benchmark card", data=frame, build=build, alt=title,
                      note="A note under the chart.") for key, title, frame, build in specs]


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from streamlit import logger
    logger.set_log_level("error")  # outside `streamlit run` the cached loaders warn about the missing runtime
    import kaleido

    from app import briefing_pdf, image_export
    if not image_export.browser_available():
        print("no chromium: install it (apt-get install -y chromium) or set BROWSER_PATH")
        return 1
    rows: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        rows.setdefault(name, []).append(seconds)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["EXILE_DATA_DIR"] = str(Path(tmp) / "data")
        release = build_release(Path(tmp) / "data")
        cards = six_cards(release)
        card = cards[0]
        pdf_size = 0
        for _ in range(args.repeat):
            for one in cards:
                shown = one.build(one.data)  # the card has drawn its figure already
                record(f"layout {one.key}", timed(lambda: image_export.export_figure(one, release, figure=shown))[0])
            image_export.shutdown()
            image_export.clear_cache()
            record("PNG cold (browser starts)", timed(lambda: image_export.card_image(card, release, "png"))[0])
            image_export.clear_cache()
            record("PNG warm", timed(lambda: image_export.card_image(card, release, "png"))[0])
            record("PNG cached", timed(lambda: image_export.card_image(card, release, "png"))[0])
            image_export.clear_cache()
            record("SVG warm", timed(lambda: image_export.card_image(card, release, "svg"))[0])
            figure = image_export.export_figure(card, release)
            record("PNG one-shot (new chromium)", timed(lambda: kaleido.calc_fig_sync(
                figure, opts=dict(format="png", width=1200, height=720, scale=2), kopts={"mathjax": False}))[0])
            image_export.clear_cache()
            seconds, pdf = timed(lambda: briefing_pdf.build(cards, release))
            record("PDF, 6 charts (warm)", seconds)
            pdf_size = len(pdf)
        image_export.shutdown()

    print(f"{'step':<32} {'median s':>9} {'min s':>7}")
    for name, values in rows.items():
        print(f"{name:<32} {statistics.median(values):9.3f} {min(values):7.3f}")
    print(f"PDF size: {pdf_size / 1e6:.2f} MB; median of {args.repeat} rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
