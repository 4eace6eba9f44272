"""App tests run the dashboard in-process (Streamlit's AppTest) on the release that
tests/conftest.py builds once per session in a temporary folder, never on data/ of the checkout.

The app finds its data through EXILE_DATA_DIR, set around each module. Its loaders
(st.cache_resource, keyed by file path) and built cards (app/cards, keyed by release folder, release
id, language and view) are kept across modules, as a server keeps them across sessions: a key names
one immutable release, so nothing of another folder can leak in, and each test process builds each
card once instead of once per module. A test that patches the app's loaders or data (monkeypatch)
could build a card from patched data under the real release's key: built cards are forgotten after
every such test.
"""
from __future__ import annotations

import os

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app import cards
from tests.page_registry import CHROMIUM_IMAGE_MODULES, DASHBOARD, SHARED_RENDER_MODULES


@pytest.fixture(autouse=True)
def english_around_each_test():
    """Outside a Streamlit session the language is process-wide: every test starts in English
    and one that switches it leaves English behind for the next."""
    from app import i18n
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module", autouse=True)
def app_data(built):
    paths, manifest = built
    previous = os.environ.get("EXILE_DATA_DIR")
    os.environ["EXILE_DATA_DIR"] = str(paths.root)
    yield paths, manifest
    if previous is None:
        os.environ.pop("EXILE_DATA_DIR", None)
    else:
        os.environ["EXILE_DATA_DIR"] = previous


@pytest.fixture(autouse=True)
def forget_cards_built_from_patched_data(request):
    yield
    if "monkeypatch" in request.fixturenames:
        cards.clear_built()
        st.cache_resource.clear()


@pytest.fixture(autouse=True)
def chromium_drawn_only_by_its_unit(request):
    """kaleido's Chromium starts once per test process (~5 s): the modules that draw with it are
    scheduled on one worker (tests/scheduling.py), so a module drawing with it must be listed."""
    from app import image_export
    drawn = []
    real = image_export._Browser.image

    def image(self, *args, **kwargs):
        drawn.append(True)
        return real(self, *args, **kwargs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(image_export._Browser, "image", image)
        yield
    module = request.node.nodeid.split("::", 1)[0]
    assert not drawn or module in CHROMIUM_IMAGE_MODULES, \
        f"{module} draws with kaleido's Chromium: list it in CHROMIUM_IMAGE_MODULES (tests/page_registry.py)"


@pytest.fixture(scope="module")
def published(app_data):
    """Read a published table straight from the release files (not through the app's loaders),
    so expected values are computed independently of the code under test."""
    paths, manifest = app_data

    def read(name: str) -> pd.DataFrame:
        return pd.read_parquet(paths.root / manifest["tables"][name]["path"])
    return read


@pytest.fixture(scope="module")
def release(app_data):
    from app import data
    return data.ensure_release(show_progress=False)


@pytest.fixture(scope="module")
def rendered(request, app_data):
    """`rendered(page_file, lang)`: the page as a link in that language opens it, rendered once per
    test process for every module that reads pages without changing them (tests/app/page_renders.py;
    those modules run one after another on one worker). A test that changes widgets takes its own."""
    from tests.app import page_renders
    module = request.node.nodeid.split("::", 1)[0]
    assert module in SHARED_RENDER_MODULES, f"{module} reads shared renders: list it in SHARED_RENDER_MODULES"
    return lambda page, lang="en": page_renders.SHARED.get(page, lang)[0]


@pytest.fixture
def dashboard() -> AppTest:
    """The dashboard after its first run (the default page)."""
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture(scope="module")
def series(published) -> pd.DataFrame:
    return published("pub_series")


@pytest.fixture(scope="module")
def tables(published) -> tuple[pd.DataFrame, pd.DataFrame]:
    """pub_series and pub_facts, for views that put curated figures beside the series."""
    return published("pub_series"), published("pub_facts")
