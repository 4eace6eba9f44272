"""Make sure every page runs inside dashboard.py (its navigation, chrome and language).

Streamlit 1.67 keeps a legacy mode for apps with a pages/ folder: on a freshly started server,
until dashboard.py has called st.navigation once, a deep link such as /lithuania runs
pages/lithuania.py on its own. A page that finds itself outside the entry point switches that
mode off and reruns, and the rerun goes through dashboard.py like every later one.
"""
from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

from app import run_gate

RUNNING = "_dashboard_entrypoint_running"


@contextmanager
def entrypoint():
    """dashboard.py wraps its whole run in this, so pages can tell they were called from it; the
    run is one of the few at once (app/run_gate.py)."""
    with run_gate.held():
        st.session_state[RUNNING] = True
        try:
            yield
        finally:
            st.session_state[RUNNING] = False


def require_entrypoint() -> None:
    if st.session_state.get(RUNNING):
        return
    from streamlit.runtime.pages_manager import PagesManager  # no public switch exists for this mode
    PagesManager.uses_pages_directory = False
    st.rerun()
