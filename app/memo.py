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

    def __init__(self, max_kept: int) -> None:
        self.max_kept = max_kept
        self._made: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def once(self, release: data.Release, name: Hashable, make: Callable[[], T]) -> T:
        """`make()` the first time `name` is asked for at this release and language, the same object after."""
        key = (str(release.paths.root), release.release_id, i18n.language(), name)
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


def once(release: data.Release, name: Hashable, make: Callable[[], T]) -> T:
    """The pages' shaping: `make()` once per release, language and `name`."""
    return _pages.once(release, name, make)


def clear() -> None:
    _pages.clear()
