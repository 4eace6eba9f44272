"""etl/errors.py breaks the import cycle etl.diff <-> etl.pipeline: the diff gate's errors are
BuildErrors without the gate importing the pipeline that calls it."""
from __future__ import annotations

import subprocess
import sys

from etl import diff, errors, pipeline
from etl.paths import REPO_ROOT


def test_the_diff_gate_imports_without_the_pipeline():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, etl.diff; print('etl.pipeline' in sys.modules)"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "False"


def test_a_blocked_release_is_the_build_error_the_pipeline_and_the_cli_catch():
    assert pipeline.BuildError is errors.BuildError
    assert issubclass(diff.ReleaseBlocked, errors.BuildError)
