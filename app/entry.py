"""Make sure every page runs inside dashboard.py (its navigation, chrome and language).

The one place that works around Streamlit's legacy multipage mode. Streamlit (1.67) switches
that mode on for an app with a pages/ folder (the layout this project keeps) until the entry
script first calls st.navigation: on a freshly started server a deep link such as /lithuania
then runs pages/lithuania.py on its own, without dashboard.py. A page that finds itself outside
the entry point switches the mode off and runs dashboard.py in its place, in the same script run
(a rerun would drop the click or input that started this run), then stops.

The switch is private API (PagesManager.uses_pages_directory, a class attribute that
st.navigation itself sets to False); tests/app/test_entry.py fails if an upgrade renames it.
"""
from __future__ import annotations

import runpy
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

RUNNING = "_dashboard_entrypoint_running"
DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"


@contextmanager
def entrypoint():
    """dashboard.py wraps its whole run in this, so pages can tell they were called from it."""
    st.session_state[RUNNING] = True
    try:
        yield
    finally:
        st.session_state[RUNNING] = False


def require_entrypoint() -> None:
    if st.session_state.get(RUNNING):
        return
    leave_legacy_pages_mode()
    runpy.run_path(str(DASHBOARD), run_name="__main__")  # draws the page asked for, through the entry point
    st.stop()  # this page's own, entry-less run ends here


def leave_legacy_pages_mode() -> None:
    from streamlit.runtime.pages_manager import PagesManager  # no public switch exists for this mode
    PagesManager.uses_pages_directory = False
