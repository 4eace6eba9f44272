import os
import subprocess
import sys

import pytest

from etl import atomic
from etl.paths import REPO_ROOT


def test_write_replaces_content_and_reports_sha(tmp_path):
    target = tmp_path / "a.txt"
    sha = atomic.write_bytes_atomic(target, b"first")
    assert target.read_bytes() == b"first"
    assert sha == atomic.sha256_file(target)
    atomic.write_bytes_atomic(target, b"second")
    assert target.read_bytes() == b"second"


def test_failed_replace_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    atomic.write_bytes_atomic(target, b"good")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_bytes_atomic(target, b"bad")
    assert target.read_bytes() == b"good"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_written_files_are_readable_by_others(tmp_path):
    target = tmp_path / "a.txt"
    atomic.write_bytes_atomic(target, b"x")
    assert target.stat().st_mode & 0o044  # not the 0600 that mkstemp creates


def test_the_umask_is_honoured_and_never_changed(tmp_path):
    # os.umask both reads and sets: a module that calls it at import briefly sets the umask of
    # every thread of the server importing it. Run in a fresh interpreter to see every call.
    script = """
import os, sys
from pathlib import Path
calls = []
real = os.umask
os.umask = lambda mask: (calls.append(mask), real(mask))[1]
import etl.atomic, etl.pipeline, etl.refresh, etl.diff
assert calls == [], calls
os.umask = real
target = Path(sys.argv[1])
modes = []
for mask in (0o022, 0o027, 0o077):
    os.umask(mask)
    etl.atomic.write_bytes_atomic(target / f"{mask:o}.txt", b"x")
    modes.append(oct((target / f"{mask:o}.txt").stat().st_mode & 0o777))
print(" ".join(modes))
"""
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                         cwd=REPO_ROOT, check=True)
    assert out.stdout.split() == ["0o644", "0o640", "0o600"]


def test_temporary_files_carry_the_name_the_cleaner_looks_for(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(os.path.basename(src))
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", spy)
    atomic.write_bytes_atomic(tmp_path / "manifest.json", b"{}")
    assert len(seen) == 1 and atomic.TEMP_NAME.match(seen[0]) and seen[0].startswith(".manifest.json.")
    assert not atomic.TEMP_NAME.match("manifest.json") and not atomic.TEMP_NAME.match(".build.lock")
