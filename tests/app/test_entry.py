"""app/entry.py, the one workaround for Streamlit's legacy pages/ mode, and the Streamlit upgrade
test that guards it: the private switch it flips must still exist and still decide that mode."""
from __future__ import annotations

import inspect

from streamlit.commands import navigation
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from app import entry
from app.i18n import t
from tests.page_registry import DASHBOARD, registered_pages

UPGRADE = ("Streamlit changed its legacy pages/ mode: app/entry.py flips PagesManager.uses_pages_directory, "
           "which {what}. Re-check how a deep link on a fresh server is served and update app/entry.py.")


def test_streamlit_upgrade_still_has_the_private_switch_app_entry_flips():
    assert "uses_pages_directory" in vars(PagesManager), UPGRADE.format(what="no longer exists")
    assert "PagesManager.uses_pages_directory" in inspect.getsource(script_runner.ScriptRunner), \
        UPGRADE.format(what="no longer chooses the legacy script run")
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation.navigation), \
        UPGRADE.format(what="st.navigation no longer clears")


def test_a_pages_folder_still_starts_streamlit_in_legacy_mode_and_entry_switches_it_off():
    """If this starts failing because the mode is gone, app/entry.py can go too."""
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None
        PagesManager(str(DASHBOARD))
        assert PagesManager.uses_pages_directory is True, UPGRADE.format(what="a pages/ folder no longer sets")
        entry.leave_legacy_pages_mode()
        assert PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = saved


def test_a_page_opened_first_is_drawn_through_the_entry_point_in_the_same_run(app_data):
    """AppTest starts every run as a fresh server (legacy mode on), so opening a page runs the
    page file alone first: it must come out with dashboard.py's chrome, navigation and page, and
    without a rerun (the run's widget values are kept: see the briefing page's PDF button test)."""
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.run()
    page = next(p for p in registered_pages() if p.url_path == "sources")
    at.switch_page(page.file).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.button_group(key="chrome_language"), "dashboard.py's chrome (the language choice) is drawn"
    assert [title.value for title in at.title] == [t("sources.title")], "the page asked for is drawn, once"
    assert at.session_state[entry.RUNNING] is False, "the entry point's run finished"
