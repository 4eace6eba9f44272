"""The one HTML table renderer (app/html_table.py) of the static edition and the app's cards."""
from __future__ import annotations

import pandas as pd

from app import html_table


def test_a_caption_column_and_row_headers_every_cell_escaped():
    frame = pd.DataFrame({"Series": ['<script>alert("x")</script>', "B & C"], "Figure": ["1 < 2", None],
                          "Link": ["javascript:alert(1)", "https://stat.gov.lt/x?a=1&b=2"]})
    out = html_table.table(frame, 'Figures of "A & B"', figure_column="Figure")
    assert '<caption>Figures of &quot;A &amp; B&quot;</caption>' in out
    assert out.count('<th scope="col">') == 3 and out.count('<th scope="row">') == 2
    assert "<script>" not in out and '<th scope="row">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</th>' in out
    assert '<td class="figure">1 &lt; 2</td>' in out and '<td class="figure"></td>' in out
    assert "javascript:" not in out  # only http(s) addresses become links
    assert '<a href="https://stat.gov.lt/x?a=1&amp;b=2" rel="noopener">stat.gov.lt</a>' in out


def test_the_language_and_wrapper_class_are_said_where_asked():
    frame = pd.DataFrame({"Шэраг": ["Польшча"], "Лічба": ["14 308 асоб"]})
    out = html_table.table(frame, "Лічбы", lang="be", wrap_class="exile-sr-only")
    assert out.startswith('<div class="exile-sr-only" lang="be"><table><caption>Лічбы</caption>')
    assert html_table.table(frame, "x").startswith('<div class="table-wrap"><table>')
