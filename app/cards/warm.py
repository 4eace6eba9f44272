"""A server's warm-up: every card its pages draw at their default views, in every language, made
once at start-up in a background thread (EXILE_WARM_UP=1), so that the first reader of a language
finds its cards built instead of building them (1–3 s of server CPU a page, issue 16).

The process pays that work once, after its first page run (no lower OS priority: a thread
niced while holding the interpreter lock would hold readers' runs up); a reader who
arrives during it builds what is not built yet, as without a warm-up (a card being built is made
once: ChartCard.once holds its lock). Only the default views: a filter change builds its view when
asked. What is made is what every session shares anyway (app/cards `build`, ChartCard.once)."""
from __future__ import annotations

import gc
import logging
import os
import threading
import time

from app import cards, data, i18n

WARM_UP_ENV = "EXILE_WARM_UP"
_started = threading.Lock()
_state: dict[str, float | str] = {"state": "off"}
_log = logging.getLogger(__name__)


def enabled() -> bool:
    return os.environ.get(WARM_UP_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def warm(release: data.Release, languages: tuple[str, ...] = tuple(i18n.LANGUAGES)) -> int:
    """Build every registered card's default views and the views readers have asked for, and what
    its page draws from them, in each language; returns how many cards were prepared."""
    from app import chart_card  # streamlit-side module: imported where it is used
    prepared = 0
    for lang in languages:
        # the default views, then those readers have asked for so far
        views = cards.views_to_make(release, cards.asked_views())
        with i18n.speaking(lang):
            for name, _, view in views:
                card = cards.build(name, release, **view)
                if card is not None:
                    chart_card.prepare(card, release)
                    prepared += 1
                time.sleep(0)  # let a reader's run take the interpreter between cards
    return prepared


def start(release: data.Release) -> bool:
    """Start the warm-up once per process (when enabled); True if this call started it."""
    if not enabled() or not _started.acquire(blocking=False):
        return False

    def run() -> None:
        begun, cpu = time.monotonic(), time.thread_time()
        _state.update(state="running")
        try:
            prepared = warm(release)
        except Exception:  # a warm-up never takes the server down: readers build what they need
            _log.exception("warm-up failed")
            _state.update(state="failed")
            return
        # What the warm-up built is kept for the process's life: out of the cyclic collector's
        # sight from now on, or every full collection walks it again inside some reader's run
        # (0.5 s of a later visit's CPU measured without this). Collected first, so no garbage is
        # frozen. A frozen card let go later (app/cards MAX_BUILT) is freed by reference counting
        # only: what of it is a cycle (a plotly figure) stays, at most the memory the warm-up built.
        gc.collect()
        gc.freeze()
        _state.update(state="done", cards=prepared, cpu_s=round(time.thread_time() - cpu, 2),
                      wall_s=round(time.monotonic() - begun, 2))
        _log.warning("warm-up done: %s", _state)

    threading.Thread(target=run, name="exile-warm-up", daemon=True).start()
    return True


def state() -> dict[str, float | str]:
    return dict(_state)
