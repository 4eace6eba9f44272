import os

import pytest

from etl import atomic


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
