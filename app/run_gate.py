"""At most a few page runs at once in one server process (EXILE_RUNS_AT_ONCE, default 4).

Streamlit starts a thread for every run, and nothing limits how many run together: 50 readers
opening a page at once were 50 runs taking turns on one interpreter, each holding its half-made
page (tables, figures' dicts, messages) while the others advanced. The memory all of them held at
once stayed with the process: over ten rounds of 50 sessions on the Poland page the server peaked
at 418-430 MB and climbed to 395-405 MB after the tenth round; with four runs at once it peaked
at 358-368 MB and stayed flat at 334-344 MB, with the same 0 failures, a filter change's p95
unchanged and the first round at half the CPU (docs/performance.md, "At most four runs at once").
The interpreter runs one thread at a time anyway: a run that waits for its turn here loses
nothing a fifth running thread would have gained (one or two at once did slow filter changes).

Every run goes through `held()`: a page's run (dashboard.py, app/entry.py) and a section's or a
card's own rerun (their st.fragment functions are `gated`: app/url_state.section, app/chart_card).
A fragment drawn inside its page's run takes no second place (the count is per thread). A run that
waits holds nothing else (it waits before any of its work), and every way a run ends (st.stop,
st.rerun, a reader's newer change) gives its place back. A run that waits on something other than
the interpreter (the briefing's images, drawn one at a time by chromium: app/image_export.render)
sets its place aside meanwhile, so that a few readers making a PDF never hold up everyone else's
runs.
"""
from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

RUNS_AT_ONCE_ENV = "EXILE_RUNS_AT_ONCE"
DEFAULT_RUNS_AT_ONCE = 4

_log = logging.getLogger(__name__)


def runs_at_once(environ: Mapping[str, str] = os.environ) -> int:
    """The configured number of runs at once: a positive whole number, else the default (logged,
    without the value: it is the operator's input, not ours to repeat)."""
    text = environ.get(RUNS_AT_ONCE_ENV, "").strip()
    if not text:
        return DEFAULT_RUNS_AT_ONCE
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 1000:  # "²" is a digit int() refuses
        return int(text)
    _log.warning("%s is not a whole number from 1 to 1000: %d runs at once", RUNS_AT_ONCE_ENV,
                 DEFAULT_RUNS_AT_ONCE)
    return DEFAULT_RUNS_AT_ONCE


_places = threading.BoundedSemaphore(runs_at_once())
_depth = threading.local()  # how deep this thread is inside held(): a fragment inside its page's run


@contextmanager
def held() -> Iterator[None]:
    """Run the block as one of at most `runs_at_once()` runs (waiting for a place if need be)."""
    depth = getattr(_depth, "value", 0)
    if depth == 0:
        _places.acquire()
    _depth.value = depth + 1
    try:
        yield
    finally:
        _depth.value = depth
        if depth == 0:
            _places.release()


def gated(body: Callable[[], None]) -> Callable[[], None]:
    """`body` run as one of the few runs at once: for an st.fragment's function, whose own rerun is
    a run (drawn inside its page's run, it takes no second place)."""
    @functools.wraps(body)
    def run() -> None:
        with held():
            body()
    return run


@contextmanager
def set_aside() -> Iterator[None]:
    """Give this run's place to another while the block waits on something that is not the
    interpreter; take a place again after it (waiting if need be). Outside a run: nothing."""
    depth = getattr(_depth, "value", 0)
    if depth == 0:
        yield
        return
    _depth.value = 0
    _places.release()
    try:
        yield
    finally:
        _places.acquire()
        _depth.value = depth
