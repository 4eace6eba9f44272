"""The default run's order: whole modules, the longest recorded first (tests/scheduling.py)."""
import json
from pathlib import Path
from types import SimpleNamespace

from tests import scheduling
import pytest

from tests.page_registry import CHROMIUM_IMAGE_MODULES, SHARED_RENDER_MODULES


def items(*nodeids: str) -> list:
    return [SimpleNamespace(nodeid=n) for n in nodeids]


def test_modules_are_ordered_by_their_recorded_seconds_and_kept_whole():
    collected = items("tests/a.py::t1", "tests/b.py::t1", "tests/a.py::t2", "tests/c.py::t1", "tests/b.py::t2")
    ordered = scheduling.longest_modules_first(collected, {"tests/b.py": 9.0, "tests/a.py": 2.0})
    assert [i.nodeid for i in ordered] == ["tests/b.py::t1", "tests/b.py::t2", "tests/a.py::t1", "tests/a.py::t2",
                                           "tests/c.py::t1"]  # c is unrecorded: one second


def test_without_a_record_the_collected_order_stays():
    collected = items("tests/a.py::t1", "tests/b.py::t1", "tests/a.py::t2")
    assert scheduling.longest_modules_first(collected, {}) == sorted(
        collected, key=lambda i: i.nodeid.split("::")[0])


@pytest.mark.parametrize("unit", [SHARED_RENDER_MODULES, CHROMIUM_IMAGE_MODULES], ids=["renders", "chromium"])
def test_the_modules_of_a_unit_count_and_move_as_one(unit):
    first, second = unit[:2]
    collected = items(f"{first}::t", "tests/x.py::t", f"{second}::t")
    ordered = scheduling.longest_modules_first(collected, {first: 5.0, "tests/x.py": 3.0})
    assert [i.nodeid for i in ordered] == [f"{first}::t", f"{second}::t", "tests/x.py::t"]


def test_a_damaged_record_orders_nothing(tmp_path):
    record = tmp_path / "module_seconds.json"
    record.write_text("{not json", encoding="utf-8")
    assert scheduling.recorded_seconds(record) == {}
    record.write_text("[1, 2]", encoding="utf-8")
    assert scheduling.recorded_seconds(record) == {}


def test_a_stored_run_replaces_its_modules_and_keeps_the_others(tmp_path):
    (tmp_path / "tests").mkdir()
    for name in ("a.py", "b.py"):
        (tmp_path / "tests" / name).write_text("", encoding="utf-8")
    record = tmp_path / "module_seconds.json"
    record.write_text(json.dumps({"tests/a.py": 4.0, "tests/b.py": 1.0, "tests/gone.py": 9.0}), encoding="utf-8")
    recorder = scheduling.ModuleSeconds(record)
    for nodeid, duration in [("tests/b.py::t1", 2.0), ("tests/b.py::t1", 3.5), ("tests/b.py::t2", 1.0)]:
        recorder.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, duration=duration))
    session = SimpleNamespace(config=SimpleNamespace(rootpath=tmp_path))
    recorder.pytest_sessionfinish(session)
    assert json.loads(record.read_text(encoding="utf-8")) == {"tests/b.py": 6.5, "tests/a.py": 4.0}


@pytest.mark.parametrize("unit", [SHARED_RENDER_MODULES, CHROMIUM_IMAGE_MODULES], ids=["renders", "chromium"])
def test_the_modules_of_a_unit_are_stored_as_one_entry(tmp_path, unit):
    first, second = unit[:2]
    for module in (first, second):
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text("", encoding="utf-8")
    record = tmp_path / "module_seconds.json"
    record.write_text(json.dumps({second: 7.0}), encoding="utf-8")
    recorder = scheduling.ModuleSeconds(record)
    recorder.pytest_runtest_logreport(SimpleNamespace(nodeid=f"{first}::t", duration=2.0))
    recorder.pytest_runtest_logreport(SimpleNamespace(nodeid=f"{second}::t", duration=3.0))
    recorder.pytest_sessionfinish(SimpleNamespace(config=SimpleNamespace(rootpath=tmp_path)))
    assert json.loads(record.read_text(encoding="utf-8")) == {first: 5.0}


def test_every_module_of_a_unit_exists_and_belongs_to_one_unit():
    root = Path(__file__).resolve().parents[1]
    listed = [module for unit in scheduling.UNITS for module in unit]
    assert len(listed) == len(set(listed))
    assert all((root / module).is_file() for module in listed)
