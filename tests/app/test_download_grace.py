"""A file made on a reader's click (st.download_button with a callable) stays fetchable for
download_grace.KEEP_SECONDS, whatever script runs end meanwhile; then the sweep deletes it.
Streamlit's own MediaFileManager and memory storage, as the server runs them."""
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from app import download_grace

CSV = b"indicator,value\nx,1\n"


@pytest.fixture
def now(monkeypatch):
    moment = [1000.0]
    monkeypatch.setattr(download_grace, "clock", lambda: moment[0])
    return moment


@pytest.fixture
def manager():
    return MediaFileManager(MemoryMediaFileStorage("/media"))


def clicked(manager) -> str:
    """What the server does on a click: the deferred callable run, the file's URL handed back."""
    deferred = manager.add_deferred(lambda: CSV, "text/csv", "coordinates", file_name="card.csv")
    return manager.execute_deferred(deferred)


def fetch(manager, url: str) -> bytes:
    """What the browser's request for the URL reads (the media route asks the storage)."""
    return manager._storage.get_file(url.rsplit("/", 1)[-1]).content


def sweeps(manager, count: int) -> None:
    """The sweeps that follow script runs of any session."""
    for _ in range(count):
        manager.remove_orphaned_files()


def test_a_file_made_on_a_click_outlives_the_sweeps_of_other_runs_until_its_time_is_up(manager, now):
    assert download_grace.installed()
    url = clicked(manager)
    sweeps(manager, 5)  # a crowd's runs end before the browser asks
    now[0] += download_grace.KEEP_SECONDS - 1
    sweeps(manager, 2)
    assert fetch(manager, url) == CSV

    now[0] += 2
    sweeps(manager, 2)  # marked long ago: deleted now, its record too
    with pytest.raises(MediaFileStorageError):
        fetch(manager, url)
    assert manager.__dict__["_exiles_made_at"] == {}


def test_a_second_click_keeps_the_file_again(manager, now):
    url = clicked(manager)
    now[0] += download_grace.KEEP_SECONDS - 1
    assert clicked(manager) == url  # the same bytes are the same file
    now[0] += 2
    sweeps(manager, 2)
    assert fetch(manager, url) == CSV


def test_streamlit_alone_deletes_the_file_after_two_sweeps(manager, now):
    """Why the hook exists (and that the first test can fail): without it, two runs ending
    anywhere in the process take the reader's file away before the browser fetches it."""
    download_grace.uninstall()
    try:
        url = clicked(manager)
        sweeps(manager, 2)
        with pytest.raises(MediaFileStorageError):
            fetch(manager, url)
    finally:
        download_grace.install()
    assert download_grace.installed()


def test_files_a_run_sent_are_left_to_streamlit(manager, now):
    """A file a page run added (not made on a click) goes as soon as no session holds it."""
    url = manager.add(CSV, "text/csv", "coordinates", file_name="page.csv", is_for_static_download=True)
    manager.clear_session_refs("dontcare")  # outside a run, Streamlit files it under this session
    sweeps(manager, 2)
    with pytest.raises(MediaFileStorageError):
        fetch(manager, url)


def test_the_cards_install_it():
    import app.chart_card  # noqa: F401  (what every page with a card imports)

    assert download_grace.installed()
