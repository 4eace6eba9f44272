"""The headline trend drawn as an image with a text alternative (app/headline_row.py)."""
from __future__ import annotations

import base64
import re

from app import headline_row


def drawn(out: str) -> tuple[list[tuple[float, float]], str]:
    source, alt = re.fullmatch(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)".*>', out).groups()
    svg = base64.b64decode(source).decode()
    points = [tuple(map(float, p.split(","))) for p in re.search(r'points="([^"]*)"', svg).group(1).split()]
    return points, alt


def test_one_point_per_value_highest_at_the_top_and_the_alt_escaped():
    points, alt = drawn(headline_row.sparkline([10, 40, 20], 'Trend of "In Poland" <2019–2025>'))
    assert alt == "Trend of &quot;In Poland&quot; &lt;2019–2025&gt;"
    assert [x for x, _ in points] == [0.0, headline_row.SPARK_WIDTH / 2, headline_row.SPARK_WIDTH]
    ys = [y for _, y in points]
    assert ys[1] < ys[2] < ys[0]  # SVG's y grows downwards: the largest value is highest
    assert min(ys) >= 0 and max(ys) <= headline_row.SPARK_HEIGHT


def test_a_flat_or_single_value_trend_is_drawn():
    assert len(drawn(headline_row.sparkline([5, 5], "x"))[0]) == 2
    assert len(drawn(headline_row.sparkline([7], "x"))[0]) == 1
