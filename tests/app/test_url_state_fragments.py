"""The fragment path of url_state.section on a real `streamlit run` (AppTest reruns the whole page,
so it cannot tell a fragment's rerun from a page's): a filter change reruns its section alone,
and the section writes the page's canonical URL, its cards' share links and the remembered view
itself. Driven through Streamlit's websocket protocol (tests/deploy/streamlit_client.Session)."""
from __future__ import annotations

from urllib.parse import parse_qs

import aiohttp
import pytest

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
            assert page.ok and page.charts == 10
            year, toggle = session.widget("poland_voivode_year"), session.widget("poland_eurostat")
            assert year.fragment_id and toggle.fragment_id and year.fragment_id != toggle.fragment_id

            chosen = year.options[0]
            changed = await session.set("poland_voivode_year", chosen)
            assert changed.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and not changed.exceptions
            assert changed.charts == 2  # the map and the ranked bars, nothing else of the page
            assert query(session.query_string) == {"year": [chosen], "lang": ["en"]}
            # the section's share menus link the new view
            links = [code for code in changed.codes if "/poland?" in code and "<iframe" not in code]
            assert len(links) == 2 and all(f"year={chosen}" in link for link in links)

            changed = await session.set("poland_eurostat", False)
            assert changed.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and changed.charts == 1
            # every filter of the page, the other section's too
            assert query(session.query_string) == {"year": [chosen], "eurostat": ["false"], "lang": ["en"]}
            links = [code for code in changed.codes if "/poland?" in code and "<iframe" not in code]
            assert links and all(f"year={chosen}" in link and "eurostat=false" in link for link in links)

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


def test_where_a_shared_scale_reruns_the_page_and_other_filters_their_section(server_url):
    async def scenario() -> None:
        async with aiohttp.ClientSession() as http, Session.open(http, server_url) as session:
            page = await session.run("where", "lang=en")
            assert page.ok
            arrows = await session.set("where_arrows", True)
            assert arrows.finished == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and arrows.charts == 2  # map, ranking
            assert query(session.query_string) == {"arrows": ["true"], "lang": ["en"]}
            scale = session.widget("where_scale")
            per_capita = await session.set("where_scale", scale.options[1])
            # the trend shares the scale: the whole page reruns, so the trend is drawn at it too
            assert per_capita.finished == "FINISHED_SUCCESSFULLY" and per_capita.charts == page.charts
            assert query(session.query_string)["scale"] and query(session.query_string)["arrows"] == ["true"]

    run_coroutine(scenario())
