"""The one HTML table renderer of a card's figures: the static edition's card pages
(`python -m etl site`) and the app's chart card (app/chart_card.py, for screen readers:
st.dataframe draws on a canvas, which gives them no cells) print the same table.

A <caption>, column headers (<th scope="col">), the first column as row headers
(<th scope="row">); every cell escaped; links only to http(s) addresses, showing the host they
lead to. `Html` marks a string that is already HTML; anything else is escaped when it is put in.
"""
from __future__ import annotations

import html
from urllib.parse import urlsplit

import pandas as pd

from app.i18n import t
from app.sources import host


class Html(str):
    """Text that is already HTML (escaped, or built here from escaped parts)."""


def esc(text) -> Html:
    return Html(html.escape("" if text is None else str(text), quote=True))


def safe_url(url) -> str | None:
    """An absolute http(s) link, or None: nothing else becomes an href."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def anchor(text, url, new_tab: bool = False) -> Html:
    """A link to an outside address (its text escaped), or the text alone when the address is not
    an http(s) link."""
    href = safe_url(url)
    if href is None:
        return esc(text)
    target = ' target="_blank"' if new_tab else ""
    return Html(f'<a href="{esc(href)}" rel="noopener"{target}>{esc(text)}</a>')


def _cell(value, link: bool) -> Html:
    if link:
        href = safe_url(value)
        return anchor(host(href), href) if href else Html("")
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return Html("")
    return esc(value)


def table(frame: pd.DataFrame, caption_text: str, figure_column: str | None = None, *,
          lang: str | None = None, wrap_class: str = "table-wrap") -> Html:
    """An accessible table: a caption, column headers, the first column as row headers; links
    show the host they lead to (as the app's link columns do). `lang`: the language of its words,
    for a page whose own language differs (Streamlit's page is always <html lang="en">)."""
    link_column = t("common.col_link")
    head = "".join(f'<th scope="col">{esc(column)}</th>' for column in frame.columns)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for i, (column, value) in enumerate(zip(frame.columns, record)):
            content = _cell(value, column == link_column)
            if i == 0:
                cells.append(f'<th scope="row">{content}</th>')
            else:
                css = ' class="figure"' if column == figure_column else ""
                cells.append(f"<td{css}>{content}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    language = f' lang="{esc(lang)}"' if lang else ""
    return Html(f'<div class="{esc(wrap_class)}"{language}><table><caption>{esc(caption_text)}</caption>'
                f'<thead><tr>{head}</tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table></div>")
