"""Page-level shaping made once per release and language, shared by every session: what a page
computes from the release before it draws (sentences, headline rows, option lists), which reruns
would otherwise recompute from the whole series table on every run (tens to hundreds of ms).

Like the built cards (app/cards), results are shared objects: callers never modify them. Keys are
our own names and allowlisted view values, never URL text; the least recently used are let go.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from app import data, i18n

T = TypeVar("T")
MAX_KEPT = 1024
_made: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def once(release: data.Release, name: Hashable, make: Callable[[], T]) -> T:
    """`make()` the first time `name` is asked for at this release and language, the same object after."""
    key = (str(release.paths.root), release.release_id, i18n.language(), name)
    with _lock:
        if key in _made:
            _made.move_to_end(key)
            return _made[key]  # type: ignore[return-value]
    value = make()
    with _lock:
        _made[key] = value
        while len(_made) > MAX_KEPT:
            _made.popitem(last=False)
    return value


def clear() -> None:
    """Forget everything (tests that change a release in place)."""
    with _lock:
        _made.clear()
