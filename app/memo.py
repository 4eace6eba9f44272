"""Things made once per release and language and shared by every session: the built cards
(app/cards) and the pages' own shaping (sentences, headline rows, option lists), which reruns would
otherwise recompute from the whole series table on every run (tens to hundreds of ms).

Results are shared objects: callers never modify them. Keys are our own names and allowlisted
view values, never URL text; each store is bounded, the least recently used let go.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from app import data, i18n

T = TypeVar("T")


class Kept:
    """A bounded, thread-safe store of things made per (release, language, name)."""

    def __init__(self, max_kept: int, by_language: bool = True) -> None:
        self.max_kept = max_kept
        self.by_language = by_language  # False: made once per release, shared by every language
        self._made: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def once(self, release: data.Release, name: Hashable, make: Callable[[], T]) -> T:
        """`make()` the first time `name` is asked for at this release and language, the same object after."""
        key = (str(release.paths.root), release.release_id, i18n.language() if self.by_language else "*", name)
        with self._lock:
            if key in self._made:
                self._made.move_to_end(key)
                return self._made[key]  # type: ignore[return-value]
        value = make()
        with self._lock:
            self._made[key] = value
            while len(self._made) > self.max_kept:
                self._made.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (tests that change a release in place)."""
        with self._lock:
            self._made.clear()


MAX_KEPT = 1024
_pages = Kept(MAX_KEPT)  # the pages' shaping
# What the pages' shaping reads from the release and no text of: the rows behind the story's
# sentences, each claim's figures and events. Made once per release, then each language writes
# its texts from the same rows (a page's first run in a new language: issue 16, target 2).
_rows = Kept(MAX_KEPT, by_language=False)


def once(release: data.Release, name: Hashable, make: Callable[[], T]) -> T:
    """The pages' shaping: `make()` once per release, language and `name`."""
    return _pages.once(release, name, make)


def per_release(release: data.Release, name: Hashable, make: Callable[[], T], baked: bool = False) -> T:
    """`make()` once per release and `name`, in whatever language it is first asked: for what holds
    no text of the reader's language (rows, never sentences). `baked`: `name` is one of the rows
    the image bakes (app/cards/bake.py ROWS): read from the release's bake when it holds a usable
    file (this release, this code), made otherwise."""
    if baked:
        return _rows.once(release, name, lambda: _baked_or_made(release, str(name), make))
    return _rows.once(release, name, make)


def _baked_or_made(release: data.Release, name: str, make: Callable[[], T]) -> T:
    from app.cards import bake  # not at the top: app.cards imports the pages' shaping, which imports this
    value = bake.load_rows(release, name)
    return make() if value is bake.MISSING else value  # type: ignore[return-value]


def clear() -> None:
    _pages.clear()
    _rows.clear()
