"""A page's first run in a language not drawn yet, in-process: every page once in English (imports,
tables, English cards), then the asked pages in Polish, each under cProfile (or timed only).

    python bench/profile_language.py [--pages claims,story,briefing] [--lang pl] [--top 25] [--no-profile]
                                     [--english overview,where_they_went,...]   the pages drawn in English first

CPU is the script thread's CPU (time.thread_time) over dashboard.py's run (app.entry.entrypoint),
the profile that thread's: the page's own work, without AppTest's (which scans every installed
package on each AppTest) or the websocket's."""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402

from app import entry, i18n  # noqa: E402
from app.bare_mode import quiet_streamlit  # noqa: E402

PAGES = ["overview", "where_they_went", "lithuania", "poland", "asylum", "claims", "story", "briefing", "sources"]


PROFILE: dict[str, object] = {}
_entrypoint = entry.entrypoint


@contextmanager
def profiled():
    """dashboard.py's run, timed (and profiled when asked) in the script's own thread."""
    profile = PROFILE.get("profile")
    began = time.thread_time()
    if isinstance(profile, cProfile.Profile):
        profile.enable()
    try:
        with _entrypoint():
            yield
    finally:
        if isinstance(profile, cProfile.Profile):
            profile.disable()
        PROFILE["cpu"] = float(PROFILE.get("cpu", 0.0)) + time.thread_time() - began  # type: ignore[arg-type]


entry.entrypoint = profiled


def run(page: str, lang: str) -> None:
    i18n.set_language(lang)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=600)
    at.query_params["lang"] = lang
    if page == "overview":
        at.run()
    else:  # straight to the page (Where's file name is not its URL path: reached from the first page)
        if page == "where_they_went":
            at.run()
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", default="claims,story,briefing")
    parser.add_argument("--lang", default="pl")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--english", default=",".join(PAGES), help="the pages run in English first")
    args = parser.parse_args()
    quiet_streamlit()
    for page in args.english.split(","):
        run(page, "en")
    print(f"load {os.getloadavg()[0]:.1f}; bake {'off' if os.environ.get('EXILE_BAKE') == '0' else 'on'}")
    for page in args.pages.split(","):
        profile = cProfile.Profile() if not args.no_profile else None
        PROFILE.update(profile=profile, cpu=0.0)
        run(page, args.lang)
        print(f"{page} in {args.lang}: {PROFILE['cpu']:.2f} s CPU (script thread)", flush=True)
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
