"""One run at a time on a real `streamlit run` (EXILE_RUNS_AT_ONCE=1, app/run_gate.py): every
kind of run a reader starts (a page's, a section's own, a card's own: fragments drawn inside the
page's run) finishes and gives its place back, with readers at once. A fragment that took a second
place inside its page's run, or a run that kept its place, would leave the next one waiting for
ever: here a time-out."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest

from app.chart_card import share_key
from tests.deploy.streamlit_client import Session
from tests.streamlit_server import run_coroutine, running_dashboard

pytestmark = pytest.mark.slow
TIMEOUT = 30  # seconds a run may take here (4 readers: a few seconds on a loaded machine); then it fails


@pytest.fixture(scope="module")
def one_place_server(built, tmp_path_factory):
    paths, _ = built
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with running_dashboard(paths.root, log, 120, environment={"EXILE_RUNS_AT_ONCE": "1"}) as url:
        yield url


async def reader(http: aiohttp.ClientSession, url: str, lang: str) -> list[str]:
    finished = []
    async with Session.open(http, url) as session:
        page = await session.run("poland", f"lang={lang}", timeout=TIMEOUT)
        finished.append(page.finished)
        year = session.widget("poland_voivode_year")
        section = await session.set("poland_voivode_year", year.options[0], timeout=TIMEOUT)
        finished.append(section.finished)
        outside = sorted(page.cards - section.cards)[0]  # a card outside the section: its own fragment
        finished.append((await session.set(share_key(outside), True, timeout=TIMEOUT)).finished)
        finished.append((await session.run("overview", "", timeout=TIMEOUT)).finished)
    return finished


def test_every_kind_of_run_finishes_with_one_place_and_readers_at_once(one_place_server):
    async def readers() -> list[list[str] | BaseException]:
        async with aiohttp.ClientSession() as http:
            # each reader ends on its own (a time-out included) while the client session is open
            together = asyncio.gather(*(reader(http, one_place_server, lang) for lang in ("en", "pl", "lt", "be")),
                                      return_exceptions=True)
            return await asyncio.wait_for(together, 4 * TIMEOUT)

    for finished in run_coroutine(readers()):
        assert finished == ["FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY",
                            "FINISHED_FRAGMENT_RUN_SUCCESSFULLY", "FINISHED_SUCCESSFULLY"]
