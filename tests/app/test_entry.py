"""app/entry.py leans on one private switch of Streamlit (PagesManager.uses_pages_directory) to
leave the legacy pages/ mode on a fresh server. This test is the upgrade alarm: when a Streamlit
release renames or drops the switch, it fails here, before a deep link silently runs a page outside
dashboard.py (the browser test test_deep_link_on_a_fresh_server checks the behaviour itself)."""
from __future__ import annotations

import inspect
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager

from app import entry


def test_the_private_switch_app_entry_turns_off_still_exists_in_this_streamlit():
    assert isinstance(PagesManager.uses_pages_directory, (bool, type(None))), (
        "Streamlit changed PagesManager.uses_pages_directory: see app/entry.py")
    assert "uses_pages_directory" in inspect.getsource(PagesManager), (
        "Streamlit no longer reads the legacy pages/ switch that app/entry.py turns off")


def test_only_app_entry_touches_the_switch():
    root = Path(entry.__file__).resolve().parents[1]
    files = [*root.glob("*.py"), *(path for folder in ("app", "pages", "tests", "etl") for path in
                                   (root / folder).rglob("*.py"))]
    users = sorted(str(path.relative_to(root)) for path in files
                   if "uses_pages_directory" in path.read_text(encoding="utf-8") and path.name != "test_entry.py")
    assert users == ["app/entry.py"]
