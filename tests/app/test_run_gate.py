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


@pytest.mark.parametrize("setting", ["0", "-3", "four", "2.5", "1001", "4; rm -rf /"])
def test_a_setting_that_is_not_a_count_falls_back_and_is_not_repeated(setting, caplog):
    with caplog.at_level(logging.WARNING, logger="app.run_gate"):
        assert run_gate.runs_at_once({run_gate.RUNS_AT_ONCE_ENV: setting}) == 4
    assert [r.getMessage() for r in caplog.records] == ["EXILE_RUNS_AT_ONCE is not a whole number from 1 to 1000: 4 runs at once"]
