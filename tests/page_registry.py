"""The dashboard's page registry (dashboard.PAGES), read from the source without running it:
importing dashboard.py would start a Streamlit script. Tests parametrize over it, so a page added
to the registry is tested without touching the tests."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from etl.paths import REPO_ROOT

DASHBOARD = REPO_ROOT / "dashboard.py"
# Test modules that read the same rendered pages (tests/app/page_renders.py), scheduled together.
SHARED_RENDER_MODULES = ("tests/app/test_every_number_traceable.py", "tests/app/test_reader_output.py",
                         "tests/app/test_pages.py", "tests/app/test_i18n_lithuania.py", "tests/app/test_i18n_sources.py",
                         "tests/app/test_i18n_poland.py")
# Test modules that draw images or PDFs with kaleido's Chromium (app/image_export.py keeps one open
# per process), scheduled together: one worker starts Chromium once (~5 s) for all of them.
CHROMIUM_IMAGE_MODULES = ("tests/app/test_briefing_page.py", "tests/app/test_briefing_pdf.py",
                          "tests/app/test_image_export.py", "tests/app/static_edition/test_edition_browser.py")
# Pages that draw no chart themselves: the briefing page draws its charts into a PDF.
WITHOUT_CHARTS = {"briefing"}


@dataclass(frozen=True)
class RegisteredPage:
    file: str
    url_path: str
    default: bool

    @property
    def charts(self) -> bool:
        return self.url_path not in WITHOUT_CHARTS


def registered_pages() -> list[RegisteredPage]:
    tree = ast.parse(DASHBOARD.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            entries = [[ast.literal_eval(arg) for arg in call.args] for call in node.value.elts]
            # PageEntry(file, title, url_path, icon); the first entry is the default page, served at "/".
            return [RegisteredPage(file, url_path, default=(i == 0))
                    for i, (file, _title, url_path, *_) in enumerate(entries)]
    raise AssertionError("dashboard.py has no PAGES registry")
