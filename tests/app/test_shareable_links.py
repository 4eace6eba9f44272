"""Every filter lives in the URL: a link sets the widgets, widgets rewrite the link in canonical
form, a page switch and back keeps the view, and a link reproduces the same plotted data."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.i18n_checks import open_share_menus
from tests.page_registry import DASHBOARD

WHERE = "pages/where_they_went.py"
ASYLUM = "pages/asylum.py"
OVERVIEW = "pages/overview.py"


def open_page(page: str, params: dict[str, str] | None = None) -> AppTest:
    """A session that opens `page` from a link. AppTest starts on the default page, so the link is
    followed from there: the page itself has not been seen in the session, as with a new tab."""
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.run()
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def widget(at: AppTest, key: str):
    return at.session_state[key]


def plotted(at: AppTest) -> list[dict]:
    """The plotted data of every chart on the page (traces only: layout carries no data)."""
    return [json.loads(chart.proto.spec)["data"] for chart in at.get("plotly_chart")]


def canonical(at: AppTest) -> dict[str, str]:
    return {name: value for name, value in at.query_params.items()}


def test_a_link_sets_the_widgets(built):
    at = open_page(WHERE, {"measure": "permits", "year": "2022", "worldwide": "false",
                           "countries": "DEU,POL"})
    assert widget(at, "where_measure") == "permits"
    assert widget(at, "where_year_permits") == 2022
    assert widget(at, "where_destinations") == ["DEU", "POL"]
    assert canonical(at) == {"measure": "permits", "year": "2022", "countries": "DEU,POL"}, \
        "worldwide only applies to the UNHCR count, so it is not part of this view"


def test_asylum_link_sets_every_filter(built):
    at = open_page(ASYLUM, {"since": "2019", "countries": "LTU,POL", "unit": "cases", "type": "appeal",
                            "rate": "refugee_status", "lang": "pl"})
    assert [widget(at, k) for k in ("asylum_since", "asylum_destinations", "asylum_unit", "asylum_type",
                                    "asylum_rate")] == [2019, ["LTU", "POL"], "cases", "appeal", "refugee_status"]
    assert canonical(at)["lang"] == "pl"
    assert at.title[0].value != "Asylum", "the language of the link applies"


def test_changing_a_widget_rewrites_the_url_and_defaults_leave_it(built):
    at = open_page(OVERVIEW)
    assert canonical(at) == {}
    at.toggle(key="overview_eurostat").set_value(True).run()
    assert canonical(at) == {"eurostat": "true"}
    at.toggle(key="overview_eurostat").set_value(False).run()
    assert canonical(at) == {}


def test_unknown_and_bad_parameters_are_dropped_from_the_url(built):
    at = open_page(WHERE, {"measure": "permits", "year": "1066", "utm_source": "x", "countries": "POL,ZZZ"})
    assert canonical(at) == {"measure": "permits"}


def test_switching_pages_and_back_restores_the_view(built):
    at = open_page(WHERE, {"measure": "permits", "countries": "FRA,DEU"})
    before = plotted(at)
    at.switch_page(OVERVIEW).run()
    assert canonical(at) == {}, "another page's parameters do not follow the reader"
    at.toggle(key="overview_eurostat").set_value(True).run()
    at.switch_page(WHERE).run()
    assert widget(at, "where_measure") == "permits"
    assert widget(at, "where_destinations") == ["FRA", "DEU"]
    assert canonical(at) == {"measure": "permits", "countries": "FRA,DEU"}
    assert plotted(at) == before
    at.switch_page(OVERVIEW).run()
    assert widget(at, "overview_eurostat") is True


def test_a_url_round_trip_reproduces_the_plotted_data(built):
    at = open_page(ASYLUM)
    at.radio(key="asylum_since").set_value(2019).run()
    at.multiselect(key="asylum_destinations").set_value(["LTU", "DEU"]).run()
    at.radio(key="asylum_unit").set_value("cases").run()
    link = canonical(at)
    assert link == {"since": "2019", "countries": "LTU,DEU", "unit": "cases"}
    again = open_page(ASYLUM, link)
    assert plotted(again) == plotted(at)
    assert plotted(again) != plotted(open_page(ASYLUM)), "the filters change what is plotted"


def test_the_language_stays_across_page_switches(built):
    at = open_page(OVERVIEW, {"lang": "lt"})
    at.switch_page(WHERE)
    at.query_params.pop("lang", None)  # the browser drops the query on a page switch
    at.run()
    assert canonical(at).get("lang") == "lt"
    assert at.title[0].value != "Where they went"


@pytest.mark.parametrize("page, card", [(OVERVIEW, "overview-stocks"), (WHERE, "where-ranking")])
def test_a_chart_parameter_leaves_that_card_alone(built, page, card):
    at = open_page(page, {"chart": card})
    charts = at.get("plotly_chart")
    assert [c.proto.id for c in charts] and len(charts) == 1
    assert canonical(at)["chart"] == card
    assert open_page(page, {"chart": "no-such-card"}).query_params.get("chart") is None


def test_the_share_menu_links_the_canonical_view(built):
    at = open_page(WHERE, {"measure": "permits", "junk": "<b>x</b>"})
    assert not at.get("code"), "a closed share menu holds nothing"
    links = [block.value for block in open_share_menus(at).get("code")]
    assert any(text.endswith("/where?measure=permits&lang=en#where-map") for text in links), links
    embeds = [text for text in links if "<iframe" in text]
    assert embeds and all("chart=" in text and "embed=true" in text and "<b>" not in text for text in embeds)


def test_where_the_edition_is_served_a_default_view_embeds_its_static_page(built, monkeypatch):
    """Behind the proxy (EXILE_STATIC_EMBEDS) the embed of a page's default view is the static
    edition's page of the card, which needs no Python per reader; a filtered view, which the
    edition does not bake, still embeds the app's view of the card alone."""
    monkeypatch.setenv("EXILE_STATIC_EMBEDS", "1")
    monkeypatch.setenv("EXILE_PUBLIC_URL", "https://exiles.example.org")
    default = [b.value for b in open_share_menus(open_page(WHERE, {})).get("code") if "<iframe" in b.value]
    assert 'src="https://exiles.example.org/embed/en/where-map.html"' in " ".join(default), default
    filtered = [b.value for b in open_share_menus(open_page(WHERE, {"measure": "permits"})).get("code")
                if "<iframe" in b.value]
    assert filtered and all("/embed/" not in text and "embed=true" in text for text in filtered), filtered
