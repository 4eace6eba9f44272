"""At most run_gate.runs_at_once() page runs at once (app/run_gate.py): the places, a fragment
inside its page's run, every way a run ends, the operator's setting."""
import logging
import threading
import time

import pytest

from app import run_gate


@pytest.fixture
def places(monkeypatch):
    def set_places(count: int) -> threading.BoundedSemaphore:
        semaphore = threading.BoundedSemaphore(count)
        monkeypatch.setattr(run_gate, "_places", semaphore)
        return semaphore
    return set_places


def test_no_more_runs_at_once_than_places(places):
    places(2)
    inside, most, lock = [0], [0], threading.Lock()

    def one_run() -> None:
        with run_gate.held():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.05)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=one_run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 2 and inside[0] == 0


def test_a_fragment_inside_its_pages_run_takes_no_second_place(places):
    semaphore = places(1)
    with run_gate.held():
        with run_gate.held():  # with one place, a second acquire would wait for ever
            pass
        assert not semaphore.acquire(blocking=False)  # the page's run still holds it
    assert semaphore.acquire(blocking=False)  # given back
    semaphore.release()


def test_a_run_that_ends_early_gives_its_place_back(places):
    semaphore = places(1)

    class Stopped(Exception):
        """As st.stop(), st.rerun() and a reader's newer change end a run."""

    for _ in range(3):
        with pytest.raises(Stopped):
            with run_gate.held():
                with run_gate.held():
                    raise Stopped
    assert semaphore.acquire(blocking=False)
    semaphore.release()


@pytest.mark.parametrize("setting, expected", [("", 4), (" 2 ", 2), ("1", 1), ("1000", 1000)])
def test_the_operators_setting(setting, expected):
    assert run_gate.runs_at_once({run_gate.RUNS_AT_ONCE_ENV: setting}) == expected
    assert run_gate.runs_at_once({}) == run_gate.DEFAULT_RUNS_AT_ONCE == 4


@pytest.mark.parametrize("setting", ["0", "-3", "four", "2.5", "1001", "4; rm -rf /", "²", "４"])
def test_a_setting_that_is_not_a_count_falls_back_and_is_not_repeated(setting, caplog):
    with caplog.at_level(logging.WARNING, logger="app.run_gate"):
        assert run_gate.runs_at_once({run_gate.RUNS_AT_ONCE_ENV: setting}) == 4
    assert [r.getMessage() for r in caplog.records] == ["EXILE_RUNS_AT_ONCE is not a whole number from 1 to 1000: 4 runs at once"]


def test_a_run_waiting_on_an_image_lets_another_run_have_its_place(places, monkeypatch):
    """The briefing's PDF draws its images in the page's run (app/image_export.render, one at a
    time in chromium): meanwhile another reader's run is not held up, and the drawing run gets a
    place back before it goes on."""
    from app import image_export

    semaphore = places(1)
    drawing, other_ran, done = threading.Event(), threading.Event(), threading.Event()

    def draw(*args) -> bytes:
        drawing.set()
        assert other_ran.wait(10), "another run could not start while this one waited on chromium"
        return b"png"

    monkeypatch.setattr(image_export, "_draw", draw)
    monkeypatch.setattr(image_export, "_CACHE", type(image_export._CACHE)())

    def briefing_run() -> None:
        with run_gate.held():
            assert image_export.render(image_export.go.Figure(), "png", 100, 100, 1) == b"png"
            assert not semaphore.acquire(blocking=False)  # its place again, before it goes on
        done.set()

    thread = threading.Thread(target=briefing_run)
    thread.start()
    assert drawing.wait(10)
    with run_gate.held():
        other_ran.set()
    thread.join(10)
    assert done.is_set()


def test_setting_aside_outside_a_run_does_nothing(places):
    semaphore = places(1)
    with run_gate.set_aside():
        assert semaphore.acquire(blocking=False)
        semaphore.release()
    assert semaphore.acquire(blocking=False)
    semaphore.release()


def test_a_gated_fragment_runs_in_a_place_and_keeps_its_name(places):
    semaphore = places(1)
    seen = []

    def section_body() -> None:
        seen.append(semaphore.acquire(blocking=False))  # False: its own rerun holds the one place

    gated = run_gate.gated(section_body)
    gated()
    assert seen == [False] and gated.__name__ == "section_body"  # st.fragment names it by its function
    assert semaphore.acquire(blocking=False)
    semaphore.release()
