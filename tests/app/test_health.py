"""`python -m app.health`, the readiness check a container or orchestrator runs: exit 0 and one
line when the manifest's release is present and intact, 1 and the reason otherwise."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from etl.paths import REPO_ROOT
from tests.app.test_data import copy_release


def health(data_root) -> tuple[int, list[str]]:
    run = subprocess.run([sys.executable, "-m", "app.health"], cwd=REPO_ROOT, capture_output=True, text=True,
                         env={**os.environ, "EXILE_DATA_DIR": str(data_root)}, timeout=60)
    return run.returncode, run.stdout.splitlines()


def test_an_intact_release_is_ready(built, tmp_path):
    paths = copy_release(built, tmp_path / "data")
    code, lines = health(paths.root)
    assert code == 0
    assert len(lines) == 1 and lines[0].startswith("ready:") and built[1]["release_id"] in lines[0]


@pytest.mark.parametrize("damage, reason", [
    ("no manifest", "does not exist"),
    ("unparsable manifest", "not a readable release manifest"),
    ("a named file removed", "which is missing"),
    ("a named file grown", "differs from the size or sha256"),
])
def test_a_missing_or_corrupt_release_is_not_ready(built, tmp_path, damage, reason):
    paths = copy_release(built, tmp_path / "data")
    named = paths.root / json.loads(paths.manifest.read_text())["tables"]["pub_facts"]["path"]
    if damage == "no manifest":
        paths.manifest.unlink()
    elif damage == "unparsable manifest":
        paths.manifest.write_text("[")
    elif damage == "a named file removed":
        named.unlink()
    else:
        with named.open("ab") as handle:
            handle.write(b"\0")
    code, lines = health(paths.root)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("not ready:") and reason in lines[0], lines


def test_the_check_loads_neither_streamlit_nor_the_etl(built):
    paths, _ = built
    probe = ("import runpy, sys\n"
             "try:\n    runpy.run_module('app.health', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('streamlit', 'pandas', 'etl.pipeline') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "EXILE_DATA_DIR": str(paths.root)})
    assert run.stdout.splitlines()[-1] == "[]", run.stdout + run.stderr
