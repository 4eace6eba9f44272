"""The production Streamlit configuration (deploy/streamlit/config.toml, copied over
.streamlit/config.toml in the image): every option exists in the installed Streamlit, the
production choices are made, and the theme is the development file's."""
from __future__ import annotations

import tomllib

import pytest

from etl.paths import REPO_ROOT
from tests.deploy.stack import STREAMLIT_CONFIG

DEVELOPMENT = REPO_ROOT / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def production() -> dict:
    return tomllib.loads(STREAMLIT_CONFIG.read_text())


def test_every_option_exists_in_the_installed_streamlit(production):
    from streamlit import config
    known = set(config._config_options_template)  # the option registry `streamlit config show` prints
    named = {f"{section}.{option}" for section, options in production.items() if section != "theme"
             for option in options}
    named |= {f"theme.{option}" for option in production["theme"]}
    assert named - known == set()


def test_the_production_choices(production):
    client, server, browser = production["client"], production["server"], production["browser"]
    assert client["showErrorDetails"] == "none"
    assert client["toolbarMode"] == "viewer"
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True and server["corsAllowedOrigins"]
    assert server["enableStaticServing"] is False
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False
    assert server["maxUploadSize"] == 1  # no uploads in the app; 1 MB is Streamlit's smallest limit
    assert 1 <= server["maxMessageSize"] < 200  # measured, far under the default (test_proxy checks the margin)
    assert browser["gatherUsageStats"] is False


def test_the_theme_is_the_development_one(production):
    assert production["theme"] == tomllib.loads(DEVELOPMENT.read_text())["theme"]


# Streamlit maps these names to its own web fonts (Source Sans, Source Serif, Source Code Pro)
STREAMLIT_WEB_FONT_NAMES = {"sans-serif", "serif", "monospace"}


def test_the_theme_draws_text_in_system_fonts(production):
    """No theme font asks for a web font: a reader's first visit downloads no text font (issue 16,
    target 4). The proxy's copy of Streamlit's frontend drops the @font-face rules of Streamlit's
    text fonts (deploy/precompress.py); a theme that named one would draw in a fallback instead."""
    from tests.deploy.stack import precompress_module
    precompress = precompress_module()
    theme = production["theme"]
    assert "font" in theme and "codeFont" in theme  # unset, Streamlit draws in Source Sans / Source Code Pro
    for option in ("font", "headingFont", "codeFont"):
        if option not in theme:
            continue
        value = theme[option]
        # one name alone, e.g. "sans serif", is Streamlit's own web font, not the generic family
        assert value.strip().lower().replace(" ", "-") not in STREAMLIT_WEB_FONT_NAMES, (option, value)
        names = [name.strip().strip("'\"") for name in value.split(",")]
        assert ":" not in value, (option, value)  # "<name>:<url>" would load a font from a URL
        assert not set(names) & set(precompress.DROPPED_FONT_FAMILIES), (option, value)
        assert names[-1] in {"sans-serif", "monospace"}, (option, value)  # ends in a generic family
    assert "fontFaces" not in theme
