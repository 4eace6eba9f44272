"""The claims page's cards: each checked claim's figures side by side, one horizontal bar per
figure. Shaping is app/views_claims.py."""
from __future__ import annotations

from collections import OrderedDict

from app import data, figures, formatting, i18n
from app import views_claims as claims
from app.card import ChartCard
from app.i18n import t

FIRST_CLAIM = "C01"
_CHECKED: OrderedDict[tuple[str, str, str], list[claims.ClaimCard]] = OrderedDict()


def checked_claims(release: data.Release) -> list[claims.ClaimCard]:
    """Every claim with its evidence, in the reader's language: the page and each claim's card
    share one result per release and language (its rows selected once per release,
    views_claims.claim_rows; only the texts are written per language)."""
    key = (str(release.paths.root), release.release_id, i18n.language())
    if key not in _CHECKED:
        _CHECKED[key] = claims.cards(release)
        while len(_CHECKED) > 8:
            _CHECKED.popitem(last=False)
    return _CHECKED[key]


def claim_views(release: data.Release) -> list[dict]:
    """The claims page draws one card per checked claim (a claim whose figures cannot share one
    chart draws none)."""
    return [{"claim_id": item.claim_id} for item in checked_claims(release)]


def claim(release: data.Release, claim_id: str = FIRST_CLAIM) -> ChartCard | None:
    """One claim's figures as bars (None when they are not of one kind and one unit). Its key
    names the claim: 'claim-c01'."""
    found = next((item for item in checked_claims(release) if item.claim_id == claim_id), None)
    if found is None or not claims.chartable(found.series_rows):
        return None
    rows = found.series_rows.copy()
    rows["_x"] = claims.chart_labels(rows, release, lines=True)
    labels = claims.chart_labels(rows, release)
    rows["_text"] = [formatting.number(v) for v in rows["value"]]
    kind = rows["kind"].iloc[0]
    unit = t(f"common.unit_{rows['unit'].iloc[0]}")
    return ChartCard(
        key=f"claim-{claim_id.lower()}",
        title=t("claims.chart_title", claim_id=claim_id),
        subtitle=t("claims.chart_subtitle", kind=t(f"claims.kind_{kind}")),
        data=rows,
        # Horizontal bars, one per figure: the labels name what, who, where, when and who
        # published it, too long for an x axis; disagreeing figures stand side by side.
        build=lambda frame: figures.ranked_bars(
            frame, t("claims.chart_axis", unit=unit), label="_x", labels_above=True,
            height=figures.labelled_bars_height(frame["_x"], len(frame))),
        alt=t("claims.chart_alt", claim_id=claim_id,
              values="; ".join(f"{x}: {formatting.number(v)}" for x, v in zip(labels, rows["value"]))),
    )
