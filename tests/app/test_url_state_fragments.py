"""The fragment path of url_state.section on a real `streamlit run` (AppTest reruns the whole page,
so it cannot tell a fragment's rerun from a page's): a filter change reruns its section alone,
and the section writes the page's canonical URL, its cards' share links and the remembered view
itself; a card's share menu is filled when the reader opens it, with the view the sections left.
Driven through Streamlit's websocket protocol (tests/deploy/streamlit_client.Session)."""
from __future__ import annotations

from urllib.parse import parse_qs

import aiohttp
import pytest

from app.chart_card import share_key
from tests.deploy.streamlit_client import Session
from tests.streamlit_server import run_coroutine, running_dashboard

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server_url(built, tmp_path_factory):
    paths, _ = built
    with running_dashboard(paths.root, tmp_path_factory.mktemp("streamlit") / "server.log", 120) as url:
        yield url


def query(text: str) -> dict[str, list[str]]:
    return parse_qs(text)


def test_a_filter_change_reruns_its_section_alone_and_keeps_url_links_and_memory_right(server_url):
    async def scenario() -> None:
        async with aiohttp.ClientSession() as http, Session.open(http, server_url) as session:
            page = await session.run("poland", "lang=en")
            assert page.ok and page.charts == 10 and len(page.cards) == 10
            assert not page.codes  # the share menus are closed: their links are drawn when one opens
            year, toggle = session.widget("poland_voivode_year"), session.widget("poland_eurostat")
            assert year.fragment_id and toggle.fragment_id and year.fragment_id != toggle.fragment_id

            chosen = year.options[0]
            changed = await session.set("poland_voivode_year", chosen)
            assert changed.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and not changed.exceptions
            assert changed.charts == 2  # the map and the ranked bars, nothing else of the page
            assert changed.cards == {"poland-applicants-map", "poland-applicants-by-voivode"}
            assert query(session.query_string) == {"year": [chosen], "lang": ["en"]}
            # the section's share menus, opened, link the new view
            links = await share_links(session, changed.cards, "/poland?")
            assert len(links) == 2 and all(f"year={chosen}" in link for link in links)

            changed = await session.set("poland_eurostat", False)
            assert changed.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and changed.charts == 1
            # every filter of the page, the other section's too
            assert query(session.query_string) == {"year": [chosen], "eurostat": ["false"], "lang": ["en"]}
            # a menu of the other section (not rerun) too: every filter of the page is known when it opens
            links = await share_links(session, changed.cards | {"poland-applicants-map"}, "/poland?")
            assert len(links) == 2 and all(f"year={chosen}" in link and "eurostat=false" in link for link in links)
            # a card outside any section: its menu reruns the card's own small fragment, no chart
            outside = sorted(page.cards - changed.cards - {"poland-applicants-map", "poland-applicants-by-voivode"})[0]
            opened = await session.set(share_key(outside), True)
            assert opened.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and not opened.cards and not opened.charts
            link, = [code for code in opened.codes if "/poland?" in code and "<iframe" not in code]
            assert link.endswith(f"#{outside}") and f"year={chosen}" in link and "eurostat=false" in link
            assert (await session.set(share_key(outside), False)).ok

            # switching pages and back (Streamlit clears the query) restores the view
            assert (await session.run("lithuania", "")).ok
            back = await session.run("poland", "")
            assert back.ok and query(session.query_string) == {"year": [chosen], "eurostat": ["false"], "lang": ["en"]}

        async with aiohttp.ClientSession() as http, Session.open(http, server_url) as session:
            # the URL the fragments wrote is a deep link to the same view
            shared = f"year={chosen}&eurostat=false"
            opened = await session.run("poland", shared)
            assert opened.ok and query(session.query_string) == query(shared)

    run_coroutine(scenario())


async def share_links(session: Session, cards: set[str], page: str) -> list[str]:
    """Open each card's share menu as a reader does (it reruns the card's section alone, or the
    card's own small fragment), read its link to the view, close it again. A closed menu holds
    nothing: no run before sent a link."""
    links = []
    for card in sorted(cards):
        opened = await session.set(share_key(card), True)
        assert opened.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and not opened.exceptions
        assert card in opened.cards or not opened.cards  # its section or its own fragment, not the page
        assert len(opened.cards) <= 3 and opened.charts == len(opened.cards)
        found = [code for code in opened.codes if page in code and "<iframe" not in code]
        assert len(found) == 1 and found[0].endswith(f"#{card}"), opened.codes
        links += found
        closed = await session.set(share_key(card), False)
        assert closed.ok and not closed.codes
    return links


def test_where_a_shared_scale_reruns_the_map_and_the_trend_not_the_page(server_url):
    async def scenario() -> None:
        async with aiohttp.ClientSession() as http, Session.open(http, server_url) as session:
            page = await session.run("where", "lang=en")
            assert page.ok and {"where-map", "where-ranking", "where-over-time"} < page.cards
            arrows = await session.set("where_arrows", True)
            assert arrows.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and arrows.charts == 2  # map, ranking
            assert arrows.cards == {"where-map", "where-ranking"}
            assert query(session.query_string) == {"arrows": ["true"], "lang": ["en"]}
            scale = session.widget("where_scale")
            per_capita = await session.set("where_scale", scale.options[1])
            # the trend shares the scale: its section reruns with the map's, the rest of the page does not
            assert per_capita.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and not per_capita.exceptions
            assert per_capita.charts == 3 and per_capita.cards == {"where-map", "where-ranking", "where-over-time"}
            assert query(session.query_string) == {"scale": ["per_1000"], "arrows": ["true"], "lang": ["en"]}
            trend_link, = await share_links(session, {"where-over-time"}, "/where?")
            assert query(trend_link.split("?", 1)[1].split("#")[0])["scale"] == ["per_1000"]
            # a measure that keeps the trend's scale reruns the map's section alone
            measure = await session.set("where_measure", "permits")
            assert measure.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and measure.cards == {
                "where-map", "where-ranking"}
            assert query(session.query_string) == {
                "measure": ["permits"], "scale": ["per_1000"], "arrows": ["true"], "lang": ["en"]}

        async with aiohttp.ClientSession() as http, Session.open(http, server_url) as session:
            shared = "measure=permits&scale=per_1000&arrows=true"
            opened = await session.run("where", shared)
            assert opened.ok and query(session.query_string) == query(shared)

    run_coroutine(scenario())


UNHCR = {"asylum-applications", "asylum-recognition-rate"}
OFFICE = {"asylum-poland-applicants", "asylum-poland-rate", "asylum-poland-decisions"}


def test_asylum_shared_controls_rerun_the_sections_that_use_them_not_the_page(server_url):
    async def scenario() -> None:
        async with aiohttp.ClientSession() as http, Session.open(http, server_url) as session:
            page = await session.run("asylum", "lang=en")
            drawn = page.cards
            decisions = {a for a in drawn if a.startswith("asylum-decisions-")}
            assert page.ok and UNHCR | OFFICE < drawn and decisions

            since = await session.set("asylum_since", "2019")  # every UNHCR section, not Poland's office
            assert since.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and not since.exceptions
            assert UNHCR <= since.cards and not since.cards & OFFICE
            assert query(session.query_string) == {"since": ["2019"], "lang": ["en"]}
            links = await share_links(session, since.cards, "/asylum?")
            assert len(links) == len(since.cards) and all("since=2019" in link for link in links)

            # the unit: applications and decisions (the build's UNHCR figures are in persons only: in
            # cases they say so), not the rate, which has no unit
            unit = await session.set("asylum_unit", "cases")
            assert unit.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and not unit.exceptions
            assert not unit.cards & (UNHCR | OFFICE) - {"asylum-applications"}
            assert query(session.query_string) == {"since": ["2019"], "unit": ["cases"], "lang": ["en"]}
            unit = await session.set("asylum_unit", "persons")
            assert unit.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and not unit.exceptions
            assert {"asylum-applications"} <= unit.cards <= {"asylum-applications"} | decisions
            assert query(session.query_string) == {"since": ["2019"], "lang": ["en"]}

            rate = await session.set("asylum_rate", "refugee_status")
            assert rate.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and rate.cards == {
                "asylum-recognition-rate"}
            view = {"since": ["2019"], "rate": ["refugee_status"], "lang": ["en"]}
            assert query(session.query_string) == view

            # switching pages and back restores the view; a deep link opens it
            assert (await session.run("where", "")).ok
            back = await session.run("asylum", "")
            assert back.ok and query(session.query_string) == view

        async with aiohttp.ClientSession() as http, Session.open(http, server_url) as session:
            shared = "since=2019&rate=refugee_status"
            opened = await session.run("asylum", shared)
            assert opened.ok and query(session.query_string) == query(shared)

    run_coroutine(scenario())
