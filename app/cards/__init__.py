"""Every chart card of the dashboard, by name.

A card is a function of the release and the view's parameters (keyword arguments with defaults:
the page's default view) returning a ChartCard, or None where the view has nothing to draw (no
country chosen, no figures in that unit). Pages, the briefing pack, images, embeds and the static
edition all take cards from REGISTRY by name, so each draws the same chart from the same rows.
The cards are split by topic (overview, where, context, lithuania, poland, asylum, claims, sources); their
shaping is in app/views_<topic>.py.

A registry name is the card's key (its anchor, widget keys, file names and the URL's `chart=`
value, which links and embeds in the wild use: never renamed), except for cards drawn once per
country or claim, whose key adds it: 'asylum-decisions' draws 'asylum-decisions-pol'.
"""
from __future__ import annotations

import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from app import data, memo
from app.card import ChartCard
from app.cards import asylum, claims, context, lithuania, overview, poland, sources, where
# The fingerprint of the code a bake file must name (app/cards/bake.py), computed here, at the
# process's first import of the cards, and not inside a reader's first card load.
from app.cards import fingerprint  # noqa: F401


@dataclass(frozen=True)
class Registered:
    name: str                                   # the registry name: the card's key, or its prefix
    page: str                                   # url_path of the page it lives on
    function: Callable[..., ChartCard | None]
    briefing: bool = False                      # offered in the briefing pack (at its default view)
    headline: bool = False                      # one of the briefing's charts ticked by default
    # The views its page draws before the reader chooses, for a card drawn once per country or
    # claim (None: the one default view). The static edition bakes each of them.
    views: Callable[[data.Release], list[dict[str, Any]]] | None = None

    @property
    def key(self) -> str:
        return self.name

    @property
    def params(self) -> dict[str, Any]:
        """The view's parameters the card takes, with their defaults."""
        return {name: p.default for name, p in inspect.signature(self.function).parameters.items()
                if name != "release"}

    def default_views(self, release: data.Release) -> list[dict[str, Any]]:
        """The parameters of each card its page draws at its default view: [{}] for one card."""
        return self.views(release) if self.views is not None else [{}]

    def build(self, release: data.Release, **params: Any) -> ChartCard | None:
        unknown = set(params) - set(self.params)
        if unknown:
            raise TypeError(f"card {self.name!r} takes no parameter {sorted(unknown)}")
        return self.function(release, **params)


# In the order of the pages, and within a page in the order it shows them. The briefing offers the
# cards marked `briefing` in this order: who left and where, then each country; the six headline
# charts (the mission's flows, revoked permits, IT visas and the map) are ticked by default.
_CARDS = [
    Registered("overview-stocks", "overview", overview.stocks, briefing=True, headline=True),
    Registered("where-map", "where", where.where_map, briefing=True, headline=True),
    Registered("where-ranking", "where", where.ranking),
    Registered("where-protection-vs-residence", "where", where.protection_vs_residence, briefing=True),
    Registered("where-over-time", "where", where.over_time),
    Registered("where-first-vs-valid", "where", context.first_vs_valid),
    Registered("context-origins", "where", context.origins),
    Registered("lithuania-threats-per-year", "lithuania", lithuania.threats, briefing=True, headline=True),
    Registered("lithuania-decisions-by-outcome", "lithuania", lithuania.outcomes, briefing=True, headline=True),
    Registered("lithuania-threats-since-questionnaire", "lithuania", lithuania.threats_since_questionnaire),
    Registered("lithuania-decisions-since-questionnaire", "lithuania", lithuania.decisions_since_questionnaire),
    Registered("lithuania-permit-holders", "lithuania", lithuania.holders, briefing=True),
    Registered("poland-pbh-running-total", "poland", poland.pbh, briefing=True, headline=True),
    Registered("poland-pbh-per-quarter", "poland", poland.pbh_quarterly),
    Registered("poland-visas-by-purpose", "poland", poland.visas_by_purpose),
    Registered("poland-humanitarian-visas", "poland", poland.humanitarian),
    Registered("poland-permits-granted", "poland", poland.permits_granted),
    Registered("poland-applicants-map", "poland", poland.applicants_map),
    Registered("poland-applicants-by-voivode", "poland", poland.applicants_by_voivode),
    Registered("poland-applicants-per-year", "poland", poland.applicants_per_year),
    Registered("poland-residence-documents", "poland", poland.residence, briefing=True, headline=True),
    Registered("poland-documents-by-type", "poland", poland.documents, briefing=True),
    Registered("asylum-applications", "asylum", asylum.applications),
    Registered("asylum-decisions", "asylum", asylum.decisions, views=asylum.decision_views),
    Registered("asylum-recognition-rate", "asylum", asylum.recognition_rate),
    Registered("asylum-poland-applicants", "asylum", asylum.office_applicants),
    Registered("asylum-poland-rate", "asylum", asylum.office_rate),
    Registered("asylum-poland-decisions", "asylum", asylum.office_decisions),
    Registered("claim", "claims", claims.claim, views=claims.claim_views),
    Registered("sources-conflicts", "sources", sources.conflicts),
]
REGISTRY: dict[str, Registered] = {card.name: card for card in _CARDS}
assert len(REGISTRY) == len(_CARDS), "registry names are unique"


# Cards built, by (name, release, language, view): a card is a pure function of these, so every
# session at the same view shares one card and what it draws (ChartCard.once) instead of rebuilding
# it on each rerun. Bounded: a view is one of a finite set of allowlisted values, but the country
# choices combine, so the least recently used cards are let go.
MAX_BUILT = 512
_built = memo.Kept(MAX_BUILT)


def _hashable(value: Any) -> Hashable:
    return tuple(value) if isinstance(value, (list, tuple)) else value


# The views asked for so far (any language), newest last: what a start-up warm-up builds in the
# other languages besides the default views (app/cards/warm.py). Bounded like the cards.
_asked: OrderedDict[tuple[str, tuple], dict[str, Any]] = OrderedDict()
_asked_lock = threading.Lock()


def view_key(name: str, params: dict[str, Any]) -> tuple:
    """The view's name among the built cards: every parameter, those not given at their default."""
    return tuple(sorted((param, _hashable(value)) for param, value in {**REGISTRY[name].params, **params}.items()))


def build(name: str, release: data.Release, **params: Any) -> ChartCard | None:
    """The card called `name` at the view `params` (the page's default view for those not given).
    A parameter given at its default value names the same view as one left out."""
    registered = REGISTRY[name]
    view = view_key(name, params)
    with _asked_lock:
        _asked[(name, view)] = params
        _asked.move_to_end((name, view))
        while len(_asked) > MAX_BUILT:
            _asked.popitem(last=False)
    return _built.once(release, ("card", name, view), lambda: _baked_or_built(registered, release, view, params))


def _baked_or_built(registered: Registered, release: data.Release, view: tuple,
                    params: dict[str, Any]) -> ChartCard | None:
    """The view's card from the image's bake when there is a current one (app/cards/bake.py: read
    on the first ask, then kept like a built card), else built."""
    from app.cards import bake  # not at import: `python -m app.cards.bake` runs it as __main__
    baked = bake.load(release, registered.name, view)
    return registered.build(release, **params) if baked is bake.MISSING else baked  # type: ignore[return-value]


def asked_views() -> list[tuple[str, dict[str, Any]]]:
    """(name, params) of every view asked for so far, oldest first."""
    with _asked_lock:
        return [(name, dict(params)) for (name, _), params in _asked.items()]


def views_to_make(release: data.Release,
                  asked: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, tuple, dict[str, Any]]]:
    """The views a warm-up (app/cards/warm.py) or the bake (app/cards/bake.py) makes: every
    registered card's default views, then `asked` (name, params) of registered cards (those readers
    or the pages asked for: a page passing a filter's value, such as the latest year, names its view
    by it), each view once (by view_key), as (name, view key, params)."""
    views = [(registered.name, view) for registered in REGISTRY.values() for view in registered.default_views(release)]
    views += [(name, view) for name, view in asked if name in REGISTRY]
    unique = {(name, view_key(name, view)): view for name, view in views}
    return [(name, key, view) for (name, key), view in unique.items()]


def clear_built() -> None:
    """Forget every built card (tests that change a release in place)."""
    _built.clear()
    with _asked_lock:
        _asked.clear()
    memo.clear()  # the pages' shaping, made from the same releases


BRIEFING = [card for card in _CARDS if card.briefing]
BRIEFING_KEYS = [card.key for card in BRIEFING]
HEADLINE_KEYS = [card.key for card in BRIEFING if card.headline]
