"""Longest modules first: the default run hands whole modules to two workers (--dist loadfile), and
a long module handed out last keeps one worker busy while the other idles. Ordered by their seconds in
a recorded run (tests/module_seconds.json), modules fill the two workers evenly, as pytest-split does
with its recorded durations. The record only orders the run: a stale or missing one costs time, never
a result. Refresh it with `python -m pytest --store-module-seconds` after adding or moving heavy tests.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from etl.atomic import write_bytes_atomic
from tests.page_registry import CHROMIUM_IMAGE_MODULES, SHARED_RENDER_MODULES

RECORD = Path(__file__).with_name("module_seconds.json")
UNRECORDED_SECONDS = 1.0  # a module the record does not know yet: most modules are short
# Modules that run on one worker, one after another, as if they were one file: those reading the
# shared page renders (each page rendered once for all) and those drawing with kaleido's Chromium
# (started once for all).
UNITS = (SHARED_RENDER_MODULES, CHROMIUM_IMAGE_MODULES)


def module_of(nodeid: str) -> str:
    """The scheduling unit of a test: its module, or the first module of the unit it belongs to."""
    module = nodeid.split("::", 1)[0]
    return next((unit[0] for unit in UNITS if module in unit), module)


def recorded_seconds(record: Path = RECORD) -> dict[str, float]:
    try:
        seconds = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in seconds.items()} if isinstance(seconds, dict) else {}


def longest_modules_first(items: list, seconds: dict[str, float]) -> list:
    """The items, whole modules together, the longest recorded module first; the tests of a module
    (and modules of equal length) keep their collected order."""
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        first_seen.setdefault(module_of(item.nodeid), index)

    def key(indexed: tuple[int, object]) -> tuple[float, int, int]:
        index, item = indexed
        module = module_of(item.nodeid)  # type: ignore[attr-defined]
        return -seconds.get(module, UNRECORDED_SECONDS), first_seen[module], index
    return [item for _, item in sorted(enumerate(items), key=key)]


class ModuleSeconds:
    """Sums each module's test durations (setup, call, teardown) as reported to the main process,
    and writes them into the record when the run ends: the modules run replace their entries, the
    others keep theirs, modules since deleted are dropped."""

    def __init__(self, record: Path = RECORD):
        self.record = record
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report) -> None:
        self.seconds[module_of(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session) -> None:
        if getattr(session.config, "workerinput", None) is not None or not self.seconds:
            return  # a worker: its reports reach the main process, which writes
        seconds = recorded_seconds(self.record) | {module: round(s, 1) for module, s in self.seconds.items()}
        root = Path(str(session.config.rootpath))
        kept = ((m, s) for m, s in seconds.items() if (root / m).is_file() and module_of(m) == m)  # one entry a unit
        ordered = dict(sorted(kept, key=lambda kv: (-kv[1], kv[0])))
        write_bytes_atomic(self.record, (json.dumps(ordered, indent=1) + "\n").encode("utf-8"))
