"""What the app's code needs when it runs outside a Streamlit server (the static edition's bake,
the cards' bake): Streamlit's bare-mode warnings quieted."""
from __future__ import annotations

import logging


def quiet_streamlit() -> None:
    """Streamlit warns on each loader call and link made outside a running app ('missing
    ScriptRunContext'): noise in a bake. Its first configuration read sets its log level, so the
    level is set after it."""
    import streamlit
    from streamlit import logger as streamlit_logger
    streamlit.get_option("server.port")
    streamlit_logger.set_log_level(logging.ERROR)
