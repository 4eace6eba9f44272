"""A download made when the reader clicks stays there until the browser has fetched it.

st.download_button with a callable (the cards' CSV and images, the Sources page's files) makes
its file only on the click, then hands the browser the file's URL. Streamlit files it under no
session, so the sweep that follows every script run of *any* session marks it and the next sweep
deletes it (streamlit/runtime/media_file_manager.py, Streamlit 1.67). With a crowd on one process
two runs end within a fraction of a second, before the browser's request for the file arrives:
the reader's download fails ("canceled" in Chromium; seen once in CI's proxy test). Here a file
made on a click is kept at least KEEP_SECONDS after it was made, whatever runs in between; the
first sweep after that deletes it as before. Every other media file is left to Streamlit.

`install()` (at import) wraps two methods of Streamlit's MediaFileManager; tests/app/
test_download_grace.py checks the behaviour with Streamlit's own manager and storage, so an
upgrade that changes them fails there rather than in a reader's download.
"""
from __future__ import annotations

import os
import posixpath
import time

from streamlit.runtime.media_file_manager import MediaFileManager

# Long enough for a phone on a slow link to ask for the file after the click's answer; the files
# are small (a card's CSV or image, the dataset's zip) and the same file made again is one copy.
KEEP_SECONDS = 120.0

clock = time.monotonic  # tests replace it

_streamlit_execute_deferred = MediaFileManager.execute_deferred
_streamlit_delete_file = MediaFileManager._delete_file


def file_id_of(url: str) -> str:
    """The file's id in a media URL ("/media/<id>.<ext>"), read as Streamlit's storage reads it."""
    return os.path.splitext(posixpath.basename(url))[0]


def _made_at(manager: MediaFileManager) -> dict[str, float]:
    """When each file this manager made on a click was made (kept on the manager: one per runtime)."""
    return manager.__dict__.setdefault("_exiles_made_at", {})


def _execute_deferred(self: MediaFileManager, file_id: str) -> str:
    url = _streamlit_execute_deferred(self, file_id)
    with self._lock:
        _made_at(self)[file_id_of(url)] = clock()
    return url


def _delete_file(self: MediaFileManager, file_id: str) -> None:
    # Called with the manager's lock held, by its sweep (remove_orphaned_files).
    made = _made_at(self)
    if file_id in made and clock() - made[file_id] < KEEP_SECONDS:
        return  # kept (still marked for deletion): a later sweep deletes it
    made.pop(file_id, None)
    _streamlit_delete_file(self, file_id)


def install() -> None:
    """Keep files made on a click for KEEP_SECONDS (idempotent)."""
    MediaFileManager.execute_deferred = _execute_deferred  # type: ignore[method-assign]
    MediaFileManager._delete_file = _delete_file  # type: ignore[method-assign]


def uninstall() -> None:
    """Streamlit's own behaviour again (for tests that show the difference)."""
    MediaFileManager.execute_deferred = _streamlit_execute_deferred  # type: ignore[method-assign]
    MediaFileManager._delete_file = _streamlit_delete_file  # type: ignore[method-assign]


def installed() -> bool:
    return MediaFileManager.execute_deferred is _execute_deferred


install()
